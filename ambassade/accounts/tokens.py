"""Personal API tokens: shown once, stored as a hash, scoped to one organization, expiring.

A token lives 30, 90, 180 or 365 days (90 unless chosen), never longer and never
forever: a forgotten token stops working on its own. Its owner revokes it from
their profile; an organization admin can revoke any token of the organization.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import ApiToken, Membership, Role
from ambassade.accounts.permissions import require_role
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record

TOKEN_PREFIX = "amb_"
TOKEN_LIFETIME_DAYS = (30, 90, 180, 365)
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _expiry(*, now: datetime, expires_at: datetime | None, expires_in_days: int | None) -> datetime:
    if expires_at is None:
        if expires_in_days is None:
            raise ValidationError({"expires_in_days": _("Choose when the token expires.")})
        if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
            raise ValidationError({"expires_in_days": _("A token lives between 1 and 365 days.")})
        return now + timedelta(days=expires_in_days)
    if expires_at <= now:
        raise ValidationError({"expires_in_days": _("The expiry date must be in the future.")})
    if expires_at > now + timedelta(days=TOKEN_MAX_DAYS):
        raise ValidationError(
            {"expires_in_days": _("A token expires within 365 days at the latest.")}
        )
    return expires_at


def api_token_create(
    *,
    actor: Membership,
    name: str,
    now: datetime,
    expires_in_days: int | None = TOKEN_DEFAULT_DAYS,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for the actor in their organization; the raw value is returned once.

    It expires ``expires_in_days`` after ``now``, or at ``expires_at`` when given
    (a script's exact date); never later than 365 days from now.
    """
    require_role(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    expiry = _expiry(now=now, expires_at=expires_at, expires_in_days=expires_in_days)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user_id=actor.user_id,
            organization_id=actor.organization_id,
            name=name[:100],
            prefix=raw[:12],
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=expiry,
        )
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.API_TOKEN_CREATED,
            subject=actor,
            obj=token,
            object_label=_token_label(token),
            details={"expires_at": expiry.isoformat()},
            now=now,
        )
    return token, raw


def _token_label(token: ApiToken) -> str:
    # The prefix names the token without its owner's address or words (see the audit log).
    return f"{token.prefix}…"


def api_token_revoke(*, actor: Membership, token_id: int, now: datetime) -> ApiToken:
    """Revoke one's own token, or, as an organization admin, any token of the organization."""
    require_role(actor)
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update()
            .filter(pk=token_id, organization_id=actor.organization_id)
            .first()
        )
        if token is None or (token.user_id != actor.user_id and not actor.has_role(Role.ADMIN)):
            raise PermissionDenied(_("This token is not yours."))
        if token.revoked_at is None:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            owner = Membership.objects.filter(
                user_id=token.user_id, organization_id=token.organization_id
            ).first()
            audit_record(
                organization=actor.organization,
                actor=actor,
                action=AuditAction.API_TOKEN_REVOKED,
                subject=owner,
                obj=token,
                object_label=_token_label(token),
                now=now,
            )
    return token


def api_token_authenticate(raw: str, *, now: datetime) -> tuple[ApiToken, Membership] | None:
    """The token and the membership it acts as, or None when unusable."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(token_hash=hash_token(raw))
        .select_related("user", "organization")
        .first()
    )
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    membership = (
        Membership.objects.filter(user_id=token.user_id, organization_id=token.organization_id)
        .select_related("organization", "user")
        .first()
    )
    if membership is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, membership
