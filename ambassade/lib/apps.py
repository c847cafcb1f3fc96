from __future__ import annotations

from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "ambassade.lib"
    label = "lib"
