"""Hostile text never becomes active markup, wherever it turns into HTML.

Where user-written or fetched text becomes HTML, and how it is made safe:

| Path | Where | Safe by |
|---|---|---|
| Item title, summary, hashtags, suggested messages | feed, share, curation pages, e-mails | autoescape |
| Proposal notes, rejection notes | approval queue, e-mails | autoescape, ``linebreaksbr`` |
| Feed entries (title, summary/HTML content, link, image) | ingestion | tags stripped, http(s) links only |
| Link previews (title, description, image, canonical) | proposals, curator form | plain text, http(s) only, JSON |
| Item images | every page and e-mail | fetched and served by us (test_images) |
| Training modules and charters (Markdown) | training pages, API | nh3 allow-list (training.rendering) |
| Charts (labels: names, titles) | analytics pages | pygal escapes, its script removed |
| Newsletter editorial and tip | e-mails, web archive | ``linebreaks`` / ``linebreaksbr`` (escape) |
| Challenge, reward, event descriptions; event links | pages, e-mails | autoescape; http(s) links only |
| JSON in pages (share references) | share page | ``json_script`` |

``|safe`` is only used for our own CSS in e-mails; ``mark_safe`` only on the
output of nh3 (training) and pygal (charts).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup, Tag
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ambassade.analytics.charts import bar_chart, pie_chart
from ambassade.analytics.selectors import BreakdownRow
from ambassade.community.models import Event
from ambassade.community.services import EventData, event_create
from ambassade.content.feeds.ingest import IngestOptions, feed_entries_ingest
from ambassade.content.feeds.parse import parse_feed
from ambassade.content.models import ContentItem, FeedMode, ItemStatus, Proposal
from ambassade.content.previews import preview_parse
from ambassade.content.services import ItemData, item_create
from ambassade.newsletter.rendering import IssueRenderer
from ambassade.newsletter.services import issue_generate
from ambassade.rewards.models import Challenge, ChallengeMetric, Reward
from ambassade.training.models import CharterVersion, Module
from ambassade.training.rendering import render_markdown
from conftest import World
from tests.factories import SuggestedMessageFactory

PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(2)</sCrIpT>",
    "<script src=https://evil.example/x.js></script>",
    "<img src=x onerror=alert(3)>",
    "<IMG SRC=x OnError=alert(4)>",
    '<a href="javascript:alert(5)">x</a>',
    '<a href="JaVaScRiPt:alert(6)">x</a>',
    '<a href="jav&#x09;ascript:alert(7)">x</a>',
    '<a href="&#106;avascript:alert(8)">x</a>',
    '<a href=" javascript:alert(9)">x</a>',
    "<svg onload=alert(10)>",
    "<svg><script>alert(11)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="javascript:alert(12)"></object>',
    '<embed src="javascript:alert(13)">',
    '<div style="width: expression(alert(14))">x</div>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4=">x</a>',
    '<img src="data:image/svg+xml,&lt;svg onload=alert(16)&gt;">',
    '"><script>alert(17)</script>',
    "'><img src=x onerror=alert(18)>",
    "&lt;script&gt;alert(19)&lt;/script&gt;",
    "<details open ontoggle=alert(20)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(21)>",
    "</title><script>alert(22)</script>",
    "</textarea><script>alert(23)</script>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(24)">',
    "<base href=https://evil.example/>",
    "[x](javascript:alert(25)) ![y](javascript:alert(26))",
    "<form action=javascript:alert(27)><button>go</button></form>",
]
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "ping",
}
NEVER = {"iframe", "frame", "object", "embed", "applet", "base"}
_INVISIBLE = re.compile(r"[\x00-\x20]+")


def _scheme_of(value: str) -> str:
    return _INVISIBLE.sub("", value).lower()


def active_markup(html: str) -> list[str]:
    """Every piece of markup in ``html`` that a browser would run or load from a payload."""
    found: list[str] = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        assert isinstance(tag, Tag)
        name = tag.name.lower()
        if name in NEVER:
            found.append(f"<{name}>")
        if name == "script":
            src = str(tag.get("src") or "")
            kind = str(tag.get("type") or "").lower()
            if src and not src.startswith("/static/"):
                found.append(f"script from {src}")
            if not src and kind != "application/json" and "alert" in tag.get_text():
                found.append(f"inline script: {tag.get_text()[:60]}")
        if name == "style" and re.search(r"alert|expression|javascript", tag.get_text(), re.I):
            found.append(f"style element: {tag.get_text()[:60]}")
        if name == "meta" and "url=javascript" in _scheme_of(str(tag.get("content") or "")):
            found.append("meta refresh to javascript:")
        for attribute, raw in tag.attrs.items():
            value = " ".join(raw) if isinstance(raw, list) else str(raw)
            lowered = attribute.lower()
            if lowered.startswith("on") and "alert" in value:
                found.append(f"{name} {attribute}={value[:40]}")
            if lowered in URL_ATTRIBUTES and _scheme_of(value).startswith(DANGEROUS_SCHEMES):
                found.append(f"{name} {attribute}={value[:40]}")
            if lowered == "style" and re.search(r"expression|javascript", value, re.I):
                found.append(f"{name} style={value[:40]}")
    return found


def test_the_checker_finds_every_payload_when_nothing_is_escaped() -> None:
    """The payloads are real: raw, each one is found by the checker."""
    for payload in PAYLOADS:
        if payload.startswith(("&lt;", "[x]", "<math>")):
            # Harmless raw, dangerous only once wrongly decoded or rendered as Markdown;
            # the <math> one mutates in a browser's parser, not in html.parser.
            continue
        assert active_markup(payload), payload


def assert_inert(html: str) -> None:
    found = active_markup(html)
    assert found == [], found


def english(world: World) -> None:
    for membership in (world.ambassador, world.curator, world.manager, world.admin):
        membership.user.language = "en"
        membership.user.save(update_fields=["language"])


# --- Content: items, suggested messages, proposals -----------------------------------


@pytest.fixture
def hostile_items(world: World) -> list[ContentItem]:
    english(world)
    items = []
    now = timezone.now()
    for n, payload in enumerate(PAYLOADS):
        item = item_create(
            actor=world.curator,
            data=ItemData(
                family="market",
                kind="analysis",
                title=payload,
                url=f"https://news.example/{n}",
                summary=f"{payload} {payload}",
                hashtags="#ok <b>",
                programs=[world.program],
                status=ItemStatus.PUBLISHED,
                suggested_messages=[("", payload), ("linkedin", f"Voici {payload}")],
            ),
            now=now - timedelta(minutes=n + 1),
        )
        items.append(item)
    return items


def test_items_are_inert_in_the_feed_and_on_share_pages(
    world: World, hostile_items: list[ContentItem]
) -> None:
    ambassador = world.client_for(world.ambassador)
    for page in (1, 2):
        response = ambassador.get(reverse("sharing:feed"), {"page": page})
        assert response.status_code == 200
        assert_inert(response.content.decode())
    for item in hostile_items:
        response = ambassador.get(reverse("sharing:share", args=[item.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert_inert(html)
        # The JSON given to the page's script is still the text, but cannot end its element.
        references = BeautifulSoup(html, "html.parser").find(id="share-references")
        if references is not None:
            assert "</script" not in references.decode_contents().lower()
            assert item.title in json.loads(references.get_text())


def test_items_are_inert_on_curation_pages(world: World, hostile_items: list[ContentItem]) -> None:
    curator = world.client_for(world.curator)
    assert_inert(curator.get(reverse("content:item_list")).content.decode())
    for item in hostile_items[:8]:
        for name in ("content:item_detail", "content:item_update"):
            response = curator.get(reverse(name, args=[item.pk]))
            assert response.status_code == 200
            assert_inert(response.content.decode())


def test_proposals_and_notes_are_inert_in_the_approval_queue(world: World) -> None:
    english(world)
    for n, payload in enumerate(PAYLOADS):
        item = item_create(
            actor=world.curator,
            data=ItemData(
                family="market",
                kind="analysis",
                title=payload,
                url=f"https://news.example/p{n}",
                summary=payload,
                programs=[world.program],
                status=ItemStatus.PENDING,
            ),
            now=timezone.now(),
        )
        Proposal.objects.create(
            organization=world.org,
            item=item,
            proposer=world.ambassador.user,
            note=f"{payload}\n{payload}",
        )
        SuggestedMessageFactory.create(item=item, text=payload)
    response = world.client_for(world.admin).get(reverse("content:approval_queue"))
    assert response.status_code == 200
    assert_inert(response.content.decode())
    mine = world.client_for(world.ambassador).get(reverse("content:proposal_create"))
    assert_inert(mine.content.decode())


# --- Fetched content: feeds and link previews ----------------------------------------


def _hostile_feed() -> bytes:
    def cdata(text: str) -> str:
        return f"<![CDATA[{text}]]>"

    entries = "".join(
        f"<item><title>{cdata(payload)}</title><link>https://news.example/f{n}</link>"
        f"<guid>f{n}</guid><description>{cdata(payload + '<p>ok</p>' + payload)}</description>"
        "</item>"
        for n, payload in enumerate(PAYLOADS)
    )
    bad_links = "".join(
        f"<item><title>bad {n}</title><link>{link}</link><guid>bad{n}</guid>"
        f'<enclosure url="{link}" type="image/png"/></item>'
        for n, link in enumerate(
            ["javascript:alert(30)", "data:text/html,alert(31)", " JaVaScript:alert(32)"]
        )
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>'
        f"<link>https://news.example/</link>{entries}{bad_links}</channel></rss>"
    ).encode()


def test_feed_entries_become_plain_text_and_links_only_http(world: World) -> None:
    english(world)
    feed = parse_feed(_hostile_feed(), url="https://news.example/feed.xml")
    for entry in feed.entries:
        if not entry.error:
            assert entry.link.startswith("https://news.example/")
        assert not _scheme_of(entry.image_url).startswith(DANGEROUS_SCHEMES)
    report = feed_entries_ingest(
        organization=world.org,
        source=None,
        feed=feed,
        options=IngestOptions(
            family="market",
            kind="sector_news",
            language="fr",
            mode=FeedMode.PUBLISH,
            programs=[world.program],
        ),
        now=timezone.now(),
    )
    assert report.new >= len(PAYLOADS)
    created = ContentItem.objects.filter(organization=world.org, url__contains="/f")
    for item in created:
        # Plain text from here on (tags stripped, entities decoded): escaped when shown.
        assert "<p>" not in item.summary
        assert item.url.startswith("https://news.example/")
    ambassador = world.client_for(world.ambassador)
    for page in (1, 2):
        assert_inert(ambassador.get(reverse("sharing:feed"), {"page": page}).content.decode())
    for item in created[:10]:
        html = ambassador.get(reverse("sharing:share", args=[item.pk])).content.decode()
        assert_inert(html)


def test_link_previews_keep_text_and_http_addresses_only() -> None:
    for payload in PAYLOADS:
        escaped = payload.replace('"', "&quot;")
        page = (
            "<html><head>"
            f'<meta property="og:title" content="{escaped}">'
            f'<meta property="og:description" content="{escaped}">'
            '<meta property="og:image" content="javascript:alert(40)">'
            '<meta name="twitter:image" content="data:image/svg+xml,<svg onload=alert(41)>">'
            '<link rel="canonical" href="javascript:alert(42)">'
            f"<title>{payload}</title></head><body>{payload}</body></html>"
        )
        preview = preview_parse(page.encode(), base_url="https://news.example/a")
        assert preview.image_url == ""
        assert preview.canonical_url == ""


# --- Markdown, charts, e-mails -------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_training_markdown_is_sanitised(payload: str) -> None:
    html = str(render_markdown(f"# Titre\n\n{payload}\n\n- {payload}\n\n> {payload}"))
    assert_inert(html)
    assert "<iframe" not in html.lower()
    assert "<style" not in html.lower()


def test_training_pages_are_inert(world: World) -> None:
    english(world)
    body = "\n\n".join(PAYLOADS)
    module = Module.objects.create(
        organization=world.org, key="hostile", language="en", title=PAYLOADS[0], body=body
    )
    CharterVersion.objects.create(
        program=world.program, version=1, text=body, published_at=timezone.now()
    )
    ambassador = world.client_for(world.ambassador)
    for url in (
        reverse("training:module_list"),
        reverse("training:module_detail", args=[module.pk]),
        reverse("training:charter"),
    ):
        response = ambassador.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def _row(label: str) -> BreakdownRow:
    return BreakdownRow(
        key=label,
        label=label,
        shares=3,
        potential_reach=100,
        human_clicks=5,
        unique_visitors=4,
        applications=1,
        leads=0,
        conversions=1,
        clicks_per_share=1.5,
        application_rate=0.2,
    )


def test_chart_labels_are_escaped() -> None:
    rows = [_row(payload) for payload in PAYLOADS]
    for svg in (
        str(bar_chart(rows, metric="shares", title=PAYLOADS[0], limit=len(rows))),
        str(pie_chart(rows, metric="shares")),
    ):
        assert_inert(svg)
        assert "<script" not in svg.lower()


def test_newsletter_editorial_tip_and_items_are_inert(world: World) -> None:
    english(world)
    for n, payload in enumerate(PAYLOADS[:10]):
        item_create(
            actor=world.curator,
            data=ItemData(
                family="market",
                kind="analysis",
                title=payload,
                url=f"https://news.example/n{n}",
                summary=payload,
                programs=[world.program],
                status=ItemStatus.PUBLISHED,
            ),
            now=timezone.now() - timedelta(hours=1),
        )
    now = timezone.now()
    issue = issue_generate(program=world.program, edition_on=now.date(), now=now)
    issue.editorial = "\n\n".join(PAYLOADS)
    issue.tip = "\n".join(PAYLOADS)
    issue.save()
    rendered = IssueRenderer(issue, now=now).render_one(world.ambassador)
    assert_inert(rendered.html)
    assert "Worth sharing now" in rendered.html
    archive = world.client_for(world.ambassador).get(
        reverse("newsletter:issue_archive", args=[issue.pk])
    )
    if archive.status_code == 200:
        assert_inert(archive.content.decode())


# --- Rewards and community -----------------------------------------------------------


def test_challenge_reward_and_event_descriptions_are_inert(world: World) -> None:
    english(world)
    text = "\n".join(PAYLOADS)
    today = timezone.localdate()
    Challenge.objects.create(
        program=world.program,
        title=PAYLOADS[0],
        description=text,
        metric=ChallengeMetric.SHARES,
        threshold=3,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=7),
    )
    Reward.objects.create(program=world.program, name=PAYLOADS[3], description=text, points_cost=10)
    start = timezone.now() + timedelta(days=3)
    event = Event.objects.create(
        organization=world.org,
        kind="breakfast",
        title=PAYLOADS[1],
        description=text,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Europe/Paris",
        place=PAYLOADS[4],
        online_url="https://meet.example/room",
    )
    ambassador = world.client_for(world.ambassador)
    for url in (
        reverse("rewards:challenges"),
        reverse("rewards:catalog"),
        reverse("community:event_list"),
        reverse("community:event_detail", args=[event.pk]),
    ):
        response = ambassador.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x"]
)
def test_an_event_link_is_a_web_address(world: World, link: str) -> None:
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as excinfo:
        event_create(
            actor=world.manager,
            data=EventData(
                kind="breakfast",
                title="Petit-déjeuner",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                time_zone="Europe/Paris",
                online_url=link,
            ),
            now=timezone.now(),
        )
    assert "online_url" in excinfo.value.message_dict
