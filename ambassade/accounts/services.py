"""Use cases of a person's own account: profile, language, organization, social accounts.

API tokens have their own module, ``ambassade.accounts.tokens``.
"""

from __future__ import annotations

import re
import secrets
import zoneinfo
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ambassade.accounts.models import (
    AccountKind,
    ApiToken,
    ApprovalPolicy,
    Language,
    Membership,
    Network,
    Notification,
    Organization,
    Role,
    Seniority,
    SocialAccount,
    User,
)
from ambassade.accounts.notifications import Message, absolute_url, notify
from ambassade.accounts.permissions import require_role
from ambassade.accounts.selectors import ERASED_EMAIL_PREFIX, ERASED_EMAIL_SUFFIX
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


# --- People of an organization (organization admins) ---------------------------------


def _check_roles(roles: Sequence[str]) -> list[str]:
    """The roles asked for, in the order of ``Role``; unknown ones are refused."""
    if any(role not in Role.values for role in roles):
        raise ValidationError({"roles": [_("Choose roles from the list.")]})
    return [role.value for role in Role if role.value in roles]


def _check_member_details(*, seniority: str) -> None:
    if seniority and seniority not in Seniority.values:
        raise ValidationError({"seniority": [_("Choose junior or senior.")]})


def _set_roles(membership: Membership, roles: Sequence[str]) -> None:
    for role in Role:
        setattr(membership, f"is_{role.value}", role.value in roles)


def _set_details(
    membership: Membership, *, department: str, specialty: str, seniority: str, office: str
) -> None:
    membership.department = department.strip()[:100]
    membership.specialty = specialty.strip()[:100]
    membership.seniority = seniority
    membership.office = office.strip()[:100]


def _other_admins(membership: Membership) -> bool:
    """Whether the organization keeps an admin without this member."""
    from ambassade.accounts.selectors import current_members

    return (
        current_members(membership.organization)
        .filter(is_admin=True, user__is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


def _member_for_admin(actor: Membership, membership_id: int) -> Membership:
    """A current member of the admin's organization, locked; anyone else: 404."""
    from ambassade.accounts.selectors import current_members

    membership = (
        current_members(actor.organization)
        .select_related("organization")
        .select_for_update(of=("self",))
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404(_("Not found."))
    return membership


def _invitation(*, user: User, organization: Organization, invited_by: Membership) -> Message:
    """The e-mail that lets a new person choose their password (a password-reset link)."""
    link = absolute_url(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    context = {
        "user": user,
        "organization": organization,
        "invited_by": invited_by.user.full_name,
        "link": link,
        "login_url": absolute_url(reverse("accounts:login")),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = _("You are invited to Ambassade by %(organization)s") % {
        "organization": organization.name
    }
    return Message(
        text=_("Welcome to %(organization)s on Ambassade.") % {"organization": organization.name},
        subject=subject,
        body=render_to_string("accounts/people_invitation_email.txt", context),
    )


def _added_message(*, organization: Organization) -> Message:
    text = _("You have been added to %(organization)s on Ambassade.") % {
        "organization": organization.name
    }
    body = _(
        "You can now work in %(organization)s: choose it in the list at the top of the pages.\n\n"
        "%(url)s\n\nAmbassade"
    ) % {"organization": organization.name, "url": absolute_url(reverse("sharing:feed"))}
    return Message(text=text, subject=text, body=body)


def membership_add(
    *,
    actor: Membership,
    email: str,
    roles: Sequence[str],
    now: datetime,
    full_name: str = "",
    language: str = Language.FRENCH,
    department: str = "",
    specialty: str = "",
    seniority: str = "",
    office: str = "",
) -> Membership:
    """Add a person to the admin's organization, by e-mail.

    Someone who already has an account gets a membership and a message; anyone
    else gets an account without a password and an invitation e-mail with a link
    to choose one (the password-reset mechanism, so the link expires alike).
    """
    require_role(actor, Role.ADMIN)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from exc
    if email.endswith(ERASED_EMAIL_SUFFIX):
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]})
    roles = _check_roles(roles)
    _check_member_details(seniority=seniority)
    if language not in Language.values:
        raise ValidationError({"language": [_("Choose a language from the list.")]})
    organization = actor.organization
    try:
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            created = user is None
            if user is None:
                full_name = " ".join(full_name.split())
                if not full_name:
                    raise ValidationError(
                        {"full_name": [_("This person has no account yet: enter their name.")]}
                    )
                user = User.objects.create_user(
                    email,
                    password=None,
                    full_name=full_name[:150],
                    language=language,
                    time_zone=organization.time_zone,
                    date_joined=now,
                )
            elif Membership.objects.filter(user=user, organization=organization).exists():
                raise ValidationError(
                    {"email": [_("This person is already a member of the organization.")]}
                )
            membership = Membership(user=user, organization=organization, created_at=now)
            _set_roles(membership, roles)
            _set_details(
                membership,
                department=department,
                specialty=specialty,
                seniority=seniority,
                office=office,
            )
            membership.save()
            audit_record(
                organization=organization,
                actor=actor,
                action=AuditAction.MEMBER_ADDED,
                now=now,
                subject=membership,
                details={"roles": roles, "new_account": created},
            )
            invited = user
            notify(
                user=invited,
                organization=organization,
                url=reverse("accounts:profile"),
                now=now,
                compose=(
                    (lambda: _invitation(user=invited, organization=organization, invited_by=actor))
                    if created
                    else (lambda: _added_message(organization=organization))
                ),
            )
    except IntegrityError as exc:
        # Two admins adding the same person at once: the constraint has the last word.
        raise ValidationError(
            {"email": [_("This person is already a member of the organization.")]}
        ) from exc
    return membership


def membership_invitation_resend(*, actor: Membership, membership_id: int, now: datetime) -> User:
    """Send the invitation again to a member who has not chosen a password yet."""
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        membership = _member_for_admin(actor, membership_id)
        user = membership.user
        if user.has_usable_password() or user.last_login is not None:
            raise ValidationError(_("This person has already chosen a password."))
        notify(
            user=user,
            organization=membership.organization,
            url=reverse("accounts:profile"),
            now=now,
            compose=lambda: _invitation(
                user=user, organization=membership.organization, invited_by=actor
            ),
        )
    return user


def membership_update(
    *,
    actor: Membership,
    membership_id: int,
    roles: Sequence[str],
    now: datetime,
    department: str = "",
    specialty: str = "",
    seniority: str = "",
    office: str = "",
) -> Membership:
    """Change a member's roles and their department, specialty, seniority and office.

    The organization always keeps an admin: the last one cannot give the role up.
    """
    require_role(actor, Role.ADMIN)
    roles = _check_roles(roles)
    _check_member_details(seniority=seniority)
    with transaction.atomic():
        membership = _member_for_admin(actor, membership_id)
        before = [role.value for role in membership.roles]
        if membership.is_admin and Role.ADMIN.value not in roles and not _other_admins(membership):
            raise ValidationError(
                {
                    "roles": [
                        _(
                            "%(name)s is the organization's last admin: make someone else "
                            "an admin first."
                        )
                        % {"name": membership.user.full_name}
                    ]
                }
            )
        _set_roles(membership, roles)
        _set_details(
            membership,
            department=department,
            specialty=specialty,
            seniority=seniority,
            office=office,
        )
        membership.save(
            update_fields=[
                *(f"is_{role.value}" for role in Role),
                "department",
                "specialty",
                "seniority",
                "office",
            ]
        )
        if before != roles:
            audit_record(
                organization=membership.organization,
                actor=actor,
                action=AuditAction.ROLES_CHANGED,
                now=now,
                subject=membership,
                details={"before": before, "after": roles},
            )
    return membership


def membership_remove(*, actor: Membership, membership_id: int, now: datetime) -> Membership:
    """Remove a person from the admin's organization; their history stays, anonymous.

    The membership row keeps the shares, clicks, points and requests that program
    totals are made of: it moves to an anonymous stand-in (as for an erasure), so
    that the person loses access at once and their name leaves the history. Their
    programs are left (consent withdrawn, links no longer attributed), and the
    organization's tokens, calendar address and planned shares stop working.
    """
    # Here, not at the top: every app imports accounts.
    from ambassade.community.models import CalendarFeed
    from ambassade.programs.models import Enrolment, EnrolmentStatus
    from ambassade.programs.services import enrolment_leave
    from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share

    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        membership = _member_for_admin(actor, membership_id)
        if membership.is_admin and not _other_admins(membership):
            raise ValidationError(
                _("%(name)s is the organization's last admin: make someone else an admin first.")
                % {"name": membership.user.full_name}
            )
        person = membership.user
        audit_record(
            organization=membership.organization,
            actor=actor,
            action=AuditAction.MEMBER_REMOVED,
            now=now,
            subject=membership,
            details={"roles": [role.value for role in membership.roles], "user_id": person.pk},
        )
        for enrolment in Enrolment.objects.filter(
            membership=membership, status=EnrolmentStatus.ACTIVE
        ):
            enrolment_leave(actor=membership, enrolment=enrolment, now=now)
        Enrolment.objects.filter(membership=membership, status=EnrolmentStatus.INVITED).update(
            status=EnrolmentStatus.LEFT, left_at=now
        )
        ScheduledShare.objects.filter(
            membership=membership,
            status__in=[ScheduledStatus.PENDING, ScheduledStatus.REMINDED],
        ).update(status=ScheduledStatus.CANCELLED)
        CalendarFeed.objects.filter(membership=membership).delete()
        ApiToken.objects.filter(
            user=person, organization_id=membership.organization_id, revoked_at__isnull=True
        ).update(revoked_at=now)
        Notification.objects.filter(
            user=person, organization_id=membership.organization_id
        ).delete()
        stand_in = User.objects.create_user(
            f"{ERASED_EMAIL_PREFIX}{secrets.token_hex(12)}{ERASED_EMAIL_SUFFIX}",
            password=None,
            full_name="",
            is_active=False,
            date_joined=now,
        )
        Share.objects.filter(membership=membership).update(ambassador=stand_in)
        membership.user = stand_in
        _set_roles(membership, [])
        membership.save(update_fields=["user", *(f"is_{role.value}" for role in Role)])
    return membership
