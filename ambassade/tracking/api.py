"""``POST /api/v1/conversions``: a site's server reports a conversion, signed with HMAC.

No token here: the organization's conversion secret signs each request, so a
careers site or a CRM can report without holding a person's token.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ValidationError as SchemaError

from ambassade.lib.api_inputs import Moment, Text
from ambassade.lib.ratelimit import (
    RateDecision,
    client_fingerprint,
    rate_limit_hit,
    rate_limit_peek,
)
from ambassade.tracking.conversions import (
    ConversionRefused,
    ConversionReport,
    SignatureInvalid,
    conversion_record,
    signature_verify,
)
from ambassade.tracking.models import Conversion, ConversionKind, ConversionSource

router = Router(tags=["conversions"])

MAX_BODY = 16 * 1024

SIGNATURE_DOC = """
Report a conversion (a job application, a lead, a sign-up, a purchase, or a
custom one) from the destination site's server, attributed to the click that
brought the reader: the `amb_cid` parameter Ambassade added to the link.

**Authentication: an HMAC-SHA256 signature, no token.** Three headers:

| header | value |
|---|---|
| `X-Ambassade-Organization` | the organization's slug, e.g. `acme` |
| `X-Ambassade-Timestamp` | the current Unix time in seconds, e.g. `1773657000` |
| `X-Ambassade-Signature` | `sha256=` + hex HMAC-SHA256 of `"{timestamp}.{raw body}"`, keyed with the organization's conversion secret |

Sign the exact bytes you send. A timestamp more than 5 minutes away from
Ambassade's clock is refused (401), so a captured request cannot be replayed.

Worked example, with the secret
`3f1c0a7e9b2d4c6f8a1e3b5d7c9f0a2b4d6e8f1a3c5e7b9d0f2a4c6e8b1d3f5a`,
the timestamp `1773657000` and the body

```
{"click_id":"5f0c3a9e2b7d41c8a6e19f30","type":"job_application","external_id":"APP-2026-0042","occurred_at":"2026-03-16T10:29:41Z"}
```

the signed message is `1773657000.{"click_id":…}` (timestamp, a dot, the body)
and the header is

```
X-Ambassade-Signature: sha256=9f2af9bca879a758349869b6161c9c1266c38627315b633afa979682d30cc591
```

In Python: `"sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
hashlib.sha256).hexdigest()`.

**Idempotent.** The same `external_id` twice is one conversion: the first
call answers 201, the next ones 200 with the conversion already recorded.

**Refusals**, always with a JSON `detail`: 400 malformed body, 401 bad or
stale signature, 404 unknown click id (or a click of another organization),
422 a click by a bot or a link preview, or older than the organization's
attribution window (30 days unless set otherwise), 429 too many requests (see
the `Retry-After` header, in seconds).

**Rate limits**, per minute: 600 signed requests per organization, 30 wrongly
signed requests per client (unless the instance sets others).
"""


class ConversionIn(Schema):
    click_id: Text = Field(
        max_length=64, description="The `amb_cid` that Ambassade added to the link."
    )
    type: ConversionKind = Field(description="job_application, lead, sign_up, purchase or custom.")
    label: Text = Field("", description="What a custom conversion is (custom only).")
    value: Decimal | None = Field(None, description="An amount, e.g. 1200.00.")
    currency: Text = Field("", description="ISO 4217 code of the value, e.g. EUR.")
    external_id: Text = Field(
        "", description="Your own id (application number…): the same id twice is one conversion."
    )
    occurred_at: Moment | None = Field(
        None, description="When it happened, ISO 8601 with a time zone; now if omitted."
    )


class ConversionOut(Schema):
    id: int
    click_id: str
    share_id: int
    type: str
    label: str
    value: Decimal | None
    currency: str
    external_id: str
    occurred_at: datetime
    received_at: datetime
    source: str
    withdrawn: bool


class ConversionErrorOut(Schema):
    detail: str | list[str] | dict[str, list[str]]
    code: str = ""


def conversion_out(conversion: Conversion) -> ConversionOut:
    return ConversionOut(
        id=conversion.pk,
        click_id=conversion.click.click_id,
        share_id=conversion.share_id,
        type=conversion.kind,
        label=conversion.label,
        value=conversion.value,
        currency=conversion.currency,
        external_id=conversion.external_id,
        occurred_at=conversion.occurred_at,
        received_at=conversion.received_at,
        source=conversion.source,
        withdrawn=conversion.withdrawn_at is not None,
    )


def _error(status: int, detail: Any, code: str) -> Status[ConversionErrorOut]:
    return Status(status, ConversionErrorOut(detail=detail, code=code))


def _rate_limited(response: HttpResponse, decision: RateDecision) -> Status[ConversionErrorOut]:
    response["Retry-After"] = str(decision.retry_after)
    return _error(429, _("Too many requests: try again later."), "rate_limited")


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with its ``$defs`` written in place: in the OpenAPI document a
    ``#/$defs/…`` reference would point at the document's root, where nothing is."""
    defs = schema.pop("$defs", {})

    def expand(node: Any) -> Any:
        if isinstance(node, list):
            return [expand(value) for value in node]
        if not isinstance(node, dict):
            return node
        if str(node.get("$ref", "")).startswith("#/$defs/"):
            target = defs[node["$ref"].removeprefix("#/$defs/")]
            return expand({**target, **{k: v for k, v in node.items() if k != "$ref"}})
        return {key: expand(value) for key, value in node.items()}

    result: dict[str, Any] = expand(schema)
    return result


_BODY_SCHEMA = {
    "required": True,
    "content": {"application/json": {"schema": _inlined(ConversionIn.model_json_schema())}},
}
_SIGNATURE_HEADERS = [
    {
        "in": "header",
        "name": name,
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }
    for name, description in (
        ("X-Ambassade-Organization", "The organization's slug."),
        ("X-Ambassade-Timestamp", "Unix time in seconds; 5-minute replay window."),
        ("X-Ambassade-Signature", 'sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">'),
    )
]


@router.post(
    "",
    auth=None,
    response={
        200: ConversionOut,
        201: ConversionOut,
        400: ConversionErrorOut,
        401: ConversionErrorOut,
        404: ConversionErrorOut,
        422: ConversionErrorOut,
        429: ConversionErrorOut,
    },
    summary="Report a conversion (signed server to server)",
    description=SIGNATURE_DOC,
    openapi_extra={"requestBody": _BODY_SCHEMA, "parameters": _SIGNATURE_HEADERS},
)
def conversions_create(request: HttpRequest, response: HttpResponse) -> Status[Any]:
    now = timezone.now()
    body = request.body
    # Wrong signatures per client (address only: an attacker changes user agents at will).
    client = client_fingerprint(request, now=now, with_agent=False)
    failures = settings.AMBASSADE_CONVERSIONS_FAILURES_PER_MINUTE
    refused = rate_limit_peek(
        "conversions-refused", client, limit=failures, window_seconds=60, now=now
    )
    if refused.count >= failures:
        return _rate_limited(response, refused)
    try:
        organization = signature_verify(
            organization_slug=request.headers.get("X-Ambassade-Organization", "").strip(),
            timestamp=request.headers.get("X-Ambassade-Timestamp", "").strip(),
            signature=request.headers.get("X-Ambassade-Signature", ""),
            body=body,
            now=now,
        )
    except SignatureInvalid as exc:
        rate_limit_hit("conversions-refused", client, limit=failures, window_seconds=60, now=now)
        return _error(401, str(exc), "invalid_signature")
    # Only signed requests count against the organization's budget.
    signed = rate_limit_hit(
        "conversions",
        f"org:{organization.pk}",
        limit=settings.AMBASSADE_CONVERSIONS_RATE_PER_MINUTE,
        window_seconds=60,
        now=now,
    )
    if signed.limited:
        return _rate_limited(response, signed)
    if len(body) > MAX_BODY:
        return _error(400, _("The body is too large."), "invalid")
    try:
        payload = ConversionIn.model_validate(json.loads(body))
    except (ValueError, SchemaError) as exc:
        if isinstance(exc, SchemaError):
            detail = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        else:
            detail = [_("The body must be a JSON object.")]
        return _error(400, detail, "invalid")
    try:
        outcome = conversion_record(
            organization=organization,
            click_id=payload.click_id,
            report=ConversionReport(
                kind=payload.type,
                label=payload.label,
                value=payload.value,
                currency=payload.currency,
                external_id=payload.external_id,
                occurred_at=payload.occurred_at,
            ),
            source=ConversionSource.SERVER,
            now=now,
        )
    except ValidationError as exc:
        return _error(
            400, exc.message_dict if hasattr(exc, "error_dict") else exc.messages, "invalid"
        )
    except ConversionRefused as exc:
        return _error(exc.status, exc.message, exc.code)
    return Status(201 if outcome.created else 200, conversion_out(outcome.conversion))
