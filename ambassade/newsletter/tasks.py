"""Background jobs of the newsletter: thin wrappers around the services, and the
periodic jobs (prepare and start issues every minute, digests every quarter of an hour)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from ambassade.jobs import schedule
from ambassade.jobs.models import JobRun, RunStatus
from ambassade.jobs.services import job_run, job_run_create
from ambassade.newsletter import digests, sending, services
from ambassade.newsletter.models import Issue

# A send still queued or running after this long is presumed dead (the sweep handles it).
RUN_FRESHNESS = timedelta(hours=2)


def send_job_name(issue_id: int, sender: int = 1) -> str:
    return f"send newsletter #{issue_id} ({sender}/{settings.AMBASSADE_NEWSLETTER_SENDERS})"


def issue_deliver_enqueue(*, issue_id: int, now: datetime) -> int:
    """Queue AMBASSADE_NEWSLETTER_SENDERS sends of an issue, but none while one is queued or
    running already; return how many were queued."""
    senders = max(1, settings.AMBASSADE_NEWSLETTER_SENDERS)
    names = [send_job_name(issue_id, n) for n in range(1, senders + 1)]
    busy = JobRun.objects.filter(
        name__in=names,
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        created_at__gte=now - RUN_FRESHNESS,
    ).exists()
    if busy:
        return 0
    issue = Issue.objects.select_related("organization").get(pk=issue_id)
    for name in names:
        run = job_run_create(name=name, organization=issue.organization, now=now)
        issue_deliver_task.enqueue(issue_id=issue_id, run_id=run.pk, name=name, senders=senders)
    return senders


@task()
def issue_deliver_task(
    *, issue_id: int, run_id: int | None = None, name: str = "", senders: int = 1
) -> dict[str, Any]:
    """Send an issue's due deliveries, showing the progress under Background jobs."""
    issue = Issue.objects.select_related("organization").filter(pk=issue_id).first()
    with job_run(
        name=name or send_job_name(issue_id),
        organization=issue.organization if issue is not None else None,
        run_id=run_id,
    ) as progress:
        report = sending.issue_deliver(
            issue_id=issue_id, now=timezone.now(), progress=progress, senders=senders
        )
        progress.note(
            f"sent {report.sent}, failed {report.failed}, to retry {report.retrying}"
            + (f"; stopped: {report.stopped}" if report.stopped else "")
        )
    return asdict(report)


@task()
def newsletter_tick() -> dict[str, int]:
    """Prepare the drafts whose day has come, start scheduled issues, queue due sends."""
    now = timezone.now()
    generated = services.issues_generate_due(now=now)
    started = services.issues_start_scheduled(now=now)
    stale = sending.deliveries_sweep_stale(now=now)
    queued = sum(
        issue_deliver_enqueue(issue_id=issue_id, now=now)
        for issue_id in sending.issues_to_deliver(now=now)
    )
    return {"generated": len(generated), "started": len(started), "stale": stale, "queued": queued}


@task()
def digests_send_due_task() -> dict[str, int]:
    return asdict(digests.digests_send_due(now=timezone.now()))


schedule.register("newsletter", newsletter_tick, every=timedelta(minutes=1))
schedule.register("content digests", digests_send_due_task, every=timedelta(minutes=15))
