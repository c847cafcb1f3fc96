"""The analytics API's inputs: what the OpenAPI document lists is what the code knows."""

from __future__ import annotations

from typing import get_args

import pytest
from django.test import Client
from django.utils import timezone

from ambassade.accounts.models import Membership
from ambassade.accounts.tokens import api_token_create
from ambassade.analytics.api import Dimension, Step
from ambassade.analytics.selectors import BREAKDOWNS, STEPS
from conftest import World

BASE = "/api/v1/analytics/programs/talents-acme"


def api_client(membership: Membership) -> Client:
    _token, raw = api_token_create(actor=membership, name="Tests", now=timezone.now())
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_documented_dimensions_and_steps_are_the_ones_computed() -> None:
    assert set(get_args(Dimension)) == set(BREAKDOWNS)
    assert set(get_args(Step)) == set(STEPS)


def test_the_document_lists_the_dimensions_and_steps(world: World) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/analytics/programs/{slug}/breakdowns/{dimension}"]
    parameters = {p["name"]: p["schema"] for p in operation["get"]["parameters"]}
    assert set(parameters["dimension"]["enum"]) == set(BREAKDOWNS)
    assert set(parameters["step"]["anyOf"][0]["enum"]) == set(STEPS)


@pytest.mark.parametrize(
    "query",
    [
        # Computing the figures of the first or the last year of the calendar
        # overflowed Python's dates: it used to be a server error.
        {"start": "0001-01-01", "end": "0001-01-31"},
        {"start": "9999-12-01", "end": "9999-12-31"},
        {"step": "hour"},
    ],
)
def test_a_period_out_of_range_is_a_422(world: World, query: dict[str, str]) -> None:
    response = api_client(world.manager).get(f"{BASE}/series", query)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_a_period_that_ends_before_it_starts_is_a_400(world: World) -> None:
    response = api_client(world.manager).get(
        f"{BASE}/kpis", {"start": "2026-03-02", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert response.json()["detail"]
