"""Retention: the daily job erases what is past its period, and only that."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from ambassade.accounts.models import Notification
from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.audit.services import audit_record
from ambassade.jobs import schedule
from ambassade.newsletter.models import Delivery, DeliveryStatus, Digest, Issue
from ambassade.privacy.retention import retention_enforce
from ambassade.privacy.tasks import retention_enforce_task
from conftest import World

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)


def _issue(world: World) -> Issue:
    return Issue.objects.create(
        organization=world.org,
        program=world.program,
        edition_on=dt.date(2025, 1, 1),
        period_start_on=dt.date(2024, 12, 1),
        period_end_on=dt.date(2024, 12, 31),
    )


def _traces(world: World, at: dt.datetime, tag: str) -> None:
    """One of each kind of record, made at ``at``."""
    with time_machine.travel(at, tick=False):
        now = timezone.now()
        issue = Issue.objects.filter(program=world.program).first() or _issue(world)
        member = world.ambassador if tag == "old" else world.curator
        Delivery.objects.create(
            organization=world.org,
            issue=issue,
            membership=member,
            email=f"{tag}@acme.example",
            status=DeliveryStatus.FAILED,
            error=f"550 {tag}@acme.example",
            created_at=now,
        )
        Digest.objects.create(
            organization=world.org,
            membership=member,
            frequency="weekly",
            period_key=f"{tag}-week",
            since=now,
            status="sent",
            created_at=now,
        )
        audit_record(
            organization=world.org,
            actor=world.admin,
            action=AuditAction.ROLES_CHANGED,
            subject=member,
            object_label=tag,
            now=now,
        )
        Notification.objects.create(
            user=member.user, organization=world.org, message=f"{tag} read", read_at=now
        )
        Notification.objects.create(
            user=member.user, organization=world.org, message=f"{tag} unread"
        )
        attempt = AccessAttempt.objects.create(
            username=f"{tag}@acme.example",
            ip_address="fd00::1",
            user_agent="Firefox",
            http_accept="*/*",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=1,
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=now)
        session = SessionStore()
        session["tag"] = tag
        session.create()
        Session.objects.filter(pk=session.session_key).update(
            expire_date=now + dt.timedelta(days=14)
        )


def test_each_kind_of_record_goes_after_its_period_and_not_before(world: World) -> None:
    _traces(world, START, "old")
    _traces(world, START + dt.timedelta(days=390), "recent")

    # 400 days after the old traces: past 396, 365 and 30 days; not past 1095.
    report = retention_enforce(now=START + dt.timedelta(days=400), batch=2)

    old, recent = Delivery.objects.order_by("created_at")
    assert (old.email, old.error, old.status) == ("", "", DeliveryStatus.FAILED)
    assert (recent.email, recent.error) == ("recent@acme.example", "550 recent@acme.example")
    assert list(Digest.objects.values_list("period_key", flat=True)) == ["recent-week"]
    assert AuditEntry.objects.count() == 2
    assert sorted(Notification.objects.values_list("message", flat=True)) == [
        "old unread",
        "recent read",
        "recent unread",
    ]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent@acme.example"]
    assert [s.get_decoded()["tag"] for s in Session.objects.all()] == ["recent"]
    assert report.as_dict() == {
        "deliveries_anonymised": 1,
        "digests_deleted": 1,
        "audit_entries_deleted": 0,
        "notifications_deleted": 1,
        "sessions_deleted": 1,
        "login_attempts_deleted": 1,
        "task_results_deleted": 0,
    }

    # Three years on, the audit entries go too; a second run finds nothing else to do.
    later = retention_enforce(now=START + dt.timedelta(days=1096))
    assert later.audit_entries_deleted == 1
    assert list(AuditEntry.objects.values_list("object_label", flat=True)) == ["recent"]


@override_settings(
    AMBASSADE_AUDIT_RETENTION_DAYS=10,
    AMBASSADE_DELIVERY_RETENTION_DAYS=10,
    AMBASSADE_NOTIFICATION_RETENTION_DAYS=10,
)
def test_the_periods_come_from_the_settings(world: World) -> None:
    _traces(world, START, "old")

    report = retention_enforce(now=START + dt.timedelta(days=11))

    assert report.audit_entries_deleted == 1
    assert report.deliveries_anonymised == 1
    assert report.notifications_deleted == 1
    assert report.login_attempts_deleted == 0  # 30 days


def test_the_command_and_the_daily_job(world: World) -> None:
    _traces(world, START, "old")
    out = StringIO()

    call_command("enforce_retention", stdout=out)

    output = out.getvalue()
    assert "deliveries anonymised" in output
    assert "Done:" in output
    assert Delivery.objects.get().email == ""
    job = schedule.registered()["enforce retention"]
    assert job.task.module_path == retention_enforce_task.module_path
    assert job.daily_at == dt.time(4, 15)
