"""Fixed-window rate limits over Django's cache, keyed without any raw address.

    decision = rate_limit_hit("login", client_fingerprint(request, now=now), limit=20,
                              window_seconds=60, now=now)
    if decision.limited:
        ...answer 429 with Retry-After: decision.retry_after

With Redis configured (``REDIS_URL``) the counts are shared by every web process;
with the default in-process cache each process counts on its own, so the limit
an attacker meets is at most the limit times the number of web processes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class RateDecision:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def limited(self) -> bool:
        return self.count > self.limit


def rate_limit_hit(
    scope: str, key: str, *, limit: int, window_seconds: int, now: datetime
) -> RateDecision:
    """Count one hit for ``key`` in ``scope`` in the current window; say whether it is over."""
    stamp = int(now.timestamp())
    window = stamp // window_seconds
    full_key = f"ambassade:rl:{scope}:{key}:{window}"
    if cache.add(full_key, 1, timeout=window_seconds + 60):
        count = 1
    else:
        try:
            count = cache.incr(full_key)
        except ValueError:  # expired between add and incr
            cache.add(full_key, 1, timeout=window_seconds + 60)
            count = 1
    retry_after = max(1, (window + 1) * window_seconds - stamp)
    return RateDecision(count=count, limit=limit, retry_after=retry_after)


def client_fingerprint(request: HttpRequest, *, now: datetime) -> str:
    """Who is asking, for rate limits only: the address and user agent hashed with the
    day's salt, so that nothing stored can be turned back into an address."""
    # Imported here: tracking imports lib, not the other way round at import time.
    from ambassade.tracking.services import daily_salt
    from ambassade.tracking.views import client_ip

    salt = daily_salt(now.date())
    agent = request.META.get("HTTP_USER_AGENT", "")
    return hashlib.sha256(f"rl|{salt}|{client_ip(request)}|{agent}".encode()).hexdigest()[:32]
