from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "ambassade.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        # Registers the periodic newsletter and digest jobs with the scheduler.
        from ambassade.newsletter import tasks  # noqa: F401
