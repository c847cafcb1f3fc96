"""``ambassade background``: the task worker and the scheduler, for ``make serve``.

Started in the background next to the web server; it stops its children when
asked to (SIGTERM, Ctrl-C) or when the process that started it goes away, so
stopping the web server stops everything. A child that dies is restarted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

CHILDREN = {"worker": ["worker"], "scheduler": ["scheduler"]}
RESTART_DELAY = 2.0
STOP_TIMEOUT = 10.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Command(BaseCommand):
    help = "Run the task worker and the scheduler until stopped (or until --parent-pid exits)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--parent-pid", type=int, default=0, help="Stop when this process is gone."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parent = options["parent_pid"]
        self._running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGHUP, self._stop)
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, self._stop)
        processes: dict[str, subprocess.Popen[bytes]] = {}
        started_at: dict[str, float] = {}
        try:
            while self._running:
                if parent and not _alive(parent):
                    break
                for name, command in CHILDREN.items():
                    process = processes.get(name)
                    if process is not None and process.poll() is None:
                        continue
                    if process is not None:
                        self.stderr.write(f"The {name} stopped (code {process.returncode}).")
                        if time.monotonic() - started_at[name] < RESTART_DELAY:
                            continue
                    processes[name] = subprocess.Popen(
                        [sys.executable, "-m", "ambassade", *command],
                        # Out of the terminal's process group: Ctrl-C reaches this
                        # supervisor (or the web server), which stops them in order.
                        start_new_session=True,
                    )
                    started_at[name] = time.monotonic()
                time.sleep(0.5)
        finally:
            self._terminate(processes)

    def _terminate(self, processes: dict[str, subprocess.Popen[bytes]]) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self._running = False
