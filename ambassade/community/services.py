"""Use cases of community events: creating them, RSVPs with a waiting list,
attendance, reminders by e-mail, and each person's private calendar feed."""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Role, User
from ambassade.accounts.notifications import Message, absolute_url, notify
from ambassade.accounts.permissions import require_role
from ambassade.community.models import (
    CalendarFeed,
    Event,
    EventKind,
    Rsvp,
    RsvpStatus,
    TipsDirection,
    new_feed_token,
)
from ambassade.community.selectors import events_for
from ambassade.programs.models import Program
from ambassade.training.points import points_award_on_commit

logger = logging.getLogger(__name__)

ATTENDED_RULE = "event_attended"
DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)


def _check_same_organization(actor: Membership, organization_id: int) -> None:
    if organization_id != actor.organization_id:
        raise PermissionDenied(_("This event belongs to another organization."))


def when_label(moment: datetime, time_zone: str) -> str:
    """A moment as a person reads it in ``time_zone``, with the zone's name."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({time_zone.replace('_', ' ')})"


def event_when_for(event: Event, user: User) -> str:
    """The event's time in its own zone, and in the person's when it differs."""
    label = when_label(event.starts_at, event.time_zone)
    if user.time_zone and user.time_zone != event.time_zone:
        own = event.starts_at.astimezone(zoneinfo.ZoneInfo(user.time_zone))
        if own.utcoffset() != event.local_start.utcoffset():
            label += " — " + _("%(when)s for you") % {
                "when": when_label(event.starts_at, user.time_zone)
            }
    return label


# --- Events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    description: str = ""
    direction: str = ""
    program: Program | None = None
    place: str = ""
    online_url: str = ""
    capacity: int | None = None


def _validate(actor: Membership, data: EventData) -> None:
    errors: dict[str, list[str]] = {}
    if data.kind not in EventKind.values:
        errors["kind"] = [_("Choose a kind of event.")]
    if not data.title.strip():
        errors["title"] = [_("Give the event a title.")]
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        errors["starts_at"] = [_("Give the time with its time zone.")]
    elif data.ends_at <= data.starts_at:
        errors["ends_at"] = [_("The event must end after it starts.")]
    if data.time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("Choose a known time zone.")]
    if not data.place.strip() and not data.online_url.strip():
        errors["place"] = [_("Give a place or an online link.")]
    if data.online_url.strip():
        try:
            URLValidator(schemes=["http", "https"])(data.online_url.strip())
        except ValidationError:
            errors["online_url"] = [_("Enter a web address starting with http:// or https://.")]
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = [_("The capacity is at least 1, or empty for no limit.")]
    if data.direction and data.direction not in TipsDirection.values:
        errors["direction"] = [_("Choose who coaches whom.")]
    if data.program is not None and data.program.organization_id != actor.organization_id:
        errors["program"] = [_("This program belongs to another organization.")]
    if errors:
        raise ValidationError(errors)


def _apply(event: Event, data: EventData) -> None:
    event.kind = data.kind
    event.title = data.title.strip()
    event.description = data.description.strip()
    event.direction = data.direction if data.kind == EventKind.TIPS_EXCHANGE else ""
    event.program = data.program
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.time_zone = data.time_zone
    event.place = data.place.strip()
    event.online_url = data.online_url.strip()
    event.capacity = data.capacity


def event_create(*, actor: Membership, data: EventData, now: datetime) -> Event:
    require_role(actor, Role.MANAGER)
    _validate(actor, data)
    event = Event(organization_id=actor.organization_id, created_by=actor, created_at=now)
    _apply(event, data)
    with transaction.atomic():
        event.save()
    return event


def event_update(*, actor: Membership, event: Event, data: EventData, now: datetime) -> Event:
    """Change an event; seats freed by a larger capacity go to the waiting list."""
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, event.organization_id)
    _validate(actor, data)
    moved = event.starts_at != data.starts_at
    _apply(event, data)
    with transaction.atomic():
        event.save()
        if moved:
            # A new time: the reminders are due again.
            Rsvp.objects.filter(event=event).update(reminded_day_at=None, reminded_hour_at=None)
        _promote(event=event, now=now)
    return event


def event_cancel(*, actor: Membership, event: Event, now: datetime) -> Event:
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, event.organization_id)
    with transaction.atomic():
        if not Event.objects.filter(pk=event.pk, cancelled_at__isnull=True).update(
            cancelled_at=now
        ):
            raise ValidationError(_("This event is already cancelled."))
        event.cancelled_at = now
        for rsvp in Rsvp.objects.filter(
            event=event, status__in=[RsvpStatus.GOING, RsvpStatus.WAITING]
        ).select_related("membership__user"):
            _tell(rsvp=rsvp, event=event, now=now, template="cancelled")
    return event


# --- RSVPs ----------------------------------------------------------------------------


def _visible(actor: Membership, event: Event) -> None:
    _check_same_organization(actor, event.organization_id)
    if not events_for(membership=actor).filter(pk=event.pk).exists():
        raise PermissionDenied(_("This event is not open to you."))


def _seats_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    going = Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).count()
    return max(0, event.capacity - going)


def rsvp_create(*, actor: Membership, event: Event, now: datetime) -> Rsvp:
    """Sign up: a seat when there is one, else a place on the waiting list."""
    _visible(actor, event)
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    if event.ends_at <= now:
        raise ValidationError(_("This event is over."))
    with transaction.atomic():
        # One sign-up at a time per event, so that the capacity holds.
        locked = Event.objects.select_for_update().get(pk=event.pk)
        rsvp = Rsvp.objects.filter(event=locked, membership=actor).first()
        if rsvp is not None and rsvp.status != RsvpStatus.CANCELLED:
            return rsvp
        seats = _seats_left(locked)
        status = RsvpStatus.GOING if seats is None or seats > 0 else RsvpStatus.WAITING
        if rsvp is None:
            rsvp = Rsvp(organization_id=actor.organization_id, event=locked, membership=actor)
        rsvp.status = status
        rsvp.requested_at = now
        rsvp.updated_at = now
        rsvp.reminded_day_at = None
        rsvp.reminded_hour_at = None
        rsvp.save()
    return rsvp


def rsvp_cancel(*, actor: Membership, event: Event, now: datetime) -> Rsvp:
    """Withdraw; a freed seat goes to the first person on the waiting list."""
    _check_same_organization(actor, event.organization_id)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        rsvp = Rsvp.objects.filter(event=locked, membership=actor).first()
        if rsvp is None or rsvp.status == RsvpStatus.CANCELLED:
            raise ValidationError(_("You are not signed up for this event."))
        if locked.ends_at <= now:
            raise ValidationError(_("This event is over."))
        rsvp.status = RsvpStatus.CANCELLED
        rsvp.updated_at = now
        rsvp.save(update_fields=["status", "updated_at"])
        _promote(event=locked, now=now)
    return rsvp


def _promote(*, event: Event, now: datetime) -> list[Rsvp]:
    """Give free seats to the waiting list, first come first served (event row locked)."""
    if event.is_cancelled or event.ends_at <= now:
        return []
    seats = _seats_left(event)
    waiting = Rsvp.objects.filter(event=event, status=RsvpStatus.WAITING).order_by(
        "requested_at", "id"
    )
    promoted = list(waiting.select_related("membership__user")[:seats] if seats else [])
    if seats is None:
        promoted = list(waiting.select_related("membership__user"))
    for rsvp in promoted:
        rsvp.status = RsvpStatus.GOING
        rsvp.updated_at = now
        rsvp.save(update_fields=["status", "updated_at"])
        _tell(rsvp=rsvp, event=event, now=now, template="promoted")
    return promoted


def attendance_mark(
    *, actor: Membership, event: Event, attended_ids: set[int], now: datetime
) -> int:
    """Record who came among those going; each attendee scores once. Returns how many came."""
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, event.organization_id)
    if event.starts_at > now:
        raise ValidationError(_("Attendance is marked once the event has started."))
    came = 0
    with transaction.atomic():
        for rsvp in Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).select_related(
            "membership"
        ):
            attended = rsvp.pk in attended_ids
            came += attended
            if rsvp.attended == attended:
                continue
            rsvp.attended = attended
            rsvp.attendance_marked_at = now
            rsvp.save(update_fields=["attended", "attendance_marked_at"])
            if attended:
                points_award_on_commit(
                    membership=rsvp.membership,
                    program=event.program,
                    rule=ATTENDED_RULE,
                    source=rsvp,
                    now=now,
                    reason=event.title,
                )
    return came


# --- Notifications and reminders ----------------------------------------------------------


def _tell(*, rsvp: Rsvp, event: Event, now: datetime, template: str) -> None:
    user = rsvp.membership.user
    url = reverse("community:event_detail", args=[event.pk])

    def compose() -> Message:
        subjects = {
            "promoted": _("A seat is free for you: %(title)s"),
            "cancelled": _("Cancelled: %(title)s"),
            "day": _("Tomorrow: %(title)s"),
            "hour": _("In one hour: %(title)s"),
        }
        subject = subjects[template] % {"title": event.title}
        context = {
            "user": user,
            "event": event,
            "when": event_when_for(event, user),
            "url": absolute_url(url),
            "ics_url": absolute_url(reverse("community:event_ics", args=[event.pk])),
        }
        return Message(
            text=subject,
            subject=subject,
            body=render_to_string(f"community/email/{template}.txt", context),
        )

    notify(user=user, organization=event.organization, url=url, now=now, compose=compose)


def reminders_due_ids(*, now: datetime, limit: int = 1000) -> list[tuple[int, str]]:
    """RSVPs whose day-before or hour-before reminder is due, with which one."""
    base = Rsvp.objects.filter(
        status=RsvpStatus.GOING,
        event__cancelled_at__isnull=True,
        event__starts_at__gt=now,
    )
    hour = base.filter(reminded_hour_at__isnull=True, event__starts_at__lte=now + HOUR_BEFORE)
    day = base.filter(
        reminded_day_at__isnull=True,
        event__starts_at__lte=now + DAY_BEFORE,
        event__starts_at__gt=now + HOUR_BEFORE,
    )
    due = [(pk, "hour") for pk in hour.values_list("pk", flat=True)[:limit]]
    for pk, starts_at, requested_at in day.values_list("pk", "event__starts_at", "requested_at")[
        :limit
    ]:
        # Whoever signed up within the last day knows already: only the hour-before one.
        if requested_at <= starts_at - DAY_BEFORE:
            due.append((pk, "day"))
    return due


def reminder_send(*, rsvp_id: int, which: str, now: datetime) -> bool:
    """Claim one reminder with a conditional update, then send it; False when another
    run claimed it first (never two of the same reminder)."""
    field = "reminded_hour_at" if which == "hour" else "reminded_day_at"
    claimed = Rsvp.objects.filter(
        pk=rsvp_id, status=RsvpStatus.GOING, **{f"{field}__isnull": True}
    ).update(**{field: now})
    if claimed != 1:
        return False
    rsvp = Rsvp.objects.select_related("membership__user", "event__organization").get(pk=rsvp_id)
    if which == "hour" and rsvp.reminded_day_at is None:
        # The hour-before reminder makes the day-before one pointless from now on.
        Rsvp.objects.filter(pk=rsvp_id, reminded_day_at__isnull=True).update(reminded_day_at=now)
    _tell(rsvp=rsvp, event=rsvp.event, now=now, template=which)
    return True


def event_reminders_send(*, now: datetime) -> int:
    """Send every due reminder; returns how many were sent."""
    sent = 0
    for rsvp_id, which in reminders_due_ids(now=now):
        try:
            with transaction.atomic():
                sent += reminder_send(rsvp_id=rsvp_id, which=which, now=now)
        except Exception:
            logger.exception("Could not send the %s reminder of RSVP %s", which, rsvp_id)
    return sent


# --- Private calendar feed ------------------------------------------------------------------


def calendar_feed_get(*, actor: Membership, now: datetime) -> CalendarFeed:
    """The person's feed, created on first use."""
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.get_or_create(
            membership=actor, defaults={"created_at": now}
        )
    return feed


def calendar_feed_regenerate(*, actor: Membership, now: datetime) -> CalendarFeed:
    """A new address: the old one stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.get_or_create(
            membership=actor, defaults={"created_at": now}
        )
        if not created:
            feed.token = new_feed_token()
            feed.created_at = now
            feed.last_read_at = None
            feed.save(update_fields=["token", "created_at", "last_read_at"])
    return feed


def calendar_feed_revoke(*, actor: Membership) -> bool:
    deleted, _details = CalendarFeed.objects.filter(membership=actor).delete()
    return deleted > 0


def calendar_feed_open(*, token: str, now: datetime) -> Membership | None:
    """Whose feed this token opens, if any (the token is the only credential)."""
    feed = (
        CalendarFeed.objects.filter(token=token)
        .select_related("membership__user", "membership__organization")
        .first()
    )
    if feed is None or not feed.membership.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return feed.membership
