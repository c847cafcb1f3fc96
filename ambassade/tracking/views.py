from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ambassade.tracking.cache import LinkLookupError
from ambassade.tracking.fastpath import (
    CODE,
    NOT_FOUND_COUNTED,
    SMALL_PAGE_HEADERS,
    default_redirector,
    environ_client_ip,
    rate_limited_page,
    unavailable_page,
)


def client_ip(request: HttpRequest) -> str:
    """The client's address, only ever used inside a hash."""
    return environ_client_ip(
        request.META,
        trust_forwarded=bool(getattr(settings, "AMBASSADE_TRUST_X_FORWARDED_FOR", False)),
    )


def _small_page(body: bytes, *, status: int, retry_after: int) -> HttpResponse:
    response = HttpResponse(body, status=status)
    for header, value in SMALL_PAGE_HEADERS:
        response[header] = value
    response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt
@require_safe
def redirect(request: HttpRequest, code: str) -> HttpResponse:
    """The redirect through Django: same lookup, classification and recording as the fast path.

    In production ``config.wsgi`` answers known codes before Django; this view
    renders the 404 page for the others, and serves every redirect under
    ``runserver`` and the test client. Unknown and malformed codes are limited
    per client, like in the fast path (and counted once when it passed them on).
    """
    redirector = default_redirector()
    redirector.ensure_started()
    ip = environ_client_ip(request.META, trust_forwarded=redirector.trust_forwarded)
    try:
        # A malformed code cannot exist: no need to look for it.
        link = redirector.resolve(code) if CODE(code) else None
    except LinkLookupError:
        return _small_page(unavailable_page(), status=503, retry_after=30)
    if link is None:
        if not request.META.get(NOT_FOUND_COUNTED):
            decision = redirector.not_found_hit(ip=ip, now=time.time())
            if decision.limited:
                return _small_page(
                    rate_limited_page(), status=429, retry_after=decision.retry_after
                )
        return render(
            request,
            "tracking/unknown_link.html",
            {"message": _("This link does not exist or is no longer active.")},
            status=404,
        )
    location = redirector.answer(
        link=link,
        method=request.method or "GET",
        ip=ip,
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
        purpose=request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", ""),
        query_string=request.META.get("QUERY_STRING", ""),
    )
    response = HttpResponseRedirect(location)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "unsafe-url"
    return response
