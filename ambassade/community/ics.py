"""iCalendar documents: one event (to download) or a person's private feed.

Times are written in the event's own time zone (TZID) with its VTIMEZONE, so that
calendar applications show them right wherever the reader is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from ambassade.community.models import Event, RsvpStatus

PRODID = "-//Ambassade//Community events//EN"


def _host() -> str:
    return settings.AMBASSADE_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "ambassade"


def _vevent(event: Event, *, now: datetime, rsvp_status: str = "") -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.pk}@{_host()}")
    vevent.add("dtstamp", now)
    vevent.add("dtstart", event.local_start)
    vevent.add("dtend", event.local_end)
    vevent.add("summary", event.title)
    url = settings.AMBASSADE_BASE_URL + reverse("community:event_detail", args=[event.pk])
    description = event.description
    if event.online_url:
        description = f"{description}\n\n{_('Online link')}: {event.online_url}".strip()
    vevent.add("description", f"{description}\n\n{url}".strip())
    vevent.add("url", url)
    location = event.place or event.online_url
    if location:
        vevent.add("location", location)
    if event.is_cancelled:
        vevent.add("status", "CANCELLED")
    elif rsvp_status == RsvpStatus.WAITING:
        vevent.add("status", "TENTATIVE")
    else:
        vevent.add("status", "CONFIRMED")
    vevent.add("last-modified", event.created_at)
    return vevent


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def event_ics(*, event: Event, now: datetime) -> bytes:
    calendar = _calendar(event.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(_vevent(event, now=now))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def feed_ics(*, name: str, rsvps: Iterable[tuple[Event, str]], now: datetime) -> bytes:
    """A person's events: the ones they are going to, and waiting for (tentative)."""
    calendar = _calendar(name)
    calendar.add("x-published-ttl", "PT1H")
    for event, status in rsvps:
        calendar.add_component(_vevent(event, now=now, rsvp_status=status))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
