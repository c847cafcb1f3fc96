"""Personal API tokens: shown once, stored as a hash, scoped to one organization."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import ApiToken, Membership
from ambassade.accounts.permissions import require_role

TOKEN_PREFIX = "amb_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, actor: Membership, name: str, now: datetime, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the actor in their organization; the raw value is returned once."""
    require_role(actor)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    if expires_at is not None and expires_at <= now:
        raise ValidationError(_("The expiry date must be in the future."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user_id=actor.user_id,
            organization_id=actor.organization_id,
            name=name[:100],
            prefix=raw[:12],
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=expires_at,
        )
    return token, raw


def api_token_revoke(*, actor: Membership, token_id: int, now: datetime) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user_id=actor.user_id).first()
    if token is None or token.organization_id != actor.organization_id:
        raise PermissionDenied(_("This token is not yours."))
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
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
