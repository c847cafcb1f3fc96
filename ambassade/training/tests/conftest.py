from __future__ import annotations

import datetime as dt

import pytest

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _item_published_before_now(request: pytest.FixtureRequest) -> None:
    """Services are called with a fixed ``NOW``: the world's item is live by then."""
    if "world" not in request.fixturenames:
        return
    world = request.getfixturevalue("world")
    world.item.publish_at = NOW - dt.timedelta(days=1)
    world.item.save(update_fields=["publish_at"])
