from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ambassade.tracking.cache import LinkLookupError
from ambassade.tracking.fastpath import default_redirector, environ_client_ip, unavailable_page


def client_ip(request: HttpRequest) -> str:
    """The client's address, only ever used inside a hash."""
    return environ_client_ip(
        request.META,
        trust_forwarded=bool(getattr(settings, "AMBASSADE_TRUST_X_FORWARDED_FOR", False)),
    )


@csrf_exempt
@require_safe
def redirect(request: HttpRequest, code: str) -> HttpResponse:
    """The redirect through Django: same lookup, classification and recording as the fast path.

    In production ``config.wsgi`` answers known codes before Django; this view
    renders the 404 page for the others, and serves every redirect under
    ``runserver`` and the test client.
    """
    redirector = default_redirector()
    redirector.ensure_started()
    try:
        link = redirector.resolve(code)
    except LinkLookupError:
        response = HttpResponse(unavailable_page(), status=503)
        response["Retry-After"] = "30"
        return response
    if link is None:
        return render(
            request,
            "tracking/unknown_link.html",
            {"message": _("This link does not exist or is no longer active.")},
            status=404,
        )
    location = redirector.answer(
        link=link,
        method=request.method or "GET",
        ip=environ_client_ip(request.META, trust_forwarded=redirector.trust_forwarded),
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
        purpose=request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", ""),
        query_string=request.META.get("QUERY_STRING", ""),
    )
    response = HttpResponseRedirect(location)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "unsafe-url"
    return response
