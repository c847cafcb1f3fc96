"""Shares scheduled for later: planning, the reminder (once), the prepared share page."""

from __future__ import annotations

import datetime as dt
import re
import threading
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from ambassade.accounts.models import Membership, Notification
from ambassade.content.models import ItemStatus
from ambassade.jobs import schedule
from ambassade.sharing import services, tasks
from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share
from conftest import World
from tests.factories import MembershipFactory

CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")
TEXT = "Je partagerai ceci demain matin, avec mon regard."


def speak_english(*memberships: Membership) -> None:
    for membership in memberships:
        membership.user.language = "en"
        membership.user.save()


def plan(
    world: World, *, run_at: dt.datetime, network: str = "linkedin", **kwargs: Any
) -> ScheduledShare:
    with translation.override("en"):
        return services.scheduled_share_create(
            actor=kwargs.pop("actor", world.ambassador),
            item=kwargs.pop("item", world.item),
            network=network,
            commentary=kwargs.pop("commentary", TEXT),
            run_at=run_at,
            now=kwargs.pop("now", timezone.now()),
        )


def remind_due(now: dt.datetime, captured: Any) -> int:
    with captured(execute=True):
        return services.scheduled_share_remind_due(now=now)


# Planning from the share page


def test_scheduling_from_the_share_page_in_the_persons_time_zone(world: World) -> None:
    speak_english(world.ambassador)
    world.ambassador.user.time_zone = "Africa/Casablanca"
    world.ambassador.user.save()
    client = world.client_for(world.ambassador)
    tomorrow = timezone.now().astimezone(CASABLANCA).date() + dt.timedelta(days=1)
    response = client.post(
        reverse("sharing:share", args=[world.item.pk]),
        {
            "network": "x",
            "commentary": TEXT,
            "action": "schedule",
            "run_at": f"{tomorrow.isoformat()}T09:30",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:scheduled_list")
    scheduled = ScheduledShare.objects.get()
    assert scheduled.run_at == dt.datetime.combine(tomorrow, dt.time(9, 30), tzinfo=CASABLANCA)
    assert scheduled.network == "x"
    assert scheduled.commentary == TEXT
    assert scheduled.status == ScheduledStatus.PENDING
    assert not Share.objects.exists()
    listing = client.get(reverse("sharing:scheduled_list")).content.decode()
    assert world.item.title.replace("'", "&#x27;") in listing
    assert "Planned" in listing
    assert f"?scheduled={scheduled.pk}" in listing


def test_scheduling_refuses_the_past_and_closed_hours_and_blocked_words(world: World) -> None:
    speak_english(world.ambassador)
    world.org.sharing_start_hour = 8
    world.org.sharing_end_hour = 20
    world.org.blocked_words = "secret"
    world.org.save()
    client = world.client_for(world.ambassador)
    url = reverse("sharing:share", args=[world.item.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    past = client.post(
        url,
        {"network": "x", "commentary": TEXT, "action": "schedule", "run_at": "2020-01-01T10:00"},
    )
    assert "Choose a time in the future." in past.content.decode()
    night = client.post(
        url,
        {"network": "x", "commentary": TEXT, "action": "schedule", "run_at": f"{tomorrow}T23:00"},
    )
    assert "Choose a time when your organization allows sharing: from 8 a.m. to 8 p.m." in (
        night.content.decode()
    )
    secret = client.post(
        url,
        {
            "network": "x",
            "commentary": "Un secret",
            "action": "schedule",
            "run_at": f"{tomorrow}T10:00",
        },
    )
    assert "Your commentary contains “secret”" in secret.content.decode()
    assert not ScheduledShare.objects.exists()


def test_an_item_expiring_before_then_cannot_be_planned(world: World) -> None:
    world.item.expires_at = timezone.now() + dt.timedelta(hours=2)
    world.item.save()
    with pytest.raises(Exception, match="expires before then"):
        plan(world, run_at=timezone.now() + dt.timedelta(days=1))


def test_strangers_and_other_roles_cannot_plan(world: World) -> None:
    run_at = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        plan(world, run_at=run_at, actor=world.stranger)
    with pytest.raises(PermissionDenied):
        plan(world, run_at=run_at, actor=world.curator)
    data = {"network": "x", "commentary": TEXT, "action": "schedule", "run_at": "2030-01-01T10:00"}
    url = reverse("sharing:share", args=[world.item.pk])
    assert world.client_for(world.stranger).post(url, data).status_code == 404
    assert world.client_for(world.curator).post(url, data).status_code == 403
    assert not ScheduledShare.objects.exists()


# The reminder


def test_the_reminder_is_sent_at_the_time_by_email_and_in_app(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    speak_english(world.ambassador)
    run_at = timezone.now() + dt.timedelta(hours=3)
    scheduled = plan(world, run_at=run_at)
    assert remind_due(run_at - dt.timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert remind_due(run_at, django_capture_on_commit_callbacks) == 1
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledStatus.REMINDED
    assert scheduled.reminded_at == run_at
    link = f"{reverse('sharing:share', args=[world.item.pk])}?scheduled={scheduled.pk}"
    [email] = mail.outbox
    assert email.to == ["amine@acme.example"]
    assert email.subject == "Time to share: Le marché de l'IA en 2026"
    assert TEXT in email.body
    assert f"http://testserver{link}" in email.body
    notification = Notification.objects.get(user=world.ambassador.user)
    assert notification.url == link
    assert notification.message == (
        "Time to share “Le marché de l'IA en 2026” on LinkedIn: your text is ready."
    )

    # One click opens the share prepared: network chosen, text written.
    client = world.client_for(world.ambassador)
    page = client.get(link).content.decode()
    assert f'name="scheduled" value="{scheduled.pk}"' in page
    assert TEXT in page
    assert re.search(r'value="linkedin" required[^>]*checked', page)
    response = client.post(
        reverse("sharing:share", args=[world.item.pk]),
        {"network": "linkedin", "commentary": TEXT, "scheduled": scheduled.pk},
    )
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledStatus.DONE
    assert scheduled.share == Share.objects.get()


def test_two_runs_never_remind_twice(world: World, django_capture_on_commit_callbacks: Any) -> None:
    run_at = timezone.now() + dt.timedelta(hours=1)
    plans = [plan(world, run_at=run_at + dt.timedelta(minutes=n)) for n in range(3)]
    later = run_at + dt.timedelta(hours=1)
    # Run A lists the due rows, run B reminds them all, then A tries to claim them.
    seen_by_a = services.scheduled_share_due_ids(now=later)
    assert sorted(seen_by_a) == sorted(p.pk for p in plans)
    assert remind_due(later, django_capture_on_commit_callbacks) == 3
    with django_capture_on_commit_callbacks(execute=True):
        claimed = [services.scheduled_share_remind(scheduled_id=pk, now=later) for pk in seen_by_a]
    assert claimed == [False, False, False]
    assert remind_due(later, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 3
    assert Notification.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_remind_each_share_once(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent database runs are tested in the PostgreSQL pass of the suite.")
    run_at = timezone.now() + dt.timedelta(hours=1)
    for n in range(20):
        plan(world, run_at=run_at + dt.timedelta(seconds=n))
    later = run_at + dt.timedelta(hours=1)
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            counts.append(services.scheduled_share_remind_due(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 20
    assert len(mail.outbox) == 20
    assert Notification.objects.count() == 20


def test_an_item_gone_meanwhile_cancels_the_plan(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    speak_english(world.ambassador)
    run_at = timezone.now() + dt.timedelta(hours=1)
    scheduled = plan(world, run_at=run_at)
    world.item.status = ItemStatus.ARCHIVED
    world.item.save()
    assert remind_due(run_at, django_capture_on_commit_callbacks) == 1
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledStatus.CANCELLED
    assert mail.outbox == []
    assert "is no longer available" in Notification.objects.get().message


def test_the_task_and_its_periodic_job(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    plan(world, run_at=timezone.now() + dt.timedelta(minutes=5))
    job = schedule.registered()["send due share reminders"]
    assert job.task.module_path == tasks.scheduled_share_remind_due.module_path
    assert job.every == dt.timedelta(minutes=1)
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.scheduled_share_remind_due.call() == 1
    assert len(mail.outbox) == 1


# My scheduled shares


def test_cancelling_one_of_my_plans(world: World) -> None:
    speak_english(world.ambassador)
    scheduled = plan(world, run_at=timezone.now() + dt.timedelta(days=1))
    cancel = reverse("sharing:scheduled_cancel", args=[scheduled.pk])
    colleague = MembershipFactory.create(organization=world.org, is_ambassador=True)
    assert world.client_for(colleague).post(cancel).status_code == 404
    assert world.client_for(world.stranger).post(cancel).status_code == 404
    assert world.client_for(world.curator).post(cancel).status_code == 403
    assert world.client_for(world.curator).get(reverse("sharing:scheduled_list")).status_code == 403
    stranger_list = world.client_for(world.stranger).get(reverse("sharing:scheduled_list"))
    assert f'data-scheduled="{scheduled.pk}"' not in stranger_list.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledStatus.PENDING

    response = world.client_for(world.ambassador).post(cancel, follow=True)
    assert "The scheduled share is cancelled." in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledStatus.CANCELLED
    again = world.client_for(world.ambassador).post(cancel, follow=True)
    assert "This share has already been made or cancelled." in again.content.decode()
    assert services.scheduled_share_remind_due(now=timezone.now() + dt.timedelta(days=2)) == 0
