from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.content.tests.helpers import speak_english
from ambassade.jobs import services
from ambassade.jobs.models import JobRun, PeriodicJob, RunStatus
from ambassade.jobs.services import job_run, job_run_create, job_runs_prune
from ambassade.jobs.tests import sample_tasks
from tests.factories import UserFactory


# The worker closes its database connection after a task: no wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_failed_job_shows_its_error(world):
    run = job_run_create(name="Import", organization=world.org, now=timezone.now())
    sample_tasks.tracked_failure.enqueue(run_id=run.pk)
    call_command("worker", "--burst", stdout=StringIO(), stderr=StringIO())
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert (run.progress_done, run.progress_total) == (1, 3)
    assert "Traceback" in run.error
    assert run.error_summary == "ValueError: The source file is empty"
    speak_english(world.curator)
    page = world.client_for(world.curator).get(reverse("jobs:run_list")).content.decode()
    assert "Failed" in page
    assert "The source file is empty" in page


def test_progress_is_shown(world, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_SAVE_INTERVAL", 0)
    with job_run(name="Feed polling", organization=world.org) as progress:
        progress.set_total(4)
        progress.advance()
        progress.advance(message="Échos du Numérique: 3 new")
        speak_english(world.curator)
        page = world.client_for(world.curator).get(reverse("jobs:run_list")).content.decode()
        assert "2 / 4" in page
        assert 'aria-valuenow="50"' in page
        assert "Running" in page
        assert 'http-equiv="refresh"' in page  # follows a running job


def test_stranger_sees_none_of_acme_runs(world):
    JobRun.objects.create(name="Feed polling", organization=world.org, message="acme secret source")
    body = world.client_for(world.stranger).get(reverse("jobs:run_list")).content.decode()
    assert "acme secret source" not in body


def test_ambassador_is_refused(world):
    assert world.client_for(world.ambassador).get(reverse("jobs:run_list")).status_code == 403


def test_admin_shows_errors(world):
    run = JobRun.objects.create(
        name="Import",
        organization=world.org,
        status=RunStatus.FAILED,
        error="Traceback…\nValueError: boom",
    )
    PeriodicJob.objects.create(
        name="poll feeds",
        next_run_at=timezone.now(),
        last_status="failed",
        last_error="ConnectionError: redis down",
    )
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    assert (
        "ValueError: boom"
        in client.get(reverse("admin:jobs_jobrun_change", args=[run.pk])).content.decode()
    )
    listing = client.get(reverse("admin:jobs_periodicjob_changelist")).content.decode()
    assert "poll feeds" in listing
    job = PeriodicJob.objects.get()
    assert (
        "redis down"
        in client.get(reverse("admin:jobs_periodicjob_change", args=[job.pk])).content.decode()
    )


@pytest.mark.django_db
def test_prune_keeps_recent_and_unfinished_runs():
    now = timezone.now()
    old_done = JobRun.objects.create(
        name="a", status=RunStatus.DONE, created_at=now - timedelta(days=40)
    )
    old_running = JobRun.objects.create(
        name="b", status=RunStatus.RUNNING, created_at=now - timedelta(days=40)
    )
    recent = JobRun.objects.create(
        name="c", status=RunStatus.FAILED, created_at=now - timedelta(days=2)
    )
    assert job_runs_prune(now=now) == 1
    assert set(JobRun.objects.values_list("pk", flat=True)) == {old_running.pk, recent.pk}
    assert not JobRun.objects.filter(pk=old_done.pk).exists()
