from __future__ import annotations

import pytest

from ambassade.content.feeds.canonical import canonical_url, strip_tracking
from ambassade.content.feeds.errors import FeedError
from ambassade.content.feeds.parse import parse_feed
from ambassade.content.tests.feed_helpers import feed_bytes

URL = "https://feeds.example.com/feed"


def test_rss20_with_media_and_enclosures():
    feed = parse_feed(feed_bytes("rss20_media.xml"), url=URL)
    assert feed.format == "rss20"
    assert feed.language == "fr"
    assert feed.warning == ""
    cloud, ai_act, podcast, data_centers = feed.entries
    assert cloud.title.startswith("Cloud souverain")
    assert cloud.image_url.endswith("cloud-souverain-1200x630.jpg")  # media:content
    assert "62 % des ETI" in cloud.summary  # HTML removed, entities decoded
    assert "<p>" not in cloud.summary
    assert ai_act.image_url.endswith("ai-act-marketing.png")  # image enclosure
    assert podcast.image_url.endswith("cyber-pme-cover.jpg")  # not the mp3: the thumbnail
    assert data_centers.image_url == ""
    assert cloud.guid == "https://www.echos-numerique.example/?p=48213"
    assert cloud.published_at is not None
    assert cloud.published_at.isoformat() == "2025-06-03T04:30:00+00:00"


@pytest.mark.parametrize(
    ("name", "version", "count", "first_title"),
    [
        ("rss10.rdf", "rss10", 2, "Baromètre 2025 de la marque employeur"),
        ("rss091.xml", "rss091n", 2, "Hydrogène vert : trois gigafactories annoncées"),
        (
            "atom10.xml",
            "atom10",
            2,
            "Self-hosting is back: why companies leave SaaS & bring tools in-house",
        ),
        ("atom03.xml", "atom03", 1, "Rénovation : les aides 2025 expliquées"),
        (
            "jsonfeed11.json",
            "json11",
            3,
            "Social selling in 2025: employees reach 561% more people",
        ),
    ],
)
def test_every_format(name, version, count, first_title):
    feed = parse_feed(feed_bytes(name), url=URL)
    assert feed.format == version
    assert len(feed.entries) == count
    assert feed.entries[0].title == first_title
    assert feed.warning == ""


def test_atom_relative_link_resolved_and_enclosure_image():
    feed = parse_feed(feed_bytes("atom10.xml"), url="https://osbw.example.com/feed.atom")
    assert feed.entries[0].image_url == "https://osbw.example.com/images/self-hosting.webp"
    assert feed.entries[1].link == "https://osbw.example.com/2025/06/advocacy-compared"
    assert feed.entries[1].summary == "Seven tools, one question: do employees actually share?"


def test_json_feed_details():
    feed = parse_feed(feed_bytes("jsonfeed11.json"), url=URL)
    social, linkedin, no_link = feed.entries
    assert feed.language == "en"
    assert social.image_url == "https://b2b-insights.example.io/img/social-selling.jpg"
    assert linkedin.link == "https://b2b-insights.example.io/posts/linkedin-algorithm-update"
    assert linkedin.title.startswith("LinkedIn changed how it ranks")  # no title: from the text
    assert linkedin.image_url.endswith("linkedin.png")  # image attachment
    assert no_link.error == "No web link"


def test_json_feed_1_0_and_bad_json():
    data = b'{"version": "https://jsonfeed.org/version/1", "title": "t", "items": [{"id": "1", "url": "https://a.example/1", "title": "One"}]}'
    assert parse_feed(data).format == "json1"
    with pytest.raises(FeedError, match="could not be read"):
        parse_feed(
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            content_type="application/feed+json",
        )
    with pytest.raises(FeedError) as info:
        parse_feed(b'{"hello": "world"}')
    assert info.value.code == "not_a_feed"


def test_ill_formed_feed_keeps_what_can_be_read():
    feed = parse_feed(feed_bytes("illformed.xml"), url=URL)
    assert feed.warning  # recorded
    assert "mismatched tag" in feed.warning
    assert [e.title for e in feed.entries] == [
        "Jumeaux numériques : retours d'expérience",
        "Maintenance prédictive : le ROI en chiffres",
    ]


def test_mis_encoded_feed_is_read_with_a_warning():
    feed = parse_feed(feed_bytes("misencoded.xml"), url=URL, content_type="application/rss+xml")
    assert "utf-8" in feed.warning
    assert feed.entries[0].title == "Un nouvel hôtel d'entreprises à Besançon"


def test_html_page_is_not_a_feed():
    with pytest.raises(FeedError) as info:
        parse_feed(feed_bytes("not_a_feed.html"), url=URL, content_type="text/html")
    assert info.value.code == "not_a_feed"
    assert "does not serve a feed" in str(info.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.Example.COM:443/a/b/?utm_source=x&utm_medium=rss&b=2&a=1#top",
            "https://www.example.com/a/b?a=1&b=2",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x/", "http://example.com:8080/x"),
        (
            "https://example.com/p?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&igshid=5&yclid=6&msclkid=7&_hsenc=8&_hsmi=9&ref_src=10",
            "https://example.com/p",
        ),
        ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_strip_tracking_keeps_the_rest():
    assert (
        strip_tracking("https://a.example/x?id=7&utm_source=rss#frag")
        == "https://a.example/x?id=7#frag"
    )
    assert strip_tracking("https://a.example/x?b=1&a=2") == "https://a.example/x?b=1&a=2"
