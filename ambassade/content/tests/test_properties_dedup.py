"""Properties of feed de-duplication: one article is one item, however feeds spell it.

The canonical URL (``feeds/canonical.py``) claims that tracking parameters, a
trailing slash, the case of the host, a default port, a fragment, the order of
the query and the spelling of percent-escapes do not make another article;
a GUID names one article whatever its link. Generated feeds, in RSS or JSON
Feed, read once or twice, in any order or split across polls, give one item
per article; articles that differ by their path or a meaningful parameter are
all kept.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus, urlsplit
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ambassade.content.feeds.canonical import canonical_url, is_tracking_parameter, strip_tracking
from ambassade.content.feeds.ingest import IngestOptions, Outcome, feed_entries_ingest
from ambassade.content.feeds.parse import ParsedEntry, ParsedFeed, parse_feed
from ambassade.content.models import ContentItem, Family, FeedEntry, FeedMode, Kind
from conftest import World

PURE = settings(deadline=None, derandomize=True, max_examples=200)
WITH_DB = settings(
    deadline=None,
    derandomize=True,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Articles and the many ways to spell their address -----------------------------------

UNRESERVED = "abcxyzABC019-._~"
# Written as they are or percent-escaped, an unreserved character, a space or a
# non-ASCII letter is the same character (RFC 3986, 6.2.2).
SAME_WRITTEN_ANY_WAY = [*UNRESERVED, " ", "é", "ü", "中", "😀"]
# Sub-delimiters and escaped delimiters mean something of their own: written as they
# are (but for the case of an escape's hex digits). "%E9" is Latin-1 for "é".
AS_WRITTEN = [
    *"!$'()*+,;=:@",
    *["%2F", "%3F", "%23", "%25", "%26", "%E9", "%E8", "%FF"],
]
# Tokens no two of which are the same character in an address.
DISTINCT = [*UNRESERVED, "é", "中", "/", *AS_WRITTEN]
HOSTS = ["news.example", "blog.example.com", "xn--caf-dma.fr", "203.0.113.9", "[2001:db8::7]"]
PARAM_KEYS = ["id", "page", "lang", "p", "q", "ref", "s", "é"]
TRACKING_KEYS = [
    "utm_source",
    "UTM_Medium",
    "utm_campaign",
    "utm_",
    "fbclid",
    "gclid",
    "mc_cid",
    "_ga",
    "pk_campaign",
    "mtm_source",
    "hsa_acc",
    "MSCLKID",
]


@dataclass(frozen=True)
class Article:
    scheme: str
    host: str
    path: tuple[tuple[str, ...], ...]  # segments of characters
    params: tuple[tuple[str, str], ...]

    def url(self) -> str:
        return spell(self, Spelling())


@dataclass(frozen=True)
class Spelling:
    """How one feed writes an article's address; none of it makes another article."""

    upper_scheme: bool = False
    host_case: int = 0  # a seed for the case of each letter of the host
    host_dot: bool = False
    default_port: bool = False
    trailing_slash: bool = False
    escapes: int = 0  # a seed for which characters are percent-escaped, in which case
    param_order: int = 0  # a seed to shuffle the parameters
    tracking: tuple[tuple[str, str], ...] = ()
    fragment: str | None = None


def _escape(char: str, lower: bool) -> str:
    escaped = "".join(f"%{byte:02X}" for byte in char.encode())
    return escaped.lower() if lower else escaped


def spell(article: Article, spelling: Spelling) -> str:
    chance = random.Random(spelling.escapes)
    scheme = article.scheme.upper() if spelling.upper_scheme else article.scheme
    cases = random.Random(spelling.host_case)
    host = article.host
    if spelling.host_case:
        host = "".join(c.upper() if cases.random() < 0.5 else c for c in host)
    if spelling.host_dot and not host.startswith("[") and not host[-1].isdigit():
        host += "."
    if spelling.default_port:
        host += ":443" if article.scheme == "https" else ":80"
    segments = []
    for segment in article.path:
        written = []
        for char in segment:
            if char == " " or (
                char in SAME_WRITTEN_ANY_WAY and spelling.escapes and chance.random() < 0.4
            ):
                # A space is always escaped: a raw one is no part of an address.
                written.append(_escape(char, lower=chance.random() < 0.5))
            elif char.startswith("%") and spelling.escapes and chance.random() < 0.5:
                written.append(char.lower())
            else:
                written.append(char)
        segments.append("".join(written))
    path = "".join(f"/{s}" for s in segments) or "/"
    if spelling.trailing_slash and not path.endswith("/"):
        path += "/"
    params = list(article.params)
    random.Random(spelling.param_order).shuffle(params)
    for position, pair in enumerate(spelling.tracking):
        params.insert((position * 7) % (len(params) + 1), pair)
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"{scheme}://{host}{path}"
    if query:
        url += f"?{query}"
    if spelling.fragment is not None:
        url += f"#{spelling.fragment}"
    return url


def _query_text(alphabet: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet), min_size=1, max_size=5).map("".join)


segment = st.lists(st.sampled_from([*SAME_WRITTEN_ANY_WAY, *AS_WRITTEN]), max_size=6).map(tuple)
articles = st.builds(
    Article,
    scheme=st.sampled_from(["https", "http"]),
    host=st.sampled_from(HOSTS),
    path=st.lists(segment, min_size=1, max_size=3).map(tuple),
    params=st.lists(
        st.tuples(
            st.sampled_from(PARAM_KEYS), _query_text([*"abz019-_.~", "é", "%2B", "%20", "+"])
        ),
        max_size=3,
    ).map(tuple),
)
spellings = st.builds(
    Spelling,
    upper_scheme=st.booleans(),
    host_case=st.integers(0, 2**16),
    host_dot=st.booleans(),
    default_port=st.booleans(),
    trailing_slash=st.booleans(),
    escapes=st.integers(0, 2**16),
    param_order=st.integers(0, 2**16),
    tracking=st.lists(
        st.tuples(st.sampled_from(TRACKING_KEYS), _query_text([*"abc019", "é"])), max_size=3
    ).map(tuple),
    fragment=st.one_of(st.none(), _query_text([*"abc-/?#&=", "é", "%20"])),
)
hex_pair = st.from_regex(r"[0-9A-Fa-f]{2}", fullmatch=True)
any_url = st.one_of(
    st.text(),
    st.builds(
        lambda prefix, soup: prefix + "".join(soup),
        st.sampled_from(["https://news.example/", "http://Blog.example.com:80", "", "/"]),
        # Percent-escapes of any byte, escaped escapes ("%2541" is an escaped "%41"),
        # lone "%" and the characters that structure an address.
        st.lists(
            st.one_of(
                st.sampled_from([*"%/?#&=+.é a:@[]\\", "//", "http:", "\ud800", "utm_x=1"]),
                hex_pair.map(lambda pair: f"%{pair}"),
                hex_pair.map(lambda pair: f"%25{pair}"),
            ),
            max_size=10,
        ),
    ),
    st.builds(spell, articles, spellings),
    st.builds(
        lambda a, noise: a + noise,
        st.builds(spell, articles, spellings),
        st.text(alphabet="%25%2541/?#&=:@[]. \\é", max_size=8),
    ),
)


# --- The canonical URL ------------------------------------------------------------------


@PURE
@given(url=any_url)
@example(url="https://news.example/%2541")
@example(url="https://news.example/100%")
@example(url="https://news.example/caf%e9?q=%E9")
@example(url="////:")
@example(url="https://[not-an-address/x")
@example(url="https://news.example/\ud800?q=\udce9")
def test_the_canonical_url_is_its_own_canonical_url(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@PURE
@given(article=articles, spelling=spellings)
def test_spellings_of_one_address_have_one_canonical_url(
    article: Article, spelling: Spelling
) -> None:
    assert canonical_url(spell(article, spelling)) == canonical_url(article.url())


@PURE
@given(article=articles, spelling=spellings)
@example(
    article=Article("https", "news.example", (("a",),), (("q", "caf%E9"), ("q", "%20+"))),
    spelling=Spelling(tracking=(("utm_source", "x"),), fragment="top"),
)
def test_the_item_url_loses_its_tracking_parameters_only(
    article: Article, spelling: Spelling
) -> None:
    url = spell(article, spelling)
    stripped = strip_tracking(url)
    before, after = urlsplit(url), urlsplit(stripped)
    assert (after.scheme, after.netloc, after.path) == (before.scheme, before.netloc, before.path)
    # The other parameters as written, in their order; the fragment as it was.
    kept = [piece for piece in split_query(before.query) if not is_tracking(piece)]
    assert split_query(after.query) == kept
    assert after.fragment == before.fragment
    assert canonical_url(stripped) == canonical_url(url)


def split_query(query: str) -> list[str]:
    return query.split("&") if query else []


def is_tracking(piece: str) -> bool:
    return is_tracking_parameter(unquote_plus(piece.partition("=")[0]))


def without_trailing_slash(url: str) -> str:
    path, question_mark, query = url.partition("?")
    return path.rstrip("/") + question_mark + query


def another_article(article: Article, data: st.DataObject) -> Article:
    """The article with a character changed or added in its path, a parameter added or
    with another value (tracking parameters aside): another article."""
    which = data.draw(st.sampled_from(["insert", "swap", "add-segment", "param", "value"]))
    path = [list(s) for s in article.path]
    params = list(article.params)
    index = data.draw(st.integers(0, len(path) - 1))
    if which == "swap" and path[index]:
        at = data.draw(st.integers(0, len(path[index]) - 1))
        before = path[index][at]
        path[index][at] = data.draw(st.sampled_from(DISTINCT).filter(lambda t: t != before))
    elif which in ("insert", "swap"):
        at = data.draw(st.integers(0, len(path[index])))
        path[index].insert(at, data.draw(st.sampled_from(DISTINCT)))
    elif which == "add-segment":
        path.append(["x", "y"])
    elif which == "param" or not params:
        params.append((data.draw(st.sampled_from(PARAM_KEYS)), "other"))
    else:
        index = data.draw(st.integers(0, len(params) - 1))
        params[index] = (params[index][0], params[index][1] + "x")
    other = Article(article.scheme, article.host, tuple(map(tuple, path)), tuple(params))
    # A slash added at the very end is no other article: trailing slashes do not count.
    assume(without_trailing_slash(other.url()) != without_trailing_slash(article.url()))
    return other


@PURE
@given(article=articles, data=st.data())
@example(article=Article("https", "news.example", (("a", "%2F", "b"),), ()), data=None)
@example(article=Article("https", "news.example", (("c", "a", "f", "%E9"),), ()), data=None)
def test_articles_that_differ_in_path_or_parameters_stay_apart(
    article: Article, data: st.DataObject | None
) -> None:
    if data is None:  # the explicit examples: "/" is no "%2F", "%E8" no "%E9"
        others = [
            Article(article.scheme, article.host, (("a", "/", "b"),), ()),
            Article(article.scheme, article.host, (("c", "a", "f", "%E8"),), ()),
        ]
    else:
        others = [another_article(article, data)]
    for other in others:
        assert canonical_url(other.url()) != canonical_url(article.url()), other.url()


# --- Feeds read into items ------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    article: int
    link: str
    guid: str
    published_at: datetime


@st.composite
def feeds(draw: st.DrawFn) -> tuple[list[Article], list[Entry]]:
    """Articles, and the entries feeds give for them (one or more per article).

    An article is named by its GUID in all its entries (its link may then change,
    say a new slug), or by its address only, GUID or not, spelled many ways.
    Mixing the two for one article (a GUID in some entries, a changed link without
    it in others) is outside the contract: nothing could tell it is the same.
    """
    count = draw(st.integers(1, 5))
    chosen: list[Article] = []
    for index in range(count):
        article = draw(articles)
        # Distinct articles by construction: their first segment says which they are.
        path = ((f"a{index}", *article.path[0]), *article.path[1:])
        chosen.append(Article(article.scheme, article.host, path, article.params))
    entries: list[Entry] = []
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    for index, article in enumerate(chosen):
        by_guid = draw(st.booleans())
        guid = draw(st.sampled_from([f"urn:uuid:article-{index}", f"{index}", f"post-{index} é"]))
        for copy in range(draw(st.integers(1, 3))):
            if by_guid and copy and draw(st.booleans()):
                moved = Article(article.scheme, article.host, (*article.path, ("v", str(copy))), ())
                link = spell(moved, draw(spellings))
            else:
                link = spell(article, draw(spellings))
            entry_guid = guid if by_guid or draw(st.booleans()) else ""
            when = start + timedelta(hours=index, minutes=copy)
            entries.append(Entry(index, link, entry_guid, when))
    return chosen, entries


def render(entries: list[Entry], form: str) -> ParsedFeed:
    """The entries as a feed document, read back like a poll reads it."""
    if form == "parsed":
        return ParsedFeed(
            format="test",
            entries=[
                ParsedEntry(
                    title=f"Article {e.article}",
                    link=e.link,
                    guid=e.guid,
                    published_at=e.published_at,
                )
                for e in entries
            ],
        )
    if form == "json":
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Veille",
            "items": [
                {
                    "id": e.guid,
                    "url": e.link,
                    "title": f"Article {e.article}",
                    "date_published": e.published_at.isoformat(),
                }
                for e in entries
            ],
        }
        return parse_feed(json.dumps(document).encode(), content_type="application/feed+json")
    items = "".join(
        f"<item><title>Article {e.article}</title><link>{escape(e.link)}</link>"
        + (f'<guid isPermaLink="false">{escape(e.guid)}</guid>' if e.guid else "")
        + f"<pubDate>{e.published_at:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        for e in entries
    )
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Veille</title><link>https://news.example/</link>{items}</channel></rss>"
    )
    return parse_feed(rss.encode(), content_type="application/rss+xml")


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def poll(world: World, feed: ParsedFeed, *, now: datetime) -> int:
    options = IngestOptions(
        family=Family.MARKET,
        kind=Kind.SECTOR_NEWS,
        language="fr",
        mode=FeedMode.PROPOSE,
        programs=[world.program],
    )
    report = feed_entries_ingest(
        organization=world.org, source=None, feed=feed, options=options, now=now
    )
    assert report.errors == 0, [o.detail for o in report.outcomes]
    return report.new


def articles_with_items(world: World) -> list[int]:
    """Which article each item of the organization is (by its first path segment)."""
    found = []
    for entry in FeedEntry.objects.filter(organization=world.org, item__isnull=False):
        first = entry.canonical_url.split("://", 1)[1].split("/")[1]
        found.append(int(first.removeprefix("a").split("%")[0].rstrip("!$'()*+,;=:@")[:1]))
    return sorted(found)


FORMS = st.sampled_from(["parsed", "json", "rss"])


@WITH_DB
@given(feed=feeds(), form=FORMS)
def test_reading_a_feed_twice_creates_nothing_more(
    world: World, feed: tuple[list[Article], list[Entry]], form: str
) -> None:
    chosen, entries = feed
    document = render(entries, form)
    now = timezone.now()
    with rolled_back():
        first = poll(world, document, now=now)
        assert first == len(chosen)
        items = ContentItem.objects.filter(organization=world.org).count()
        assert poll(world, document, now=now + timedelta(minutes=30)) == 0
        assert ContentItem.objects.filter(organization=world.org).count() == items
        assert articles_with_items(world) == list(range(len(chosen)))


@WITH_DB
@given(feed=feeds(), form=FORMS, order=st.randoms(use_true_random=False), data=st.data())
def test_any_order_and_any_split_across_polls_gives_one_item_per_article(
    world: World,
    feed: tuple[list[Article], list[Entry]],
    form: str,
    order: random.Random,
    data: st.DataObject,
) -> None:
    chosen, entries = feed
    shuffled = list(entries)
    order.shuffle(shuffled)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(shuffled)), max_size=3)))
    polls = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]
    now = timezone.now()
    with rolled_back():
        created = sum(
            poll(world, render(part, form), now=now + timedelta(hours=i))
            for i, part in enumerate(polls)
            if part
        )
        assert created == len(chosen)
        assert articles_with_items(world) == list(range(len(chosen)))


@WITH_DB
@given(feed=feeds())
def test_every_outcome_of_a_poll_is_new_or_duplicate(
    world: World, feed: tuple[list[Article], list[Entry]]
) -> None:
    chosen, entries = feed
    with rolled_back():
        report = feed_entries_ingest(
            organization=world.org,
            source=None,
            feed=render(entries, "parsed"),
            options=IngestOptions(
                family=Family.MARKET,
                kind=Kind.SECTOR_NEWS,
                language="fr",
                mode=FeedMode.PUBLISH,
                programs=[],
            ),
            now=timezone.now(),
        )
        outcomes = [o.outcome for o in report.outcomes]
        assert outcomes.count(Outcome.NEW) == len(chosen)
        assert outcomes.count(Outcome.DUPLICATE) == len(entries) - len(chosen)


@WITH_DB
@given(article=articles, form=FORMS, data=st.data())
def test_two_articles_that_differ_meaningfully_are_both_kept(
    world: World, article: Article, form: str, data: st.DataObject
) -> None:
    other = another_article(article, data)
    when = datetime(2026, 3, 1, 8, tzinfo=UTC)
    entries = [
        Entry(0, spell(article, data.draw(spellings)), "", when),
        Entry(1, spell(other, data.draw(spellings)), "", when),
    ]
    with rolled_back():
        assert poll(world, render(entries, form), now=timezone.now()) == 2


BROKEN_LINKS = [
    "https://[not-an-address/x",
    "javascript:alert(1)",
    "",
    "   ",
    "mailto:veille@news.example",
]


@WITH_DB
@given(feed=feeds(), broken=st.lists(st.sampled_from(BROKEN_LINKS), min_size=1, max_size=3))
# A lone surrogate or a NUL, which JSON can escape, is no reason to lose the entry
# either (nor the poll, on PostgreSQL).
@example(
    feed=([Article("https", "news.example", (("a0", "\ud800"),), ())], []), broken=BROKEN_LINKS
)
@example(feed=([Article("https", "news.example", (("a0", "\x00"),), ())], []), broken=BROKEN_LINKS)
def test_a_broken_link_loses_its_entry_only(
    world: World, feed: tuple[list[Article], list[Entry]], broken: list[str]
) -> None:
    chosen, entries = feed
    when = datetime(2026, 3, 1, 8, tzinfo=UTC)
    if not entries:
        entries = [Entry(0, chosen[0].url(), "", when)]
    bad = [Entry(99, link, f"broken-{i}", when) for i, link in enumerate(broken)]
    document = render([*bad, *entries], "json")
    with rolled_back():
        report = feed_entries_ingest(
            organization=world.org,
            source=None,
            feed=document,
            options=IngestOptions(
                family=Family.MARKET,
                kind=Kind.SECTOR_NEWS,
                language="fr",
                mode=FeedMode.PROPOSE,
                programs=[],
            ),
            now=timezone.now(),
        )
        assert report.new == len(chosen)
        assert articles_with_items(world) == list(range(len(chosen)))
