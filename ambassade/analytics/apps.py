from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "ambassade.analytics"
    label = "analytics"

    def ready(self) -> None:
        # Registers the periodic "roll up analytics" and "purge old clicks" jobs.
        from ambassade.analytics import tasks  # noqa: F401
