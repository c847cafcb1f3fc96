from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.tracking import beacon
from ambassade.tracking.models import Click, Conversion, ConversionSource, DailySalt
from ambassade.tracking.tests.attribution import make_click, make_share

ORIGIN = "https://carrieres.acme.example"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def click(world) -> Click:
    return make_click(make_share(world.ambassador, world.item))


def report(payload: dict[str, object] | str, *, ip: str = "198.51.100.7"):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    # What navigator.sendBeacon sends: text/plain, from the careers site's origin.
    return Client(REMOTE_ADDR=ip).post(
        reverse("tracking:beacon"),
        data=body,
        content_type="text/plain;charset=UTF-8",
        HTTP_ORIGIN=ORIGIN,
    )


def test_a_known_click_converts_and_is_marked_client_reported(click) -> None:
    response = report({"cid": click.click_id, "type": "lead", "externalId": "L-1"})

    assert response.status_code == 201
    assert response.json() == {"result": "recorded"}
    assert response["Access-Control-Allow-Origin"] == "*"
    conversion = Conversion.objects.get()
    assert conversion.source == ConversionSource.CLIENT
    assert conversion.is_client_reported
    assert conversion.click == click
    assert conversion.external_id == "L-1"


def test_the_same_report_twice_is_one_conversion(click) -> None:
    assert report({"cid": click.click_id, "type": "sign_up"}).status_code == 201
    again = report({"cid": click.click_id, "type": "sign_up"})
    assert again.status_code == 200
    assert again.json() == {"result": "already recorded"}
    assert Conversion.objects.count() == 1
    # Another type from the same click is another conversion.
    assert report({"cid": click.click_id, "type": "lead"}).status_code == 201
    assert Conversion.objects.count() == 2


def test_an_unknown_click_is_refused(db) -> None:
    response = report({"cid": "0123456789abcdef01234567", "type": "lead"})
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not Conversion.objects.exists()


def test_a_bot_click_is_refused(world) -> None:
    bot = make_click(make_share(world.ambassador, world.item), user_agent="Twitterbot/1.0")
    assert report({"cid": bot.click_id, "type": "lead"}).status_code == 422
    assert not Conversion.objects.exists()


def test_a_click_outside_the_attribution_window_is_refused(world) -> None:
    old = make_click(
        make_share(world.ambassador, world.item), at=timezone.now() - dt.timedelta(days=31)
    )
    response = report({"cid": old.click_id, "type": "lead"})
    assert response.status_code == 422
    assert response.json()["code"] == "outside_window"
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", json.dumps({"type": "lead"}), json.dumps({"cid": "x" * 30})],
)
def test_malformed_reports_get_a_400(db, body) -> None:
    assert report(body).status_code == 400
    assert not Conversion.objects.exists()


def test_reports_are_rate_limited_per_click(click) -> None:
    statuses = [
        report(
            {"cid": click.click_id, "type": "lead", "externalId": f"L-{n}"}, ip=f"192.0.2.{n}"
        ).status_code
        for n in range(beacon.PER_CLICK_LIMIT + 1)
    ]
    assert statuses[:-1] == [201] * beacon.PER_CLICK_LIMIT
    assert statuses[-1] == 429
    assert Conversion.objects.count() == beacon.PER_CLICK_LIMIT


def test_reports_are_rate_limited_per_client(monkeypatch, click) -> None:
    monkeypatch.setattr(beacon, "PER_CLIENT_LIMIT", 3)
    statuses = [report({"cid": f"{n:024x}", "type": "lead"}).status_code for n in range(3)]
    assert statuses == [404, 404, 404]
    # Guessing click ids from one client soon stops, even for a real one.
    limited = report({"cid": click.click_id, "type": "lead"})
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= beacon.WINDOW_SECONDS
    assert limited["Access-Control-Allow-Origin"] == "*"
    # Another client is not affected.
    assert report({"cid": click.click_id, "type": "lead"}, ip="192.0.2.200").status_code == 201


def test_no_ip_address_is_kept_for_rate_limiting(click) -> None:
    ip = "198.51.100.77"
    report({"cid": click.click_id, "type": "lead"}, ip=ip)
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys, "the local-memory cache holds the counters"
    assert all(ip not in str(key) for key in keys)
    assert all(ip not in str(row) for row in Conversion.objects.values())
    assert all(ip not in str(row) for row in DailySalt.objects.values())


def test_a_cors_preflight_is_answered(db) -> None:
    response = Client().options(
        reverse("tracking:beacon"),
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Content-Type" in response["Access-Control-Allow-Headers"]


def test_the_beacon_only_takes_posts(db) -> None:
    assert Client().get(reverse("tracking:beacon")).status_code == 405


def test_the_script_is_served_with_caching_and_cors(db) -> None:
    response = Client().get("/t.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=" in response["Cache-Control"]
    script = response.content.decode()
    assert "amb_cid" in script
    assert "SameSite=Lax" in script
    assert "sendBeacon" in script
    again = Client().get("/t.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
