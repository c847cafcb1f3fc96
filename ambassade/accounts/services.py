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
from django.utils.translation import gettext as _

from ambassade.accounts.models import (
    AccountKind,
    Language,
    Membership,
    Network,
    Seniority,
    SocialAccount,
    User,
)
from ambassade.accounts.permissions import require_role

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
