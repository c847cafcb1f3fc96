from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ambassade.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Registers the daily "enforce retention" job.
        from ambassade.privacy import tasks  # noqa: F401
