"""Curation pages, as a curator, an ambassador and a stranger see them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambassade.content.models import ContentItem, Family, ItemStatus
from ambassade.programs.models import Program
from conftest import World
from tests.factories import ContentItemFactory, ProgramFactory, WaveFactory

from .helpers import LINKEDIN_BOT, click, published, share, speak_english

LIST = reverse("content:item_list")
CREATE = reverse("content:item_create")


def detail(item: ContentItem) -> str:
    return reverse("content:item_detail", args=[item.pk])


def form_data(world: World, *, action: str = "draft", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "family": "market",
        "kind": "analysis",
        "title": "Les tendances RH de 2026",
        "url": "https://acme.example/tendances-rh",
        "summary": "Cinq tendances.",
        "image_url": "",
        "language": "fr",
        "hashtags": "RH futurdutravail",
        "programs": [world.program.pk],
        "publish_at": "",
        "expires_at": "",
        "action": action,
        "messages-TOTAL_FORMS": "2",
        "messages-INITIAL_FORMS": "0",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "5",
        "messages-0-text": "Cinq tendances qui changent notre métier.",
        "messages-0-network": "",
        "messages-1-text": "",
        "messages-1-network": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def curator(world: World) -> Client:
    speak_english(world.curator)
    return world.client_for(world.curator)


# Roles and tenancy


def curator_pages(item: ContentItem) -> list[str]:
    return [
        LIST,
        CREATE,
        detail(item),
        reverse("content:item_update", args=[item.pk]),
    ]


def test_ambassador_and_manager_are_refused_every_curation_page(world: World) -> None:
    for membership in (world.ambassador, world.manager):
        client = world.client_for(membership)
        for url in curator_pages(world.item):
            assert client.get(url).status_code == 403, url
        for name in ("content:item_publish", "content:item_archive"):
            assert client.post(reverse(name, args=[world.item.pk])).status_code == 403
        assert client.post(CREATE, form_data(world)).status_code == 403
    assert ContentItem.objects.filter(organization=world.org).count() == 1


def test_anonymous_is_sent_to_login(world: World) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_stranger_gets_404_on_acme_items(world: World) -> None:
    client = world.client_for(world.stranger)  # an admin of Globex
    pk = world.item.pk
    assert client.get(detail(world.item)).status_code == 404
    assert client.get(reverse("content:item_update", args=[pk])).status_code == 404
    assert (
        client.post(reverse("content:item_update", args=[pk]), form_data(world)).status_code == 404
    )
    assert client.post(reverse("content:item_publish", args=[pk])).status_code == 404
    assert client.post(reverse("content:item_archive", args=[pk])).status_code == 404
    world.item.refresh_from_db()
    assert world.item.status == ItemStatus.PUBLISHED
    assert world.item.title == "Le marché de l'IA en 2026"
    # Their own list shows their organization only.
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Le marché de l&#x27;IA en 2026" not in response.content.decode()


def test_admin_passes(world: World) -> None:
    client = world.client_for(world.admin)
    assert client.get(LIST).status_code == 200
    assert client.get(detail(world.item)).status_code == 200


# The list


def test_list_shows_items_with_counts(world: World, curator: Client) -> None:
    first = share(world.ambassador, world.item)
    click(first)
    click(first, ip="203.0.113.9")
    click(first, user_agent=LINKEDIN_BOT)
    share(world.ambassador, world.item, network="x")

    response = curator.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le marché de l&#x27;IA en 2026" in html
    assert f'href="{detail(world.item)}"' in html
    assert world.other_item.title not in html
    row = re.search(rf'href="{detail(world.item)}".*?</tr>', html, re.S)
    assert row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(0)) == ["2", "2"]
    assert 'class="badge market"' in row.group(0)


def test_list_shows_times_in_the_users_time_zone(world: World, curator: Client) -> None:
    world.curator.user.time_zone = "Asia/Tokyo"
    world.curator.user.save()
    ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        title="Heure de Tokyo",
        publish_at=dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC),
    )
    html = curator.get(LIST).content.decode()
    assert "01/16/2026 8:30 a.m." in html


def test_list_filters_and_pagination(world: World, curator: Client) -> None:
    for n in range(30):
        ContentItemFactory.create(
            organization=world.org, programs=[world.program], title=f"Veille {n:02d}"
        )
    ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        title="Prix de l'innovation",
        family=Family.COMPANY,
    )

    page_1 = curator.get(LIST).content.decode()
    assert page_1.count("<tr>") == 26  # the header and 25 items
    assert "Page 1 of 2" in page_1
    page_2 = curator.get(LIST, {"page": "2"}).content.decode()
    assert page_2.count("<tr>") == 1 + 32 - 25

    company = curator.get(LIST, {"family": "company"}).content.decode()
    assert "Prix de l&#x27;innovation" in company
    assert "Veille" not in company

    search = curator.get(LIST, {"q": "veille 2", "page": "1"}).content.decode()
    assert "Veille 20" in search
    assert "Veille 19" not in search


def test_list_shows_the_content_mix(world: World, curator: Client) -> None:
    balanced = ProgramFactory.create(organization=world.org, name="Marque employeur", slug="marque")
    published(balanced, Family.COMPANY, count=2)
    published(balanced, Family.MARKET, count=8)
    heavy = ProgramFactory.create(organization=world.org, name="Nouveautés", slug="nouveautes")
    published(heavy, Family.COMPANY, count=5)
    published(heavy, Family.MARKET, count=5)

    html = curator.get(LIST).content.decode()
    mix = dict(re.findall(r'data-program="([\w-]+)"(.*?)</p>', html, re.S))
    assert 'data-width="20"' in mix["marque"]
    assert 'data-width="80"' in mix["marque"]
    assert "On target" in mix["marque"]
    assert "Company: 20 % (2 items)" in mix["marque"]
    assert "Market: 80 % (8 items)" in mix["marque"]
    assert "Target: 20 % company / 80 % market" in mix["marque"]
    assert "Too much company content" in mix["nouveautes"]
    assert "Company: 50 % (5 items)" in mix["nouveautes"]
    # Talents Acme has a single item.
    assert "Not enough items yet" in mix["talents-acme"]


# The editor


def test_create_page_lists_only_own_programs_and_waves(world: World, curator: Client) -> None:
    WaveFactory.create(program=world.program, name="Pionniers")
    WaveFactory.create(program=world.other_program, name="Globex wave")
    html = curator.get(CREATE).content.decode()
    assert "Talents Acme" in html
    assert "Pionniers (Talents Acme)" in html
    assert "Globex" not in html
    for label in ("Save as draft", "Publish now", "Schedule", "Submit for approval"):
        assert label in html


def test_create_draft_with_suggested_messages(world: World, curator: Client) -> None:
    response = curator.post(
        CREATE,
        form_data(
            world, **{"messages-1-text": "Mon avis : à lire.", "messages-1-network": "linkedin"}
        ),
    )
    item = ContentItem.objects.get(title="Les tendances RH de 2026")
    assert response.status_code == 302
    assert response["Location"] == detail(item)
    assert item.status == ItemStatus.DRAFT
    assert item.organization == world.org
    assert item.created_by == world.curator.user
    assert [(m.network, m.text) for m in item.suggested_messages.all()] == [
        ("", "Cinq tendances qui changent notre métier."),
        ("linkedin", "Mon avis : à lire."),
    ]
    page = curator.get(detail(item)).content.decode()
    assert "Draft saved." in page
    assert "Mon avis : à lire." in page


def test_publish_now(world: World, curator: Client) -> None:
    before = timezone.now()
    curator.post(CREATE, form_data(world, action="publish", publish_at="2040-01-01T10:00"))
    item = ContentItem.objects.get(title="Les tendances RH de 2026")
    assert item.status == ItemStatus.PUBLISHED
    assert item.publish_at is not None
    assert before <= item.publish_at <= timezone.now()
    assert item in ContentItem.objects.live(timezone.now())


def test_schedule_in_the_users_time_zone(world: World, curator: Client) -> None:
    world.curator.user.time_zone = "Asia/Tokyo"
    world.curator.user.save()
    response = curator.post(
        CREATE,
        form_data(
            world, action="schedule", publish_at="2040-01-10T09:00", expires_at="2040-02-10T09:00"
        ),
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(title="Les tendances RH de 2026")
    assert item.status == ItemStatus.PUBLISHED
    assert item.publish_at == dt.datetime(2040, 1, 10, 0, 0, tzinfo=dt.UTC)
    assert item.expires_at == dt.datetime(2040, 2, 10, 0, 0, tzinfo=dt.UTC)
    assert item not in ContentItem.objects.live(timezone.now())
    assert "Scheduled" in curator.get(detail(item)).content.decode()


def test_schedule_needs_a_future_time(world: World, curator: Client) -> None:
    for publish_at in ("", "2020-01-01T10:00"):
        response = curator.post(CREATE, form_data(world, action="schedule", publish_at=publish_at))
        assert response.status_code == 200
        assert response.context["form"].errors["publish_at"]
    assert not ContentItem.objects.filter(title="Les tendances RH de 2026").exists()


def test_submit_for_approval(world: World, curator: Client) -> None:
    curator.post(CREATE, form_data(world, action="submit"))
    assert ContentItem.objects.get(title="Les tendances RH de 2026").status == ItemStatus.PENDING


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"url": "ftp://acme.example/x"}, "url", "http:// or https://"),
        (
            {
                "publish_at": "2040-01-10T09:00",
                "expires_at": "2040-01-09T09:00",
                "action": "schedule",
            },
            "expires_at",
            "The expiry must come after the publication time.",
        ),
        ({"programs": []}, "programs", "This field is required."),
    ],
)
def test_invalid_input_is_shown_and_kept(
    world: World, curator: Client, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = curator.post(CREATE, form_data(world, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    html = response.content.decode()
    assert "Les tendances RH de 2026" in html  # nothing typed is lost
    assert "Cinq tendances qui changent notre métier." in html
    assert not ContentItem.objects.filter(title="Les tendances RH de 2026").exists()


def test_a_program_of_another_organization_is_rejected(world: World, curator: Client) -> None:
    response = curator.post(CREATE, form_data(world, programs=[world.other_program.pk]))
    assert response.status_code == 200
    assert "programs" in response.context["form"].errors
    assert not ContentItem.objects.filter(title="Les tendances RH de 2026").exists()


def test_waves_must_belong_to_the_chosen_programs(world: World, curator: Client) -> None:
    other: Program = ProgramFactory.create(organization=world.org, name="Ventes")
    wave = WaveFactory.create(program=other)
    response = curator.post(CREATE, form_data(world, waves=[wave.pk]))
    assert response.status_code == 200
    assert "waves" in response.context["form"].errors
    response = curator.post(
        CREATE, form_data(world, programs=[world.program.pk, other.pk], waves=[wave.pk])
    )
    assert response.status_code == 302
    assert list(ContentItem.objects.get(title="Les tendances RH de 2026").waves.all()) == [wave]


def test_update_prefills_and_saves(world: World, curator: Client) -> None:
    url = reverse("content:item_update", args=[world.item.pk])
    html = curator.get(url).content.decode()
    assert "Le marché de l&#x27;IA en 2026" in html
    assert "Une analyse claire des tendances de l&#x27;IA en 2026." in html

    data = form_data(
        world,
        title="Le marché de l'IA en 2027",
        **{
            "messages-TOTAL_FORMS": "3",
            "messages-INITIAL_FORMS": "1",
            "messages-0-text": "Une analyse claire des tendances de l'IA en 2026.",
            "messages-0-DELETE": "on",
            "messages-1-text": "Nouveau message.",
            "messages-2-text": "",
            "messages-2-network": "",
        },
    )
    response = curator.post(url, data)
    assert response.status_code == 302
    world.item.refresh_from_db()
    assert world.item.title == "Le marché de l'IA en 2027"
    assert world.item.status == ItemStatus.DRAFT
    assert [m.text for m in world.item.suggested_messages.all()] == ["Nouveau message."]


def test_publish_and_archive_buttons(world: World, curator: Client) -> None:
    draft = ContentItemFactory.create(
        organization=world.org, programs=[world.program], status=ItemStatus.DRAFT, publish_at=None
    )
    response = curator.post(reverse("content:item_publish", args=[draft.pk]), follow=True)
    assert "Item published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ItemStatus.PUBLISHED
    assert draft in ContentItem.objects.live(timezone.now())

    response = curator.post(reverse("content:item_archive", args=[draft.pk]), follow=True)
    assert "Item archived" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ItemStatus.ARCHIVED
    assert curator.get(reverse("content:item_archive", args=[draft.pk])).status_code == 405


def test_publishing_an_expired_item_explains_why(world: World, curator: Client) -> None:
    expired = ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        status=ItemStatus.DRAFT,
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    response = curator.post(reverse("content:item_publish", args=[expired.pk]), follow=True)
    assert "This item expires before it would be published." in response.content.decode()
    expired.refresh_from_db()
    assert expired.status == ItemStatus.DRAFT


# The detail


def test_detail_shows_who_shared_where(world: World, curator: Client) -> None:
    linkedin = share(
        world.ambassador, world.item, commentary="Mes propres mots sur ce sujet passionnant."
    )
    click(linkedin)
    click(linkedin, ip="203.0.113.9")
    click(linkedin, user_agent=LINKEDIN_BOT)
    x_share = share(
        world.ambassador,
        world.item,
        network="x",
        commentary=world.item.suggested_messages.get().text,
    )
    click(x_share)

    response = curator.get(detail(world.item))
    html = response.content.decode()
    assert "Une analyse claire des tendances de l&#x27;IA en 2026." in html
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>.*?</td>\s*<td class=\"num\">(\d+) %</td>\s*<td class=\"num\">(\d+)</td>\s*<td class=\"num\">(\d+)</td>",
        html,
        re.S,
    )
    assert sorted(rows) == [
        ("Amine Ambassadeur", "LinkedIn", "100", "2", "1"),
        ("Amine Ambassadeur", "X", "0", "1", "0"),
    ]
    stats = re.findall(r'<div class="stat"><strong>(\d+)</strong>(.*?)</div>', html)
    assert stats == [("2", "Shares"), ("3", "Human clicks"), ("1", "Bot clicks")]


def test_detail_without_shares(world: World, curator: Client) -> None:
    html = curator.get(detail(world.item)).content.decode()
    assert "Nobody has shared this item yet." in html


def test_list_and_detail_queries_do_not_grow_with_items(world: World, curator: Client) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert curator.get(url).status_code == 200
        return len(captured)

    share(world.ambassador, world.item)
    list_before, detail_before = queries(LIST), queries(detail(world.item))
    for _ in range(5):
        item: ContentItem = ContentItemFactory.create(
            organization=world.org, programs=[world.program]
        )
        click(share(world.ambassador, item))
        click(share(world.ambassador, world.item, network="x"))
    assert queries(LIST) == list_before
    assert queries(detail(world.item)) == detail_before
