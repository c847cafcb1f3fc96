"""The shares endpoints of the API: one's own shares, their clicks, sharing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ambassade.accounts.models import Membership, Network
from ambassade.accounts.tokens import api_token_create
from ambassade.sharing.models import Share
from ambassade.sharing.services import share_create
from ambassade.tracking.models import Click
from conftest import World
from tests.factories import ContentItemFactory, MembershipFactory, SocialAccountFactory

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)


def api_client(membership: Membership) -> Client:
    _token, raw = api_token_create(actor=membership, name="Tests", now=timezone.now())
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def share(membership: Membership, item: object, network: str = Network.LINKEDIN) -> Share:
    return share_create(
        actor=membership,
        item=item,  # type: ignore[arg-type]
        network=network,
        commentary="Mon regard sur ce sujet, en quelques mots.",
        now=timezone.now(),
    ).share


def click(code: str, user_agent: str = BROWSER, ip: str = "198.51.100.7") -> None:
    response = Client().get(
        f"/r/{code}",
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR=ip,
        HTTP_REFERER="https://www.linkedin.com/feed/",
    )
    assert response.status_code == 302


def to_the_millisecond(value: dt.datetime) -> dt.datetime:
    """JSON dates carry milliseconds (ECMA-262 flavour of ISO 8601)."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def other_ambassador(world: World) -> Membership:
    membership: Membership = MembershipFactory.create(organization=world.org, is_ambassador=True)
    return membership


# GET /shares/mine


def test_mine_lists_own_shares_with_click_counts(world: World) -> None:
    first = share(world.ambassador, world.item)
    second = share(world.ambassador, world.item, Network.X)
    click(first.link.code)
    click(first.link.code)
    click(first.link.code, ip="203.0.113.9")
    click(first.link.code, user_agent=LINKEDIN_BOT)

    response = api_client(world.ambassador).get("/api/v1/shares/mine")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    newest, oldest = body["items"]
    assert newest["id"] == second.pk
    assert newest["network"] == "x"
    assert (newest["human_clicks"], newest["bot_clicks"], newest["unique_visitors"]) == (0, 0, 0)
    assert oldest["id"] == first.pk
    assert oldest["item_id"] == world.item.pk
    assert oldest["item_title"] == "Le marché de l'IA en 2026"
    assert oldest["program_slug"] == "talents-acme"
    assert oldest["network"] == "linkedin"
    assert oldest["commentary"] == "Mon regard sur ce sujet, en quelques mots."
    assert 0 < oldest["own_words_ratio"] <= 1
    assert oldest["tracked_url"] == f"http://testserver/r/{first.link.code}"
    assert dt.datetime.fromisoformat(oldest["created_at"]) == to_the_millisecond(first.created_at)
    assert (oldest["human_clicks"], oldest["bot_clicks"], oldest["unique_visitors"]) == (3, 1, 2)


def test_mine_is_paginated(world: World) -> None:
    share(world.ambassador, world.item)
    newest = share(world.ambassador, world.item, Network.X)
    response = api_client(world.ambassador).get("/api/v1/shares/mine?limit=1")
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["items"]] == [newest.pk]
    second_page = api_client(world.ambassador).get("/api/v1/shares/mine?limit=1&offset=1")
    assert second_page.json()["items"][0]["id"] != newest.pk


def test_mine_needs_no_query_per_share(world: World) -> None:
    client = api_client(world.ambassador)
    first = share(world.ambassador, world.item)
    click(first.link.code)
    client.get("/api/v1/shares/mine")  # the token's last use is recorded once
    with CaptureQueriesContext(connection) as one_share:
        client.get("/api/v1/shares/mine")
    for _ in range(4):
        click(share(world.ambassador, world.item, Network.X).link.code)
    with CaptureQueriesContext(connection) as five_shares:
        response = client.get("/api/v1/shares/mine")
    assert response.json()["count"] == 5
    assert len(five_shares.captured_queries) == len(one_share.captured_queries)


def test_mine_lists_only_the_callers_organization(world: World) -> None:
    share(world.ambassador, world.item)
    theirs = share(world.stranger, world.other_item, Network.X)
    # The same person in two organizations: a token acts in one only.
    MembershipFactory.create(user=world.stranger.user, organization=world.org, is_ambassador=True)
    body = api_client(world.stranger).get("/api/v1/shares/mine").json()
    assert [row["id"] for row in body["items"]] == [theirs.pk]
    mine = api_client(world.ambassador).get("/api/v1/shares/mine").json()
    assert theirs.pk not in [row["id"] for row in mine["items"]]


def test_mine_does_not_list_colleagues_shares(world: World) -> None:
    share(world.ambassador, world.item)
    body = api_client(world.admin).get("/api/v1/shares/mine").json()
    assert body == {"items": [], "count": 0}


def test_mine_refuses_a_curator(world: World) -> None:
    response = api_client(world.curator).get("/api/v1/shares/mine")
    assert response.status_code == 403
    assert response.json()["detail"]


# GET /shares/{id}/clicks


def test_clicks_totals_series_and_latest(world: World) -> None:
    shared = share(world.ambassador, world.item)
    code = shared.link.code
    # 23:30 and 23:40 in Paris on 15 January, then 00:30 on the 16th.
    with time_machine.travel(dt.datetime(2027, 1, 15, 22, 30, tzinfo=dt.UTC), tick=False):
        click(code)
    with time_machine.travel(dt.datetime(2027, 1, 15, 22, 40, tzinfo=dt.UTC), tick=False):
        click(code)
    with time_machine.travel(dt.datetime(2027, 1, 15, 23, 30, tzinfo=dt.UTC), tick=False):
        click(code, user_agent=LINKEDIN_BOT)

    response = world.client_for(world.ambassador).get(f"/api/v1/shares/{shared.pk}/clicks")

    assert response.status_code == 200
    body = response.json()
    assert body["share_id"] == shared.pk
    assert body["time_zone"] == "Europe/Paris"
    assert body["totals"] == {"human_clicks": 2, "bot_clicks": 1, "unique_visitors": 1}
    assert body["days"] == [
        {"date": "2027-01-15", "human_clicks": 2, "bot_clicks": 0, "unique_visitors": 1},
        {"date": "2027-01-16", "human_clicks": 0, "bot_clicks": 1, "unique_visitors": 0},
    ]
    latest = body["latest"]
    assert len(latest) == 3
    assert latest[0]["is_bot"] is True
    assert latest[0]["bot_reason"] == "LinkedIn preview"
    assert dt.datetime.fromisoformat(latest[0]["clicked_at"]) == dt.datetime(
        2027, 1, 15, 23, 30, tzinfo=dt.UTC
    )
    assert latest[1] == {
        "clicked_at": latest[1]["clicked_at"],
        "referrer_host": "www.linkedin.com",
        "user_agent_family": "Chrome",
        "is_bot": False,
        "bot_reason": "",
    }
    assert "visitor" not in response.content.decode().replace("unique_visitors", "")


def test_clicks_days_follow_the_organizations_time_zone(world: World) -> None:
    world.org.time_zone = "America/New_York"
    world.org.save()
    shared = share(world.ambassador, world.item)
    with time_machine.travel(dt.datetime(2027, 1, 16, 3, 0, tzinfo=dt.UTC), tick=False):
        click(shared.link.code)
    body = world.client_for(world.ambassador).get(f"/api/v1/shares/{shared.pk}/clicks").json()
    assert body["time_zone"] == "America/New_York"
    assert [day["date"] for day in body["days"]] == ["2027-01-15"]


def test_clicks_list_at_most_the_latest_hundred(world: World) -> None:
    shared = share(world.ambassador, world.item)
    now = timezone.now()
    Click.objects.bulk_create(
        Click(
            organization=world.org,
            link=shared.link,
            clicked_at=now - dt.timedelta(minutes=n),
            click_id=f"bulk{n}",
            visitor_hash=f"visitor{n}",
        )
        for n in range(105)
    )
    body = world.client_for(world.ambassador).get(f"/api/v1/shares/{shared.pk}/clicks").json()
    assert body["totals"]["human_clicks"] == 105
    assert len(body["latest"]) == 100
    assert dt.datetime.fromisoformat(body["latest"][0]["clicked_at"]) == to_the_millisecond(now)


@pytest.mark.parametrize("persona", ["curator", "manager", "admin"])
def test_clicks_of_a_colleagues_share_for_staff(world: World, persona: str) -> None:
    shared = share(world.ambassador, world.item)
    click(shared.link.code)
    response = api_client(getattr(world, persona)).get(f"/api/v1/shares/{shared.pk}/clicks")
    assert response.status_code == 200
    assert response.json()["totals"]["human_clicks"] == 1


def test_clicks_of_a_colleagues_share_hidden_from_another_ambassador(world: World) -> None:
    shared = share(world.ambassador, world.item)
    response = api_client(other_ambassador(world)).get(f"/api/v1/shares/{shared.pk}/clicks")
    assert response.status_code == 404


def test_clicks_of_another_organizations_share_are_404(world: World) -> None:
    shared = share(world.ambassador, world.item)
    # The stranger is an admin in their own organization: no use here.
    response = api_client(world.stranger).get(f"/api/v1/shares/{shared.pk}/clicks")
    assert response.status_code == 404
    session = world.client_for(world.stranger).get(f"/api/v1/shares/{shared.pk}/clicks")
    assert session.status_code == 404


def test_clicks_need_authentication(world: World) -> None:
    shared = share(world.ambassador, world.item)
    assert Client().get(f"/api/v1/shares/{shared.pk}/clicks").status_code == 401


# POST /shares


def test_post_creates_a_share_with_a_tracked_link(world: World) -> None:
    client = api_client(world.ambassador)
    response = client.post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "À lire : mon avis en bref."},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    created = Share.objects.get(pk=body["id"])
    assert created.ambassador == world.ambassador.user
    assert created.organization == world.org
    assert created.commentary == "À lire : mon avis en bref."
    assert body["tracked_url"] == f"http://testserver/r/{created.link.code}"
    assert body["intent_url"].startswith("https://x.com/intent/tweet?text=")
    assert body["copy_to_clipboard"] is False
    redirect = Client().get(f"/r/{created.link.code}", HTTP_USER_AGENT=BROWSER)
    assert redirect["Location"].startswith("https://news.example.com/")
    mine = client.get("/api/v1/shares/mine").json()
    assert [row["id"] for row in mine["items"]] == [created.pk]


def test_post_on_linkedin_says_to_copy_the_commentary(world: World) -> None:
    response = api_client(world.ambassador).post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "linkedin", "commentary": "Mon analyse."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["copy_to_clipboard"] is True


def test_post_with_a_chosen_social_account(world: World) -> None:
    second = SocialAccountFactory.create(
        user=world.ambassador.user, network=Network.LINKEDIN, handle="amine-perso"
    )
    response = api_client(world.ambassador).post(
        "/api/v1/shares",
        {
            "item_id": world.item.pk,
            "network": "linkedin",
            "commentary": "Mon analyse.",
            "social_account_id": second.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Share.objects.get(pk=response.json()["id"]).social_account == second


def test_post_with_someone_elses_social_account_is_400(world: World) -> None:
    theirs = world.stranger.user.social_accounts.get()
    response = api_client(world.ambassador).post(
        "/api/v1/shares",
        {
            "item_id": world.item.pk,
            "network": "x",
            "commentary": "Mon analyse.",
            "social_account_id": theirs.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Share.objects.exists()


def test_post_invalid_input_is_400_with_the_messages(world: World) -> None:
    world.ambassador.user.language = "en"
    world.ambassador.user.save()
    client = api_client(world.ambassador)
    empty = client.post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "   "},
        content_type="application/json",
    )
    assert empty.status_code == 400
    assert empty.json() == {"detail": ["Write a commentary in your own words."]}
    unknown = client.post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "myspace", "commentary": "Mon analyse."},
        content_type="application/json",
    )
    # A network that does not exist is refused by the schema, which names the field.
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "payload", "network"]
    assert not Share.objects.exists()


def test_post_malformed_body_is_422(world: World) -> None:
    response = api_client(world.ambassador).post(
        "/api/v1/shares", {"item_id": "abc"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not Share.objects.exists()


def test_post_an_item_that_is_not_live_is_400(world: World) -> None:
    draft = ContentItemFactory.create(
        organization=world.org, programs=[world.program], status="draft"
    )
    response = api_client(world.ambassador).post(
        "/api/v1/shares",
        {"item_id": draft.pk, "network": "x", "commentary": "Mon analyse."},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_post_refuses_a_curator(world: World) -> None:
    response = api_client(world.curator).post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "Mon analyse."},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Share.objects.exists()


def test_post_another_organizations_item_is_404(world: World) -> None:
    response = api_client(world.ambassador).post(
        "/api/v1/shares",
        {"item_id": world.other_item.pk, "network": "x", "commentary": "Mon analyse."},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Share.objects.exists()


def test_post_by_the_stranger_on_our_item_is_404(world: World) -> None:
    response = api_client(world.stranger).post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "Mon analyse."},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Share.objects.exists()


def test_post_needs_authentication(world: World) -> None:
    response = Client().post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "Mon analyse."},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Share.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=100000000", "limit"), ("offset=100000000000000000000", "offset")],
)
def test_mine_refuses_a_page_too_large_for_the_server(world: World, query: str, field: str) -> None:
    response = api_client(world.ambassador).get(f"/api/v1/shares/mine?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_a_commentary_with_a_nul_character_is_refused_and_nothing_is_shared(
    world: World,
) -> None:
    response = api_client(world.ambassador).post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "linkedin", "commentary": "Mon avis\x00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "commentary"]
    assert not Share.objects.exists()
