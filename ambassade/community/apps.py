from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "ambassade.community"
    label = "community"
    verbose_name = _("Community: events and mentoring")

    def ready(self) -> None:
        # Registers the periodic "send event reminders" job with the scheduler.
        from ambassade.community import tasks  # noqa: F401
