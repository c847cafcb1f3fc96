"""Reads of the community app: events a person may see, their RSVPs, the waiting list."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from ambassade.accounts.models import Membership, Organization, Role
from ambassade.community.models import Event, Rsvp, RsvpStatus
from ambassade.programs.models import Enrolment, EnrolmentStatus


def _with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        going_count=Count("rsvps", filter=Q(rsvps__status=RsvpStatus.GOING)),
        waiting_count=Count("rsvps", filter=Q(rsvps__status=RsvpStatus.WAITING)),
    )


def upcoming_events(*, organization: Organization, now: datetime, limit: int = 5) -> list[Event]:
    """The organization's next events (not cancelled, not over), soonest first."""
    events = Event.objects.filter(
        organization=organization, ends_at__gt=now, cancelled_at__isnull=True
    ).select_related("program")
    return list(_with_counts(events).order_by("starts_at", "id")[:limit])


def events_for(*, membership: Membership) -> QuerySet[Event]:
    """Events a person may see: the organization's general ones and those of their
    programs; every event for the program team."""
    events = Event.objects.filter(organization_id=membership.organization_id)
    if not membership.has_role(Role.MANAGER):
        programs = Enrolment.objects.filter(
            membership=membership,
            status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.INVITED],
        ).values("program")
        events = events.filter(Q(program__isnull=True) | Q(program__in=programs))
    return _with_counts(events.select_related("program"))


def event_lists(*, membership: Membership, now: datetime) -> tuple[list[Event], list[Event]]:
    """Upcoming events (soonest first) and the last past ones (latest first)."""
    events = events_for(membership=membership)
    upcoming = list(events.filter(ends_at__gt=now).order_by("starts_at", "id")[:50])
    past = list(events.filter(ends_at__lte=now).order_by("-starts_at", "-id")[:20])
    return upcoming, past


def rsvps_by_event(*, membership: Membership, event_ids: list[int]) -> dict[int, Rsvp]:
    return {
        r.event_id: r
        for r in Rsvp.objects.filter(membership=membership, event_id__in=event_ids).exclude(
            status=RsvpStatus.CANCELLED
        )
    }


def waiting_position(*, rsvp: Rsvp) -> int | None:
    """1 for the first on the waiting list."""
    if rsvp.status != RsvpStatus.WAITING:
        return None
    ahead = Rsvp.objects.filter(event_id=rsvp.event_id, status=RsvpStatus.WAITING).filter(
        Q(requested_at__lt=rsvp.requested_at) | Q(requested_at=rsvp.requested_at, pk__lt=rsvp.pk)
    )
    return ahead.count() + 1


def event_attendees(*, event: Event) -> list[Rsvp]:
    """Everyone going or waiting, in sign-up order (the manager's attendance sheet)."""
    return list(
        Rsvp.objects.filter(event=event)
        .exclude(status=RsvpStatus.CANCELLED)
        .select_related("membership__user")
        .order_by("status", "requested_at", "id")
    )


def feed_rsvps(*, membership: Membership) -> list[Rsvp]:
    """What a person's private calendar lists: the events they are going to or waiting for."""
    return list(
        Rsvp.objects.filter(
            membership=membership,
            organization_id=membership.organization_id,
            status__in=[RsvpStatus.GOING, RsvpStatus.WAITING],
        )
        .select_related("event", "event__organization")
        .order_by("event__starts_at")
    )
