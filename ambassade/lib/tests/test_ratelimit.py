"""Fixed-window rate limits: counted in the cache (or the process's memory), no address kept."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from ambassade.lib.ratelimit import (
    MemoryRateLimiter,
    client_fingerprint,
    rate_limit_hit,
    rate_limit_peek,
)
from ambassade.tracking.models import DailySalt

NOON = dt.datetime(2026, 3, 16, 12, 0, 0, tzinfo=dt.UTC)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def hits(n: int, *, key: str = "k", limit: int = 3, at: dt.datetime = NOON) -> list[bool]:
    return [
        rate_limit_hit("test", key, limit=limit, window_seconds=60, now=at).limited
        for _ in range(n)
    ]


def test_the_hit_past_the_limit_is_limited_until_the_window_ends() -> None:
    assert hits(4) == [False, False, False, True]
    decision = rate_limit_hit(
        "test", "k", limit=3, window_seconds=60, now=NOON + dt.timedelta(seconds=45)
    )
    assert decision.limited
    assert decision.count == 5
    assert decision.retry_after == 15
    # The next window starts afresh.
    assert hits(1, at=NOON + dt.timedelta(seconds=60)) == [False]


def test_keys_and_scopes_have_their_own_budgets() -> None:
    assert hits(3, key="a") == [False] * 3
    assert hits(1, key="b") == [False]
    other_scope = rate_limit_hit("other", "a", limit=3, window_seconds=60, now=NOON)
    assert (other_scope.count, other_scope.limited) == (1, False)
    assert hits(1, key="a") == [True]


def test_peeking_does_not_count() -> None:
    hits(2)
    for _ in range(5):
        peeked = rate_limit_peek("test", "k", limit=3, window_seconds=60, now=NOON)
    assert peeked.count == 2
    assert not peeked.limited
    assert rate_limit_peek("test", "unseen", limit=3, window_seconds=60, now=NOON).count == 0


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
)
def test_a_cache_that_cannot_be_reached_limits_nobody(caplog: pytest.LogCaptureFixture) -> None:
    decisions = [
        rate_limit_hit("test", "k", limit=1, window_seconds=60, now=NOON) for _ in range(3)
    ]
    assert not any(d.limited for d in decisions)
    assert not rate_limit_peek("test", "k", limit=0, window_seconds=60, now=NOON).limited
    assert "cache unavailable" in caplog.text


def test_counts_are_shared_through_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required on CI but unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: shared rate limits not tested")
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-rl-{secrets.token_hex(4)}",
    }
    with override_settings(CACHES={"default": redis_cache}):
        assert hits(3, limit=2) == [False, False, True]
        # Another process would read the same counter: so does a fresh connection.
        client = redis.Redis.from_url(REDIS_URL)
        keys = client.keys(f"{redis_cache['KEY_PREFIX']}:*")
        assert len(keys) == 1
        assert int(client.get(keys[0]) or 0) == 3
        assert 0 < client.ttl(keys[0]) <= 120
        client.delete(*keys)


def test_a_fingerprint_keeps_no_address_and_changes_every_day(db: None) -> None:
    ip = "198.51.100.23"
    request = RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT="Firefox")
    today = client_fingerprint(request, now=NOON)
    assert ip not in today
    assert client_fingerprint(request, now=NOON + dt.timedelta(hours=3)) == today
    assert client_fingerprint(request, now=NOON + dt.timedelta(days=1)) != today
    assert all(ip not in str(row) for row in DailySalt.objects.values())

    other_agent = RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT="curl")
    assert client_fingerprint(other_agent, now=NOON) != today
    assert client_fingerprint(other_agent, now=NOON, with_agent=False) == client_fingerprint(
        request, now=NOON, with_agent=False
    )
    elsewhere = RequestFactory().get("/", REMOTE_ADDR="198.51.100.24")
    assert client_fingerprint(elsewhere, now=NOON, with_agent=False) != client_fingerprint(
        request, now=NOON, with_agent=False
    )


def test_the_memory_limiter_counts_per_key_and_per_window() -> None:
    limiter = MemoryRateLimiter(window_seconds=60)
    now = NOON.timestamp()
    assert [limiter.hit("a", limit=2, now=now).limited for _ in range(3)] == [False, False, True]
    assert not limiter.hit("b", limit=2, now=now).limited
    late = limiter.hit("a", limit=2, now=now + 50)
    assert late.limited
    assert late.retry_after == 10
    assert not limiter.hit("a", limit=2, now=now + 60).limited


def test_the_memory_limiter_never_holds_more_than_its_keys() -> None:
    limiter = MemoryRateLimiter(window_seconds=60, max_keys=2)
    now = NOON.timestamp()
    for key in ("a", "b", "c", "c", "c"):
        limiter.hit(key, limit=1, now=now)
    assert len(limiter._counts) == 2
    # Known clients are still counted when the table is full.
    assert limiter.hit("a", limit=1, now=now).limited
