from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ambassade.accounts.models import Language
from ambassade.content.images import content_image_store
from ambassade.content.models import ContentItem, Family, ItemStatus, Kind
from ambassade.demo.images import banner_png
from ambassade.programs.models import Enrolment, EnrolmentStatus, Wave
from ambassade.sharing.services import share_create
from tests.factories import (
    ContentItemFactory,
    MembershipFactory,
    ProgramFactory,
    WaveFactory,
)

FEED = reverse("sharing:feed")


def feed_titles(response) -> list[str]:
    return [card.item.title for card in response.context["cards"]]


def test_anonymous_visitor_is_sent_to_the_login_page(client, world) -> None:
    response = client.get(FEED)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_feed_shows_only_live_items_of_the_ambassadors_programs(world) -> None:
    now = timezone.now()
    acme_elsewhere = ProgramFactory(organization=world.org, name="Commerciaux", slug="ventes")
    ContentItemFactory(
        organization=world.org, programs=[world.program], title="Brouillon", status=ItemStatus.DRAFT
    )
    ContentItemFactory(
        organization=world.org,
        programs=[world.program],
        title="Programmé demain",
        publish_at=now + dt.timedelta(days=1),
    )
    ContentItemFactory(
        organization=world.org,
        programs=[world.program],
        title="Expiré hier",
        publish_at=now - dt.timedelta(days=3),
        expires_at=now - dt.timedelta(days=1),
    )
    ContentItemFactory(organization=world.org, programs=[acme_elsewhere], title="Autre programme")
    world.other_item.title = "Secret Globex"
    world.other_item.save()

    response = world.client_for(world.ambassador).get(FEED)

    assert response.status_code == 200
    assert feed_titles(response) == [world.item.title]
    page = response.content.decode()
    assert escape(world.item.title) in page
    for hidden in [
        "Brouillon",
        "Programmé demain",
        "Expiré hier",
        "Autre programme",
        "Secret Globex",
    ]:
        assert hidden not in page
    assert reverse("sharing:share", args=[world.item.pk]) in page


def test_feed_cards_show_family_kind_summary_hashtags_and_image(world) -> None:
    image = content_image_store(
        organization=world.org,
        source_url="https://cdn.example.com/job.png",
        data=banner_png((0, 0, 0), (255, 255, 255), (9, 9, 9)),
        now=timezone.now(),
    )
    item = ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        title="Nous recrutons des ingénieurs",
        family=Family.COMPANY,
        kind=Kind.JOB_OFFER,
        summary="Trois postes ouverts à Lyon.",
        hashtags="recrutement #lyon",
        image_url="https://cdn.example.com/job.png",
        image=image,
    )
    page = world.client_for(world.ambassador).get(FEED).content.decode()
    assert "Trois postes ouverts à Lyon." in page
    assert "#recrutement #lyon" in page
    # The copy served from our origin, never the third-party address.
    assert f'src="{item.image_src}"' in page
    assert 'src="https://cdn.example.com/job.png"' not in page
    assert "Entreprise" in page or "Company" in page
    assert "Offre" in page or "Job offer" in page


def test_feed_respects_waves(world) -> None:
    pilot: Wave = WaveFactory.create(program=world.program, name="Pionniers")
    second: Wave = WaveFactory.create(program=world.program, name="Deuxième vague")
    pilot_only: ContentItem = ContentItemFactory.create(
        organization=world.org, programs=[world.program], title="Pour les pionniers"
    )
    pilot_only.waves.set([pilot])
    client = world.client_for(world.ambassador)

    enrolment = Enrolment.objects.get(membership=world.ambassador, program=world.program)
    enrolment.wave = second
    enrolment.save()
    assert "Pour les pionniers" not in feed_titles(client.get(FEED))

    enrolment.wave = pilot
    enrolment.save()
    assert "Pour les pionniers" in feed_titles(client.get(FEED))


def test_wave_of_another_program_does_not_hide_an_item(world) -> None:
    other = ProgramFactory(organization=world.org, slug="autre")
    item: ContentItem = ContentItemFactory.create(
        organization=world.org, programs=[world.program, other], title="Pour tous chez Talents"
    )
    item.waves.set([WaveFactory.create(program=other)])
    titles = feed_titles(world.client_for(world.ambassador).get(FEED))
    assert "Pour tous chez Talents" in titles


def test_feed_filters_by_family_kind_and_language(world) -> None:
    ContentItemFactory(
        organization=world.org,
        programs=[world.program],
        title="Prix de l'innovation",
        family=Family.COMPANY,
        kind=Kind.AWARD,
    )
    ContentItemFactory(
        organization=world.org,
        programs=[world.program],
        title="AI market outlook",
        language=Language.ENGLISH,
        kind=Kind.WHITE_PAPER,
    )
    client = world.client_for(world.ambassador)

    assert feed_titles(client.get(FEED, {"family": "company"})) == ["Prix de l'innovation"]
    assert feed_titles(client.get(FEED, {"kind": "white_paper"})) == ["AI market outlook"]
    assert feed_titles(client.get(FEED, {"language": "en"})) == ["AI market outlook"]
    assert feed_titles(client.get(FEED, {"family": "market", "language": "fr"})) == [
        world.item.title
    ]
    empty = client.get(FEED, {"family": "company", "kind": "white_paper"})
    assert feed_titles(empty) == []
    assert empty.context["filtered"] is True


def test_a_bad_filter_value_is_reported_and_ignored(world) -> None:
    response = world.client_for(world.ambassador).get(FEED, {"family": "nonsense"})
    assert response.status_code == 200
    assert response.context["filter_form"].errors["family"]
    assert feed_titles(response) == [world.item.title]


def test_feed_is_paginated_and_keeps_the_filters(world) -> None:
    base = timezone.now() - dt.timedelta(days=1)
    for n in range(13):
        ContentItemFactory(
            organization=world.org,
            programs=[world.program],
            title=f"Analyse {n:02d}",
            family=Family.COMPANY,
            publish_at=base - dt.timedelta(minutes=n),
        )
    client = world.client_for(world.ambassador)
    first = client.get(FEED, {"family": "company"})
    assert len(feed_titles(first)) == 12
    assert "?family=company&amp;page=2" in first.content.decode()
    second = client.get(FEED, {"family": "company", "page": 2})
    assert feed_titles(second) == ["Analyse 12"]


def test_feed_marks_what_the_person_already_shared(world) -> None:
    now = timezone.now()
    for network in ["x", "linkedin"]:
        share_create(
            actor=world.ambassador,
            item=world.item,
            network=network,
            commentary="Mon regard sur ce sujet.",
            now=now,
        )
    ContentItemFactory(organization=world.org, programs=[world.program], title="Pas encore")
    response = world.client_for(world.ambassador).get(FEED)
    cards = {card.item.title: card.shared_on for card in response.context["cards"]}
    assert cards == {world.item.title: ["LinkedIn", "X"], "Pas encore": []}
    assert "LinkedIn, X" in response.content.decode()


def test_without_an_active_program_the_feed_points_to_invitations(world) -> None:
    Enrolment.objects.filter(membership=world.ambassador).update(status=EnrolmentStatus.INVITED)
    response = world.client_for(world.ambassador).get(FEED)
    assert response.status_code == 200
    assert response.context["cards"] == []
    assert reverse("programs:my_programs") in response.content.decode()
    assert escape(world.item.title) not in response.content.decode()


def test_stranger_never_sees_acme_items(world) -> None:
    response = world.client_for(world.stranger).get(FEED)
    assert response.status_code == 200
    assert feed_titles(response) == [world.other_item.title]
    assert escape(world.item.title) not in response.content.decode()


def test_curator_and_manager_are_sent_to_their_own_page(world) -> None:
    curator = world.client_for(world.curator).get(FEED)
    assert curator.status_code == 302
    assert curator["Location"] == reverse("content:item_list")
    manager = world.client_for(world.manager).get(FEED)
    assert manager.status_code == 302
    assert manager["Location"] == reverse("programs:program_list")


def test_a_member_without_any_role_is_refused(world) -> None:
    nobody = MembershipFactory(organization=world.org)
    response = world.client_for(nobody).get(FEED)
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["post", "delete"])
def test_feed_only_answers_reads(world, method) -> None:
    response = getattr(world.client_for(world.ambassador), method)(FEED)
    assert response.status_code == 405
