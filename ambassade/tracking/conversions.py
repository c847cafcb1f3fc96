"""Conversions: what readers do on the destination, attributed to the click that brought them.

Two ways in, one rule. The site's server reports a conversion with a signed
request (:func:`signature_verify`, then :func:`conversion_record` with
``source=server``); the browser script ``/t.js`` reports one to the beacon
(``source=client``, flagged as such because anyone can forge a browser
request). Either way the conversion names the click by its ``amb_cid``
(last-click attribution: the script keeps the latest one), must happen within
the organization's attribution window after that click, and a click from a bot
or a link preview never converts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Organization, Role
from ambassade.accounts.permissions import require_role
from ambassade.tracking.models import Click, Conversion, ConversionKind, ConversionSource

# A signed request is accepted for five minutes either way (clock skew included).
REPLAY_WINDOW = timedelta(minutes=5)
SIGNATURE_PREFIX = "sha256="
# How far in the future a reported time may be (clocks differ a little).
CLOCK_SKEW = timedelta(minutes=5)
MAX_VALUE = Decimal("999999999999.99")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class ConversionRefused(Exception):
    """A conversion that cannot be recorded; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class SignatureInvalid(Exception):
    """The request is not signed by the organization it claims to come from."""


# --- signatures ---------------------------------------------------------------------------


def signature_for(*, secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``"{timestamp}.{body}"`` with the organization's secret."""
    message = timestamp.encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signature_verify(
    *, organization_slug: str, timestamp: str, signature: str, body: bytes, now: datetime
) -> Organization:
    """The organization whose secret signed ``body`` at ``timestamp``, within 5 minutes of now."""
    if not organization_slug or not timestamp or not signature:
        raise SignatureInvalid(
            _(
                "Missing signature headers: X-Ambassade-Organization, X-Ambassade-Timestamp "
                "and X-Ambassade-Signature are required."
            )
        )
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise SignatureInvalid(_("X-Ambassade-Timestamp must be a Unix time in seconds.")) from exc
    if abs(now.timestamp() - sent_at) > REPLAY_WINDOW.total_seconds():
        raise SignatureInvalid(
            _("The timestamp is more than 5 minutes away from the server's clock: sign again.")
        )
    organization = Organization.objects.filter(slug=organization_slug).first()
    # Compute a signature even for an unknown organization, so that timing says nothing.
    secret = organization.conversion_secret if organization else "unknown organization"
    expected = signature_for(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()) or not organization:
        raise SignatureInvalid(_("Invalid signature."))
    return organization


# --- recording ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConversionReport:
    """What a site reports, before it is checked."""

    kind: str
    occurred_at: datetime | None = None
    value: Decimal | float | str | None = None
    currency: str = ""
    external_id: str = ""
    label: str = ""


@dataclass(frozen=True)
class ConversionOutcome:
    conversion: Conversion
    created: bool


def _clean(report: ConversionReport, *, now: datetime) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    if report.kind not in ConversionKind.values:
        errors["type"] = [
            _("Unknown conversion type; use one of: %(types)s.")
            % {"types": ", ".join(ConversionKind.values)}
        ]
    label = (report.label or "").strip()
    if report.kind == ConversionKind.CUSTOM and not label:
        errors["label"] = [_("A custom conversion needs a label.")]
    if len(label) > 100:
        errors["label"] = [_("The label is at most 100 characters.")]
    value: Decimal | None = None
    if report.value is not None and report.value != "":
        try:
            value = Decimal(str(report.value)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["value"] = [_("The value must be a number.")]
        else:
            if not value.is_finite() or value < 0 or value > MAX_VALUE:
                errors["value"] = [_("The value must be a positive amount.")]
    currency = (report.currency or "").strip().upper()
    if value is not None and not currency:
        errors["currency"] = [_("A value needs its currency (ISO 4217 code, e.g. EUR).")]
    if currency and not _CURRENCY.match(currency):
        errors["currency"] = [_("The currency is a three-letter ISO 4217 code, e.g. EUR.")]
    external_id = (report.external_id or "").strip()
    if len(external_id) > 200:
        errors["external_id"] = [_("The external id is at most 200 characters.")]
    occurred_at = report.occurred_at or now
    if occurred_at.tzinfo is None:
        errors["occurred_at"] = [_("The time needs a time zone (e.g. 2026-03-16T10:30:00Z).")]
    elif occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = [_("The conversion cannot happen in the future.")]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": report.kind,
        "label": label if report.kind == ConversionKind.CUSTOM else "",
        "value": value,
        "currency": currency if value is not None else "",
        "external_id": external_id,
        "occurred_at": min(occurred_at, now),
    }


def _existing(
    *, organization_id: int, click: Click | None, fields: dict[str, object], source: str
) -> Conversion | None:
    external_id = fields["external_id"]
    if external_id:
        found = Conversion.objects.filter(
            organization_id=organization_id, external_id=external_id
        ).first()
        if found is not None:
            return found
    if source == ConversionSource.CLIENT and click is not None:
        return Conversion.objects.filter(
            organization_id=organization_id,
            click=click,
            kind=fields["kind"],
            external_id=external_id,
            source=ConversionSource.CLIENT,
        ).first()
    return None


def _check_attribution(click: Click, occurred_at: datetime) -> None:
    if click.is_bot:
        raise ConversionRefused(
            _("This click was made by a bot or a link preview (%(reason)s): it cannot convert.")
            % {"reason": click.bot_reason or _("bot")},
            status=422,
            code="bot_click",
        )
    if occurred_at < click.clicked_at - CLOCK_SKEW:
        raise ConversionRefused(
            _("The conversion happened before the click."), status=422, code="before_click"
        )
    days = click.organization.attribution_window_days
    if occurred_at > click.clicked_at + timedelta(days=days):
        raise ConversionRefused(
            _("The click is older than the attribution window of %(days)d days.") % {"days": days},
            status=422,
            code="outside_window",
        )


def conversion_record(
    *,
    click_id: str,
    report: ConversionReport,
    source: ConversionSource,
    now: datetime,
    organization: Organization | None = None,
) -> ConversionOutcome:
    """Record a conversion for a click, or return the one already recorded for it.

    ``organization`` is the signed-in caller's (server reports): a click of any
    other organization is unknown. The browser beacon passes None: the click id
    alone names the click (and its organization).
    """
    fields = _clean(report, now=now)
    clicks = Click.objects.select_related("organization", "link")
    if organization is not None:
        clicks = clicks.filter(organization=organization)
        existing = _existing(
            organization_id=organization.pk, click=None, fields=fields, source=source
        )
        if existing is not None:
            return ConversionOutcome(existing, created=False)
    click = clicks.filter(click_id=click_id.strip()).first() if click_id.strip() else None
    if click is None:
        raise ConversionRefused(
            _("Unknown click id: it must be the amb_cid of a click on one of your links."),
            status=404,
            code="unknown_click",
        )
    existing = _existing(
        organization_id=click.organization_id, click=click, fields=fields, source=source
    )
    if existing is not None:
        return ConversionOutcome(existing, created=False)
    occurred_at = fields["occurred_at"]
    assert isinstance(occurred_at, datetime)
    _check_attribution(click, occurred_at)
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                organization_id=click.organization_id,
                click=click,
                share_id=click.link.share_id,
                received_at=now,
                source=source,
                **fields,
            )
    except IntegrityError:
        # The same conversion arrived twice at once: the other request recorded it.
        existing = _existing(
            organization_id=click.organization_id, click=click, fields=fields, source=source
        )
        if existing is None:
            raise
        return ConversionOutcome(existing, created=False)
    return ConversionOutcome(conversion, created=True)


def conversion_withdraw(*, actor: Membership, conversion: Conversion, now: datetime) -> Conversion:
    """Take a conversion out of the figures (a cancelled application, a test); it stays listed."""
    require_role(actor, Role.MANAGER)
    if conversion.organization_id != actor.organization_id:
        raise PermissionDenied(_("You are not a member of this organization."))
    with transaction.atomic():
        updated = Conversion.objects.filter(pk=conversion.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
    if updated:
        conversion.withdrawn_at = now
    return conversion
