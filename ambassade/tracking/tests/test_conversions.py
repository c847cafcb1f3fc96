from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from ambassade.tracking.conversions import conversion_withdraw, signature_for
from ambassade.tracking.models import Click, Conversion, ConversionSource
from ambassade.tracking.selectors import conversion_totals
from ambassade.tracking.tests.attribution import make_click, make_share

URL = "/api/v1/conversions"


@pytest.fixture
def click(world) -> Click:
    return make_click(make_share(world.ambassador, world.item))


def post(
    organization,
    payload: dict[str, object] | bytes,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    sign_body: bytes | None = None,
):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = signature_for(
        secret=secret if secret is not None else organization.conversion_secret,
        timestamp=stamp,
        body=sign_body if sign_body is not None else body,
    )
    client = Client()
    client.cookies["django_language"] = "en"  # the site's developers read English
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        HTTP_X_AMBASSADE_ORGANIZATION=organization.slug,
        HTTP_X_AMBASSADE_TIMESTAMP=stamp,
        HTTP_X_AMBASSADE_SIGNATURE=signature,
    )


def application(click: Click, **extra: object) -> dict[str, object]:
    return {
        "click_id": click.click_id,
        "type": "job_application",
        "external_id": "APP-2026-0042",
        **extra,
    }


def test_a_signed_conversion_is_recorded_against_its_click(world, click) -> None:
    response = post(world.org, application(click, value="1200.50", currency="eur"))

    assert response.status_code == 201, response.content
    body = response.json()
    conversion = Conversion.objects.get()
    assert body["id"] == conversion.pk
    assert body["click_id"] == click.click_id
    assert body["share_id"] == click.link.share_id
    assert body["source"] == "server"
    assert conversion.click == click
    assert conversion.share == click.link.share
    assert conversion.organization == world.org
    assert conversion.value == Decimal("1200.50")
    assert conversion.currency == "EUR"
    assert conversion.source == ConversionSource.SERVER


def test_the_same_external_id_twice_is_one_conversion(world, click) -> None:
    first = post(world.org, application(click))
    second = post(world.org, application(click, occurred_at="2026-01-01T00:00:00Z"))

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Conversion.objects.count() == 1


def test_a_wrong_signature_is_refused(world, click) -> None:
    response = post(world.org, application(click), secret="not the secret")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid signature."
    assert not Conversion.objects.exists()


def test_a_tampered_body_is_refused(world, click) -> None:
    signed = json.dumps(application(click)).encode()
    tampered = json.dumps(application(click, value="99999", currency="EUR")).encode()
    response = post(world.org, tampered, sign_body=signed)
    assert response.status_code == 401
    assert not Conversion.objects.exists()


def test_another_organizations_secret_is_refused(world, click) -> None:
    response = post(world.org, application(click), secret=world.other_org.conversion_secret)
    assert response.status_code == 401
    assert not Conversion.objects.exists()


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_timestamp_outside_the_replay_window_is_refused(world, click, offset: int) -> None:
    response = post(world.org, application(click), timestamp=int(time.time()) + offset)
    assert response.status_code == 401
    assert "5 minutes" in response.json()["detail"]
    assert not Conversion.objects.exists()


def test_a_replayed_request_is_refused_after_five_minutes(world, click) -> None:
    stamp = int(time.time())
    with time_machine.travel(dt.datetime.fromtimestamp(stamp + 299, tz=dt.UTC), tick=False):
        assert post(world.org, application(click), timestamp=stamp).status_code == 201
    with time_machine.travel(dt.datetime.fromtimestamp(stamp + 301, tz=dt.UTC), tick=False):
        assert post(world.org, application(click), timestamp=stamp).status_code == 401


def test_missing_signature_headers_are_refused(world, click) -> None:
    response = Client().post(URL, data=application(click), content_type="application/json")
    assert response.status_code == 401
    assert "X-Ambassade-Signature" in response.json()["detail"]


def test_an_unknown_click_id_is_a_404(world, click) -> None:
    response = post(world.org, application(click, click_id="0" * 24))
    assert response.status_code == 404
    assert "Unknown click id" in response.json()["detail"]


def test_a_click_of_another_organization_is_unknown(world, click) -> None:
    """Globex signs correctly, but the click is Acme's: it does not exist for Globex."""
    response = post(world.other_org, application(click))
    assert response.status_code == 404
    assert not Conversion.objects.exists()


def test_a_bot_click_cannot_convert(world) -> None:
    share = make_share(world.ambassador, world.item)
    bot = make_click(share, user_agent="LinkedInBot/1.0 (compatible; Mozilla/5.0)")
    response = post(world.org, application(bot))
    assert response.status_code == 422
    assert response.json()["code"] == "bot_click"
    assert "LinkedIn preview" in response.json()["detail"]
    assert not Conversion.objects.exists()


def test_a_conversion_after_the_attribution_window_is_refused(world) -> None:
    share = make_share(world.ambassador, world.item)
    old = make_click(share, at=timezone.now() - dt.timedelta(days=31))
    response = post(world.org, application(old))
    assert response.status_code == 422
    assert "30 days" in response.json()["detail"]

    world.org.attribution_window_days = 45
    world.org.save()
    assert post(world.org, application(old)).status_code == 201


def test_a_conversion_reported_late_counts_when_it_happened_in_the_window(world) -> None:
    share = make_share(world.ambassador, world.item)
    old = make_click(share, at=timezone.now() - dt.timedelta(days=40))
    happened = (old.clicked_at + dt.timedelta(days=2)).isoformat()
    assert post(world.org, application(old, occurred_at=happened)).status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "donation"}, "type"),
        ({"type": "custom"}, "label"),
        ({"value": "12"}, "currency"),
        ({"value": "12", "currency": "euros"}, "currency"),
        ({"value": "-5", "currency": "EUR"}, "value"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
    ],
)
def test_bad_input_gets_a_clear_400(world, click, payload, field) -> None:
    response = post(world.org, application(click, **payload))
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json()["detail"])
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        # PostgreSQL cannot store a NUL character; year 1 cannot move to UTC: both were
        # server errors once past the signature.
        ({"external_id": "APP-42\u0000"}, "external_id"),
        ({"label": "D\u00e9mo\u0000", "type": "custom"}, "label"),
        ({"occurred_at": "0001-01-01T00:00:00+01:00"}, "occurred_at"),
        ({"occurred_at": "2026-03-16T10:29:41"}, "occurred_at"),
    ],
)
def test_what_the_database_cannot_store_is_a_clear_400(world, click, payload, field) -> None:
    response = post(world.org, application(click, **payload))
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json()["detail"])
    assert not Conversion.objects.exists()


def test_the_documented_body_has_no_reference_outside_the_document(world, client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/conversions"]["post"]["requestBody"]
    written = json.dumps(body)
    assert "$defs" not in written
    assert "job_application" in written  # the conversion types, in place


def test_a_body_that_is_not_json_is_a_400(world, click) -> None:
    response = post(world.org, b"click_id=abc")
    assert response.status_code == 400


def test_a_custom_conversion_keeps_its_label(world, click) -> None:
    response = post(world.org, application(click, type="custom", label="Demande de démo"))
    assert response.status_code == 201
    assert conversion_totals(organization=world.org)[0].label == "Demande de démo"


def test_the_endpoint_documents_its_signature(world, client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/conversions"]["post"]
    assert "HMAC-SHA256" in operation["description"]
    assert "sha256=9f2af9bca879a758" in operation["description"]
    assert operation.get("security") in (None, [])
    headers = {p["name"] for p in operation["parameters"]}
    assert "X-Ambassade-Signature" in headers


def test_the_worked_example_in_the_documentation_is_right() -> None:
    body = (
        b'{"click_id":"5f0c3a9e2b7d41c8a6e19f30","type":"job_application",'
        b'"external_id":"APP-2026-0042","occurred_at":"2026-03-16T10:29:41Z"}'
    )
    assert signature_for(
        secret="3f1c0a7e9b2d4c6f8a1e3b5d7c9f0a2b4d6e8f1a3c5e7b9d0f2a4c6e8b1d3f5a",
        timestamp="1773657000",
        body=body,
    ) == ("sha256=9f2af9bca879a758349869b6161c9c1266c38627315b633afa979682d30cc591")


def test_a_manager_withdraws_a_conversion_and_it_leaves_the_figures(world, click) -> None:
    post(world.org, application(click))
    conversion = Conversion.objects.get()
    assert conversion_totals(organization=world.org)[0].count == 1

    conversion_withdraw(actor=world.manager, conversion=conversion, now=timezone.now())

    conversion.refresh_from_db()
    assert conversion.withdrawn_at is not None
    assert conversion_totals(organization=world.org) == []


@pytest.mark.parametrize("who", ["ambassador", "curator", "stranger"])
def test_only_the_organizations_managers_withdraw(world, click, who) -> None:
    post(world.org, application(click))
    conversion = Conversion.objects.get()
    with pytest.raises(PermissionDenied):
        conversion_withdraw(actor=getattr(world, who), conversion=conversion, now=timezone.now())
    conversion.refresh_from_db()
    assert conversion.withdrawn_at is None
