"""``ambassade check_user_agent``: classify user agents read from standard input.

One user agent per line in, one line per user agent out: ``bot`` or ``human``,
a tab, the reason (``browser`` for people), a tab, the user agent. Blank lines
are user agents too (an empty user agent is a bot), so the output lines up
with the input line for line.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ambassade.tracking.bots import classify_user_agent


class Command(BaseCommand):
    help = (
        "Read user agents from standard input, one per line; print for each "
        "'bot' or 'human', then the reason, tab-separated."
    )
    # call_command(..., stdin=…) in tests; the shell's standard input otherwise.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bots-only", action="store_true", help="Print only the lines classified as bots."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        bots_only: bool = options["bots_only"]
        for raw in stdin:
            user_agent = raw.rstrip("\r\n")
            verdict = classify_user_agent(user_agent)
            if bots_only and not verdict.is_bot:
                continue
            label = "bot" if verdict.is_bot else "human"
            self.stdout.write(f"{label}\t{verdict.reason}\t{user_agent}")
