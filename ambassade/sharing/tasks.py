"""Background jobs of sharing: the reminders of scheduled shares."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from ambassade.jobs import schedule
from ambassade.sharing import services


@task()
def scheduled_share_remind_due() -> int:
    """Remind every person whose planned share is due; how many were reminded."""
    return services.scheduled_share_remind_due(now=timezone.now())


schedule.register(
    "send due share reminders", scheduled_share_remind_due, every=timedelta(minutes=1)
)
