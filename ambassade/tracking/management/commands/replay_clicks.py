"""``ambassade replay_clicks``: write to the database the clicks left in spool files.

Redirector processes replay the spool files of dead processes when they start;
this command does it for operators (after a crash, before a migration, or when
the web server stays stopped). Files still held by a live process are left to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ambassade.tracking.ingest import ClickIngest


class Command(BaseCommand):
    help = "Write the clicks left in spool files to the database, then delete those files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--spool-dir",
            default=str(settings.AMBASSADE_SPOOL_DIR),
            help="The spool directory (default: AMBASSADE_SPOOL_DIR, %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["spool_dir"])
        if not directory.is_dir():
            self.stdout.write(f"No spool directory at {directory}: nothing to replay.")
            return
        ingest = ClickIngest(mode="async", spool_dir=directory)
        segments, clicks = ingest.replay_leftovers()
        rejected = sorted(directory.glob("*.rejected"))
        self.stdout.write(
            f"Replayed {clicks} click(s) from {segments} spool file(s) in {directory}."
        )
        if ingest.failures:
            raise CommandError(
                "The database refused the clicks; the spool files are kept. Try again later."
            )
        if rejected:
            self.stderr.write(
                f"{len(rejected)} file(s) of unreadable lines set aside: "
                + ", ".join(str(path) for path in rejected)
            )
