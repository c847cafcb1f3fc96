"""The click spool: append-only files where a click lands before its redirect leaves.

Each process appends one JSON line per click to its current segment with a
single ``os.write`` on a file opened ``O_APPEND``; the background thread seals
the segment (opens the next one), writes the sealed segment's clicks to the
database, and only then deletes the file. Every segment is held under an
exclusive ``flock`` by the process that owns it, so a segment whose lock can be
taken belongs to a process that died: it is replayed (at start-up by every
process, or by ``ambassade replay_clicks``). Replays are idempotent: clicks are
inserted with ``ON CONFLICT (click_id) DO NOTHING``.

What a crash costs
    Nothing that was answered. ``os.write`` hands the line to the operating
    system before the 302 is sent; if the Python process dies (killed, OOM,
    bug) the kernel still writes the page cache to disk.

What a power cut costs
    The clicks of the last few seconds that the kernel had not yet written to
    disk (``vm.dirty_expire_centisecs``, 30 s at most by default; less on a
    busy machine), and possibly a torn last line, which replay sets aside in a
    ``.rejected`` file instead of failing. There is no ``fsync`` per click on
    purpose: an fsync costs a disk round trip (0.1–10 ms) on every redirect and
    would cap the redirector at a few hundred to a few thousand clicks per
    second per disk, while a power cut on a server is rare and would also drop
    the TCP connections of the requests in flight. Operators who need more run
    the database and spool on battery-backed storage.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

logger = logging.getLogger(__name__)

SEGMENT_SUFFIX = ".clicks"
REJECTED_SUFFIX = ".rejected"


class ClickRow(NamedTuple):
    """One click as the spool and the database batch hold it."""

    click_id: str
    link_id: int
    organization_id: int
    clicked_at: float  # seconds since the epoch (UTC)
    referrer_host: str
    user_agent_family: str
    is_bot: bool
    bot_reason: str
    trigger: str
    visitor_hash: str


_dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def encode(row: ClickRow) -> bytes:
    return (_dumps(row) + "\n").encode("ascii")


def decode(line: bytes) -> ClickRow:
    """Parse one spooled line; ValueError when it is not one."""
    values = json.loads(line)
    if not isinstance(values, list) or len(values) != len(ClickRow._fields):
        raise ValueError("not a spooled click")
    row = ClickRow(*values)
    if not (
        isinstance(row.click_id, str)
        and 0 < len(row.click_id) <= 32
        and isinstance(row.link_id, int)
        and isinstance(row.organization_id, int)
        and isinstance(row.clicked_at, int | float)
        and isinstance(row.is_bot, bool)
        and all(
            isinstance(v, str)
            for v in (row.referrer_host, row.user_agent_family, row.bot_reason, row.trigger)
        )
        and isinstance(row.visitor_hash, str)
    ):
        raise ValueError("not a spooled click")
    return row


@dataclass
class Segment:
    """One spool file, opened and locked by this process."""

    path: Path
    fd: int
    rejected: int = field(default=0)

    def read(self) -> list[ClickRow]:
        """Every click in the file; unreadable lines are moved to a ``.rejected`` file."""
        with open(self.path, "rb") as handle:
            data = handle.read()
        rows: list[ClickRow] = []
        bad: list[bytes] = []
        for line in data.splitlines():
            if not line.strip():
                continue
            try:
                rows.append(decode(line))
            except (ValueError, TypeError):
                bad.append(line)
        if bad:
            rejected = self.path.with_suffix(REJECTED_SUFFIX)
            with open(rejected, "ab") as handle:
                handle.write(b"\n".join(bad) + b"\n")
            logger.error(
                "Spool %s: %d unreadable line(s) set aside in %s.", self.path, len(bad), rejected
            )
            self.rejected = len(bad)
        return rows

    def remove(self) -> None:
        """Delete the file (its clicks are in the database) and let go of it."""
        self.path.unlink(missing_ok=True)
        os.close(self.fd)

    def release(self) -> None:
        """Let go of the file without deleting it: another process may replay it."""
        os.close(self.fd)


class Spool:
    """The spool directory; one current segment per process."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.current: Segment | None = None

    def open_segment(self) -> Segment:
        """A new, locked, empty segment.

        Created under a hidden temporary name, locked, then renamed, so that no
        other process can take it for a dead process's leftover in between.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{os.getpid()}-{secrets.token_hex(6)}"
        temporary = self.directory / f".{name}.new"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path = self.directory / f"{name}{SEGMENT_SUFFIX}"
        os.rename(temporary, path)
        return Segment(path=path, fd=fd)

    def leftovers(self) -> Iterator[Segment]:
        """Segments no live process holds, each locked for the caller while it replays it."""
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob(f"*{SEGMENT_SUFFIX}")):
            if self.current is not None and path == self.current.path:
                continue
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)  # a live process owns it
                continue
            try:
                # Replayed and deleted by someone else between our open and our lock?
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            yield Segment(path=path, fd=fd)
