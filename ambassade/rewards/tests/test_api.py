"""The points and rewards endpoints: same rules as the pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from ambassade.accounts.models import Membership
from ambassade.accounts.tokens import api_token_create
from ambassade.rewards.models import Redemption, RedemptionStatus, Reward
from ambassade.rewards.scoring import score_activity
from ambassade.rewards.selectors import member_points
from ambassade.rewards.tests.helpers import make_share
from conftest import World

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def api_client(membership: Membership) -> Client:
    _token, raw = api_token_create(actor=membership, name="tests", now=timezone.now())
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, payload: dict[str, object] | None = None) -> tuple[int, object]:
    response = client.post(url, json.dumps(payload or {}), content_type="application/json")
    return response.status_code, response.json()


def setup_points(world: World) -> Reward:
    world.program.budget_amount = Decimal("200")
    world.program.save()
    make_share(world.ambassador, world.item, world.program, at=NOW, own_words_ratio=0.9)
    score_activity(now=NOW)
    return Reward.objects.create(
        program=world.program, name="Book voucher", points_cost=10, monetary_value=Decimal("30")
    )


def test_my_points_and_ledger(world: World) -> None:
    setup_points(world)
    response = api_client(world.ambassador).get("/api/v1/rewards/points")
    assert response.status_code == 200
    body = response.json()
    assert (body["lifetime"], body["spendable"], body["rank"]) == (15, 15, 1)
    assert [e["rule"] for e in body["entries"]] == ["own_words", "share"] or [
        e["rule"] for e in body["entries"]
    ] == ["share", "own_words"]
    assert all(e["rule_version"] == 1 for e in body["entries"])


def test_leaderboard_and_catalog(world: World) -> None:
    setup_points(world)
    client = api_client(world.ambassador)
    board = client.get("/api/v1/rewards/leaderboard", {"period": "all"}).json()
    assert board["you"]["rank"] == 1
    assert board["rows"][0]["is_you"]
    catalog = client.get("/api/v1/rewards/catalog").json()
    assert [r["name"] for r in catalog] == ["Book voucher"]


def test_request_then_manager_approves_or_refuses(world: World) -> None:
    voucher = setup_points(world)
    status, body = post(
        api_client(world.ambassador), "/api/v1/rewards/redemptions", {"reward_id": voucher.pk}
    )
    assert status == 201, body
    assert isinstance(body, dict)
    assert body["status"] == "requested"
    manager = api_client(world.manager)
    listed = manager.get(
        "/api/v1/rewards/redemptions", {"program": world.program.slug, "everyone": "true"}
    ).json()
    assert [r["id"] for r in listed] == [body["id"]]
    status, approved = post(manager, f"/api/v1/rewards/redemptions/{body['id']}/approve")
    assert status == 200
    assert isinstance(approved, dict)
    assert approved["status"] == "approved"
    status, refused = post(
        manager, f"/api/v1/rewards/redemptions/{body['id']}/refuse", {"reason": "Changed our mind"}
    )
    assert status == 200
    assert isinstance(refused, dict)
    assert refused["status"] == "refused"
    assert member_points(membership=world.ambassador, program=world.program).spendable == 15
    status, _again = post(manager, f"/api/v1/rewards/redemptions/{body['id']}/approve")
    assert status == 400


def test_errors_are_clear(world: World) -> None:
    voucher = setup_points(world)
    voucher.points_cost = 100
    voucher.save()
    status, body = post(
        api_client(world.ambassador), "/api/v1/rewards/redemptions", {"reward_id": voucher.pk}
    )
    assert status == 400
    assert isinstance(body, dict)
    assert "100 points" in body["detail"][0]


def test_roles_and_strangers(world: World) -> None:
    voucher = setup_points(world)
    redemption = Redemption.objects.create(
        program=world.program,
        reward=voucher,
        membership=world.ambassador,
        points_cost=10,
        monetary_value=Decimal("30"),
        requested_at=NOW,
    )
    ambassador = api_client(world.ambassador)
    status, _body = post(ambassador, f"/api/v1/rewards/redemptions/{redemption.pk}/approve")
    assert status == 403
    assert ambassador.get("/api/v1/rewards/redemptions", {"everyone": "true"}).status_code == 403
    stranger = api_client(world.stranger)
    status, _body = post(stranger, f"/api/v1/rewards/redemptions/{redemption.pk}/approve")
    assert status == 404
    status, _body = post(stranger, "/api/v1/rewards/redemptions", {"reward_id": voucher.pk})
    assert status == 404
    for url in ("points", "leaderboard", "catalog", "redemptions"):
        response = stranger.get(f"/api/v1/rewards/{url}", {"program": world.program.slug})
        assert response.status_code == 404, url
    assert Client().get("/api/v1/rewards/points").status_code == 401
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.REQUESTED


def test_ledger_page_out_of_bounds_is_a_422_not_a_server_error(world: World) -> None:
    setup_points(world)
    client = api_client(world.ambassador)
    # A negative offset used to reach the queryset and fail there (500).
    for query in ({"offset": -1}, {"limit": 0}, {"limit": 501}, {"offset": 10**20}):
        response = client.get("/api/v1/rewards/points", query)
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["loc"][0] == "query"
    assert client.get("/api/v1/rewards/points", {"offset": 1, "limit": 1}).status_code == 200


def test_unknown_filters_are_refused_with_the_choices(world: World) -> None:
    client = api_client(world.manager)
    status = client.get("/api/v1/rewards/redemptions", {"status": "lost"})
    assert status.status_code == 422
    assert "requested" in status.json()["detail"][0]["msg"]
    period = api_client(world.ambassador).get("/api/v1/rewards/leaderboard", {"period": "1y"})
    assert period.status_code == 422
    assert "quarter" in period.json()["detail"][0]["msg"]
