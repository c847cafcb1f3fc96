from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "ambassade.content"
    label = "content"

    def ready(self) -> None:
        # Registers the periodic "poll feeds" job with the scheduler.
        from ambassade.content.feeds import tasks  # noqa: F401
