from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "ambassade.content"
    label = "content"

    def ready(self) -> None:
        # Registers the periodic "poll feeds" and "fetch pending images" jobs.
        from ambassade.content import tasks  # noqa: F401
        from ambassade.content.feeds import tasks as feed_tasks  # noqa: F401
