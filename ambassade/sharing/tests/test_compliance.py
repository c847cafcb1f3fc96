"""The organization's compliance rules on every share: pages, API and service alike."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ambassade.accounts.models import Membership, Network
from ambassade.accounts.tokens import api_token_create
from ambassade.content.models import ContentItem, ItemStatus
from ambassade.lib.own_words import own_words_ratio
from ambassade.sharing.compliance import ShareTooSoon, blocked_terms, with_disclosure
from ambassade.sharing.models import Share
from ambassade.sharing.services import share_create
from conftest import World
from tests.factories import (
    ContentItemFactory,
    EnrolmentFactory,
    MembershipFactory,
    SocialAccountFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")
TEXT = "Un point de vue utile sur le marché, à lire."
DISCLOSURE = "#jetravaillechezAcme"


def configure(world: World, **settings: Any) -> None:
    for name, value in settings.items():
        setattr(world.org, name, value)
    world.org.save()
    # Memberships carry their own copy of the organization.
    for membership in (world.ambassador, world.admin, world.curator):
        membership.organization.refresh_from_db()


def local(
    tz: zoneinfo.ZoneInfo, year: int, month: int, day: int, hour: int, minute: int
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def share(
    membership: Membership,
    item: ContentItem,
    *,
    now: dt.datetime,
    network: str = Network.LINKEDIN,
    commentary: str = TEXT,
) -> Share:
    with translation.override("en"):
        return share_create(
            actor=membership, item=item, network=network, commentary=commentary, now=now
        ).share


def refusal(membership: Membership, item: ContentItem, **kwargs: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        share(membership, item, **kwargs)
    return caught.value.messages


def colleague(world: World, *, time_zone: str = "Europe/Paris") -> Membership:
    other = MembershipFactory.create(organization=world.org, is_ambassador=True)
    other.user.full_name = "Inès Collègue"
    other.user.time_zone = time_zone
    other.user.save()
    EnrolmentFactory.create(program=world.program, membership=other)
    SocialAccountFactory.create(user=other.user, network=Network.LINKEDIN)
    SocialAccountFactory.create(user=other.user, network=Network.X)
    return other


def in_a_year(tz: zoneinfo.ZoneInfo, hour: int, minute: int = 0) -> dt.datetime:
    """A summer day ahead (Paris UTC+2, Casablanca UTC+1), after the world's items appear."""
    return local(tz, timezone.now().year + 1, 6, 15, hour, minute)


# Disclosure


def test_the_disclosure_is_appended_once(world: World) -> None:
    configure(world, disclosure_text=DISCLOSURE)
    now = in_a_year(PARIS, 10)
    first = share(world.ambassador, world.item, now=now)
    assert first.commentary == f"{TEXT}\n\n{DISCLOSURE}"
    # The disclosure is measured neither as the ambassador's own words nor as borrowed.
    references = [m.text for m in world.item.suggested_messages.all()]
    references += [world.item.title, world.item.summary]
    assert first.own_words_ratio == own_words_ratio(TEXT, references)
    already = share(
        world.ambassador,
        world.item,
        now=now,
        network="x",
        commentary=f"Bravo #JeTravailleChezAcme {TEXT}",
    )
    assert already.commentary == f"Bravo #JeTravailleChezAcme {TEXT}"
    assert with_disclosure("Texte", "") == "Texte"


def test_the_disclosure_counts_in_the_length_limit(world: World) -> None:
    now = in_a_year(PARIS, 10)
    fits_alone = "x" * 250  # X allows 256 characters besides the link
    assert share(world.ambassador, world.item, now=now, network="x", commentary=fits_alone)
    configure(world, disclosure_text=DISCLOSURE)
    messages = refusal(world.ambassador, world.item, now=now, network="x", commentary=fits_alone)
    assert messages == [
        "The commentary is too long for this network once the required disclosure "
        "“#jetravaillechezAcme” is added: 272 characters, 256 at most."
    ]
    assert Share.objects.count() == 1


def test_the_share_page_shows_the_rules_and_counts_the_disclosure(world: World) -> None:
    configure(
        world,
        disclosure_text=DISCLOSURE,
        daily_share_limit=3,
        sharing_start_hour=8,
        sharing_end_hour=20,
        burst_gap_minutes=15,
    )
    world.ambassador.user.language = "en"
    world.ambassador.user.save()
    with time_machine.travel(in_a_year(PARIS, 10), tick=False):
        share(world.ambassador, world.item, now=timezone.now())
        page = (
            world.client_for(world.ambassador)
            .get(reverse("sharing:share", args=[world.item.pk]))
            .content.decode()
        )
    assert f'data-disclosure="{DISCLOSURE}"' in page
    assert f"“{DISCLOSURE}” is added at the end of your text" in page
    assert "Sharing is allowed from 8 a.m. to 8 p.m. (your time zone, Europe/Paris)." in page
    assert "2 shares left today (of 3)." in page
    assert "spread 15 minutes apart" in page
    assert "Schedule for later" in page


# Blocked words


@pytest.mark.parametrize(
    ("blocked", "text", "found"),
    [
        ("Confidentiel", "Ce document est CONFIDENTIEL.", True),
        ("confidentiel", "C'est confidentièl, chut.", True),
        ("confidentièl", "c'est confidentiel", True),
        ("CONFIDENTIÉL", "Confidentiel !", True),
        ("art", "Un bel article sur l'artisanat", False),
        ("art", "L'art du partage", True),
        ("chiffre d'affaires", "Notre chiffre\n  d’affaires progresse", True),
        ("prix cassés", "Des PRIX   CASSES partout", True),
        ("prix cassés", "Des prix, pas cassés", False),
        ("#interne", "Une info interne", True),
        ("   ", "Tout va bien", False),
    ],
)
def test_blocked_terms(blocked: str, text: str, found: bool) -> None:
    assert bool(blocked_terms(text, [blocked])) is found


def test_a_blocked_word_refuses_the_share_and_names_it(world: World) -> None:
    configure(world, blocked_words="confidentiel\nrésultats trimestriels\nart")
    now = in_a_year(PARIS, 10)
    messages = refusal(
        world.ambassador,
        world.item,
        now=now,
        commentary="Nos RÉSULTATS  trimestriels, c'est Confidentièl !",
    )
    assert messages == [
        "Your commentary contains “confidentiel”, “résultats trimestriels”, which your "
        "organization does not allow in shares: rephrase it."
    ]
    assert share(world.ambassador, world.item, now=now, commentary="Un article à lire.")


# Daily limit and hours, in the ambassador's time zone


def test_the_daily_limit_follows_the_ambassadors_day(world: World) -> None:
    configure(world, daily_share_limit=2)
    world.ambassador.user.time_zone = "Africa/Casablanca"
    world.ambassador.user.save()
    paris_person = colleague(world, time_zone="Europe/Paris")
    share(world.ambassador, world.item, now=in_a_year(CASABLANCA, 23, 10))
    share(world.ambassador, world.item, now=in_a_year(CASABLANCA, 23, 20), network="x")
    late = in_a_year(CASABLANCA, 23, 50)  # already tomorrow in Paris
    assert refusal(world.ambassador, world.item, now=late) == [
        "You have reached today's limit of 2 shares; you can share again tomorrow."
    ]
    # In Paris the day has changed: the Paris colleague's count starts again.
    share(paris_person, world.item, now=late - dt.timedelta(minutes=1))
    share(paris_person, world.item, now=late, network="x")
    # A minute after midnight in Casablanca, the ambassador can share again.
    next_day = in_a_year(CASABLANCA, 23, 59) + dt.timedelta(minutes=2)
    assert share(world.ambassador, world.item, now=next_day)


def test_sharing_hours_in_the_ambassadors_time_zone(world: World) -> None:
    configure(world, sharing_start_hour=8, sharing_end_hour=20)
    world.ambassador.user.time_zone = "Africa/Casablanca"
    world.ambassador.user.save()
    early = in_a_year(CASABLANCA, 7, 30)  # 8:30 in Paris, 7:30 for the ambassador
    assert refusal(world.ambassador, world.item, now=early) == [
        "Your organization allows sharing from 8 a.m. to 8 p.m. only, in your time zone "
        "(Africa/Casablanca), where it is 7:30 a.m.: schedule it for later instead."
    ]
    assert share(world.ambassador, world.item, now=in_a_year(CASABLANCA, 19, 30))
    assert refusal(world.ambassador, world.item, now=in_a_year(CASABLANCA, 20, 0))


def test_sharing_hours_may_span_midnight(world: World) -> None:
    configure(world, sharing_start_hour=22, sharing_end_hour=6)
    assert share(world.ambassador, world.item, now=in_a_year(PARIS, 23))
    assert share(world.ambassador, world.item, now=in_a_year(PARIS, 5), network="x")
    assert refusal(world.ambassador, world.item, now=in_a_year(PARIS, 12))


# No burst


def test_a_colleague_shared_moments_ago_suggests_a_later_time(world: World) -> None:
    configure(world, burst_gap_minutes=10)
    other = colleague(world)
    first_at = in_a_year(PARIS, 14, 15)
    share(other, world.item, now=first_at)
    with pytest.raises(ShareTooSoon) as caught, translation.override("en"):
        share(world.ambassador, world.item, now=first_at + dt.timedelta(minutes=3, seconds=20))
    assert caught.value.messages == [
        "Another colleague shared this on LinkedIn 3 minutes ago; share it after 2:25 p.m. "
        "to spread the posts out."
    ]
    assert caught.value.suggested_at == first_at + dt.timedelta(minutes=10)
    # Another network, or the same person again, or after the gap: no conflict.
    assert share(world.ambassador, world.item, now=first_at + dt.timedelta(minutes=4), network="x")
    assert share(other, world.item, now=first_at + dt.timedelta(minutes=5))
    assert share(world.ambassador, world.item, now=first_at + dt.timedelta(minutes=16))


def test_the_suggested_time_is_in_the_ambassadors_time_zone(world: World) -> None:
    configure(world, burst_gap_minutes=30)
    world.ambassador.user.time_zone = "Africa/Casablanca"
    world.ambassador.user.save()
    other = colleague(world)
    first_at = in_a_year(
        PARIS,
        14,
        0,
    )
    share(other, world.item, now=first_at + dt.timedelta(seconds=30))
    with pytest.raises(ShareTooSoon) as caught, translation.override("en"):
        share(world.ambassador, world.item, now=first_at + dt.timedelta(seconds=40))
    # 14:30:30 in Paris, rounded up to the minute, is 13:31 in Casablanca.
    assert "just now; share it after 1:31 p.m." in caught.value.messages[0]


def test_the_share_page_offers_to_schedule_at_the_suggested_time(world: World) -> None:
    configure(world, burst_gap_minutes=10)
    world.ambassador.user.language = "en"
    world.ambassador.user.save()
    other = colleague(world)
    first_at = in_a_year(PARIS, 14, 15)
    share(other, world.item, now=first_at)
    url = reverse("sharing:share", args=[world.item.pk])
    with time_machine.travel(first_at + dt.timedelta(minutes=3), tick=False):
        client = world.client_for(world.ambassador)
        page = client.post(url, {"network": "linkedin", "commentary": TEXT})
        as_json = client.post(
            url, {"network": "linkedin", "commentary": TEXT}, HTTP_ACCEPT="application/json"
        )
    html = page.content.decode()
    assert "Another colleague shared this on LinkedIn 3 minutes ago" in html
    assert '<details class="schedule" data-schedule open>' in html
    assert f'value="{first_at.year}-06-15T14:25"' in html
    assert as_json.status_code == 400
    assert as_json.json()["suggested_at"] == f"{first_at.year}-06-15T14:25"
    assert Share.objects.filter(membership=world.ambassador).count() == 0


def test_no_gap_means_no_burst_check(world: World) -> None:
    other = colleague(world)
    now = in_a_year(PARIS, 10)
    share(other, world.item, now=now)
    assert share(world.ambassador, world.item, now=now)


# Items that are no longer live


def test_expired_and_archived_items_cannot_be_shared(world: World) -> None:
    now = in_a_year(PARIS, 10)
    expired = ContentItemFactory.create(
        organization=world.org, programs=[world.program], expires_at=now - dt.timedelta(hours=1)
    )
    archived = ContentItemFactory.create(
        organization=world.org, programs=[world.program], status=ItemStatus.ARCHIVED
    )
    pending = ContentItemFactory.create(
        organization=world.org, programs=[world.program], status=ItemStatus.PENDING
    )
    assert refusal(world.ambassador, expired, now=now) == [
        "This item has expired: it can no longer be shared."
    ]
    assert refusal(world.ambassador, archived, now=now) == [
        "This item has been withdrawn: it can no longer be shared."
    ]
    assert refusal(world.ambassador, pending, now=now) == [
        "This item is not available for sharing."
    ]
    assert not Share.objects.exists()


# The API obeys the same rules


def test_an_api_share_obeys_the_rules(world: World) -> None:
    configure(world, blocked_words="confidentiel", disclosure_text=DISCLOSURE)
    world.ambassador.user.language = "en"  # API messages follow the token owner's language
    world.ambassador.user.save(update_fields=["language"])
    _token, raw = api_token_create(actor=world.ambassador, name="Tests", now=timezone.now())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = client.post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "Très CONFIDENTIEL."},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": [
            "Your commentary contains “confidentiel”, which your organization does not "
            "allow in shares: rephrase it."
        ]
    }
    accepted = client.post(
        "/api/v1/shares",
        {"item_id": world.item.pk, "network": "x", "commentary": "À lire."},
        content_type="application/json",
    )
    assert accepted.status_code == 201
    assert accepted.json()["commentary"] == f"À lire.\n\n{DISCLOSURE}"


def test_the_stranger_is_held_to_their_own_organization(world: World) -> None:
    configure(world, blocked_words="globex")
    # Acme's rules never apply to Globex, and Acme's items are not Globex's to share.
    stranger_share = share(
        world.stranger,
        world.other_item,
        now=in_a_year(PARIS, 10),
        network="x",
        commentary="Globex avance.",
    )
    assert stranger_share.commentary == "Globex avance."
    with pytest.raises(PermissionDenied, match="another organization"):
        share(world.stranger, world.item, now=in_a_year(PARIS, 10), network="x")
