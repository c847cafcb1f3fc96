"""The people of an organization, managed by its admins: add, change roles, remove.

Every change is recorded in the audit log.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ambassade.accounts.models import (
    ApiToken,
    Language,
    Membership,
    Notification,
    Organization,
    Role,
    Seniority,
    User,
)
from ambassade.accounts.notifications import Message, absolute_url, notify
from ambassade.accounts.permissions import require_role
from ambassade.accounts.selectors import ERASED_EMAIL_PREFIX, ERASED_EMAIL_SUFFIX
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record


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
