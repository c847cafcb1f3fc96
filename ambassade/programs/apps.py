from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "ambassade.programs"
    label = "programs"
