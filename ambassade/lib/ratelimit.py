"""Fixed-window rate limits over Django's cache, keyed without any raw address.

    decision = rate_limit_hit("login", client_fingerprint(request, now=now), limit=20,
                              window_seconds=60, now=now)
    if decision.limited:
        ...answer 429 with Retry-After: decision.retry_after

With Redis configured (``REDIS_URL``) the counts are shared by every web process;
with the default in-process cache each process counts on its own, so the limit
an attacker meets is at most the limit times the number of web processes.

When the cache cannot be reached, nothing is limited: refusing every request
because the counter is down would turn a cache outage into a site outage.

``MemoryRateLimiter`` counts in the process's memory only, for the redirector's
error paths, where even a cache round trip is too much.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateDecision:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def limited(self) -> bool:
        return self.count > self.limit


def _window(now: float, window_seconds: int) -> tuple[int, int]:
    """The current window's number and the whole seconds until it ends (at least 1)."""
    stamp = int(now)
    window = stamp // window_seconds
    return window, max(1, (window + 1) * window_seconds - stamp)


def _cache_key(scope: str, key: str, window: int) -> str:
    return f"ambassade:rl:{scope}:{key}:{window}"


def rate_limit_hit(
    scope: str, key: str, *, limit: int, window_seconds: int, now: datetime
) -> RateDecision:
    """Count one hit for ``key`` in ``scope`` in the current window; say whether it is over."""
    window, retry_after = _window(now.timestamp(), window_seconds)
    full_key = _cache_key(scope, key, window)
    try:
        if cache.add(full_key, 1, timeout=window_seconds + 60):
            count = 1
        else:
            try:
                count = cache.incr(full_key)
            except ValueError:  # expired between add and incr
                cache.add(full_key, 1, timeout=window_seconds + 60)
                count = 1
    except Exception as error:  # the cache server is down: let the request through
        logger.warning("Rate limit %s not counted: cache unavailable (%s).", scope, error)
        count = 0
    return RateDecision(count=count, limit=limit, retry_after=retry_after)


def rate_limit_peek(
    scope: str, key: str, *, limit: int, window_seconds: int, now: datetime
) -> RateDecision:
    """The count of ``key`` in the current window, without counting a hit."""
    window, retry_after = _window(now.timestamp(), window_seconds)
    try:
        count = int(cache.get(_cache_key(scope, key, window), 0))
    except Exception as error:
        logger.warning("Rate limit %s not read: cache unavailable (%s).", scope, error)
        count = 0
    return RateDecision(count=count, limit=limit, retry_after=retry_after)


def address_fingerprint(address: str, *, salt: str, agent: str | None = None) -> str:
    """An address (and user agent, if given) hashed with the day's salt: a rate-limit key
    that nothing stored can turn back into an address, and that changes every day."""
    material = f"rl|{salt}|{address}" if agent is None else f"rl|{salt}|{address}|{agent}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def client_fingerprint(request: HttpRequest, *, now: datetime, with_agent: bool = True) -> str:
    """Who is asking, for rate limits only: the address (and, unless ``with_agent`` is
    False, the user agent) hashed with the day's salt.

    Leave the agent out where an attacker would simply change it to get a new
    budget (guessing secrets); keep it where people behind one office address
    should not share a budget.
    """
    # Imported here: tracking imports lib, not the other way round at import time.
    from ambassade.tracking.services import daily_salt
    from ambassade.tracking.views import client_ip

    agent = request.META.get("HTTP_USER_AGENT", "") if with_agent else None
    return address_fingerprint(client_ip(request), salt=daily_salt(now.date()), agent=agent)


class MemoryRateLimiter:
    """Fixed-window counts in this process's memory: no cache, no database.

    Only the current window is kept, and at most ``max_keys`` clients in it: a
    flood of distinct clients past that is not counted rather than filling the
    memory. Each process counts on its own.
    """

    def __init__(self, *, window_seconds: int = 60, max_keys: int = 100_000) -> None:
        self.window_seconds = window_seconds
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[str, int] = {}

    def hit(self, key: str, *, limit: int, now: float) -> RateDecision:
        window, retry_after = _window(now, self.window_seconds)
        with self._lock:
            if window != self._window:
                self._window = window
                self._counts = {}
            count = self._counts.get(key, 0) + 1
            if count > 1 or len(self._counts) < self.max_keys:
                self._counts[key] = count
        return RateDecision(count=count, limit=limit, retry_after=retry_after)

    def clear(self) -> None:
        with self._lock:
            self._counts = {}
