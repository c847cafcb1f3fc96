from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ambassade.accounts.models import Network
from ambassade.sharing.networks import INTENTS, intent_for, text_budget

LINK = "https://amb.example/r/Ab3dEf9hIj"
TEXT = "Mon avis : à lire & partager #énergie"


def test_every_network_has_a_share_page() -> None:
    assert set(INTENTS) == set(Network.values)


@pytest.mark.parametrize(
    ("network", "prefix", "text_param", "url_param"),
    [
        ("linkedin", "https://www.linkedin.com/sharing/share-offsite/", None, "url"),
        ("x", "https://x.com/intent/tweet", "text", "url"),
        ("facebook", "https://www.facebook.com/sharer/sharer.php", None, "u"),
        ("threads", "https://www.threads.com/intent/post", "text", "url"),
        ("xing", "https://www.xing.com/spi/shares/new", None, "url"),
    ],
)
def test_share_pages_carry_text_and_link(network, prefix, text_param, url_param) -> None:
    url = intent_for(network).share_url(text=TEXT, url=LINK)
    assert url.startswith(prefix)
    query = parse_qs(urlsplit(url).query)
    assert query[url_param] == [LINK]
    if text_param:
        assert query[text_param] == [TEXT]
    else:
        assert TEXT not in url


def test_bluesky_and_mastodon_put_the_link_inside_the_text() -> None:
    bsky = parse_qs(urlsplit(intent_for("bluesky").share_url(text=TEXT, url=LINK)).query)
    assert bsky["text"] == [f"{TEXT} {LINK}"]
    masto = intent_for("mastodon").share_url(text=TEXT, url=LINK, instance="piaille.fr")
    assert masto.startswith("https://piaille.fr/share?")
    assert parse_qs(urlsplit(masto).query)["text"] == [f"{TEXT} {LINK}"]


def test_whatsapp_joins_text_and_link() -> None:
    url = intent_for("whatsapp").share_url(text=TEXT, url=LINK)
    assert parse_qs(urlsplit(url).query)["text"] == [f"{TEXT} {LINK}"]


def test_x_budget_keeps_room_for_the_link() -> None:
    assert text_budget("x") == 280 - 23 - 1
    assert text_budget("linkedin") is None
