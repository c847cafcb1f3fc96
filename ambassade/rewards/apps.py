from __future__ import annotations

from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "ambassade.rewards"
    label = "rewards"

    def ready(self) -> None:
        # Registers the periodic "score activity" job with the scheduler.
        from ambassade.rewards import tasks  # noqa: F401
