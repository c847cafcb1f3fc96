"""Use cases of a person's own account: profile, language, organization, social accounts.

API tokens have their own module, ``ambassade.accounts.tokens``.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassade.accounts.models import (
    AccountKind,
    ApprovalPolicy,
    Language,
    Membership,
    Network,
    Organization,
    Role,
    Seniority,
    SocialAccount,
    User,
)
from ambassade.accounts.permissions import require_role
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record, changed_fields

# One DNS label: letters, digits and inner hyphens, at most 63 characters.
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_FULL_MASTODON_HANDLE = re.compile(r"^@?[^@\s/]+@([^@\s/]+)$")
_MASTODON_PROFILE_URL = re.compile(r"^https?://([^/@\s]+)/@[^/\s]+/?$")


def check_mastodon_instance(value: str) -> str:
    """The bare host name of a Mastodon server (``mastodon.social``), in lower case."""
    host = value.strip().lower().rstrip(".")
    error = ValidationError(
        _("Enter the server's host name only, e.g. mastodon.social (no https://, no path)."),
        code="invalid_instance",
    )
    if not host or len(host) > 253:
        raise error
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise error from exc
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        raise error
    if labels[-1].isdigit():
        raise error
    return host


def _instance_in_handle(handle: str) -> str:
    """The server named in a full Mastodon address: @name@server or https://server/@name."""
    if match := _FULL_MASTODON_HANDLE.match(handle):
        return match.group(1)
    if match := _MASTODON_PROFILE_URL.match(handle):
        return match.group(1)
    return ""


def _check_social_account(
    *, network: str, handle: str, audience_size: int, kind: str, mastodon_instance: str
) -> tuple[str, str]:
    """Validate the fields of a social account; return the clean handle and instance."""
    errors: dict[str, list[str]] = {}
    if network not in Network.values:
        errors["network"] = [_("Choose a network from the list.")]
    if kind not in AccountKind.values:
        errors["kind"] = [_("Choose professional or personal.")]
    handle = handle.strip()
    if not handle:
        errors["handle"] = [_("Enter your handle or the address of your profile.")]
    elif len(handle) > 200:
        errors["handle"] = [_("At most 200 characters.")]
    if audience_size < 0:
        errors["audience_size"] = [_("The audience cannot be negative.")]
    instance = ""
    if network == Network.MASTODON:
        mastodon_instance = mastodon_instance.strip() or _instance_in_handle(handle)
        if not mastodon_instance:
            errors["mastodon_instance"] = [
                _("Mastodon accounts need their server, e.g. mastodon.social.")
            ]
        else:
            try:
                instance = check_mastodon_instance(mastodon_instance)
            except ValidationError as exc:
                errors["mastodon_instance"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return handle, instance


def _check_not_duplicate(
    *, user: User, network: str, handle: str, exclude_id: int | None = None
) -> None:
    duplicates = SocialAccount.objects.filter(user=user, network=network, handle__iexact=handle)
    if exclude_id is not None:
        duplicates = duplicates.exclude(pk=exclude_id)
    if duplicates.exists():
        raise ValidationError({"handle": [_("You have already added this account.")]})


def _own_social_account(*, actor: User, account_id: int) -> SocialAccount:
    """The actor's own account; anyone else's does not exist for them."""
    account = SocialAccount.objects.select_for_update().filter(pk=account_id, user=actor).first()
    if account is None:
        raise Http404(_("Not found."))
    return account


def profile_update(
    *,
    actor: Membership,
    full_name: str,
    language: str,
    time_zone: str,
    department: str = "",
    specialty: str = "",
    seniority: str = "",
    office: str = "",
) -> Membership:
    """Update the person's own details, and their details in the current organization."""
    require_role(actor)
    errors: dict[str, list[str]] = {}
    full_name = full_name.strip()
    if not full_name:
        errors["full_name"] = [_("Enter your name.")]
    if language not in Language.values:
        errors["language"] = [_("Choose a language from the list.")]
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    if seniority and seniority not in Seniority.values:
        errors["seniority"] = [_("Choose junior or senior.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = actor.user
        user.full_name = full_name[:150]
        user.language = language
        user.time_zone = time_zone
        user.save(update_fields=["full_name", "language", "time_zone"])
        actor.department = department.strip()[:100]
        actor.specialty = specialty.strip()[:100]
        actor.seniority = seniority
        actor.office = office.strip()[:100]
        actor.save(update_fields=["department", "specialty", "seniority", "office"])
    return actor


def user_language_update(*, user: User, language: str) -> User:
    """Remember the language a person chose for the interface."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Unknown language."))
    if user.language != language:
        with transaction.atomic():
            user.language = language
            user.save(update_fields=["language"])
    return user


def organization_switch(*, user: User, organization_id: int) -> Membership:
    """The person's membership in the organization they want to work in."""
    membership = (
        Membership.objects.filter(user=user, organization_id=organization_id)
        .select_related("organization")
        .first()
    )
    if membership is None:
        # An organization one does not belong to does not exist for them.
        raise Http404(_("Not found."))
    return membership


def social_account_create(
    *,
    actor: User,
    network: str,
    handle: str,
    audience_size: int,
    kind: str,
    mastodon_instance: str = "",
    now: datetime,
) -> SocialAccount:
    """Add one of the actor's own accounts on a social network."""
    if not actor.is_active:
        raise PermissionDenied(_("This account is disabled."))
    handle, instance = _check_social_account(
        network=network,
        handle=handle,
        audience_size=audience_size,
        kind=kind,
        mastodon_instance=mastodon_instance,
    )
    with transaction.atomic():
        _check_not_duplicate(user=actor, network=network, handle=handle)
        return SocialAccount.objects.create(
            user=actor,
            network=network,
            handle=handle,
            audience_size=audience_size,
            kind=kind,
            mastodon_instance=instance,
            created_at=now,
        )


def social_account_update(
    *,
    actor: User,
    account_id: int,
    network: str,
    handle: str,
    audience_size: int,
    kind: str,
    mastodon_instance: str = "",
) -> SocialAccount:
    """Change one of the actor's own social accounts (anyone else's: 404)."""
    handle, instance = _check_social_account(
        network=network,
        handle=handle,
        audience_size=audience_size,
        kind=kind,
        mastodon_instance=mastodon_instance,
    )
    with transaction.atomic():
        account = _own_social_account(actor=actor, account_id=account_id)
        _check_not_duplicate(user=actor, network=network, handle=handle, exclude_id=account.pk)
        account.network = network
        account.handle = handle
        account.audience_size = audience_size
        account.kind = kind
        account.mastodon_instance = instance
        account.save(
            update_fields=["network", "handle", "audience_size", "kind", "mastodon_instance"]
        )
    return account


def social_account_delete(*, actor: User, account_id: int) -> SocialAccount:
    """Remove one of the actor's own social accounts (anyone else's: 404)."""
    with transaction.atomic():
        account = _own_social_account(actor=actor, account_id=account_id)
        account.delete()
    return account


# --- Organization settings -----------------------------------------------------------

MAX_BLOCKED_ENTRIES = 500
MAX_BLOCKED_LENGTH = 100


def organization_settings_update(
    *,
    actor: Membership,
    approval_policy: str,
    disclosure_text: str,
    blocked_words: str,
    daily_share_limit: int,
    sharing_start_hour: int,
    sharing_end_hour: int,
    burst_gap_minutes: int,
    now: datetime | None = None,
) -> Organization:
    """Change the approval policy and the compliance rules of the actor's organization."""
    require_role(actor, Role.ADMIN)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if approval_policy not in ApprovalPolicy.values:
        errors.setdefault("approval_policy", []).append(_("Choose which items need approval."))
    disclosure = " ".join(disclosure_text.split())
    if len(disclosure) > 100:
        errors.setdefault("disclosure_text", []).append(
            _("The disclosure is too long (100 characters at most).")
        )
    entries: list[str] = []
    for line in blocked_words.splitlines():
        entry = " ".join(line.split())
        if entry and entry.casefold() not in {e.casefold() for e in entries}:
            entries.append(entry)
    if len(entries) > MAX_BLOCKED_ENTRIES:
        errors.setdefault("blocked_words", []).append(
            _("At most %(count)d blocked words and phrases.") % {"count": MAX_BLOCKED_ENTRIES}
        )
    if any(len(entry) > MAX_BLOCKED_LENGTH for entry in entries):
        errors.setdefault("blocked_words", []).append(
            _("A blocked phrase is %(count)d characters at most.") % {"count": MAX_BLOCKED_LENGTH}
        )
    if not 0 <= daily_share_limit <= 1000:
        errors.setdefault("daily_share_limit", []).append(
            _("Choose a limit between 0 (none) and 1000.")
        )
    if not 0 <= sharing_start_hour <= 23:
        errors.setdefault("sharing_start_hour", []).append(_("Choose an hour from 0 to 23."))
    if not 1 <= sharing_end_hour <= 24:
        errors.setdefault("sharing_end_hour", []).append(_("Choose an hour from 1 to 24."))
    elif sharing_start_hour % 24 == sharing_end_hour % 24 and (
        sharing_start_hour,
        sharing_end_hour,
    ) != (0, 24):
        errors.setdefault("sharing_end_hour", []).append(
            _("The sharing hours must end at another hour than they start.")
        )
    if not 0 <= burst_gap_minutes <= 1440:
        errors.setdefault("burst_gap_minutes", []).append(
            _("Choose a gap between 0 (off) and 1440 minutes (a day).")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
        before = Organization(**{name: getattr(organization, name) for name in _SETTINGS_FIELDS})
        organization.approval_policy = approval_policy
        organization.disclosure_text = disclosure
        organization.blocked_words = "\n".join(entries)
        organization.daily_share_limit = daily_share_limit
        organization.sharing_start_hour = sharing_start_hour
        organization.sharing_end_hour = sharing_end_hour
        organization.burst_gap_minutes = burst_gap_minutes
        organization.save(update_fields=list(_SETTINGS_FIELDS))
        changed = changed_fields(before, organization, _SETTINGS_FIELDS)
        if changed:
            audit_record(
                organization=organization,
                actor=actor,
                action=AuditAction.ORGANIZATION_SETTINGS_CHANGED,
                now=now,
                details={"fields": changed},
            )
    return organization


_SETTINGS_FIELDS = (
    "approval_policy",
    "disclosure_text",
    "blocked_words",
    "daily_share_limit",
    "sharing_start_hour",
    "sharing_end_hour",
    "burst_gap_minutes",
)
