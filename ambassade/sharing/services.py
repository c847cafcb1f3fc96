"""Sharing an item: the core of the loop, under the organization's compliance rules;
shares scheduled for later and their reminders."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Network, Role, SocialAccount
from ambassade.accounts.notifications import Message, absolute_url, notify
from ambassade.accounts.permissions import require_role
from ambassade.content.models import ContentItem, ItemStatus
from ambassade.lib.own_words import own_words_ratio
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.sharing import compliance
from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share
from ambassade.sharing.networks import intent_for, text_budget
from ambassade.tracking.services import link_create, short_url
from ambassade.training.services import charter_check

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShareOutcome:
    share: Share
    tracked_url: str
    intent_url: str
    copy_to_clipboard: bool


def active_enrolments(membership: Membership) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(membership=membership, status=EnrolmentStatus.ACTIVE)
        .select_related("program", "wave")
        .order_by("program__name")
    )


def share_program(*, membership: Membership, item: ContentItem) -> Program | None:
    """The program under which the ambassador may share this item, if any."""
    for enrolment in active_enrolments(membership):
        if not item.programs.filter(pk=enrolment.program_id).exists():
            continue
        waves = list(item.waves.filter(program_id=enrolment.program_id))
        if waves and enrolment.wave_id not in {w.pk for w in waves}:
            continue
        return enrolment.program
    return None


def networks_for(*, membership: Membership, program: Program) -> list[SocialAccount]:
    """The ambassador's accounts on networks the program allows."""
    return list(
        SocialAccount.objects.filter(
            user_id=membership.user_id, network__in=program.allowed_networks
        ).order_by("network", "handle")
    )


def _check_available(item: ContentItem, now: datetime) -> None:
    if item.is_live(now):
        return
    if item.status == ItemStatus.ARCHIVED:
        raise ValidationError(_("This item has been withdrawn: it can no longer be shared."))
    if item.expires_at is not None and item.expires_at <= now:
        raise ValidationError(_("This item has expired: it can no longer be shared."))
    raise ValidationError(_("This item is not available for sharing."))


@dataclass(frozen=True)
class _Checked:
    program: Program
    social_account: SocialAccount
    commentary: str  # the ambassador's own words
    text: str  # as posted: the disclosure included


def _check_share(
    *,
    actor: Membership,
    item: ContentItem,
    network: str,
    commentary: str,
    social_account: SocialAccount | None,
) -> _Checked:
    """The checks a share and a scheduled share have in common (not time-dependent)."""
    program = share_program(membership=actor, item=item)
    if program is None:
        raise PermissionDenied(
            _("You must have joined a program this item is published to before sharing it.")
        )
    # The program's charter, when the organization requires it (raises with a link).
    charter_check(membership=actor, program=program)
    if network not in Network.values or network not in program.allowed_networks:
        raise ValidationError(_("This network is not allowed by the program."))
    accounts = [a for a in networks_for(membership=actor, program=program) if a.network == network]
    if social_account is None and accounts:
        social_account = accounts[0]
    if social_account is None or social_account not in accounts:
        raise ValidationError(_("Add your account on this network to your profile first."))
    commentary = commentary.strip()
    if not commentary:
        raise ValidationError(_("Write a commentary in your own words."))
    organization = actor.organization
    text = compliance.with_disclosure(commentary, organization.disclosure_text)
    errors = compliance.check_words(organization=organization, commentary=commentary)
    errors += compliance.check_length(
        text=text,
        commentary=commentary,
        disclosure=organization.disclosure_text.strip(),
        budget=text_budget(network),
    )
    if errors:
        raise ValidationError(errors)
    return _Checked(
        program=program, social_account=social_account, commentary=commentary, text=text
    )


def share_create(
    *,
    actor: Membership,
    item: ContentItem,
    network: str,
    commentary: str,
    now: datetime,
    social_account: SocialAccount | None = None,
    scheduled: ScheduledShare | None = None,
) -> ShareOutcome:
    """Record a share, create its tracked link and build the network's share page.

    The organization's rules apply: the disclosure is appended (and counted in the
    network's limit), blocked words, sharing hours, the daily limit and the gap
    between colleagues' shares of the same item are checked. ``scheduled`` is the
    scheduled share this share carries out, if any.
    """
    require_role(actor, Role.AMBASSADOR)
    if item.organization_id != actor.organization_id:
        raise PermissionDenied(_("This item belongs to another organization."))
    _check_available(item, now)
    checked = _check_share(
        actor=actor,
        item=item,
        network=network,
        commentary=commentary,
        social_account=social_account,
    )
    hours = compliance.check_hours(membership=actor, moment=now)
    if hours:
        raise ValidationError(hours)
    if scheduled is not None and (
        scheduled.membership_id != actor.pk or scheduled.item_id != item.pk
    ):
        scheduled = None  # not this person's plan for this item: share all the same
    suggestions = [m.text for m in item.suggested_messages.all()] + [item.title, item.summary]
    with transaction.atomic():
        # One share at a time per person (daily limit) and per item (gap between colleagues).
        list(Membership.objects.select_for_update().filter(pk=actor.pk))
        list(ContentItem.objects.select_for_update().filter(pk=item.pk))
        limit = compliance.check_daily_limit(membership=actor, now=now)
        if limit:
            raise ValidationError(limit)
        compliance.check_burst(membership=actor, item=item, network=network, now=now)
        share = Share.objects.create(
            organization_id=actor.organization_id,
            program=checked.program,
            item=item,
            ambassador_id=actor.user_id,
            membership=actor,
            network=network,
            social_account=checked.social_account,
            commentary=checked.text,
            own_words_ratio=own_words_ratio(checked.commentary, suggestions),
            created_at=now,
        )
        link_create(share=share)
        if scheduled is not None:
            ScheduledShare.objects.filter(
                pk=scheduled.pk,
                status__in=[ScheduledStatus.PENDING, ScheduledStatus.REMINDED],
            ).update(status=ScheduledStatus.DONE, share=share)
    return share_outcome(share=share)


def share_outcome(*, share: Share) -> ShareOutcome:
    """The tracked link and the network's share page of a recorded share."""
    tracked = short_url(share.link.code)
    intent = intent_for(share.network)
    instance = share.social_account.mastodon_instance if share.social_account else ""
    return ShareOutcome(
        share=share,
        tracked_url=tracked,
        intent_url=intent.share_url(text=share.commentary, url=tracked, instance=instance),
        copy_to_clipboard=not intent.prefills_text,
    )


# --- Scheduled shares ------------------------------------------------------------------

SCHEDULE_HORIZON = timedelta(days=90)


def scheduled_share_create(
    *,
    actor: Membership,
    item: ContentItem,
    network: str,
    commentary: str,
    run_at: datetime,
    now: datetime,
    social_account: SocialAccount | None = None,
) -> ScheduledShare:
    """Plan a share for ``run_at``: the person then gets a reminder with the share ready."""
    require_role(actor, Role.AMBASSADOR)
    if item.organization_id != actor.organization_id:
        raise PermissionDenied(_("This item belongs to another organization."))
    if run_at <= now:
        raise ValidationError({"run_at": [_("Choose a time in the future.")]})
    if run_at > now + SCHEDULE_HORIZON:
        raise ValidationError({"run_at": [_("Choose a time within the next 90 days.")]})
    if item.status != ItemStatus.PUBLISHED or (
        item.publish_at is not None and item.publish_at > run_at
    ):
        raise ValidationError(_("This item is not available for sharing."))
    if item.expires_at is not None and item.expires_at <= run_at:
        raise ValidationError(
            {
                "run_at": [
                    _("This item expires before then, on %(expiry)s.")
                    % {"expiry": formats.date_format(item.expires_at, "SHORT_DATETIME_FORMAT")}
                ]
            }
        )
    checked = _check_share(
        actor=actor,
        item=item,
        network=network,
        commentary=commentary,
        social_account=social_account,
    )
    hours = compliance.check_hours(membership=actor, moment=run_at)
    if hours:
        raise ValidationError(
            {
                "run_at": [
                    _("Choose a time when your organization allows sharing: %(hours)s.")
                    % {"hours": compliance.hours_label(actor.organization)}
                ]
            }
        )
    with transaction.atomic():
        return ScheduledShare.objects.create(
            organization_id=actor.organization_id,
            membership=actor,
            item=item,
            network=network,
            social_account=checked.social_account,
            # Without the disclosure: it is added when the share is made, as it is then.
            commentary=checked.commentary,
            run_at=run_at,
            created_at=now,
        )


def scheduled_share_cancel(
    *, actor: Membership, scheduled_id: int, now: datetime
) -> ScheduledShare:
    """Cancel one of one's own planned shares that has not been made yet."""
    require_role(actor, Role.AMBASSADOR)
    scheduled = ScheduledShare.objects.filter(
        pk=scheduled_id, organization_id=actor.organization_id, membership=actor
    ).first()
    if scheduled is None:
        raise PermissionDenied(_("This scheduled share is not one of yours."))
    cancelled = ScheduledShare.objects.filter(
        pk=scheduled.pk, status__in=[ScheduledStatus.PENDING, ScheduledStatus.REMINDED]
    ).update(status=ScheduledStatus.CANCELLED)
    if not cancelled:
        raise ValidationError(_("This share has already been made or cancelled."))
    scheduled.status = ScheduledStatus.CANCELLED
    return scheduled


def scheduled_share_due_ids(*, now: datetime, limit: int = 500) -> list[int]:
    return list(
        ScheduledShare.objects.filter(status=ScheduledStatus.PENDING, run_at__lte=now)
        .order_by("run_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def scheduled_share_remind(*, scheduled_id: int, now: datetime) -> bool:
    """Claim one due scheduled share and remind its person; False when another run
    claimed it first (a conditional update: never two reminders)."""
    claimed = ScheduledShare.objects.filter(pk=scheduled_id, status=ScheduledStatus.PENDING).update(
        status=ScheduledStatus.REMINDED, reminded_at=now
    )
    if claimed != 1:
        return False
    scheduled = ScheduledShare.objects.select_related(
        "membership__user", "organization", "item"
    ).get(pk=scheduled_id)
    user = scheduled.membership.user
    item = scheduled.item
    network_label = scheduled.get_network_display()
    if not item.is_live(now):
        ScheduledShare.objects.filter(pk=scheduled.pk).update(status=ScheduledStatus.CANCELLED)
        notify(
            user=user,
            organization=scheduled.organization,
            url=reverse("sharing:scheduled_list"),
            now=now,
            email=False,
            compose=lambda: Message(
                text=_(
                    "“%(title)s” is no longer available: your share planned on %(network)s "
                    "is cancelled."
                )
                % {"title": item.title, "network": network_label},
                subject="",
                body="",
            ),
        )
        return True
    url = f"{reverse('sharing:share', args=[item.pk])}?scheduled={scheduled.pk}"

    def compose() -> Message:
        context = {
            "user": user,
            "item": item,
            "scheduled": scheduled,
            "network": network_label,
            "url": absolute_url(url),
        }
        return Message(
            text=_("Time to share “%(title)s” on %(network)s: your text is ready.")
            % {"title": item.title, "network": network_label},
            subject=_("Time to share: %(title)s") % {"title": item.title},
            body=render_to_string("sharing/email/scheduled_reminder.txt", context),
        )

    notify(user=user, organization=scheduled.organization, url=url, now=now, compose=compose)
    return True


def scheduled_share_remind_due(*, now: datetime) -> int:
    """Remind every person whose planned share is due; returns how many were reminded."""
    reminded = 0
    for scheduled_id in scheduled_share_due_ids(now=now):
        try:
            if scheduled_share_remind(scheduled_id=scheduled_id, now=now):
                reminded += 1
        except Exception:
            # One bad row never stops the others; it stays "reminded", never sent twice.
            logger.exception("Could not remind scheduled share %s", scheduled_id)
    return reminded
