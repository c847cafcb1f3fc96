"""The API's rate limits: a budget per token and per logged-in person, wrong tokens per client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ambassade.accounts.models import Membership
from ambassade.accounts.tokens import api_token_create
from conftest import World

MINE = "/api/v1/shares/mine"
# Ten seconds into a minute: 50 seconds left in the window.
NOON = dt.datetime(2026, 3, 16, 12, 0, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _small_budgets(settings: Any) -> Iterator[None]:
    settings.AMBASSADE_API_RATE_PER_MINUTE = 3
    settings.AMBASSADE_API_AUTH_FAILURES_PER_MINUTE = 3
    cache.clear()
    with time_machine.travel(NOON, tick=False):
        yield
    cache.clear()


def token_for(membership: Membership) -> str:
    _token, raw = api_token_create(actor=membership, name="Script", now=timezone.now())
    return raw


def call(raw: str, *, ip: str = "198.51.100.7") -> int:
    response = Client(REMOTE_ADDR=ip).get(MINE, headers={"Authorization": f"Bearer {raw}"})
    return response.status_code


def test_the_call_past_the_budget_gets_a_429_until_the_next_minute(world: World) -> None:
    world.ambassador.user.language = "en"
    world.ambassador.user.save()
    raw = token_for(world.ambassador)
    assert [call(raw) for _ in range(3)] == [200, 200, 200]

    response = Client().get(MINE, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 429
    assert response["Retry-After"] == "50"
    assert response.json() == {"detail": "Too many requests: try again later."}

    with time_machine.travel(NOON + dt.timedelta(seconds=50), tick=False):
        assert call(raw) == 200


def test_two_tokens_do_not_share_a_budget(world: World) -> None:
    first, second = token_for(world.ambassador), token_for(world.ambassador)
    assert [call(first) for _ in range(4)] == [200, 200, 200, 429]
    assert [call(second) for _ in range(3)] == [200, 200, 200]


def test_a_strangers_traffic_does_not_use_acmes_budget(world: World) -> None:
    stranger = token_for(world.stranger)
    assert [call(stranger) for _ in range(5)] == [200, 200, 200, 429, 429]
    acme = token_for(world.ambassador)
    assert [call(acme) for _ in range(3)] == [200, 200, 200]


def test_a_logged_in_person_has_a_budget_too(world: World) -> None:
    browser = world.client_for(world.ambassador)
    assert [browser.get(MINE).status_code for _ in range(4)] == [200, 200, 200, 429]
    # A colleague's session is another budget.
    assert world.client_for(world.curator).get("/api/v1/items").status_code != 429


def test_wrong_tokens_are_limited_per_client_even_before_a_right_one(world: World) -> None:
    raw = token_for(world.ambassador)
    guesses = [call(f"amb_guess{n}") for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    # Past the limit, no token is checked from this client: a right guess says nothing.
    assert call(raw) == 429
    response = Client(REMOTE_ADDR="198.51.100.7").get(
        MINE, headers={"Authorization": "Bearer amb_guess"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "50"
    # Another client is not concerned.
    assert call(raw, ip="192.0.2.10") == 200
    assert call("amb_guess", ip="192.0.2.10") == 401
    # The next minute, the first client is heard again.
    with time_machine.travel(NOON + dt.timedelta(minutes=1), tick=False):
        assert call(raw) == 200


def test_a_request_without_credentials_is_not_a_wrong_guess(world: World) -> None:
    assert [Client().get(MINE).status_code for _ in range(5)] == [401] * 5
    assert call(token_for(world.ambassador)) == 200


def test_no_address_in_the_counters(world: World) -> None:
    ip = "198.51.100.77"
    call("amb_wrong", ip=ip)
    call(token_for(world.ambassador), ip=ip)
    keys = list(getattr(cache, "_cache", {}).keys())
    assert len(keys) == 2
    assert all(ip not in str(key) for key in keys)
