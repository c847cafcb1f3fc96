"""Per-process caches of the redirector: tracked links and the day's salt.

Links
    Every live link is kept in memory, keyed by code, with its destination
    already split around the fragment so that a redirect is two string joins.
    Processes share no memory, so a change to a link (disabled, attribution
    stopped) bumps one counter in the database (``LinkGeneration``, via
    ``services.links_changed``); each process rereads that counter every
    ``AMBASSADE_LINK_CACHE_SECONDS`` (2 s by default) from its background
    thread and reloads its links when it moved. Staleness is therefore bounded
    by that interval plus one reload, except while the database cannot be read:
    then the cache keeps answering from what it knows (a link disabled during
    the outage keeps redirecting to its own stored destination — never anywhere
    else — until the database answers again). That is the trade that keeps
    readers reaching their page when the database is down.

Salts
    The salt of a day is one row created once per day and destroyed the day
    after (``services.daily_salt``); processes keep today's and tomorrow's in
    memory, tomorrow's being fetched ahead so that midnight needs no database.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.db import DatabaseError, connection, transaction
from django.utils.encoding import iri_to_uri

from ambassade.tracking.models import LinkGeneration, TrackedLink

logger = logging.getLogger(__name__)

CLICK_ID_PARAM = "amb_cid"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]").search
# Where the authority ends for Python; browsers also stop at a backslash (refused below).
_AUTHORITY_END = re.compile(r"[/?#]")


def is_safe_destination(url: str) -> bool:
    """Whether ``url`` is a plain http(s) address that every parser reads with the same host.

    Browsers and Python's ``urlsplit`` disagree on some spellings, so a redirect to
    them could land on another host than the one shown: a backslash or a space
    in the authority (``https://good.example\\@evil.example``), credentials
    (``user@``), no or extra slashes after the scheme (``https:evil.example``,
    ``https:///evil.example``), control characters such as tabs and line feeds
    (which browsers silently remove), an empty host or a port that is no number.
    """
    if _CONTROL(url):
        return False
    scheme, slashes, rest = url.partition("://")
    if not slashes or scheme.lower() not in ("http", "https") or rest[:1] in ("/", "\\"):
        return False
    authority = _AUTHORITY_END.split(rest, maxsplit=1)[0]
    if not authority or "@" in authority or "\\" in authority or " " in authority:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return False
    return bool(parts.hostname)


def release_connection(*, broken: bool = False) -> None:
    """Let go of this thread's database connection when broken or past its age.

    Never inside a transaction: that connection belongs to the caller (a test's,
    or a management command's) and closing it would break their transaction.
    """
    if connection.in_atomic_block:
        return
    if broken:
        connection.close()
    else:
        connection.close_if_unusable_or_obsolete()


class LinkLookupError(Exception):
    """The link is not in the cache and the database cannot say whether it exists."""


@dataclass(frozen=True, slots=True)
class LinkEntry:
    """A live tracked link, ready to redirect: URLs already in URI form."""

    id: int
    organization_id: int
    is_attributed: bool
    destination: str
    plain_url: str
    # The destination cut before its fragment, and what goes after the click id.
    base: str
    separator: str
    fragment: str

    @classmethod
    def build(
        cls,
        *,
        id: int,
        organization_id: int,
        is_attributed: bool,
        destination: str,
        plain_url: str,
    ) -> LinkEntry | None:
        """The entry, or None when a URL is not a plain http(s) address (never redirected to)."""
        if not (is_safe_destination(destination) and is_safe_destination(plain_url)):
            return None
        destination = iri_to_uri(destination)
        plain_url = iri_to_uri(plain_url)
        base, hash_sign, fragment = destination.partition("#")
        return cls(
            id=id,
            organization_id=organization_id,
            is_attributed=is_attributed,
            destination=destination,
            plain_url=plain_url,
            base=base,
            separator="&" if "?" in base else "?",
            fragment=hash_sign + fragment,
        )

    def location(self, click_id: str) -> str:
        """The destination with the click id, before the fragment (which must stay last)."""
        return f"{self.base}{self.separator}{CLICK_ID_PARAM}={click_id}{self.fragment}"


_LINK_COLUMNS = ("code", "id", "organization_id", "is_attributed", "destination", "plain_url")
LinkRow = tuple[str, int, int, bool, str, str]


def _entries(rows: list[LinkRow]) -> dict[str, LinkEntry | None]:
    return {
        code: LinkEntry.build(
            id=pk,
            organization_id=org_id,
            is_attributed=attributed,
            destination=destination,
            plain_url=plain,
        )
        for code, pk, org_id, attributed, destination, plain in rows
    }


def links_read(codes: list[str]) -> dict[str, LinkEntry | None]:
    """Live links by code, straight from the database.

    On PostgreSQL a locked or slow table makes the read give up after a second
    rather than hold a request thread (the caller answers 503).
    """
    rows = TrackedLink.objects.filter(code__in=codes, is_active=True).values_list(*_LINK_COLUMNS)
    if connection.vendor != "postgresql":
        return _entries(list(rows))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '1s'")
        return _entries(list(rows))


def link_generation_read() -> int:
    value = LinkGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


class LinkCache:
    """Live links by code. ``max_age`` 0 turns caching off: every lookup reads the database."""

    def __init__(
        self,
        *,
        max_age: float,
        preload_limit: int = 200_000,
        max_entries: int = 1_000_000,
        unknown_ttl: float = 5.0,
    ) -> None:
        self.max_age = max_age
        self.preload_limit = preload_limit
        self.max_entries = max_entries
        self.unknown_ttl = unknown_ttl
        self._entries: dict[str, LinkEntry | None] = {}
        # Codes the database said it does not know, until when (monotonic clock).
        self._unknown: dict[str, float] = {}
        self._generation: int | None = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_age > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, code: str) -> LinkEntry | None:
        """The live link, or None for an unknown or disabled code.

        Raises ``LinkLookupError`` only for a code not in memory while the
        database is unavailable.
        """
        entry = self._entries.get(code, _MISSING)
        if entry is not _MISSING:
            return entry  # type: ignore[return-value]
        if not self.enabled:
            return self._read_one(code)
        until = self._unknown.get(code)
        if until is not None and until > time.monotonic():
            return None
        entry = self._read_one(code)
        if entry is None:
            if len(self._unknown) > 100_000:
                self._unknown.clear()
            self._unknown[code] = time.monotonic() + self.unknown_ttl
        elif len(self._entries) < self.max_entries:
            self._entries[code] = entry
        return entry

    def _read_one(self, code: str) -> LinkEntry | None:
        try:
            return links_read([code]).get(code)
        except DatabaseError as error:
            release_connection(broken=True)
            raise LinkLookupError(str(error)) from error

    def load(self) -> int:
        """Read the generation and the most recent live links; swap them in. Returns their count."""
        generation = link_generation_read()
        rows = TrackedLink.objects.filter(is_active=True).order_by("-id")
        entries = _entries(list(rows.values_list(*_LINK_COLUMNS)[: self.preload_limit]))
        with self._lock:
            self._entries = entries
            self._unknown = {}
            self._generation = generation
        return len(entries)

    def refresh(self) -> bool:
        """Reload when links changed since the last load; True when it reloaded.

        Database errors propagate: the caller logs them and the cache keeps serving.
        """
        if not self.enabled:
            return False
        if self._generation is not None and link_generation_read() == self._generation:
            return False
        self.load()
        return True


_MISSING = object()


def day_number(epoch_seconds: float) -> int:
    """Days since 1970-01-01 in UTC: the unit the salt changes with."""
    return int(epoch_seconds // 86_400)


class SaltCache:
    """The salt of each day, read once per process and day.

    When the database cannot be reached for a day not yet in memory, the
    process uses a salt of its own, kept in memory only, and asks the database
    again a minute later: visitors hashed meanwhile may be counted twice that
    day (different salt in different processes), never linked across days.
    """

    RETRY_SECONDS = 60.0

    def __init__(self, *, cached: bool) -> None:
        self.cached = cached
        self._salts: dict[int, str] = {}
        self._provisional: dict[int, float] = {}
        self._lock = threading.Lock()

    def salt(self, day: int) -> str:
        salt = self._salts.get(day)
        if salt is not None and (
            day not in self._provisional or self._provisional[day] > time.monotonic()
        ):
            return salt
        with self._lock:
            return self._fetch(day, today=day)

    def _fetch(self, day: int, *, today: int) -> str:
        from ambassade.tracking.services import daily_salt

        try:
            salt = daily_salt(_date_of(day), destroy_before=_date_of(today))
            self._provisional.pop(day, None)
        except DatabaseError:
            release_connection(broken=True)
            logger.warning("Salt of the day unavailable: using a provisional one meanwhile.")
            salt = self._salts.get(day) or secrets.token_hex(32)
            self._provisional[day] = time.monotonic() + self.RETRY_SECONDS
        if self.cached:
            # Only today and tomorrow stay in memory: past salts are gone here too.
            self._salts = {d: s for d, s in self._salts.items() if d >= today} | {day: salt}
        return salt

    def prefetch(self, now: float) -> None:
        """Make sure tomorrow's salt exists and is in memory before midnight."""
        today = day_number(now)
        if self.cached and today + 1 not in self._salts:
            with self._lock:
                self._fetch(today + 1, today=today)


def _date_of(day: int) -> date:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day)).date()
