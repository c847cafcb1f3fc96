"""Reads for the accounts pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ambassade.accounts.models import ApiToken, Membership, Organization, Role, SocialAccount, User
from ambassade.accounts.permissions import scoped


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    status: str  # "active", "expired" or "revoked"


def social_account_list(*, user: User) -> QuerySet[SocialAccount]:
    return SocialAccount.objects.filter(user=user).order_by("network", "handle")


def _token_rows(tokens: QuerySet[ApiToken], *, now: datetime) -> list[TokenRow]:
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


def api_token_list(*, membership: Membership, now: datetime) -> list[TokenRow]:
    """The person's own tokens in the current organization, newest first."""
    tokens = scoped(ApiToken.objects.filter(user_id=membership.user_id), membership.organization)
    return _token_rows(tokens, now=now)


def api_token_list_for_organization(*, organization: Organization, now: datetime) -> list[TokenRow]:
    """Every token of the organization with its owner, newest first (for its admins)."""
    return _token_rows(scoped(ApiToken.objects.select_related("user"), organization), now=now)


# An erased person's memberships move to an anonymous, inactive user with such an
# address (see ambassade.privacy.erasure): their history stays, their identity goes.
ERASED_EMAIL_PREFIX = "erased-"
ERASED_EMAIL_SUFFIX = "@invalid"


def is_erased_email(email: str) -> bool:
    return email.startswith(ERASED_EMAIL_PREFIX) and email.endswith(ERASED_EMAIL_SUFFIX)


def person_name(full_name: str, email: str) -> str:
    """How a person is named on pages and in exports: "Former member" once erased."""
    if is_erased_email(email):
        return _("Former member")
    return full_name or email


def display_name(membership: Membership) -> str:
    return person_name(membership.user.full_name, membership.user.email)


# --- People of an organization (admins) -------------------------------------------------


def former_members_q(prefix: str = "user__") -> Q:
    """The anonymous stand-ins that erased or removed members' history is attached to."""
    return Q(
        **{
            f"{prefix}email__startswith": ERASED_EMAIL_PREFIX,
            f"{prefix}email__endswith": ERASED_EMAIL_SUFFIX,
        }
    )


def current_members(organization: Organization) -> QuerySet[Membership]:
    """The organization's members, former members (erased or removed) left out."""
    return (
        scoped(Membership.objects.all(), organization)
        .exclude(former_members_q())
        .select_related("user")
    )


def people_list(
    *, organization: Organization, search: str = "", role: str = "", department: str = ""
) -> QuerySet[Membership]:
    """Members for the People page, filtered, by name."""
    members = current_members(organization)
    search = search.strip()
    if search:
        members = members.filter(
            Q(user__full_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(department__icontains=search)
            | Q(office__icontains=search)
            | Q(specialty__icontains=search)
        )
    if role == "none":
        members = members.filter(
            is_admin=False, is_manager=False, is_curator=False, is_ambassador=False
        )
    elif role in Role.values:
        members = members.filter(**{f"is_{role}": True})
    if department:
        members = members.filter(department=department)
    return members.order_by("user__full_name", "user__email", "pk")


def department_list(*, organization: Organization) -> list[str]:
    """The departments members are in, for the filters."""
    names = (
        current_members(organization).exclude(department="").values_list("department", flat=True)
    )
    return sorted(set(names), key=str.casefold)
