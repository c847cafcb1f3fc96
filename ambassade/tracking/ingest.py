"""Clicks from the redirect to the database: spooled, queued, written in batches.

``ClickIngest.record`` is what a redirect calls. In ``async`` mode (production)
it appends the click to this process's spool segment (see ``spool``) and to an
in-memory queue, under one lock so that the queue always mirrors the segment;
the background thread of the redirector calls ``flush`` a few times a second:
it seals the segment, inserts the queued clicks in batches, and deletes the
segment once they are in. When the insert fails (database locked, slow or
down), the sealed segment stays on disk and is retried from the file at each
flush until the database takes it; the redirects keep being answered. In
``sync`` mode (tests, debugging) each click is inserted before the redirect.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction

from ambassade.tracking.cache import release_connection
from ambassade.tracking.models import Click, TrackedLink
from ambassade.tracking.spool import ClickRow, Segment, Spool, encode

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
_COLUMNS = (
    "click_id",
    "link",
    "organization",
    "clicked_at",
    "referrer_host",
    "user_agent_family",
    "is_bot",
    "bot_reason",
    "trigger",
    "visitor_hash",
)


def _insert_sql() -> str:
    quote = connection.ops.quote_name
    fields = {f.name: str(f.column) for f in Click._meta.concrete_fields}
    columns = ", ".join(quote(fields[name]) for name in _COLUMNS)
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    click_id = quote(fields["click_id"])
    return (
        f"INSERT INTO {quote(Click._meta.db_table)} ({columns}) VALUES ({placeholders}) "
        f"ON CONFLICT ({click_id}) DO NOTHING"
    )


def clicks_insert(rows: Sequence[ClickRow]) -> int:
    """Insert clicks in batches; a click id already stored is skipped, so replays never duplicate.

    Returns how many clicks were dropped because their link no longer exists
    (deleted between the click and the flush, with the clicks it would have
    cascaded to): they must not block the clicks of every other link.
    """
    if not rows:
        return 0
    try:
        _insert(rows)
        return 0
    except IntegrityError:
        release_connection(broken=True)
    links = {r.link_id for r in rows}
    alive = set(
        TrackedLink.objects.filter(pk__in=links).values_list("pk", flat=True)
        if len(links) < 10_000
        else TrackedLink.objects.values_list("pk", flat=True)
    )
    kept = [r for r in rows if r.link_id in alive]
    _insert(kept)
    if dropped := len(rows) - len(kept):
        logger.warning("%d click(s) on links deleted meanwhile were dropped.", dropped)
    return dropped


def _datetime_converter() -> Callable[[float], Any]:
    """Seconds since the epoch to what the database driver takes for ``clicked_at``."""
    if connection.vendor == "sqlite":
        # What Django's SQLite backend stores with USE_TZ: the naive UTC time as text.
        return lambda t: str(datetime.fromtimestamp(t, UTC).replace(tzinfo=None))
    if connection.vendor == "postgresql":
        return lambda t: datetime.fromtimestamp(t, UTC)
    adapt = connection.ops.adapt_datetimefield_value
    return lambda t: adapt(datetime.fromtimestamp(t, UTC))


def _insert(rows: Sequence[ClickRow]) -> None:
    """Raw SQL on Django's connection: building model instances would cost more
    than the insert itself at tens of thousands of clicks per second.

    One transaction per batch, so that a long replay lets the redirects of this
    process run between batches.
    """
    sql = _insert_sql()
    to_db = _datetime_converter()
    for start in range(0, len(rows), BATCH_SIZE):
        if start:
            time.sleep(0)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Give up on a locked table rather than queue behind it: the clicks
                # stay on the spool and the next flush tries again.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.executemany(
                sql,
                [
                    (
                        r.click_id,
                        r.link_id,
                        r.organization_id,
                        to_db(r.clicked_at),
                        r.referrer_host,
                        r.user_agent_family,
                        r.is_bot,
                        r.bot_reason,
                        r.trigger,
                        r.visitor_hash,
                    )
                    for r in rows[start : start + BATCH_SIZE]
                ],
            )


class ClickIngest:
    """Where the redirects of one process put their clicks."""

    def __init__(self, *, mode: str, spool_dir: Path) -> None:
        if mode not in {"sync", "async"}:
            raise ValueError(f"AMBASSADE_CLICK_FLUSH must be 'sync' or 'async', not {mode!r}.")
        self.mode = mode
        self.spool = Spool(spool_dir)
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._queue: list[ClickRow] = []
        self._pending: list[Segment] = []
        # The process's own counts, written to the spool directory for operators and benches.
        self.redirects = 0
        self.clicks = 0
        self.flushed = 0
        self.replayed = 0
        self.failures = 0
        self.started_at = time.time()

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    def count_redirect(self) -> None:
        """A redirect that records no click (HEAD, attribution stopped)."""
        with self._lock:
            self.redirects += 1

    def record(self, row: ClickRow) -> None:
        """Keep the click: in the database (sync) or on the spool, written to the OS (async).

        Returns only once the click is safe from a crash of this process.
        """
        if self.mode == "sync":
            clicks_insert([row])
            with self._lock:
                self.redirects += 1
                self.clicks += 1
                self.flushed += 1
            return
        line = encode(row)
        with self._lock:
            try:
                current = self.spool.current
                if current is None:
                    current = self.spool.current = self.spool.open_segment()
                written = os.write(current.fd, line)
            except OSError:
                written = -1
            if written == len(line):
                self._queue.append(row)
                self.redirects += 1
                self.clicks += 1
                return
        # The spool refused the line (disk full, directory gone): straight to the
        # database, or the caller answers 503 rather than a redirect it cannot account for.
        logger.error(
            "Click spool not writable in %s: writing to the database.", self.spool.directory
        )
        clicks_insert([row])
        with self._lock:
            self.redirects += 1
            self.clicks += 1
            self.flushed += 1

    @property
    def backlog(self) -> int:
        """Clicks answered but not yet known to be in the database."""
        return self.clicks - self.flushed

    def flush(self) -> int:
        """Write what is queued, and retry what failed before. Returns the clicks written.

        Raises nothing: a database error leaves the clicks on the spool for the next flush.
        """
        with self._flush_lock:
            written = 0
            while self._pending:
                segment = self._pending[0]
                try:
                    rows = segment.read()
                    clicks_insert(rows)
                except DatabaseError as error:
                    self._failed(error)
                    return written
                segment.remove()
                self._pending.pop(0)
                written += len(rows)
                with self._lock:
                    self.flushed += len(rows)
            with self._lock:
                sealed, rows = self.spool.current, self._queue
                if sealed is None:
                    return written
                self.spool.current, self._queue = None, []
            try:
                clicks_insert(rows)
            except DatabaseError as error:
                self._pending.append(sealed)
                self._failed(error)
                return written
            sealed.remove()
            written += len(rows)
            with self._lock:
                self.flushed += len(rows)
            return written

    def _failed(self, error: DatabaseError) -> None:
        self.failures += 1
        release_connection(broken=True)
        logger.warning(
            "Clicks not written yet (%s); %d kept on the spool for the next try.",
            type(error).__name__,
            self.backlog,
        )

    def replay_leftovers(self) -> tuple[int, int]:
        """Replay the segments of processes that died. Returns (segments, clicks read)."""
        segments = clicks = 0
        for segment in self.spool.leftovers():
            try:
                rows = segment.read()
                clicks_insert(rows)
            except DatabaseError as error:
                segment.release()
                self._failed(error)
                break
            segment.remove()
            segments += 1
            clicks += len(rows)
        self.replayed += clicks
        return segments, clicks

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "pid": os.getpid(),
                "mode": self.mode,
                "started_at": self.started_at,
                "redirects": self.redirects,
                "clicks": self.clicks,
                "flushed": self.flushed,
                "replayed": self.replayed,
                "pending_segments": len(self._pending),
                "flush_failures": self.failures,
            }

    def write_stats(self) -> None:
        """``stats-<pid>.json`` in the spool directory, replaced atomically. No IP in it."""
        if self.mode != "async":
            return
        self.spool.directory.mkdir(parents=True, exist_ok=True)
        path = self.spool.directory / f"stats-{os.getpid()}.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.stats()))
        os.replace(temporary, path)

    def close(self) -> None:
        """Flush what can be flushed and let go of the files (the rest is replayed later)."""
        self.flush()
        for segment in self._pending:
            segment.release()
        self._pending = []
        if self.spool.current is not None:
            self.spool.current.release()
            self.spool.current = None


def read_stats(directory: Path) -> Iterable[dict[str, Any]]:
    """The counts every process wrote in a spool directory."""
    for path in sorted(Path(directory).glob("stats-*.json")):
        try:
            yield json.loads(path.read_text())
        except (OSError, ValueError):
            continue
