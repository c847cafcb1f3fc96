"""The daily privacy job: enforce the retention periods."""

from __future__ import annotations

from datetime import time

from django.utils import timezone
from django_tasks import task

from ambassade.jobs import schedule
from ambassade.privacy.retention import retention_enforce


@task()
def retention_enforce_task() -> dict[str, int]:
    """Erase what is past its retention period; how many rows of each kind."""
    return retention_enforce(now=timezone.now()).as_dict()


schedule.register("enforce retention", retention_enforce_task, daily_at=time(4, 15))
