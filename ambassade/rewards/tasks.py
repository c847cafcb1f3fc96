"""Background jobs of the gratification scheme: scoring, badges, challenges."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from ambassade.jobs import schedule
from ambassade.rewards import scoring


@task()
def score_activity() -> dict[str, int]:
    """Score new shares, clicks and conversions; corrections, badges, finished challenges."""
    # Catch up on a burst of clicks, but leave room before the next minute's run.
    return scoring.score_activity(now=timezone.now(), until_done=True, seconds=40).as_dict()


schedule.register("score activity", score_activity, every=timedelta(minutes=1))
