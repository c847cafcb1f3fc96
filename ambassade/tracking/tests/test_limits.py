"""Rate limits of the tracking side: signed conversions, and the redirector's error paths.

A valid /r/ code is never limited: a click is never lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from ambassade.tracking import fastpath
from ambassade.tracking.cache import LinkLookupError
from ambassade.tracking.conversions import signature_for
from ambassade.tracking.models import Click, Conversion
from ambassade.tracking.tests.attribution import make_click, make_share
from ambassade.tracking.tests.redirector import CHROME, IP, Fast, fast, tracked

__all__ = ["fast", "tracked"]  # fixtures

# Ten seconds into a minute: 50 seconds left in the window.
NOON = dt.datetime(2026, 3, 16, 12, 0, 10, tzinfo=dt.UTC)
SMALL_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> Iterator[None]:
    settings.AMBASSADE_CONVERSIONS_RATE_PER_MINUTE = 3
    settings.AMBASSADE_CONVERSIONS_FAILURES_PER_MINUTE = 2
    settings.AMBASSADE_REDIRECT_NOT_FOUND_PER_MINUTE = 3
    cache.clear()
    fastpath.default_redirector().not_found.clear()
    with time_machine.travel(NOON, tick=False):
        yield
    cache.clear()


# --- Signed conversions -----------------------------------------------------------------


def report(
    organization: Any, external_id: str, *, click: Click, ip: str = "203.0.113.5", secret: str = ""
) -> Any:
    body = json.dumps(
        {"click_id": click.click_id, "type": "lead", "external_id": external_id}
    ).encode()
    stamp = str(int(NOON.timestamp()))
    signature = signature_for(
        secret=secret or organization.conversion_secret, timestamp=stamp, body=body
    )
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/conversions",
        data=body,
        content_type="application/json",
        HTTP_X_AMBASSADE_ORGANIZATION=organization.slug,
        HTTP_X_AMBASSADE_TIMESTAMP=stamp,
        HTTP_X_AMBASSADE_SIGNATURE=signature,
    )


def test_an_organizations_signed_reports_are_limited_per_minute(world: Any) -> None:
    click = make_click(make_share(world.ambassador, world.item))
    statuses = [report(world.org, f"L-{n}", click=click).status_code for n in range(3)]
    assert statuses == [201, 201, 201]
    # From another server of the same organization: the same budget.
    limited = report(world.org, "L-3", click=click, ip="192.0.2.99")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "50"
    assert limited.json()["code"] == "rate_limited"
    assert Conversion.objects.count() == 3
    # Another organization has its own budget.
    other = make_click(make_share(world.stranger, world.other_item, network="x"))
    assert report(world.other_org, "G-1", click=other).status_code == 201
    with time_machine.travel(NOON + dt.timedelta(seconds=50), tick=False):
        assert report(world.org, "L-3", click=click).status_code == 201


def test_wrong_signatures_are_limited_per_client_and_use_no_organizations_budget(
    world: Any,
) -> None:
    click = make_click(make_share(world.ambassador, world.item))
    forged = [report(world.org, "X", click=click, secret="guess").status_code for _ in range(3)]
    assert forged == [401, 401, 429]
    # Past the limit, even a right signature from this client waits for the next minute.
    assert report(world.org, "L-0", click=click).status_code == 429
    # The organization's own server is not concerned, and its budget is whole.
    statuses = [report(world.org, f"L-{n}", click=click, ip="192.0.2.1") for n in range(3)]
    assert [s.status_code for s in statuses] == [201, 201, 201]
    with time_machine.travel(NOON + dt.timedelta(minutes=1), tick=False):
        assert report(world.org, "L-9", click=click).status_code == 201


# --- The redirector's error paths ---------------------------------------------------------


def via_django(path: str, *, ip: str = IP) -> Any:
    return Client(HTTP_USER_AGENT=CHROME, REMOTE_ADDR=ip).get(path)


def assert_rate_limited_page(status: int, headers: Any, body: bytes) -> None:
    assert status == 429
    assert headers["Retry-After"] == "50"
    for name, value in SMALL_PAGE_HEADERS.items():
        assert headers[name] == value
    assert "Location" not in headers
    assert b"<h1>" in body
    assert b"<script" not in body


def test_unknown_codes_are_limited_in_the_fast_path_but_a_valid_one_never(
    fast: Fast, tracked: Any
) -> None:
    # Each unknown code passed on to Django's 404 page is counted once.
    assert [fast.call(f"/r/unknown{n}").status for n in range(3)] == [404, 404, 404]
    limited = fast.call("/r/unknown4")
    assert_rate_limited_page(limited.status, limited.headers, limited.body)
    assert fast.call("/r/unknown5", REQUEST_METHOD="HEAD").status == 429

    click = fast.call(f"/r/{tracked.code}")
    assert click.status == 302
    assert fast.flush() == 1
    # Another client asks an unknown code: its own budget.
    assert fast.call("/r/unknown6", REMOTE_ADDR="192.0.2.50").status == 404
    with time_machine.travel(NOON + dt.timedelta(seconds=50), tick=False):
        assert fast.call("/r/unknown7").status == 404


def test_malformed_and_unknown_codes_are_limited_in_the_django_view(
    fast: Fast, tracked: Any
) -> None:
    statuses = [via_django(path).status_code for path in ("/r/a-b", "/r/" + "x" * 40, "/r/nope")]
    assert statuses == [404, 404, 404]
    limited = via_django("/r/nope2")
    assert_rate_limited_page(limited.status_code, limited, limited.content)
    # The fast path, in the same process, knows this client too.
    assert fast.call("/r/nope3").status == 429

    click = via_django(f"/r/{tracked.code}")
    assert click.status_code == 302
    assert fast.flush() == 1
    assert Click.objects.filter(link=tracked).count() == 1
    assert via_django("/r/nope4", ip="192.0.2.50").status_code == 404


def test_the_limit_keeps_no_address(fast: Fast) -> None:
    fast.call("/r/unknowncode")
    via_django("/r/unknown-code")
    keys = list(fast.redirector.not_found._counts)
    assert len(keys) == 1
    assert IP not in keys[0]


def test_the_unavailable_page_has_the_security_headers(
    fast: Fast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down(code: str) -> None:
        raise LinkLookupError("database down")

    monkeypatch.setattr(fast.redirector.links, "get", database_down)
    answer = fast.call("/r/notinmemory")
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    for name, value in SMALL_PAGE_HEADERS.items():
        assert answer.headers[name] == value
    page = via_django("/r/notinmemory")
    assert page.status_code == 503
    for name, value in SMALL_PAGE_HEADERS.items():
        assert page[name] == value
