from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ambassade.tracking.models import TrackedLink
from ambassade.tracking.services import click_record


def client_ip(request: HttpRequest) -> str:
    """The client's address, only ever used inside the visitor hash."""
    if getattr(settings, "AMBASSADE_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


@csrf_exempt
@require_safe
def redirect(request: HttpRequest, code: str) -> HttpResponse:
    link = (
        TrackedLink.objects.filter(code=code, is_active=True)
        .only("id", "organization_id", "destination", "plain_url", "is_attributed")
        .first()
    )
    if link is None:
        return render(
            request,
            "tracking/unknown_link.html",
            {"message": _("This link does not exist or is no longer active.")},
            status=404,
        )
    outcome = click_record(
        link=link,
        now=timezone.now(),
        method=request.method or "GET",
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
        purpose=request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", ""),
    )
    response = HttpResponseRedirect(outcome.location)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "unsafe-url"
    return response
