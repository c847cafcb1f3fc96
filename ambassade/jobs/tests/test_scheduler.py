from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from ambassade.jobs import schedule
from ambassade.jobs.models import PeriodicJob, PeriodicStatus
from ambassade.jobs.services import periodic_job_claim, scheduler_tick
from ambassade.jobs.tests import sample_tasks

NOW = datetime(2025, 6, 3, 8, 0, tzinfo=UTC)
TASK_PATH = "ambassade.jobs.tests.sample_tasks.add"


@pytest.fixture
def only_test_jobs(monkeypatch):
    """A registry holding the test's jobs only."""
    monkeypatch.setattr(schedule, "_registry", {})
    schedule.register(
        "add numbers", sample_tasks.add, every=timedelta(minutes=10), kwargs={"a": 1, "b": 2}
    )
    return schedule.registered()


def enqueued() -> int:
    return DBTaskResult.objects.filter(task_path=TASK_PATH).count()


def test_interval_and_daily_schedules():
    every = schedule.Periodic(name="a", task=sample_tasks.add, every=timedelta(minutes=5))
    assert every.next_after(NOW) == NOW + timedelta(minutes=5)
    assert every.first_run(NOW) == NOW
    daily = schedule.Periodic(
        name="b", task=sample_tasks.add, daily_at=time(7, 30), time_zone="Europe/Paris"
    )
    # 08:00 UTC is 10:00 in Paris: the next 07:30 Paris is tomorrow, 05:30 UTC (summer time).
    assert daily.next_after(NOW) == datetime(2025, 6, 4, 5, 30, tzinfo=UTC)
    # Casablanca is UTC+1 in June: 09:00 there is 08:00 UTC, so not strictly after NOW.
    casablanca = schedule.Periodic(
        name="c", task=sample_tasks.add, daily_at=time(9, 0), time_zone="Africa/Casablanca"
    )
    assert casablanca.next_after(NOW) == datetime(2025, 6, 4, 8, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="either"):
        schedule.Periodic(name="d", task=sample_tasks.add)


def test_tick_enqueues_due_jobs_once_per_due_time(db, only_test_jobs):
    assert scheduler_tick(now=NOW) == ["add numbers"]
    assert enqueued() == 1
    assert scheduler_tick(now=NOW) == []  # not due again yet
    assert scheduler_tick(now=NOW + timedelta(minutes=9)) == []
    assert scheduler_tick(now=NOW + timedelta(minutes=10)) == ["add numbers"]
    assert enqueued() == 2
    job = PeriodicJob.objects.get(name="add numbers")
    assert job.last_status == PeriodicStatus.ENQUEUED
    assert job.runs == 2
    assert job.next_run_at == NOW + timedelta(minutes=20)
    assert job.running_since is None


def test_two_claims_of_the_same_due_job_only_one_succeeds(db, only_test_jobs):
    scheduler_tick(now=NOW)
    later = NOW + timedelta(minutes=10)
    seen_by_a = PeriodicJob.objects.get(name="add numbers")
    seen_by_b = PeriodicJob.objects.get(name="add numbers")
    assert periodic_job_claim(job=seen_by_a, next_run_at=later + timedelta(minutes=10), now=later)
    assert not periodic_job_claim(
        job=seen_by_b, next_run_at=later + timedelta(minutes=10), now=later
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_enqueue_once(only_test_jobs):
    if connection.vendor == "sqlite":
        # The in-memory test database's shared cache answers "table is locked" between
        # threads instead of waiting; the same race runs on PostgreSQL in `make test`.
        pytest.skip("Concurrent schedulers are tested in the PostgreSQL pass of the suite.")
    scheduler_tick(now=NOW)  # creates the row
    due = NOW + timedelta(minutes=10)
    barrier = threading.Barrier(4)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(scheduler_tick(now=due))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert enqueued() == 2


def test_enqueue_failure_is_recorded_and_retried(db, only_test_jobs):
    unreachable = {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_CONNECT_TIMEOUT": 1}}
    rq_backend = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=rq_backend, RQ_QUEUES=unreachable):
        assert scheduler_tick(now=NOW) == []
    job = PeriodicJob.objects.get(name="add numbers")
    assert job.last_status == PeriodicStatus.FAILED
    assert "ConnectionError" in job.last_error
    assert job.next_run_at == NOW + timedelta(minutes=1)
    assert scheduler_tick(now=NOW + timedelta(minutes=1)) == ["add numbers"]


def test_scheduler_command_once(db, only_test_jobs):
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "enqueued add numbers" in out.getvalue()
    assert enqueued() == 1


def test_registered_jobs_include_feed_polling():
    assert "poll feeds" in schedule.registered()
    assert "prune job runs" in schedule.registered()
