"""The scheduler's claims and the progress of long jobs."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ambassade.accounts.models import Organization
from ambassade.jobs import schedule
from ambassade.jobs.models import JobRun, PeriodicJob, PeriodicStatus, RunStatus

logger = logging.getLogger(__name__)

# When a due job could not be enqueued (queue down), try again this much later.
ENQUEUE_RETRY = timedelta(minutes=1)
# Progress is written at most this often, so a tight loop does not hammer the database.
PROGRESS_SAVE_INTERVAL = 0.5


def periodic_job_sync(*, now: datetime) -> dict[str, PeriodicJob]:
    """One row per registered job, created on first sight (safe when run concurrently)."""
    specs = schedule.registered()
    rows = {job.name: job for job in PeriodicJob.objects.filter(name__in=specs)}
    for name, spec in specs.items():
        if name in rows:
            continue
        try:
            with transaction.atomic():
                rows[name] = PeriodicJob.objects.create(name=name, next_run_at=spec.first_run(now))
        except IntegrityError:
            rows[name] = PeriodicJob.objects.get(name=name)
    return rows


def periodic_job_claim(*, job: PeriodicJob, next_run_at: datetime, now: datetime) -> bool:
    """Take a due job for this scheduler: only one of several concurrent claims wins.

    The UPDATE only matches while the row still holds the due time we read, so a
    second scheduler that read the same row updates nothing and does not enqueue.
    """
    if job.next_run_at > now:
        return False
    claimed = PeriodicJob.objects.filter(
        pk=job.pk, next_run_at=job.next_run_at, next_run_at__lte=now
    ).update(next_run_at=next_run_at, last_run_at=now, running_since=now, runs=F("runs") + 1)
    return claimed == 1


def scheduler_tick(*, now: datetime) -> list[str]:
    """Enqueue every due periodic job once; return the names enqueued by this tick."""
    specs = schedule.registered()
    enqueued: list[str] = []
    for name, job in periodic_job_sync(now=now).items():
        spec = specs[name]
        if not periodic_job_claim(job=job, next_run_at=spec.next_after(now), now=now):
            continue
        try:
            result = spec.task.enqueue(**spec.kwargs)
        except Exception as exc:
            logger.exception("Could not enqueue the periodic job %s", name)
            PeriodicJob.objects.filter(pk=job.pk).update(
                last_status=PeriodicStatus.FAILED,
                last_error=f"{type(exc).__name__}: {exc}",
                running_since=None,
                next_run_at=now + ENQUEUE_RETRY,
            )
            continue
        PeriodicJob.objects.filter(pk=job.pk).update(
            last_status=PeriodicStatus.ENQUEUED,
            last_error="",
            last_result_id=str(result.id),
            running_since=None,
        )
        enqueued.append(name)
    return enqueued


def job_run_create(
    *, name: str, organization: Organization | None, now: datetime, message: str = ""
) -> JobRun:
    """A queued run, created when the job is enqueued so people see it waiting."""
    return JobRun.objects.create(
        name=name, organization=organization, created_at=now, message=message[:300]
    )


class Progress:
    """Handed to a long job: it reports its total and advances, the UI follows."""

    def __init__(self, run: JobRun) -> None:
        self.run = run
        self._saved_at = 0.0

    def set_total(self, total: int) -> None:
        self.run.progress_total = max(0, total)
        self._save(force=True)

    def advance(self, step: int = 1, *, message: str = "") -> None:
        self.run.progress_done += step
        if message:
            self.run.message = message[:300]
        self._save(force=self.run.progress_done >= self.run.progress_total)

    def note(self, message: str) -> None:
        self.run.message = message[:300]
        self._save(force=True)

    def _save(self, *, force: bool) -> None:
        clock = time.monotonic()
        if force or clock - self._saved_at >= PROGRESS_SAVE_INTERVAL:
            self.run.save(update_fields=["progress_done", "progress_total", "message"])
            self._saved_at = clock


@contextmanager
def job_run(
    *,
    name: str,
    organization: Organization | None = None,
    run_id: int | None = None,
    total: int = 0,
) -> Iterator[Progress]:
    """Track a long job: running on entry, done on exit, failed (with the traceback) on error.

    ``run_id`` picks up the run created when the job was enqueued; otherwise one is
    created. The exception is re-raised so the task backend records it too.
    """
    run = JobRun.objects.filter(pk=run_id).first() if run_id is not None else None
    if run is None:
        run = JobRun.objects.create(name=name, organization=organization)
    run.status = RunStatus.RUNNING
    run.started_at = timezone.now()
    run.progress_total = total
    run.progress_done = 0
    run.error = ""
    run.save()
    progress = Progress(run)
    try:
        yield progress
    except BaseException:
        run.status = RunStatus.FAILED
        run.error = traceback.format_exc()
        run.finished_at = timezone.now()
        run.save()
        raise
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    if run.progress_total < run.progress_done:
        run.progress_total = run.progress_done
    run.save()


def job_runs_prune(*, now: datetime, keep: timedelta = timedelta(days=30)) -> int:
    """Forget finished runs older than ``keep``; return how many were deleted."""
    deleted, _per_model = JobRun.objects.filter(
        created_at__lt=now - keep, status__in=[RunStatus.DONE, RunStatus.FAILED]
    ).delete()
    return deleted
