from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ambassade.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Apps declare their periodic jobs in their tasks module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
