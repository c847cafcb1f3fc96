"""``ambassade scheduler``: enqueue the periodic jobs when they are due."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from ambassade.jobs.services import scheduler_tick


class Command(BaseCommand):
    help = "Enqueue the periodic jobs when they are due (safe to run several at once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between ticks (default 5)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._tick()
            return
        self._running = True
        signal.signal(signal.SIGTERM, self._stop)
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, self._stop)
        self.stdout.write(f"Scheduler running, one tick every {options['interval']:g} s.")
        while self._running:
            try:
                self._tick()
            except Exception as exc:  # a database hiccup must not stop the scheduler
                self.stderr.write(f"Scheduler tick failed: {exc}")
            finally:
                close_old_connections()
            deadline = time.monotonic() + options["interval"]
            while self._running and time.monotonic() < deadline:
                time.sleep(min(0.5, options["interval"]))
        self.stdout.write("Scheduler stopped.")

    def _tick(self) -> None:
        for name in scheduler_tick(now=timezone.now()):
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} enqueued {name}")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self._running = False
