"""The classifier on public lists of real user agents (not crawlerdetect's own test data).

The lists come from npm (``crawler-user-agents``, ``top-user-agents``) and from
fake-useragent's data. `make test` installs the npm ones into var/ua-lists; without
them this test is skipped, and with CI=true it fails.
"""

from __future__ import annotations

import os

import pytest

from ambassade.tracking.bots import classify_user_agent
from ambassade.tracking.ua_lists import ListsMissing, load_lists, score


@pytest.fixture(scope="module")
def lists():
    try:
        return load_lists()
    except ListsMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the user-agent lists are missing. {exc}")
        pytest.skip(f"User-agent lists not installed. {exc}")


def test_lists_are_big_enough_to_mean_something(lists) -> None:
    assert len(lists.crawlers) > 1000
    assert len(lists.browsers) > 500


def test_98_percent_of_crawlers_and_at_most_1_percent_of_browsers_are_flagged(lists) -> None:
    figures = score(lists, lambda ua: classify_user_agent(ua).is_bot)
    assert figures.crawlers_flagged_percent >= 98, figures.missed_crawlers
    assert figures.browsers_flagged_percent <= 1, figures.flagged_browsers
    assert figures.browser_traffic_flagged_percent <= 1
