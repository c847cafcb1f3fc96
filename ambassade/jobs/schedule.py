"""The registry of periodic jobs: apps declare them in their ``tasks`` module.

    from ambassade.jobs import schedule

    schedule.register("poll feeds", poll_due_feeds, every=timedelta(minutes=1))
    schedule.register("daily digest", send_digests, daily_at=time(7, 30))

The ``ambassade scheduler`` command enqueues each job when it is due; several
schedulers may run at once, a job is enqueued once per due time all the same.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django_tasks.base import Task


@dataclass(frozen=True)
class Periodic:
    """A job run every ``every``, or every day at ``daily_at`` in ``time_zone``."""

    name: str
    task: Task[Any, Any]
    every: timedelta | None = None
    daily_at: time | None = None
    time_zone: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"Periodic job {self.name!r}: give either `every` or `daily_at`.")
        if self.every is not None and self.every <= timedelta(0):
            raise ValueError(f"Periodic job {self.name!r}: `every` must be positive.")

    def next_after(self, moment: datetime) -> datetime:
        """The first run time strictly after ``moment``."""
        if self.every is not None:
            return moment + self.every
        assert self.daily_at is not None
        zone = zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
        local = moment.astimezone(zone)
        candidate = datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if candidate <= local:
            candidate = datetime.combine(
                local.date() + timedelta(days=1), self.daily_at, tzinfo=zone
            )
        return candidate

    def first_run(self, now: datetime) -> datetime:
        """Interval jobs run at once on a fresh install; daily ones at their next time."""
        return now if self.every is not None else self.next_after(now)


_registry: dict[str, Periodic] = {}


def register(
    name: str,
    task: Task[Any, Any],
    *,
    every: timedelta | None = None,
    daily_at: time | None = None,
    time_zone: str = "",
    kwargs: dict[str, Any] | None = None,
) -> Periodic:
    job = Periodic(
        name=name,
        task=task,
        every=every,
        daily_at=daily_at,
        time_zone=time_zone,
        kwargs=dict(kwargs or {}),
    )
    existing = _registry.get(name)
    if existing is not None and existing.task.module_path != task.module_path:
        raise ValueError(f"Periodic job {name!r} is already registered for another task.")
    _registry[name] = job
    return job


def unregister(name: str) -> None:
    _registry.pop(name, None)


def registered() -> dict[str, Periodic]:
    return dict(_registry)
