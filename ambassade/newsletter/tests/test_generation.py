"""Monthly drafts on the configured day and hour (organization's time zone), auto-send,
scheduled sending, the periodic job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ambassade.jobs import schedule
from ambassade.newsletter.models import Delivery, Issue, IssueStatus, NewsletterSettings
from ambassade.newsletter.services import (
    issue_create,
    issue_schedule,
    issue_send,
    issue_update,
    issues_generate_due,
    issues_start_scheduled,
    newsletter_settings_update,
)
from ambassade.newsletter.tests.conftest import Newsletter
from conftest import World


def _settings(world: World, **values: object) -> NewsletterSettings:
    return NewsletterSettings.objects.create(
        organization=world.org, program=world.program, **values
    )


def test_the_draft_is_prepared_on_the_day_and_hour_in_the_organization_time_zone(
    world: World,
) -> None:
    world.org.time_zone = "Africa/Casablanca"
    world.org.save()
    _settings(world, day_of_month=3, hour=9)
    casablanca = ZoneInfo("Africa/Casablanca")
    before = datetime(2026, 3, 3, 8, 59, tzinfo=casablanca)
    assert (
        before.utcoffset()
        != datetime(2026, 3, 3, 8, 59, tzinfo=ZoneInfo("Europe/Paris")).utcoffset()
    )
    mine = [i for i in issues_generate_due(now=before) if i.program_id == world.program.pk]
    assert mine == []
    made = issues_generate_due(now=before + timedelta(minutes=1))
    issue = next(i for i in made if i.program_id == world.program.pk)
    assert issue.status == IssueStatus.DRAFT
    assert issue.edition_on == date(2026, 3, 1)
    assert (issue.period_start_on, issue.period_end_on) == (date(2026, 2, 1), date(2026, 2, 28))
    # Once a month only.
    assert not [
        i
        for i in issues_generate_due(now=datetime(2026, 3, 20, 8, 0, tzinfo=UTC))
        if i.program_id == world.program.pk
    ]
    assert Issue.objects.filter(program=world.program).count() == 1


def test_disabled_programs_and_programs_not_started_get_no_issue(world: World) -> None:
    _settings(world, is_enabled=False)
    made = issues_generate_due(now=datetime(2026, 3, 3, 12, tzinfo=UTC))
    assert not [i for i in made if i.program_id == world.program.pk]
    # The other program started in 2026-01: nothing covers December 2025.
    assert not [
        i
        for i in issues_generate_due(now=datetime(2026, 1, 3, 12, tzinfo=UTC))
        if i.program_id == world.other_program.pk
    ]


def test_auto_send_starts_sending_the_generated_issue(world: World) -> None:
    _settings(world, auto_send=True)
    issues_generate_due(now=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    issue = Issue.objects.get(program=world.program)
    assert issue.status == IssueStatus.SENDING
    assert Delivery.objects.filter(issue=issue).count() == 1  # Amine


def test_scheduled_issues_start_when_due(nl: Newsletter) -> None:
    manager = nl.world.manager
    issue_schedule(actor=manager, issue=nl.issue, send_at=nl.now + timedelta(hours=2), now=nl.now)
    assert issues_start_scheduled(now=nl.now + timedelta(hours=1)) == []
    started = issues_start_scheduled(now=nl.now + timedelta(hours=2))
    assert [i.pk for i in started] == [nl.issue.pk]
    nl.issue.refresh_from_db()
    assert nl.issue.status == IssueStatus.SENDING


def test_only_managers_of_the_organization_act(nl: Newsletter) -> None:
    world = nl.world
    for actor in (world.ambassador, world.curator):
        with pytest.raises(PermissionDenied):
            issue_send(actor=actor, issue=nl.issue, now=nl.now)
        with pytest.raises(PermissionDenied):
            issue_update(actor=actor, issue=nl.issue, now=nl.now, editorial="x")
    # The stranger is an admin, but of another organization.
    with pytest.raises(PermissionDenied):
        issue_send(actor=world.stranger, issue=nl.issue, now=nl.now)
    with pytest.raises(PermissionDenied):
        issue_create(actor=world.stranger, program=world.program, now=nl.now)
    with pytest.raises(PermissionDenied):
        newsletter_settings_update(
            actor=world.stranger,
            program=world.program,
            is_enabled=True,
            day_of_month=1,
            hour=9,
            auto_send=True,
            open_tracking=False,
            tip="",
        )
    assert not Delivery.objects.exists()


def test_sections_are_validated(nl: Newsletter) -> None:
    manager = nl.world.manager
    with pytest.raises(ValidationError):
        issue_update(actor=manager, issue=nl.issue, now=nl.now, sections=[{"key": "weather"}])
    with pytest.raises(ValidationError):
        issue_update(
            actor=manager,
            issue=nl.issue,
            now=nl.now,
            sections=[{"key": "tip"}, {"key": "tip"}],
        )
    issue = issue_update(
        actor=manager, issue=nl.issue, now=nl.now, sections=[{"key": "tip", "visible": True}]
    )
    assert issue.visible_sections() == ["tip"]
    assert len(issue.sections) == 9


def test_the_periodic_jobs_are_registered() -> None:
    jobs = schedule.registered()
    assert jobs["newsletter"].every == timedelta(minutes=1)
    assert jobs["content digests"].every == timedelta(minutes=15)
