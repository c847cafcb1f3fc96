"""``ambassade enforce_retention``: what the daily privacy job does, by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from ambassade.privacy.retention import retention_enforce


class Command(BaseCommand):
    help = "Erase personal data past its retention period (see the AMBASSADE_*_RETENTION_DAYS settings)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_enforce(now=timezone.now())
        width = max(len(name) for name in report.as_dict())
        for name, count in report.as_dict().items():
            self.stdout.write(f"{name.replace('_', ' '):<{width}}  {count}")
        self.stdout.write(self.style.SUCCESS(f"Done: {report.total} rows."))
