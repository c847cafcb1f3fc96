"""Reads for the accounts pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from ambassade.accounts.models import ApiToken, Membership, SocialAccount, User
from ambassade.accounts.permissions import scoped


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    status: str  # "active", "expired" or "revoked"


def social_account_list(*, user: User) -> QuerySet[SocialAccount]:
    return SocialAccount.objects.filter(user=user).order_by("network", "handle")


def api_token_list(*, membership: Membership, now: datetime) -> list[TokenRow]:
    """The person's own tokens in the current organization, newest first."""
    tokens = scoped(ApiToken.objects.filter(user_id=membership.user_id), membership.organization)
    rows = []
    for token in tokens.order_by("-created_at", "-pk"):
        if token.revoked_at is not None:
            status = "revoked"
        elif token.expires_at is not None and token.expires_at <= now:
            status = "expired"
        else:
            status = "active"
        rows.append(TokenRow(token=token, status=status))
    return rows
