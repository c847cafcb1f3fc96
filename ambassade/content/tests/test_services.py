"""Curation services: validation, tenancy, roles, publishing and scheduling."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ambassade.accounts.models import Network
from ambassade.content.models import ContentItem, Family, ItemStatus, Kind
from ambassade.content.services import (
    ItemData,
    item_archive,
    item_create,
    item_publish,
    item_update,
)
from conftest import World
from tests.factories import ContentItemFactory, WaveFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def data_for(world: World, **changes: object) -> ItemData:
    base = ItemData(
        family=Family.MARKET,
        kind=Kind.WHITE_PAPER,
        title="  Livre blanc : la cybersécurité des PME  ",
        url="https://acme.example/livre-blanc",
        programs=[world.program],
        summary="Ce qu'il faut savoir.",
        hashtags="#cyber   PME",
        suggested_messages=[
            ("", "Une lecture utile pour les dirigeants de PME."),
            (Network.X, "À lire : la cybersécurité des PME."),
        ],
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_create_draft_with_suggested_messages(world: World) -> None:
    item = item_create(actor=world.curator, data=data_for(world), now=NOW)

    item.refresh_from_db()
    assert item.organization == world.org
    assert item.created_by == world.curator.user
    assert item.status == ItemStatus.DRAFT
    assert item.publish_at is None
    assert item.title == "Livre blanc : la cybersécurité des PME"
    assert item.hashtag_list == ["#cyber", "#PME"]
    assert list(item.programs.all()) == [world.program]
    assert [(m.network, m.text, m.position) for m in item.suggested_messages.all()] == [
        ("", "Une lecture utile pour les dirigeants de PME.", 0),
        ("x", "À lire : la cybersécurité des PME.", 1),
    ]
    assert item not in ContentItem.objects.live(NOW)


def test_publish_now_makes_the_item_live(world: World) -> None:
    item = item_create(
        actor=world.curator, data=data_for(world, status=ItemStatus.PUBLISHED), now=NOW
    )
    assert item.publish_at == NOW
    assert item in ContentItem.objects.live(NOW)


def test_schedule_in_the_future_stays_out_of_the_feed_until_then(world: World) -> None:
    later = NOW + dt.timedelta(days=2)
    item = item_create(
        actor=world.curator,
        data=data_for(world, status=ItemStatus.PUBLISHED, publish_at=later),
        now=NOW,
    )
    assert item.status == ItemStatus.PUBLISHED
    assert item not in ContentItem.objects.live(NOW)
    assert item not in ContentItem.objects.live(later - dt.timedelta(minutes=1))
    assert item in ContentItem.objects.live(later)


def test_submit_for_approval_is_pending(world: World) -> None:
    item = item_create(
        actor=world.curator, data=data_for(world, status=ItemStatus.PENDING), now=NOW
    )
    assert item.status == ItemStatus.PENDING
    assert item not in ContentItem.objects.live(NOW)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://acme.example/file", "acme.example", "https://"]
)
def test_url_must_be_http_or_https(world: World, url: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        item_create(actor=world.curator, data=data_for(world, url=url), now=NOW)
    assert "url" in excinfo.value.message_dict
    assert not ContentItem.objects.filter(organization=world.org, url=url).exists()


def test_image_url_must_be_http_or_https(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        item_create(
            actor=world.curator, data=data_for(world, image_url="data:image/png;base64,AA"), now=NOW
        )
    assert "image_url" in excinfo.value.message_dict


def test_expiry_must_come_after_publication(world: World) -> None:
    data = data_for(
        world,
        status=ItemStatus.PUBLISHED,
        publish_at=NOW + dt.timedelta(days=3),
        expires_at=NOW + dt.timedelta(days=2),
    )
    with pytest.raises(ValidationError) as excinfo:
        item_create(actor=world.curator, data=data, now=NOW)
    assert "expires_at" in excinfo.value.message_dict


def test_publishing_now_with_a_past_expiry_is_refused(world: World) -> None:
    data = data_for(world, status=ItemStatus.PUBLISHED, expires_at=NOW - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as excinfo:
        item_create(actor=world.curator, data=data, now=NOW)
    assert "expires_at" in excinfo.value.message_dict


def test_every_problem_is_reported_at_once(world: World) -> None:
    data = data_for(world, title=" ", url="mailto:x@y.z", programs=[], family="brand")
    with pytest.raises(ValidationError) as excinfo:
        item_create(actor=world.curator, data=data, now=NOW)
    assert set(excinfo.value.message_dict) == {"title", "url", "programs", "family"}


def test_a_program_of_another_organization_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        item_create(
            actor=world.curator,
            data=data_for(world, programs=[world.program, world.other_program]),
            now=NOW,
        )
    assert not ContentItem.objects.filter(title__contains="cybersécurité").exists()


def test_a_wave_of_another_organization_is_refused(world: World) -> None:
    foreign_wave = WaveFactory.create(program=world.other_program)
    with pytest.raises(PermissionDenied):
        item_create(actor=world.curator, data=data_for(world, waves=[foreign_wave]), now=NOW)


def test_waves_must_belong_to_the_chosen_programs(world: World) -> None:
    other_program = world.program.__class__.objects.create(
        organization=world.org, name="Ventes", slug="ventes", starts_on=dt.date(2026, 1, 1)
    )
    wave = WaveFactory.create(program=other_program)
    with pytest.raises(ValidationError) as excinfo:
        item_create(actor=world.curator, data=data_for(world, waves=[wave]), now=NOW)
    assert "waves" in excinfo.value.message_dict

    item = item_create(
        actor=world.curator,
        data=data_for(world, programs=[world.program, other_program], waves=[wave]),
        now=NOW,
    )
    assert list(item.waves.all()) == [wave]


def test_too_many_suggested_messages(world: World) -> None:
    messages = [("", f"Message {n}") for n in range(6)]
    with pytest.raises(ValidationError) as excinfo:
        item_create(actor=world.curator, data=data_for(world, suggested_messages=messages), now=NOW)
    assert "suggested_messages" in excinfo.value.message_dict


def test_ambassador_and_manager_cannot_create(world: World) -> None:
    for membership in (world.ambassador, world.manager):
        with pytest.raises(PermissionDenied):
            item_create(actor=membership, data=data_for(world), now=NOW)


def test_admin_can_create(world: World) -> None:
    item = item_create(actor=world.admin, data=data_for(world), now=NOW)
    assert item.organization == world.org


def test_update_replaces_fields_and_messages(world: World) -> None:
    item = item_create(actor=world.curator, data=data_for(world), now=NOW)
    later = NOW + dt.timedelta(hours=1)
    updated = item_update(
        actor=world.curator,
        item=item,
        data=data_for(
            world,
            title="Nouveau titre",
            family=Family.COMPANY,
            kind=Kind.EVENT,
            suggested_messages=[(Network.LINKEDIN, "Rejoignez-nous !")],
        ),
        now=later,
    )
    updated.refresh_from_db()
    assert updated.title == "Nouveau titre"
    assert updated.family == Family.COMPANY
    assert updated.updated_at == later
    assert [(m.network, m.text) for m in updated.suggested_messages.all()] == [
        ("linkedin", "Rejoignez-nous !")
    ]


def test_stranger_cannot_update_publish_or_archive_acme_items(world: World) -> None:
    with pytest.raises(PermissionDenied):
        item_update(
            actor=world.stranger,
            item=world.item,
            data=data_for(world, programs=[world.other_program]),
            now=NOW,
        )
    with pytest.raises(PermissionDenied):
        item_publish(actor=world.stranger, item=world.item, now=NOW)
    with pytest.raises(PermissionDenied):
        item_archive(actor=world.stranger, item=world.item, now=NOW)
    world.item.refresh_from_db()
    assert world.item.status == ItemStatus.PUBLISHED


def test_publish_and_schedule_an_existing_draft(world: World) -> None:
    item = item_create(actor=world.curator, data=data_for(world), now=NOW)
    item_publish(actor=world.curator, item=item, now=NOW, publish_at=NOW + dt.timedelta(days=1))
    assert item.status == ItemStatus.PUBLISHED
    assert item not in ContentItem.objects.live(NOW)

    item_publish(actor=world.curator, item=item, now=NOW)
    assert item.publish_at == NOW
    assert item in ContentItem.objects.live(NOW)


def test_publishing_an_item_that_would_already_be_expired_is_refused(world: World) -> None:
    item = ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        status=ItemStatus.DRAFT,
        publish_at=None,
        expires_at=NOW - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        item_publish(actor=world.curator, item=item, now=NOW)
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT


def test_archive_takes_the_item_out_of_the_feed(world: World) -> None:
    now = timezone.now()
    assert world.item in ContentItem.objects.live(now)
    item_archive(actor=world.curator, item=world.item, now=now)
    world.item.refresh_from_db()
    assert world.item.status == ItemStatus.ARCHIVED
    assert world.item not in ContentItem.objects.live(now)


def test_ambassador_cannot_archive(world: World) -> None:
    with pytest.raises(PermissionDenied):
        item_archive(actor=world.ambassador, item=world.item, now=NOW)
