"""The back office for content items and their suggested messages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ambassade.accounts.models import User
from conftest import World
from tests.factories import UserFactory


@pytest.fixture
def staff(world: World) -> Client:
    client = Client()
    user: User = UserFactory.create(
        email="ops@ambassade.example", is_staff=True, is_superuser=True, language="en"
    )
    client.force_login(user)
    return client


def test_item_list_search_and_filters(staff: Client, world: World) -> None:
    url = reverse("admin:content_contentitem_changelist")
    html = staff.get(url, {"q": "marché de l'IA"}).content.decode()
    assert "Le marché de l&#x27;IA en 2026" in html
    assert world.other_item.title not in html
    html = staff.get(url, {"organization__id__exact": str(world.other_org.pk)}).content.decode()
    assert world.other_item.title in html
    assert "Le marché de l&#x27;IA en 2026" not in html
    assert staff.get(url, {"status__exact": "draft"}).status_code == 200


def test_item_change_page_shows_suggested_messages(staff: Client, world: World) -> None:
    response = staff.get(reverse("admin:content_contentitem_change", args=[world.item.pk]))
    assert response.status_code == 200
    assert "Une analyse claire des tendances de l&#x27;IA en 2026." in response.content.decode()


def test_suggested_message_list(staff: Client, world: World) -> None:
    response = staff.get(reverse("admin:content_suggestedmessage_changelist"))
    assert response.status_code == 200
    assert "Une analyse claire" in response.content.decode()


def test_curator_is_not_staff(world: World) -> None:
    response = world.client_for(world.curator).get(reverse("admin:content_contentitem_changelist"))
    assert response.status_code == 302
