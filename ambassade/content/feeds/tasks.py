"""Feed tasks: thin wrappers around the services, and the periodic "poll feeds" job."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from ambassade.content.feeds import services
from ambassade.content.models import FeedSource
from ambassade.jobs import schedule
from ambassade.jobs.services import job_run


@task()
def feed_sources_poll_dispatch_task() -> int:
    """Enqueue the polling of every due source; return the number of organizations."""
    return len(services.feed_sources_poll_dispatch(now=timezone.now()))


@task()
def feed_sources_poll_task(*, source_ids: list[int], run_id: int | None = None) -> dict[str, int]:
    """Poll these sources, showing progress on the job run."""
    sources = list(
        FeedSource.objects.filter(pk__in=source_ids).select_related("organization").order_by("pk")
    )
    organization = sources[0].organization if sources else None
    with job_run(name=services.POLL_JOB_NAME, organization=organization, run_id=run_id) as progress:
        reports = services.feed_sources_poll(sources=sources, now=timezone.now(), progress=progress)
    return {
        "sources": len(reports),
        "failed": sum(1 for report in reports.values() if report is None),
        "new": sum(report.new for report in reports.values() if report is not None),
    }


schedule.register("poll feeds", feed_sources_poll_dispatch_task, every=timedelta(minutes=1))
