"""The browser side of conversions: the ``/t.js`` script and the beacon it reports to.

The script runs on the customer's own site (another origin), so both answer
with CORS headers and no cookie of Ambassade's is involved: the click id
travels in the body. A browser report can be forged by anyone, so it is marked
``client``, accepted only for a known human click within the attribution
window, once per (click, type, external id), and rate-limited per click and
per client (``ambassade.lib.ratelimit``). The client is known by a hash of its
address and user agent with the day's salt, never by the address itself.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from ambassade.lib.ratelimit import RateDecision, client_fingerprint, rate_limit_hit
from ambassade.tracking.conversions import ConversionRefused, ConversionReport, conversion_record
from ambassade.tracking.models import ConversionSource

MAX_BODY = 4096
WINDOW_SECONDS = 3600
# Per hour: a reader converts a handful of times at most; a page that loops does not.
PER_CLICK_LIMIT = 10
PER_CLIENT_LIMIT = 60
SCRIPT_MAX_AGE = 3600


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    response["Cache-Control"] = "no-store"
    return response


def _answer(status: int, **body: Any) -> HttpResponse:
    return _cors(JsonResponse(body, status=status))


def _rate_limited(decision: RateDecision) -> HttpResponse:
    response = _answer(429, detail=_("Too many reports: try again later."), code="rate_limited")
    response["Retry-After"] = str(decision.retry_after)
    return response


class BadReport(Exception):
    pass


def _payload(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise BadReport(_("The report is too large."))
    # sendBeacon sends text/plain (a simple request, no preflight): read JSON whatever the type.
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadReport(_("The report must be a JSON object.")) from exc
    if not isinstance(data, dict):
        raise BadReport(_("The report must be a JSON object."))
    return data


def _text(data: dict[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if value is not None:
            return str(value)
    return ""


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def beacon(request: HttpRequest) -> HttpResponse:
    """A conversion reported by ``/t.js`` from the reader's browser."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    now = timezone.now()
    by_client = rate_limit_hit(
        "beacon-client",
        client_fingerprint(request, now=now),
        limit=PER_CLIENT_LIMIT,
        window_seconds=WINDOW_SECONDS,
        now=now,
    )
    if by_client.limited:
        return _rate_limited(by_client)
    try:
        data = _payload(request)
    except BadReport as exc:
        return _answer(400, detail=str(exc), code="invalid")
    click_id = _text(data, "cid", "click_id")[:64]
    if not click_id:
        return _answer(400, detail=_("The click id (cid) is missing."), code="invalid")
    click_key = hashlib.sha256(click_id.encode()).hexdigest()[:32]
    by_click = rate_limit_hit(
        "beacon-click", click_key, limit=PER_CLICK_LIMIT, window_seconds=WINDOW_SECONDS, now=now
    )
    if by_click.limited:
        return _rate_limited(by_click)
    occurred_at = None
    if raw_time := _text(data, "occurredAt", "occurred_at"):
        try:
            occurred_at = parse_datetime(raw_time)
        except ValueError:
            occurred_at = None
        if occurred_at is None:
            return _answer(400, detail=_("occurredAt must be an ISO 8601 time."), code="invalid")
    value = data.get("value")
    try:
        outcome = conversion_record(
            click_id=click_id,
            report=ConversionReport(
                kind=_text(data, "type"),
                label=_text(data, "label")[:200],
                value=None if value is None or isinstance(value, bool) else value,
                currency=_text(data, "currency")[:10],
                external_id=_text(data, "externalId", "external_id")[:300],
                occurred_at=occurred_at,
            ),
            source=ConversionSource.CLIENT,
            now=now,
        )
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return _answer(400, detail=detail, code="invalid")
    except ConversionRefused as exc:
        return _answer(exc.status, detail=exc.message, code=exc.code)
    # Nothing about the conversion goes back: the page only learns it was taken.
    status = 201 if outcome.created else 200
    return _answer(status, result="recorded" if outcome.created else "already recorded")


@lru_cache(maxsize=1)
def _script() -> tuple[bytes, str]:
    path = finders.find("js/t.js")
    if not path or isinstance(path, list):
        raise FileNotFoundError("static/js/t.js is missing")
    content = open(path, "rb").read()  # noqa: SIM115 - read once, cached
    return content, '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


@require_safe
def script(request: HttpRequest) -> HttpResponse:
    """``/t.js``: the script a landing page includes to keep the click id and report conversions."""
    content, etag = _script()
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
