"""Erasure: a person's identity is removed and their history anonymised.

Everything a person did in an organization hangs off their membership (shares and
their links and clicks, points, badges, rewards, training, events, mentoring,
newsletter deliveries…). Erasing a membership moves it to a fresh anonymous user
(``erased-<random>@invalid``, no name, no usable password, inactive), so that the
history, and every total computed from it, stays exactly as it was, while nothing
left points back to the person:

- the person's own words are cleared (share commentaries, proposal notes, reward
  request notes, mentoring notes), the shares themselves and their points stay;
- the social accounts their shares were made with are replaced by anonymous copies
  keeping only the network, the type and the audience (potential reach stays right);
- notifications, API tokens, the calendar feed and digests are deleted; newsletter
  deliveries keep their status, with the anonymous address;
- their links stop recording clicks (readers still reach the page), their plans to
  share later are cancelled, their mentoring pairs end;
- their name and address are replaced by "Former member" where colleagues' texts
  mention them (notifications, audit labels, newsletter editorials, events…).

A person erasing themselves loses every membership, then their account is deleted
along with their sessions and login attempts. A manager erasing a member on request
anonymises that organization's membership only; the account goes too when it has no
membership left.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from ambassade.accounts.models import (
    ApiToken,
    Membership,
    Notification,
    Organization,
    Role,
    SocialAccount,
    User,
)
from ambassade.accounts.permissions import require_role
from ambassade.accounts.selectors import (
    ERASED_EMAIL_PREFIX,
    ERASED_EMAIL_SUFFIX,
    is_erased_email,
)
from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.audit.services import audit_record
from ambassade.community.models import (
    CalendarFeed,
    Event,
    MentoringPair,
    MentoringSession,
    PairStatus,
)
from ambassade.content.models import ContentItem, FeedSource, Proposal
from ambassade.jobs.models import JobRun
from ambassade.newsletter.models import (
    Delivery,
    DeliveryStatus,
    Digest,
    DigestFrequency,
    Issue,
    Preference,
)
from ambassade.programs.models import Program
from ambassade.rewards.models import Redemption
from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share
from ambassade.tracking.models import TrackedLink
from ambassade.tracking.services import links_changed

# Names shorter than this are not searched for in colleagues' texts (too many false hits).
MIN_NAME_LENGTH = 4


def _anonymous_user(original: User, now: datetime) -> User:
    return User.objects.create_user(
        email=f"{ERASED_EMAIL_PREFIX}{secrets.token_hex(12)}{ERASED_EMAIL_SUFFIX}",
        password=None,
        full_name="",
        is_active=False,
        # Kept: they decide which local day an activity counts for, and name nobody.
        language=original.language,
        time_zone=original.time_zone,
        date_joined=now,
    )


def _needles(user: User) -> list[str]:
    """What identifies the person in free text: their address and full name."""
    needles = [user.email]
    name = user.full_name.strip()
    if len(name) >= MIN_NAME_LENGTH:
        needles.append(name)
    return needles


def _replace_mentions(
    queryset: models.QuerySet[models.Model], fields: Iterable[str], needles: list[str], label: str
) -> None:
    fields = list(fields)
    matching = Q()
    for field in fields:
        for needle in needles:
            matching |= Q(**{f"{field}__icontains": needle})
    patterns = [re.compile(re.escape(needle), re.IGNORECASE) for needle in needles]
    for row in queryset.filter(matching):
        changed = []
        for field in fields:
            value = getattr(row, field)
            new = value
            for pattern in patterns:
                new = pattern.sub(label, new)
            if new != value:
                setattr(row, field, new)
                changed.append(field)
        if changed:
            row.save(update_fields=changed)


def _scrub_mentions(organization: Organization, needles: list[str]) -> None:
    """Colleagues' texts that name the person: the name becomes "Former member"."""
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Former member")
    org = organization.pk
    for queryset, fields in (
        (Notification.objects.filter(organization_id=org), ["message"]),
        (AuditEntry.objects.filter(organization_id=org), ["object_label"]),
        (Proposal.objects.filter(organization_id=org), ["reviewer_note"]),
        (Redemption.objects.filter(program__organization_id=org), ["refusal_reason"]),
        (MentoringSession.objects.filter(pair__organization_id=org), ["topic", "notes"]),
        (Issue.objects.filter(organization_id=org), ["subject", "editorial", "tip"]),
        (Event.objects.filter(organization_id=org), ["title", "description", "place"]),
        (JobRun.objects.filter(organization_id=org), ["message", "error"]),
    ):
        _replace_mentions(queryset, fields, needles, label)


def _anonymous_accounts(membership: Membership, anonymous: User) -> None:
    """Shares keep an account with the same network and audience, but not the person's."""
    used = set(
        Share.objects.filter(membership=membership, social_account__isnull=False).values_list(
            "social_account_id", flat=True
        )
    ) | set(
        ScheduledShare.objects.filter(
            membership=membership, social_account__isnull=False
        ).values_list("social_account_id", flat=True)
    )
    for number, account in enumerate(
        SocialAccount.objects.filter(pk__in=used).order_by("pk"), start=1
    ):
        copy = SocialAccount.objects.create(
            user=anonymous,
            network=account.network,
            handle=f"account-{number}",
            audience_size=account.audience_size,
            kind=account.kind,
            mastodon_instance=account.mastodon_instance,
            created_at=account.created_at,
        )
        Share.objects.filter(membership=membership, social_account=account).update(
            social_account=copy
        )
        ScheduledShare.objects.filter(membership=membership, social_account=account).update(
            social_account=copy
        )


def _membership_anonymise(
    membership: Membership, *, actor: Membership | None, now: datetime
) -> Membership:
    """Move one membership, and all it holds, to a new anonymous user (inside a transaction)."""
    user = membership.user
    organization = membership.organization
    org = organization.pk
    anonymous = _anonymous_user(user, now)

    _anonymous_accounts(membership, anonymous)
    Share.objects.filter(membership=membership).update(ambassador=anonymous, commentary="")
    ScheduledShare.objects.filter(membership=membership).update(commentary="")
    ScheduledShare.objects.filter(
        membership=membership, status__in=[ScheduledStatus.PENDING, ScheduledStatus.REMINDED]
    ).update(status=ScheduledStatus.CANCELLED)
    # Readers of posts already out there still reach the page, without being recorded.
    if (
        TrackedLink.objects.filter(share__membership=membership, is_attributed=True).update(
            is_attributed=False
        )
        > 0
    ):
        links_changed()

    # What the person authored under their account rather than their membership.
    Proposal.objects.filter(organization_id=org, proposer_id=user.pk).update(
        proposer=anonymous, note=""
    )
    Proposal.objects.filter(organization_id=org, decided_by_id=user.pk).update(decided_by=anonymous)
    ContentItem.objects.filter(organization_id=org, created_by_id=user.pk).update(
        created_by=anonymous
    )
    FeedSource.objects.filter(organization_id=org, created_by_id=user.pk).update(
        created_by=anonymous
    )
    # A program's manager is a role, not history: the program has none until one is named.
    Program.objects.filter(organization_id=org, manager_id=user.pk).update(manager=None)
    Issue.objects.filter(organization_id=org, sent_by_id=user.pk).update(sent_by=anonymous)

    # The person's own words.
    Redemption.objects.filter(membership=membership).update(note="")
    pairs = MentoringPair.objects.filter(Q(junior=membership) | Q(senior=membership))
    MentoringSession.objects.filter(pair__in=pairs).update(notes="")
    pairs.filter(status=PairStatus.ACTIVE).update(status=PairStatus.ENDED, ended_at=now)

    # What only served to reach the person.
    Notification.objects.filter(organization_id=org, user_id=user.pk).delete()
    ApiToken.objects.filter(organization_id=org, user_id=user.pk).delete()
    CalendarFeed.objects.filter(membership=membership).delete()
    Digest.objects.filter(membership=membership).delete()
    Delivery.objects.filter(membership=membership, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SKIPPED
    )
    Delivery.objects.filter(membership=membership).update(email=anonymous.email, error="")
    Preference.objects.update_or_create(
        membership=membership,
        defaults={
            "organization_id": org,
            "newsletter": False,
            "digest": DigestFrequency.OFF,
            "updated_at": now,
        },
    )

    _scrub_mentions(organization, _needles(user))
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership), object_id=str(membership.pk)
    ).update(object_repr="", change_message="")

    # Department and seniority stay: team totals and challenges group by them.
    membership.user = anonymous
    membership.is_admin = False
    membership.is_manager = False
    membership.is_curator = False
    membership.specialty = ""
    membership.office = ""
    membership.save(
        update_fields=["user", "is_admin", "is_manager", "is_curator", "specialty", "office"]
    )
    audit_record(
        organization=organization,
        actor=actor,
        action=AuditAction.PERSONAL_DATA_ERASED,
        subject=membership,
        details={"by": "the person" if actor is None else "a manager, on request"},
        now=now,
    )
    return membership


def _sessions_end(user: User) -> int:
    """Log the person out everywhere (sessions stored on the server)."""
    if not settings.SESSION_ENGINE.endswith((".db", ".cached_db")):
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    wanted = str(user.pk)
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == wanted:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def _login_attempts_forget(email: str) -> None:
    """django-axes remembers failed logins by username: forget the person's."""
    if not apps.is_installed("axes"):
        return
    for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        try:
            model = apps.get_model("axes", name)
        except LookupError:
            continue
        model.objects.filter(username__iexact=email).delete()


def _user_delete(user: User) -> None:
    needles = _needles(user)
    _sessions_end(user)
    _login_attempts_forget(user.email)
    matching = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    for needle in needles:
        matching |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    LogEntry.objects.filter(matching).update(object_repr="", change_message="")
    # Social accounts, API tokens and notifications left go with the account.
    user.delete()


def personal_data_erase(*, user: User, password: str, now: datetime) -> list[Membership]:
    """A person erases themselves: every membership anonymised, then the account deleted.

    Returns the anonymised memberships. The password confirms it is really them.
    """
    if is_erased_email(user.email) or not user.is_active:
        raise PermissionDenied(_("This account cannot be erased."))
    if not user.check_password(password):
        raise ValidationError({"password": [_("This is not your password.")]})
    with transaction.atomic():
        memberships = list(
            Membership.objects.select_for_update()
            .filter(user=user)
            .select_related("organization", "user")
            .order_by("pk")
        )
        erased = [_membership_anonymise(m, actor=None, now=now) for m in memberships]
        _user_delete(user)
    return erased


def membership_erase(*, actor: Membership, membership: Membership, now: datetime) -> Membership:
    """A manager erases a member of their organization, at the member's request.

    Only that organization's membership is anonymised; the person's other
    organizations are untouched. Their account goes when no membership is left.
    """
    require_role(actor, Role.MANAGER)
    if membership.organization_id != actor.organization_id:
        raise PermissionDenied(_("This person is not a member of your organization."))
    if membership.pk == actor.pk:
        raise PermissionDenied(_("To erase your own data, use your profile."))
    if membership.is_admin and not actor.is_admin:
        raise PermissionDenied(_("Only an organization admin can erase an admin's data."))
    with transaction.atomic():
        current = (
            Membership.objects.select_for_update()
            .select_related("organization", "user")
            .get(pk=membership.pk)
        )
        if is_erased_email(current.user.email):
            raise ValidationError(_("This member's data has already been erased."))
        user = current.user
        erased = _membership_anonymise(current, actor=actor, now=now)
        if not Membership.objects.filter(user=user).exists():
            _user_delete(user)
    return erased
