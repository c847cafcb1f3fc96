from __future__ import annotations

import datetime as dt

import icalendar
from django.urls import reverse
from django.utils import timezone

from ambassade.community.models import CalendarFeed
from ambassade.community.services import calendar_feed_get, rsvp_create
from ambassade.community.tests.helpers import breakfast


def _titles(content: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")]


def test_feed_lists_the_persons_events_and_only_theirs(world, client) -> None:
    now = timezone.now()
    mine = breakfast(world.org, starts_at=now + dt.timedelta(days=3), title="Mon petit-déj")
    breakfast(world.org, starts_at=now + dt.timedelta(days=4), title="Pas inscrit")
    theirs = breakfast(world.other_org, starts_at=now + dt.timedelta(days=3), title="Globex")
    rsvp_create(actor=world.ambassador, event=mine, now=now)
    rsvp_create(actor=world.stranger, event=theirs, now=now)
    feed = calendar_feed_get(actor=world.ambassador, now=now)
    response = client.get(reverse("community:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert _titles(response.content) == ["Mon petit-déj"]
    stranger_feed = calendar_feed_get(actor=world.stranger, now=now)
    assert _titles(
        client.get(reverse("community:calendar_feed", args=[stranger_feed.token])).content
    ) == ["Globex"]


def test_bad_regenerated_or_revoked_token_is_404(world, client) -> None:
    assert client.get(reverse("community:calendar_feed", args=["nope"])).status_code == 404
    page = world.client_for(world.ambassador)
    page.post(reverse("community:calendar"), {"action": "create"})
    old = CalendarFeed.objects.get(membership=world.ambassador).token
    assert client.get(reverse("community:calendar_feed", args=[old])).status_code == 200
    assert old in page.get(reverse("community:calendar")).content.decode()
    page.post(reverse("community:calendar"), {"action": "regenerate"})
    new = CalendarFeed.objects.get(membership=world.ambassador).token
    assert new != old
    assert client.get(reverse("community:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("community:calendar_feed", args=[new])).status_code == 200
    page.post(reverse("community:calendar"), {"action": "revoke"})
    assert client.get(reverse("community:calendar_feed", args=[new])).status_code == 404


def test_calendar_page_needs_a_login(client) -> None:
    assert client.get(reverse("community:calendar")).status_code == 302
