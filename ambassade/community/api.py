"""The events endpoints of the public API: upcoming events and one's RSVPs."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from ambassade.accounts.models import Membership
from ambassade.community import selectors, services
from ambassade.community.models import Event, Rsvp
from ambassade.lib.api_errors import ErrorOut

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    starts_at: datetime = Field(description="With the event's UTC offset.")
    ends_at: datetime
    time_zone: str
    place: str
    online_url: str
    capacity: int | None
    going: int
    waiting: int
    cancelled: bool
    my_status: str | None = Field(description="going, waiting or null.")


class RsvpOut(Schema):
    event_id: int
    status: str
    requested_at: datetime


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.auth  # type: ignore[attr-defined]
    return membership


def _event_out(event: Event, mine: dict[int, Rsvp]) -> EventOut:
    rsvp = mine.get(event.pk)
    return EventOut(
        id=event.pk,
        kind=event.kind,
        title=event.title,
        description=event.description,
        starts_at=event.local_start,
        ends_at=event.local_end,
        time_zone=event.time_zone,
        place=event.place,
        online_url=event.online_url,
        capacity=event.capacity,
        going=event.going_count,  # type: ignore[attr-defined]
        waiting=event.waiting_count,  # type: ignore[attr-defined]
        cancelled=event.is_cancelled,
        my_status=rsvp.status if rsvp else None,
    )


def _event(membership: Membership, event_id: int) -> Event:
    event = selectors.events_for(membership=membership).filter(pk=event_id).first()
    if event is None:
        raise Http404(_("Not found."))
    return event


@router.get("", response=list[EventOut], summary="Upcoming events open to you")
def events_list(request: HttpRequest) -> list[EventOut]:
    membership = _membership(request)
    upcoming, _past = selectors.event_lists(membership=membership, now=timezone.now())
    mine = selectors.rsvps_by_event(membership=membership, event_ids=[e.pk for e in upcoming])
    return [_event_out(e, mine) for e in upcoming]


@router.get("/{event_id}", response={200: EventOut, 404: ErrorOut}, summary="One event")
def event_detail(request: HttpRequest, event_id: int) -> EventOut:
    membership = _membership(request)
    event = _event(membership, event_id)
    return _event_out(event, selectors.rsvps_by_event(membership=membership, event_ids=[event.pk]))


@router.post(
    "/{event_id}/rsvp",
    response={200: RsvpOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Sign up (or join the waiting list when it is full)",
)
def rsvp_create(request: HttpRequest, event_id: int) -> RsvpOut:
    membership = _membership(request)
    rsvp = services.rsvp_create(
        actor=membership, event=_event(membership, event_id), now=timezone.now()
    )
    return RsvpOut(event_id=rsvp.event_id, status=rsvp.status, requested_at=rsvp.requested_at)


@router.delete(
    "/{event_id}/rsvp",
    response={200: RsvpOut, 400: ErrorOut, 404: ErrorOut},
    summary="Cancel your sign-up; a freed seat goes to the waiting list",
)
def rsvp_cancel(request: HttpRequest, event_id: int) -> RsvpOut:
    membership = _membership(request)
    rsvp = services.rsvp_cancel(
        actor=membership, event=_event(membership, event_id), now=timezone.now()
    )
    return RsvpOut(event_id=rsvp.event_id, status=rsvp.status, requested_at=rsvp.requested_at)
