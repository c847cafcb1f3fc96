from __future__ import annotations

from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "ambassade.tracking"
    label = "tracking"

    def ready(self) -> None:
        from ambassade.tracking import signals  # noqa: F401  (connects the receivers)
