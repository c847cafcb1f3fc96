from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import Network
from ambassade.sharing.models import Share
from ambassade.tracking.referrers import referrer_network
from ambassade.tracking.selectors import shares_with_verification
from ambassade.tracking.tests.attribution import make_click, make_share
from tests.factories import SocialAccountFactory


@pytest.mark.parametrize(
    ("host", "network"),
    [
        ("linkedin.com", "linkedin"),
        ("www.linkedin.com", "linkedin"),
        ("lnkd.in", "linkedin"),
        ("com.linkedin.android", "linkedin"),
        ("t.co", "x"),
        ("x.com", "x"),
        ("twitter.com", "x"),
        ("facebook.com", "facebook"),
        ("m.facebook.com", "facebook"),
        ("l.facebook.com", "facebook"),
        ("lm.facebook.com", "facebook"),
        ("bsky.app", "bluesky"),
        ("go.bsky.app", "bluesky"),
        ("threads.net", "threads"),
        ("l.threads.com", "threads"),
        ("wa.me", "whatsapp"),
        ("web.whatsapp.com", "whatsapp"),
        ("api.whatsapp.com", "whatsapp"),
        ("www.xing.com", "xing"),
        ("WWW.LinkedIn.com.", "linkedin"),
        ("news.example.com", ""),
        ("", ""),
        ("piaille.fr", ""),
    ],
)
def test_referrer_hosts_map_to_networks(host: str, network: str) -> None:
    assert referrer_network(host) == network


def test_mastodon_is_recognised_only_on_the_ambassadors_own_instance() -> None:
    assert referrer_network("piaille.fr", mastodon_instance="piaille.fr") == "mastodon"
    assert referrer_network("mastodon.social", mastodon_instance="piaille.fr") == ""


def verified_at(share: Share) -> dt.datetime | None:
    annotated = shares_with_verification(Share.objects.filter(pk=share.pk)).get()
    return annotated.verified_at  # type: ignore[attr-defined,no-any-return]


def test_a_share_is_verified_by_its_first_human_click_from_its_network(world) -> None:
    share = make_share(world.ambassador, world.item, network="linkedin")
    now = timezone.now()
    make_click(share, at=now - dt.timedelta(hours=3), referrer="https://t.co/abc")
    make_click(
        share,
        at=now - dt.timedelta(hours=2),
        referrer="https://www.linkedin.com/",
        user_agent="LinkedInBot/1.0 (compatible; Mozilla/5.0)",
    )
    assert verified_at(share) is None  # from X, and a bot from LinkedIn: not yet
    first = make_click(share, at=now - dt.timedelta(hours=1), referrer="https://lnkd.in/xyz")
    make_click(share, at=now, referrer="https://www.linkedin.com/feed/")
    assert verified_at(share) == first.clicked_at


def test_mastodon_shares_are_verified_from_the_ambassadors_instance(world) -> None:
    account = SocialAccountFactory.create(
        user=world.ambassador.user,
        network=Network.MASTODON,
        handle="@amine@piaille.fr",
        mastodon_instance="piaille.fr",
    )
    share = make_share(world.ambassador, world.item, network="mastodon", social_account=account)
    make_click(share, referrer="https://mastodon.social/@someone/1")
    assert verified_at(share) is None
    click = make_click(share, referrer="https://piaille.fr/@amine/112233")
    assert verified_at(share) == click.clicked_at


def test_my_activity_shows_the_verified_badge_and_conversions(world) -> None:
    share = make_share(world.ambassador, world.item, network="linkedin")
    make_click(share, referrer="https://www.linkedin.com/")
    page = world.client_for(world.ambassador).get(reverse("sharing:activity"))
    row = page.context["activity"].rows[0]
    assert row.verified_at is not None
    assert row.conversions == 0
    html = page.content.decode()
    assert "data-verified" in html
    assert 'data-total="conversions"' in html


def test_the_curator_sees_verified_shares_on_the_item(world) -> None:
    share = make_share(world.ambassador, world.item, network="x")
    make_click(share, referrer="https://t.co/abc")
    page = world.client_for(world.curator).get(reverse("content:item_detail", args=[world.item.pk]))
    assert page.status_code == 200
    assert page.context["shares"].rows[0].verified_at is not None
    assert "data-verified" in page.content.decode()
