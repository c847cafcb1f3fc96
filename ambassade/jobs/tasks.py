from __future__ import annotations

from datetime import time

from django.utils import timezone
from django_tasks import task

from ambassade.jobs import schedule
from ambassade.jobs.services import job_runs_prune


@task()
def job_runs_prune_task() -> int:
    return job_runs_prune(now=timezone.now())


schedule.register("prune job runs", job_runs_prune_task, daily_at=time(3, 30))
