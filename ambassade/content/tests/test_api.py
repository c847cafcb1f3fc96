"""/api/v1/items: the same rules as the pages, through personal tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ambassade.accounts.models import Membership
from ambassade.accounts.tokens import api_token_create
from ambassade.content.models import ContentItem, Family, ItemStatus
from ambassade.content.tests.helpers import speak_english
from ambassade.programs.models import Program, Wave
from conftest import World
from tests.factories import ContentItemFactory, ProgramFactory, WaveFactory

ITEMS = "/api/v1/items"


def api(membership: Membership) -> Client:
    """A token client; its owner reads English, so messages are compared in English."""
    speak_english(membership)
    _token, raw = api_token_create(actor=membership, name="Tests", now=timezone.now())
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def payload(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "family": "company",
        "kind": "job_offer",
        "title": "Nous recrutons une cheffe de projet",
        "url": "https://acme.example/jobs/42",
        "summary": "CDI à Lyon.",
        "hashtags": "recrutement lyon",
        "programs": ["talents-acme"],
        "suggested_messages": [
            {"text": "Mon équipe recrute !", "network": "linkedin"},
            {"text": "Un beau poste à Lyon."},
        ],
    }
    data.update(overrides)
    return data


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(ITEMS, data, content_type="application/json")


def patch(client: Client, item: ContentItem, data: dict[str, Any]) -> Any:
    return client.patch(f"{ITEMS}/{item.pk}", data, content_type="application/json")


# Reading


def test_needs_authentication(world: World) -> None:
    assert Client().get(ITEMS).status_code == 401


def test_curator_lists_every_item_of_the_organization(world: World) -> None:
    draft: ContentItem = ContentItemFactory.create(
        organization=world.org, programs=[world.program], status=ItemStatus.DRAFT, title="Brouillon"
    )
    response = api(world.curator).get(ITEMS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [i["title"] for i in body["items"]] == ["Brouillon", "Le marché de l'IA en 2026"]
    first = body["items"][1]
    assert first["id"] == world.item.pk
    assert first["programs"] == ["talents-acme"]
    assert first["status"] == "published"
    assert first["suggested_messages"] == [
        {"network": "", "text": "Une analyse claire des tendances de l'IA en 2026."}
    ]
    assert draft.pk in [i["id"] for i in body["items"]]


def test_list_filters(world: World) -> None:
    other: Program = ProgramFactory.create(organization=world.org, slug="ventes")
    company: ContentItem = ContentItemFactory.create(
        organization=world.org, programs=[other], family=Family.COMPANY, title="Salon Vivatech"
    )
    client = api(world.curator)

    def ids(**params: str) -> list[int]:
        return [i["id"] for i in client.get(ITEMS, params).json()["items"]]

    assert ids(family="company") == [company.pk]
    assert ids(program="ventes") == [company.pk]
    assert ids(program="talents-acme") == [world.item.pk]
    assert ids(q="vivatech") == [company.pk]
    assert ids(status="draft") == []
    assert client.get(ITEMS, {"status": "nonsense"}).status_code == 422


def test_ambassador_sees_only_live_items_of_their_programs(world: World) -> None:
    ContentItemFactory.create(
        organization=world.org, programs=[world.program], status=ItemStatus.DRAFT
    )
    ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        publish_at=timezone.now() + dt.timedelta(days=1),
    )
    not_mine: ContentItem = ContentItemFactory.create(
        organization=world.org, programs=[ProgramFactory.create(organization=world.org)]
    )
    client = api(world.ambassador)
    body = client.get(ITEMS).json()
    assert [i["id"] for i in body["items"]] == [world.item.pk]
    assert client.get(f"{ITEMS}/{world.item.pk}").status_code == 200
    assert client.get(f"{ITEMS}/{not_mine.pk}").status_code == 404


def test_manager_only_is_refused(world: World) -> None:
    assert api(world.manager).get(ITEMS).status_code == 403


def test_other_organizations_items_are_404(world: World) -> None:
    client = api(world.stranger)  # an admin of Globex
    assert [i["id"] for i in client.get(ITEMS).json()["items"]] == [world.other_item.pk]
    assert client.get(f"{ITEMS}/{world.item.pk}").status_code == 404
    assert patch(client, world.item, {"title": "Piraté"}).status_code == 404
    world.item.refresh_from_db()
    assert world.item.title == "Le marché de l'IA en 2026"
    assert api(world.curator).get(f"{ITEMS}/{world.other_item.pk}").status_code == 404


# Creating


def test_curator_creates_a_draft(world: World) -> None:
    response = post(api(world.curator), payload())
    assert response.status_code == 201, response.json()
    body = response.json()
    item = ContentItem.objects.get(pk=body["id"])
    assert item.organization == world.org
    assert item.created_by == world.curator.user
    assert item.status == ItemStatus.DRAFT
    assert body["hashtags"] == ["#recrutement", "#lyon"]
    assert body["suggested_messages"] == [
        {"network": "linkedin", "text": "Mon équipe recrute !"},
        {"network": "", "text": "Un beau poste à Lyon."},
    ]


def test_curator_schedules(world: World) -> None:
    later = timezone.now() + dt.timedelta(days=3)
    response = post(
        api(world.curator), payload(status="published", publish_at=later.isoformat(), waves=[])
    )
    assert response.status_code == 201
    item = ContentItem.objects.get(pk=response.json()["id"])
    assert item.publish_at == later
    assert item not in ContentItem.objects.live(timezone.now())
    # Not in the ambassador's feed yet.
    ids = [i["id"] for i in api(world.ambassador).get(ITEMS).json()["items"]]
    assert item.pk not in ids


def test_curator_publishes_now_with_waves(world: World) -> None:
    wave: Wave = WaveFactory.create(program=world.program)
    response = post(api(world.curator), payload(status="published", waves=[wave.pk]))
    assert response.status_code == 201
    body = response.json()
    assert body["waves"] == [wave.pk]
    assert ContentItem.objects.get(pk=body["id"]) in ContentItem.objects.live(timezone.now())


def test_ambassador_cannot_create_or_patch(world: World) -> None:
    client = api(world.ambassador)
    assert post(client, payload()).status_code == 403
    assert patch(client, world.item, {"title": "Non"}).status_code == 403
    assert ContentItem.objects.filter(organization=world.org).count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [
        ({"url": "javascript:alert(1)"}, 400, "url: "),
        (
            {
                "status": "published",
                "publish_at": "2040-01-10T09:00:00Z",
                "expires_at": "2040-01-09T09:00:00Z",
            },
            400,
            "expires_at: ",
        ),
        ({"programs": ["globex-pilot"]}, 400, "Unknown program: globex-pilot"),
        ({"status": "archived"}, 422, ""),
        ({"family": "brand"}, 422, ""),
        ({"programs": []}, 422, ""),
        ({"title": ""}, 422, ""),
    ],
)
def test_invalid_input(world: World, overrides: dict[str, Any], status: int, fragment: str) -> None:
    response = post(api(world.curator), payload(**overrides))
    assert response.status_code == status, response.json()
    assert fragment in str(response.json()["detail"])
    assert not ContentItem.objects.filter(title="Nous recrutons une cheffe de projet").exists()


def test_a_wave_of_another_organization_is_unknown(world: World) -> None:
    foreign: Wave = WaveFactory.create(program=world.other_program)
    response = post(api(world.curator), payload(waves=[foreign.pk]))
    assert response.status_code == 400
    assert f"Unknown wave: {foreign.pk}" in str(response.json()["detail"])


# Changing


def test_patch_changes_only_what_is_sent(world: World) -> None:
    response = patch(api(world.curator), world.item, {"title": "Le marché de l'IA en 2027"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["title"] == "Le marché de l'IA en 2027"
    assert body["programs"] == ["talents-acme"]
    assert body["status"] == "published"
    world.item.refresh_from_db()
    assert world.item.title == "Le marché de l'IA en 2027"
    assert [m.text for m in world.item.suggested_messages.all()] == [
        "Une analyse claire des tendances de l'IA en 2026."
    ]


def test_patch_messages_and_expiry(world: World) -> None:
    expires = timezone.now() + dt.timedelta(days=10)
    response = patch(
        api(world.curator),
        world.item,
        {
            "suggested_messages": [{"text": "Nouveau", "network": "x"}],
            "expires_at": expires.isoformat(),
        },
    )
    assert response.status_code == 200
    world.item.refresh_from_db()
    assert world.item.expires_at == expires
    assert [(m.network, m.text) for m in world.item.suggested_messages.all()] == [("x", "Nouveau")]


def test_patch_invalid_is_400_and_changes_nothing(world: World) -> None:
    response = patch(
        api(world.curator),
        world.item,
        {"title": "Changé", "expires_at": "2000-01-01T00:00:00Z"},
    )
    assert response.status_code == 400
    assert "expires_at: " in str(response.json()["detail"])
    world.item.refresh_from_db()
    assert world.item.title == "Le marché de l'IA en 2026"


def test_patch_an_archived_item_needs_a_status(world: World) -> None:
    world.item.status = ItemStatus.ARCHIVED
    world.item.save()
    client = api(world.curator)
    assert patch(client, world.item, {"title": "Revu"}).status_code == 400
    response = patch(client, world.item, {"title": "Revu", "status": "draft"})
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_openapi_documents_the_items_endpoints(world: World) -> None:
    schema = api(world.curator).get("/api/v1/openapi.json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/items"])
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/items/{item_id}"])
    assert "ItemIn" in schema["components"]["schemas"]


# Input the database could not take: refused by the schema, never a server error.


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"waves": [2**70]}, "waves"),  # past 64 bits: SQLite raised OverflowError
        ({"publish_at": "0001-01-01T00:00:00+01:00"}, "publish_at"),  # UTC is year 0
        ({"publish_at": "2026-09-01T09:00:00"}, "publish_at"),  # no time zone
        ({"title": "Nous recrutons\x00"}, "title"),  # PostgreSQL refuses NUL
        ({"summary": "x" * 10_001}, "summary"),
    ],
)
def test_create_refuses_what_the_database_cannot_store(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    response = post(api(world.curator), payload(**overrides))
    assert response.status_code == 422, response.content
    assert field in response.json()["detail"][0]["loc"]
    assert not ContentItem.objects.filter(title__startswith="Nous recrutons").exists()


def test_list_refuses_an_offset_past_any_database_integer(world: World) -> None:
    response = api(world.curator).get(ITEMS, {"offset": 10**20})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "offset"]


def test_search_with_a_nul_character_is_refused(world: World) -> None:
    response = api(world.curator).get(ITEMS, {"q": "IA\x00"})
    assert response.status_code == 422
