"""Background jobs of analytics: the roll-ups, their nightly check, the clicks' retention."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone
from django_tasks import task

from ambassade.analytics import services
from ambassade.jobs import schedule


@task()
def rollups_update() -> int:
    """Roll up what is new; how many program days were recomputed."""
    return services.rollups_update(now=timezone.now()).days


@task()
def rollups_reconcile() -> int:
    """Compare every day still backed by raw clicks with its roll-ups, and fix it."""
    return services.rollups_reconcile(now=timezone.now()).days


@task()
def clicks_purge() -> int:
    """Delete the raw clicks older than the retention period; how many were deleted."""
    return services.clicks_purge(now=timezone.now())


schedule.register("roll up analytics", rollups_update, every=timedelta(minutes=5))
schedule.register("check analytics roll-ups", rollups_reconcile, daily_at=time(3, 15))
schedule.register("purge old clicks", clicks_purge, daily_at=time(3, 45))
