from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ambassade.community.models import Event, Rsvp, RsvpStatus
from ambassade.community.selectors import upcoming_events
from ambassade.community.services import (
    EventData,
    attendance_mark,
    event_create,
    event_reminders_send,
    rsvp_cancel,
    rsvp_create,
)
from ambassade.community.tests.helpers import CASABLANCA, PARIS, breakfast
from tests.factories import MembershipFactory

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def _member(world, name: str):
    # E-mails go out in each person's language; these people read English.
    return MembershipFactory.create(
        organization=world.org, is_ambassador=True, user__full_name=name, user__language="en"
    )


def test_capacity_then_waiting_list_then_promotion(
    world, django_capture_on_commit_callbacks
) -> None:
    event = breakfast(world.org, starts_at=NOW + dt.timedelta(days=10), capacity=2)
    first, second, third, fourth = (_member(world, n) for n in ("Ana", "Ben", "Chloé", "Dan"))
    assert rsvp_create(actor=first, event=event, now=NOW).status == RsvpStatus.GOING
    assert rsvp_create(actor=second, event=event, now=NOW).status == RsvpStatus.GOING
    third_rsvp = rsvp_create(actor=third, event=event, now=NOW + dt.timedelta(minutes=1))
    fourth_rsvp = rsvp_create(actor=fourth, event=event, now=NOW + dt.timedelta(minutes=2))
    assert (third_rsvp.status, fourth_rsvp.status) == (RsvpStatus.WAITING, RsvpStatus.WAITING)
    # Signing up twice changes nothing.
    assert (
        rsvp_create(actor=first, event=event, now=NOW).pk == Rsvp.objects.get(membership=first).pk
    )

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_cancel(actor=second, event=event, now=NOW + dt.timedelta(hours=1))
    statuses = dict(Rsvp.objects.values_list("membership__user__full_name", "status"))
    assert statuses == {
        "Ana": RsvpStatus.GOING,
        "Ben": RsvpStatus.CANCELLED,
        "Chloé": RsvpStatus.GOING,
        "Dan": RsvpStatus.WAITING,
    }
    assert [m.to for m in mail.outbox] == [[third.user.email]]
    assert "seat is free" in mail.outbox[0].subject
    with pytest.raises(ValidationError):
        rsvp_cancel(actor=second, event=event, now=NOW)


def test_past_and_cancelled_events_take_no_rsvp(world) -> None:
    past = breakfast(world.org, starts_at=NOW - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="over"):
        rsvp_create(actor=world.ambassador, event=past, now=NOW)
    cancelled = breakfast(world.org, starts_at=NOW + dt.timedelta(days=1), cancelled_at=NOW)
    with pytest.raises(ValidationError, match="cancelled"):
        rsvp_create(actor=world.ambassador, event=cancelled, now=NOW)


def test_stranger_cannot_rsvp_or_see(world) -> None:
    event = breakfast(world.org, starts_at=NOW + dt.timedelta(days=3))
    with pytest.raises(PermissionDenied):
        rsvp_create(actor=world.stranger, event=event, now=NOW)
    client = world.client_for(world.stranger)
    for name in ("community:event_detail", "community:event_ics"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 404
    for name in ("community:rsvp", "community:rsvp_cancel", "community:event_cancel"):
        assert client.post(reverse(name, args=[event.pk])).status_code == 404
    assert client.get(reverse("community:attendance", args=[event.pk])).status_code == 404
    assert client.get(reverse("community:event_update", args=[event.pk])).status_code == 404
    assert event.title not in client.get(reverse("community:event_list")).content.decode()
    assert client.get(f"/api/v1/events/{event.pk}").status_code == 404
    assert client.post(f"/api/v1/events/{event.pk}/rsvp").status_code == 404
    assert not Rsvp.objects.exists()


def test_only_managers_create_and_mark_attendance(world) -> None:
    data = EventData(
        kind="breakfast",
        title="Petit-déjeuner",
        starts_at=NOW + dt.timedelta(days=2),
        ends_at=NOW + dt.timedelta(days=2, hours=1),
        time_zone="Africa/Casablanca",
        place="Casablanca, Twin Center",
    )
    with pytest.raises(PermissionDenied):
        event_create(actor=world.ambassador, data=data, now=NOW)
    event = event_create(actor=world.manager, data=data, now=NOW)
    with pytest.raises(PermissionDenied):
        attendance_mark(actor=world.stranger, event=event, attended_ids=set(), now=NOW)
    assert (
        world.client_for(world.ambassador).get(reverse("community:event_create")).status_code == 403
    )
    with pytest.raises(ValidationError):
        event_create(actor=world.manager, data=EventData(**{**data.__dict__, "place": ""}), now=NOW)


def test_attendance_scores_once(world, django_capture_on_commit_callbacks) -> None:
    event = breakfast(world.org, starts_at=NOW + dt.timedelta(hours=2))
    rsvp = rsvp_create(actor=world.ambassador, event=event, now=NOW)
    with pytest.raises(ValidationError):
        attendance_mark(actor=world.manager, event=event, attended_ids={rsvp.pk}, now=NOW)
    later = NOW + dt.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            attendance_mark(actor=world.manager, event=event, attended_ids={rsvp.pk}, now=later)
            == 1
        )
        attendance_mark(actor=world.manager, event=event, attended_ids={rsvp.pk}, now=later)
    rsvp.refresh_from_db()
    assert rsvp.attended is True
    if apps.is_installed("ambassade.rewards"):
        from ambassade.rewards.models import PointsEntry

        assert PointsEntry.objects.filter(rule="event_attended", source_id=rsvp.pk).count() == 1


def test_reminders_day_before_and_hour_before_are_sent_once(
    world, django_capture_on_commit_callbacks
) -> None:
    start = NOW + dt.timedelta(days=3)
    event = breakfast(world.org, starts_at=start, time_zone="Africa/Casablanca")
    rsvp_create(actor=world.ambassador, event=event, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send(now=NOW) == 0
        assert event_reminders_send(now=start - dt.timedelta(hours=23)) == 1
        assert event_reminders_send(now=start - dt.timedelta(hours=22)) == 0
        assert event_reminders_send(now=start - dt.timedelta(minutes=50)) == 1
        assert event_reminders_send(now=start - dt.timedelta(minutes=10)) == 0
    # The ambassador reads French, the default.
    assert [m.subject for m in mail.outbox] == [
        f"Demain : {event.title}",
        f"Dans une heure : {event.title}",
    ]
    body = mail.outbox[0].body
    assert "Africa/Casablanca" in body
    assert "Europe/Paris" in body  # the ambassador's own zone, an hour apart
    assert "/community/events/" in body


def test_late_sign_up_gets_only_the_hour_reminder(
    world, django_capture_on_commit_callbacks
) -> None:
    start = NOW + dt.timedelta(hours=5)
    event = breakfast(world.org, starts_at=start)
    rsvp_create(actor=world.ambassador, event=event, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send(now=NOW + dt.timedelta(hours=1)) == 0
        assert event_reminders_send(now=start - dt.timedelta(minutes=30)) == 1
    assert len(mail.outbox) == 1


def test_ics_parses_back_in_the_events_time_zone(world) -> None:
    start = dt.datetime(2026, 4, 9, 8, 30, tzinfo=CASABLANCA)
    event = breakfast(world.org, starts_at=start, time_zone="Africa/Casablanca")
    response = world.client_for(world.ambassador).get(
        reverse("community:event_ics", args=[event.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    vevent = next(iter(calendar.walk("VEVENT")))
    parsed = vevent.decoded("DTSTART")
    assert parsed == start
    assert parsed.astimezone(PARIS).hour == 9
    assert str(vevent.get("DTSTART").params["TZID"]) == "Africa/Casablanca"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Africa/Casablanca"]
    assert str(vevent["SUMMARY"]) == event.title


def test_event_page_shows_the_event_zone_and_the_viewers(world) -> None:
    start = dt.datetime(2026, 4, 9, 8, 30, tzinfo=CASABLANCA)
    event = breakfast(world.org, starts_at=start, time_zone="Africa/Casablanca")
    page = world.client_for(world.ambassador).get(
        reverse("community:event_detail", args=[event.pk])
    )
    html = page.content.decode()
    assert "8:30" in html or "08:30" in html
    assert "Africa/Casablanca" in html
    assert "data-viewer-time" in html
    assert "9:30" in html or "09:30" in html


def test_upcoming_events_for_the_organization(world) -> None:
    now = timezone.now()
    soon = breakfast(world.org, starts_at=now + dt.timedelta(days=1))
    breakfast(world.org, starts_at=now - dt.timedelta(days=1))
    breakfast(world.other_org, starts_at=now + dt.timedelta(days=1))
    breakfast(world.org, starts_at=now + dt.timedelta(days=2), cancelled_at=now)
    assert upcoming_events(organization=world.org, now=now) == [soon]


def test_pages_rsvp_flow(world) -> None:
    event = breakfast(world.org, starts_at=timezone.now() + dt.timedelta(days=5), capacity=1)
    client = world.client_for(world.ambassador)
    assert client.get(reverse("community:event_list")).status_code == 200
    client.post(reverse("community:rsvp", args=[event.pk]))
    page = client.get(reverse("community:event_detail", args=[event.pk])).content.decode()
    assert 'data-rsvp-state="going"' in page
    api = client.get("/api/v1/events").json()
    assert api[0]["my_status"] == "going"
    other = _member(world, "Eve")
    other_client = world.client_for(other)
    assert other_client.post(f"/api/v1/events/{event.pk}/rsvp").json()["status"] == "waiting"
    client.post(reverse("community:rsvp_cancel", args=[event.pk]))
    assert Rsvp.objects.get(membership=other).status == RsvpStatus.GOING


def test_manager_creates_an_event_in_casablanca_time(world) -> None:
    client = world.client_for(world.manager)
    response = client.post(
        reverse("community:event_create"),
        {
            "kind": "breakfast",
            "title": "Petit-déjeuner Casablanca",
            "starts_at": "2026-04-09T08:30",
            "ends_at": "2026-04-09T10:00",
            "time_zone": "Africa/Casablanca",
            "place": "Twin Center",
            "capacity": "12",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == dt.datetime(2026, 4, 9, 8, 30, tzinfo=CASABLANCA)
    assert event.local_start.hour == 8
