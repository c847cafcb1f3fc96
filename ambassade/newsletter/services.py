"""The newsletter's use cases: prepare each month's issue, edit it, send or schedule it;
people's preferences and one-click unsubscribing; clicks and opens counted per issue."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import require_role
from ambassade.newsletter.models import (
    Delivery,
    DeliveryStatus,
    DigestFrequency,
    Issue,
    IssueClick,
    IssueStatus,
    NewsletterSettings,
    Preference,
    Section,
)
from ambassade.newsletter.tokens import (
    InvalidToken,
    MailingList,
    click_token_read,
    open_token_read,
    unsubscribe_token_read,
)
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.tracking.selectors import organization_tz

logger = logging.getLogger(__name__)

QUEUE_CHUNK = 1000


def _check_program(actor: Membership, program: Program) -> None:
    require_role(actor, Role.MANAGER)
    if program.organization_id != actor.organization_id:
        raise PermissionDenied(_("This program belongs to another organization."))


def _check_issue(actor: Membership, issue: Issue) -> None:
    require_role(actor, Role.MANAGER)
    if issue.organization_id != actor.organization_id:
        raise PermissionDenied(_("This newsletter belongs to another organization."))


# --- settings -------------------------------------------------------------------------------------


def newsletter_settings_of(program: Program) -> NewsletterSettings:
    """The program's settings; the defaults (unsaved) until a manager changes them."""
    found = NewsletterSettings.objects.filter(program=program).first()
    return found or NewsletterSettings(organization_id=program.organization_id, program=program)


def newsletter_settings_update(
    *,
    actor: Membership,
    program: Program,
    is_enabled: bool,
    day_of_month: int,
    hour: int,
    auto_send: bool,
    open_tracking: bool,
    tip: str,
) -> NewsletterSettings:
    _check_program(actor, program)
    errors: dict[str, list[str]] = {}
    if not 1 <= day_of_month <= 28:
        errors["day_of_month"] = [_("Choose a day between 1 and 28.")]
    if not 0 <= hour <= 23:
        errors["hour"] = [_("Choose an hour between 0 and 23.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _created = NewsletterSettings.objects.select_for_update().get_or_create(
            program=program, defaults={"organization_id": program.organization_id}
        )
        row.is_enabled = is_enabled
        row.day_of_month = day_of_month
        row.hour = hour
        row.auto_send = auto_send
        row.open_tracking = open_tracking
        row.tip = tip.strip()
        row.save()
    return row


# --- preparing issues -----------------------------------------------------------------------------


def edition_period(edition_on: date) -> tuple[date, date]:
    """The calendar month before the edition's month: its first and last days."""
    first = edition_on.replace(day=1)
    last = first - timedelta(days=1)
    return last.replace(day=1), last


def issue_generate(*, program: Program, edition_on: date, now: datetime) -> Issue:
    """The program's draft for the month of ``edition_on``; the existing one if already there."""
    edition_on = edition_on.replace(day=1)
    start, end = edition_period(edition_on)
    existing = Issue.objects.filter(program=program, edition_on=edition_on).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Issue.objects.create(
                organization_id=program.organization_id,
                program=program,
                edition_on=edition_on,
                period_start_on=start,
                period_end_on=end,
                generated_at=now,
                updated_at=now,
            )
    except IntegrityError:  # another scheduler made it at the same moment
        return Issue.objects.get(program=program, edition_on=edition_on)


def issue_create(*, actor: Membership, program: Program, now: datetime) -> Issue:
    """A manager prepares this month's draft without waiting for the scheduled day."""
    _check_program(actor, program)
    today = now.astimezone(organization_tz(program.organization)).date()
    return issue_generate(program=program, edition_on=today, now=now)


def _due_edition(settings_row: NewsletterSettings, program: Program, now: datetime) -> date | None:
    """This month's edition once the configured day and hour have come (local time)."""
    local = now.astimezone(organization_tz(program.organization))
    if (local.day, local.hour) < (settings_row.day_of_month, settings_row.hour):
        return None
    return local.date().replace(day=1)


def issues_generate_due(*, now: datetime) -> list[Issue]:
    """Prepare every running program's issue whose day has come; send those set to auto-send."""
    made: list[Issue] = []
    settings_by_program = {row.program_id: row for row in NewsletterSettings.objects.all()}
    for program in Program.objects.select_related("organization"):
        row = settings_by_program.get(program.pk) or NewsletterSettings(
            organization_id=program.organization_id, program=program
        )
        if not row.is_enabled:
            continue
        edition_on = _due_edition(row, program, now)
        if edition_on is None:
            continue
        period_start, period_end = edition_period(edition_on)
        # Only programs that ran during the month covered.
        if program.starts_on > period_end or (program.ends_on and program.ends_on < period_start):
            continue
        if Issue.objects.filter(program=program, edition_on=edition_on).exists():
            continue
        issue = issue_generate(program=program, edition_on=edition_on, now=now)
        made.append(issue)
        if row.auto_send:
            try:
                issue_start(issue=issue, now=now, sent_by_id=None)
            except ValidationError:
                logger.info("Issue %s was already started", issue.pk)
    return made


# --- editing ----------------------------------------------------------------------------------------


def _clean_sections(sections: Any) -> list[dict[str, Any]]:
    """Every known section once, in the given order; the missing ones appended, hidden."""
    if not isinstance(sections, list):
        raise ValidationError({"sections": [_("Give the sections as a list.")]})
    known = set(Section.values)
    seen: set[str] = set()
    cleaned: list[dict[str, Any]] = []
    for entry in sections:
        key = entry.get("key") if isinstance(entry, dict) else None
        if key not in known:
            raise ValidationError({"sections": [_("Unknown section: %(key)s.") % {"key": key}]})
        if key in seen:
            raise ValidationError(
                {"sections": [_("Section %(key)s appears twice.") % {"key": key}]}
            )
        seen.add(key)
        cleaned.append({"key": key, "visible": bool(entry.get("visible", True))})
    cleaned += [{"key": key, "visible": False} for key in Section.values if key not in seen]
    return cleaned


def issue_update(
    *,
    actor: Membership,
    issue: Issue,
    now: datetime,
    subject: str | None = None,
    editorial: str | None = None,
    tip: str | None = None,
    sections: list[dict[str, Any]] | None = None,
) -> Issue:
    """Edit a draft (or a scheduled issue): subject, editorial, tip, sections' order and display."""
    _check_issue(actor, issue)
    if subject is not None and len(subject.strip()) > 200:
        raise ValidationError({"subject": [_("Keep the subject under 200 characters.")]})
    cleaned = _clean_sections(sections) if sections is not None else None
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if not locked.is_editable:
            raise ValidationError(
                _("This newsletter is already being sent: it can no longer change.")
            )
        if subject is not None:
            locked.subject = subject.strip()
        if editorial is not None:
            locked.editorial = editorial.strip()
        if tip is not None:
            locked.tip = tip.strip()
        if cleaned is not None:
            locked.sections = cleaned
        locked.updated_at = now
        locked.save()
    return locked


def issue_schedule(*, actor: Membership, issue: Issue, send_at: datetime, now: datetime) -> Issue:
    _check_issue(actor, issue)
    if send_at <= now:
        raise ValidationError({"send_at": [_("Choose a time in the future.")]})
    if send_at > now + timedelta(days=62):
        raise ValidationError({"send_at": [_("Choose a time within the next two months.")]})
    changed = Issue.objects.filter(
        pk=issue.pk, status__in=[IssueStatus.DRAFT, IssueStatus.SCHEDULED]
    ).update(status=IssueStatus.SCHEDULED, scheduled_at=send_at, updated_at=now)
    if not changed:
        raise ValidationError(_("This newsletter is already being sent."))
    issue.refresh_from_db()
    return issue


def issue_unschedule(*, actor: Membership, issue: Issue, now: datetime) -> Issue:
    _check_issue(actor, issue)
    changed = Issue.objects.filter(pk=issue.pk, status=IssueStatus.SCHEDULED).update(
        status=IssueStatus.DRAFT, scheduled_at=None, updated_at=now
    )
    if not changed:
        raise ValidationError(_("This newsletter is not scheduled."))
    issue.refresh_from_db()
    return issue


# --- sending ----------------------------------------------------------------------------------------


def recipients_of(issue: Issue) -> list[tuple[int, str]]:
    """(membership id, e-mail) of the program's active ambassadors who want the newsletter."""
    unsubscribed = Preference.objects.filter(
        organization_id=issue.organization_id, newsletter=False
    ).values("membership_id")
    return list(
        Enrolment.objects.filter(
            program_id=issue.program_id,
            status=EnrolmentStatus.ACTIVE,
            membership__organization_id=issue.organization_id,
            membership__user__is_active=True,
        )
        .exclude(membership__user__email="")
        .exclude(membership_id__in=unsubscribed)
        .order_by("membership_id")
        .values_list("membership_id", "membership__user__email")
    )


def issue_start(
    *,
    issue: Issue,
    now: datetime,
    sent_by_id: int | None,
    on_commit: Callable[[], None] | None = None,
) -> int:
    """Move the issue to "sending" (once: a conditional update) and queue one delivery per
    recipient; return how many were queued."""
    with transaction.atomic():
        started = Issue.objects.filter(
            pk=issue.pk, status__in=[IssueStatus.DRAFT, IssueStatus.SCHEDULED]
        ).update(
            status=IssueStatus.SENDING, send_started_at=now, sent_by_id=sent_by_id, updated_at=now
        )
        if not started:
            raise ValidationError(_("This newsletter has already been sent."))
        recipients = recipients_of(issue)
        for first in range(0, len(recipients), QUEUE_CHUNK):
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        organization_id=issue.organization_id,
                        issue_id=issue.pk,
                        membership_id=member_id,
                        email=email,
                        created_at=now,
                    )
                    for member_id, email in recipients[first : first + QUEUE_CHUNK]
                ],
                ignore_conflicts=True,
            )
        if on_commit is not None:
            transaction.on_commit(on_commit)
    issue.refresh_from_db()
    return len(recipients)


def issue_send(
    *, actor: Membership, issue: Issue, now: datetime, on_commit: Callable[[], None] | None = None
) -> int:
    """A manager sends the issue now; the deliveries then leave in the background."""
    _check_issue(actor, issue)
    return issue_start(issue=issue, now=now, sent_by_id=actor.user_id, on_commit=on_commit)


def issues_start_scheduled(*, now: datetime) -> list[Issue]:
    started = []
    for issue in Issue.objects.filter(status=IssueStatus.SCHEDULED, scheduled_at__lte=now):
        try:
            issue_start(issue=issue, now=now, sent_by_id=issue.sent_by_id)
        except ValidationError:
            continue
        started.append(issue)
    return started


def delivery_requeue(*, actor: Membership, delivery: Delivery, now: datetime) -> Delivery:
    """Try a failed delivery again (after fixing an address, or an interrupted send)."""
    _check_issue(actor, delivery.issue)
    changed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, next_attempt_at=now, attempts=0
    )
    if not changed:
        raise ValidationError(_("Only a failed delivery can be tried again."))
    Issue.objects.filter(pk=delivery.issue_id, status=IssueStatus.SENT).update(
        status=IssueStatus.SENDING
    )
    delivery.refresh_from_db()
    return delivery


# --- preferences and unsubscribing ---------------------------------------------------------------


def preference_of(membership: Membership) -> Preference:
    found = Preference.objects.filter(membership=membership).first()
    return found or Preference(organization_id=membership.organization_id, membership=membership)


def preference_update(
    *, actor: Membership, newsletter: bool, digest: str, now: datetime
) -> Preference:
    """One's own preferences in the current organization."""
    require_role(actor)
    if digest not in DigestFrequency.values:
        raise ValidationError({"digest": [_("Choose daily, weekly or never.")]})
    preference, _created = Preference.objects.update_or_create(
        membership=actor,
        defaults={
            "organization_id": actor.organization_id,
            "newsletter": newsletter,
            "digest": digest,
            "updated_at": now,
        },
    )
    return preference


@dataclass(frozen=True)
class Unsubscribed:
    membership: Membership
    mailing_list: str


def unsubscribe_check(*, token: str) -> Unsubscribed:
    """Who and which list a token names; ValidationError for a bad token."""
    try:
        member_id, mailing_list = unsubscribe_token_read(token)
    except InvalidToken as exc:
        raise ValidationError(_("This unsubscribe link is not valid.")) from exc
    membership = (
        Membership.objects.select_related("user", "organization").filter(pk=member_id).first()
    )
    if membership is None:
        raise ValidationError(_("This unsubscribe link is not valid."))
    return Unsubscribed(membership=membership, mailing_list=mailing_list)


def unsubscribe(*, token: str, now: datetime) -> Unsubscribed:
    """One-click unsubscribing (RFC 8058): the signed token is the authority, no login."""
    found = unsubscribe_check(token=token)
    membership = found.membership
    field = "newsletter" if found.mailing_list == MailingList.NEWSLETTER else "digest"
    value: Any = False if field == "newsletter" else DigestFrequency.OFF
    Preference.objects.update_or_create(
        membership=membership,
        defaults={"organization_id": membership.organization_id, field: value, "updated_at": now},
    )
    if found.mailing_list == MailingList.NEWSLETTER:
        # Queued deliveries of issues being sent are skipped from now on.
        Delivery.objects.filter(membership=membership, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SKIPPED
        )
    return found


# --- clicks and opens, per issue and section, never per person ---------------------------------


def issue_click_record(*, token: str) -> str:
    """Count a click on a section's link and return the path it leads to (on this site)."""
    try:
        target = click_token_read(token)
    except InvalidToken as exc:
        raise ValidationError(_("This link is not valid.")) from exc
    if not Issue.objects.filter(pk=target.issue_id).exists():
        raise ValidationError(_("This link is not valid."))
    updated = IssueClick.objects.filter(issue_id=target.issue_id, section=target.section).update(
        clicks=F("clicks") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                IssueClick.objects.create(
                    issue_id=target.issue_id, section=target.section, clicks=1
                )
        except IntegrityError:
            IssueClick.objects.filter(issue_id=target.issue_id, section=target.section).update(
                clicks=F("clicks") + 1
            )
    return target.path


def issue_open_record(*, token: str) -> bool:
    """Count an open when the program counts them; False for a bad token or when it does not."""
    try:
        issue_id = open_token_read(token)
    except InvalidToken:
        return False
    return bool(
        Issue.objects.filter(pk=issue_id, program__newsletter_settings__open_tracking=True).update(
            opens=F("opens") + 1
        )
    )
