"""Background jobs of the community app: the reminders of events."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from ambassade.community import services
from ambassade.jobs import schedule


@task()
def event_reminders_send() -> int:
    """Send the day-before and hour-before reminders that are due; how many were sent."""
    return services.event_reminders_send(now=timezone.now())


schedule.register("send event reminders", event_reminders_send, every=timedelta(minutes=5))
