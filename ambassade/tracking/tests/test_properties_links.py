"""Properties of tracked links, for any destination a curator or a feed may give.

Whatever the item's address (unicode, percent-encoding, repeated keys, earlier
``utm_*`` parameters, IDNs, ports…), the redirect sends to the same scheme, host
and port as the item — for Python and for a browser alike — keeps the item's
own query (same pieces, same order, repeats included) and fragment, and carries
each attribution parameter exactly once. Addresses that are not plain http(s),
or that a browser would read with another host, are refused when the link is
created. Unknown codes never redirect and never fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, unquote, unquote_plus, unquote_to_bytes, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ambassade.lib.codes import BASE62
from ambassade.sharing.services import share_create
from ambassade.tracking.cache import CLICK_ID_PARAM, LinkEntry
from ambassade.tracking.models import TrackedLink
from ambassade.tracking.services import ATTRIBUTION_PARAMS, destination_check, destination_for
from ambassade.tracking.tests.redirector import Fast, fast, tracked
from conftest import World

__all__ = ["fast", "tracked"]  # fixtures

PURE = settings(deadline=None, derandomize=True, max_examples=200)
# Database-backed: each example rolls its rows back; the fixtures (the world, the
# redirector with its spool directory) are built once for all the examples.
WITH_DB = settings(
    deadline=None,
    derandomize=True,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ATTRIBUTION_ORDER = ["utm_source", "utm_medium", "utm_campaign", "utm_content", CLICK_ID_PARAM]
DEFAULT_PORTS = {"http": 80, "https": 443}


# --- Strategies -------------------------------------------------------------------------

ascii_label = st.from_regex(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", fullmatch=True)
idn_label = st.text(alphabet="abcéèàçüößøñжпр中文日本한", min_size=1, max_size=8)
domain = st.builds(
    lambda labels, tld, dot: ".".join([*labels, tld]) + dot,
    st.lists(st.one_of(ascii_label, idn_label), min_size=1, max_size=3),
    st.sampled_from(["com", "FR", "example", "xn--p1ai", "рф", "ma"]),
    st.sampled_from(["", "", "", "."]),
)
ipv4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))
ipv6 = st.sampled_from(["[::1]", "[2001:db8::42]", "[FE80::1:2]"])
host = st.one_of(domain, domain, domain, ipv4, ipv6)
port = st.one_of(st.none(), st.sampled_from([80, 443, 8080]), st.integers(0, 65535))

# What an address may hold in a path, a query or a fragment: unicode, emoji,
# valid and broken percent-escapes, characters browsers escape themselves.
PIECES = [
    *"aZ09-._~!$'()*+,;:@ \"<>{}|^`",
    *["é", "ü", "ß", "中", "😀", "\u0301", "\u200d"],
    *["%20", "%2F", "%2f", "%E9", "%C3%A9", "%", "%zz", "%25", "%00", "%23", "%26", "%3D"],
]
segment = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
path = st.lists(segment, max_size=4).map(lambda parts: "".join(f"/{p}" for p in parts))
KEYS = [
    "q",
    "a",
    "page",
    "é",
    "a+b",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "utm_id",
    "UTM_SOURCE",
    "utm%5Fsource",
    "utm_source ",
    CLICK_ID_PARAM,
    "via",
    "",
]
key = st.one_of(st.sampled_from(KEYS), st.lists(st.sampled_from(PIECES), max_size=3).map("".join))
value = st.lists(st.sampled_from([*PIECES, "=", "?", "/"]), max_size=5).map("".join)
query_piece = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", key, value),
    key,  # a flag without "="
    st.just(""),  # "&&"
)
query = st.one_of(st.none(), st.lists(query_piece, max_size=6).map("&".join))
fragment = st.one_of(
    st.none(), st.lists(st.sampled_from([*PIECES, "#", "?", "&", "=", "/"]), max_size=6)
)


@st.composite
def web_urls(draw: st.DrawFn) -> str:
    """An http(s) address as found in the wild."""
    scheme = draw(st.sampled_from(["http", "https", "HTTPS", "Http"]))
    netloc = draw(host)
    number = draw(port)
    if number is not None:
        netloc = f"{netloc}:{number}"
    url = f"{scheme}://{netloc}{draw(path)}"
    q = draw(query)
    if q is not None:
        url += f"?{q}"
    f = draw(fragment)
    if f is not None:
        url += "#" + "".join(f)
    return url


# Spellings that make a browser read another host than Python, or no host at all.
HOSTILE_SNIPPETS = [
    "\\",
    "\\\\evil.example",
    "\\@evil.example",
    "@evil.example",
    "user:pass@",
    "//evil.example",
    "/\\evil.example",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    " ",
    "%2F%2Fevil.example",
    "。evil.example",
    "．",
    "％2e",
    "\u2028",
    ":",
    ":99999",
    "[",
    "#",
    "?",
]


@st.composite
def hostile_urls(draw: st.DrawFn) -> str:
    """A web address with a hostile snippet anywhere in it."""
    url = draw(web_urls())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(url)))
        url = url[:at] + draw(st.sampled_from(HOSTILE_SNIPPETS)) + url[at:]
    return url


not_web = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            "JavaScript://example.com/%0aalert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "ftp://example.com/file",
            "mailto:someone@example.com",
            "//evil.example/path",
            "/relative/path",
            "relative/path?x=1",
            "?x=1",
            "#top",
            "",
            "https:evil.example",
            "https:/evil.example",
            "https:///evil.example",
            "https:\\\\evil.example",
            "http//evil.example",
            "https://",
            "https://:443/",
        ]
    ),
    st.builds(lambda s, u: s + u.partition("://")[2], st.sampled_from(["", "//", ":"]), web_urls()),
    st.builds(
        lambda s, u: f"{s}:{u.partition(':')[2]}",
        st.sampled_from(["javascript", "data", "file", "ftp", "ws", "gopher", "httpx"]),
        web_urls(),
    ),
)


# --- How Python and a browser read an address -------------------------------------------

_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


def host_key(value: str) -> str:
    return unquote(value).strip("[]").lower()


def python_origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    number = parts.port
    return (
        scheme,
        host_key(parts.hostname or ""),
        DEFAULT_PORTS.get(scheme, 0) if number is None else number,
    )


def browser_origin(url: str) -> tuple[str, str, int]:
    """Scheme, host and port as the WHATWG URL standard reads an http(s) address."""
    url = re.sub(r"[\t\n\r]", "", url.strip(_C0_OR_SPACE))
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    authority = re.split(r"[/\\?#]", rest.lstrip("/\\"), maxsplit=1)[0]
    host_port = authority.rpartition("@")[2]
    if host_port.startswith("["):
        end = host_port.find("]") + 1
        hostname, number = host_port[:end], host_port[end + 1 :]
    else:
        hostname, _, number = host_port.partition(":")
    return scheme, host_key(hostname), int(number) if number else DEFAULT_PORTS.get(scheme, 0)


def raw_pieces(query: str) -> list[tuple[str, str]]:
    """The query's key/value pairs as written, empty pieces left out."""
    return [
        (name, val)
        for name, _, val in (piece.partition("=") for piece in query.split("&") if piece)
    ]


def pieces(query: str) -> list[tuple[bytes, bytes]]:
    """The query's key/value pairs, percent-escapes decoded (a "+" stays a "+")."""
    return [(unquote_to_bytes(name), unquote_to_bytes(val)) for name, val in raw_pieces(query)]


def is_attribution(name: str) -> bool:
    """Whether a server reads this key as one of the attribution parameters."""
    return unquote_plus(name) in ATTRIBUTION_PARAMS


def assert_sends_to_the_item(location: str, item_url: str, *, click_id: str | None) -> None:
    """The redirect's address is the item's own, with the attribution added once."""
    assert location.isascii()
    # Same scheme, host and port as the item, for Python and for a browser.
    origin = python_origin(item_url)
    assert browser_origin(item_url) == origin
    assert python_origin(location) == origin
    assert browser_origin(location) == origin
    item, sent = urlsplit(item_url.strip()), urlsplit(location)
    assert unquote_to_bytes(sent.path) == unquote_to_bytes(item.path)
    # The item's own parameters, in order and with their repeats, then the attribution.
    own = [
        (unquote_to_bytes(name), unquote_to_bytes(val))
        for name, val in raw_pieces(item.query)
        if not is_attribution(name)
    ]
    received = pieces(sent.query)
    assert received[: len(own)] == own
    added = [name.decode() for name, _ in received[len(own) :]]
    expected = ATTRIBUTION_ORDER if click_id else ATTRIBUTION_ORDER[:-1]
    assert added == expected
    if click_id:
        assert received[-1] == (CLICK_ID_PARAM.encode(), click_id.encode())
    # The fragment, whole and last.
    assert ("#" in location) == bool(item.fragment)
    assert unquote_to_bytes(sent.fragment) == unquote_to_bytes(item.fragment)


def redirect_location(url: str, *, click_id: str) -> str:
    """What the redirector answers for a link to ``url``, as link creation and the cache build it."""
    checked = destination_check(url)
    destination = destination_for(url=checked, network="x", campaign="talents", share_id=42)
    entry = LinkEntry.build(
        id=1, organization_id=1, is_attributed=True, destination=destination, plain_url=checked
    )
    assert entry is not None
    return entry.location(click_id)


# --- Pure properties ----------------------------------------------------------------------


@PURE
@given(url=web_urls())
@example(url="https://news.example/a?q=caf%E9&flag&x=1&x=2&&b=%20+c#frag?x#y")
@example(url="https://news.example/?utm_source=old&utm%5Fsource=older&UTM_SOURCE=kept")
@example(url="https://café.example:8443/é/%2F?é=è#ü")
@example(url="http://[2001:db8::42]:80/p?amb_cid=stale&q=1")
def test_a_redirect_keeps_the_host_the_query_and_the_fragment(url: str) -> None:
    location = redirect_location(url, click_id="c0ffee")
    assert_sends_to_the_item(location, url, click_id="c0ffee")


@PURE
@given(url=web_urls())
def test_the_plain_page_and_head_requests_keep_the_host_too(url: str) -> None:
    checked = destination_check(url)
    destination = destination_for(url=checked, network="linkedin", campaign="c", share_id=7)
    entry = LinkEntry.build(
        id=1, organization_id=1, is_attributed=False, destination=destination, plain_url=checked
    )
    assert entry is not None
    assert python_origin(entry.plain_url) == browser_origin(entry.plain_url)
    assert python_origin(entry.plain_url) == python_origin(url)
    assert_sends_to_the_item(entry.destination, url, click_id=None)


@PURE
@given(url=hostile_urls())
@example(url="https://good.example\\@evil.example/")
@example(url="https://evil.example\\@good.example/")
@example(url="https://good.example@evil.example/")
@example(url="https://good.example\t.evil.example/")
@example(url="https:////evil.example/")
@example(url="https://good.example%2F%2Fevil.example/")
def test_a_hostile_address_is_refused_or_keeps_its_host(url: str) -> None:
    try:
        location = redirect_location(url, click_id="c0ffee")
    except ValidationError:
        return
    assert_sends_to_the_item(location, url, click_id="c0ffee")


@PURE
@given(url=not_web)
def test_addresses_that_are_not_web_pages_are_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        destination_check(url)
    # Should one be stored all the same (an older row), the redirector never follows it.
    entry = LinkEntry.build(
        id=1, organization_id=1, is_attributed=True, destination=url, plain_url=url
    )
    assert entry is None


# --- Through share creation, the Django view and the WSGI fast path -----------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def share_link(world: World, url: str) -> TrackedLink:
    world.item.url = url
    world.item.save(update_fields=["url"])
    outcome = share_create(
        actor=world.ambassador,
        item=world.item,
        network="x",
        commentary="À lire, et à partager.",
        now=timezone.now(),
    )
    link: TrackedLink = outcome.share.link
    return link


def click_id_of(location: str) -> str:
    return dict(pieces(urlsplit(location).query))[CLICK_ID_PARAM.encode()].decode()


# An item's address with a NUL cannot be stored on PostgreSQL, so no such item
# exists to share: the pure properties above cover that character.
storable = hostile_urls().filter(lambda url: "\x00" not in url)


@WITH_DB
@given(url=st.one_of(web_urls(), storable))
@example(url="https://evil.example\\@good.example/")
def test_the_view_and_the_fast_path_redirect_to_the_item_only(
    world: World, fast: Fast, url: str
) -> None:
    with rolled_back():
        try:
            link = share_link(world, url)
        except ValidationError:
            assert destination_check_refuses(url)
            assert not TrackedLink.objects.exists()
            return
        answers = [
            fast.call(f"/r/{link.code}").headers.get("Location", ""),
            Client().get(f"/r/{link.code}")["Location"],
        ]
        for location in answers:
            assert_sends_to_the_item(location, url, click_id=click_id_of(location))
        assert fast.flush() == 2  # both clicks recorded (and rolled back with their link)


def destination_check_refuses(url: str) -> bool:
    try:
        destination_check(url)
    except ValidationError:
        return True
    return False


@WITH_DB
@given(url=not_web)
def test_a_share_of_an_item_that_is_no_web_page_makes_no_link(world: World, url: str) -> None:
    with rolled_back():
        with pytest.raises(ValidationError):
            share_link(world, url)
        assert not TrackedLink.objects.exists()


def code_variants(code: str) -> list[str]:
    return [
        code.swapcase(),
        code.lower(),
        code[:-1],
        code + "x",
        f" {code}",
        f"{code}\n",
        f"{code}/",
        f"{code}%00",
        code + "\x00",
        quote(code),
        code.replace(code[0], "é", 1),
        code * 2,
    ]


@WITH_DB
@given(data=st.data())
@example(data=None)
def test_unknown_codes_never_redirect_nor_fail(
    world: World, fast: Fast, tracked: TrackedLink, data: Any
) -> None:
    codes = [
        *code_variants(tracked.code),
        "\x00",
        "%00",
        "a" * 17,
        "../" + tracked.code,
    ]
    if data is not None:
        codes = [
            data.draw(
                st.one_of(
                    st.text(),
                    st.text(alphabet=BASE62, min_size=1, max_size=20),
                    st.sampled_from(code_variants(tracked.code)),
                )
            )
        ]
    for code in codes:
        expected = 302 if code == tracked.code else 404
        through_django = Client().get("/r/" + quote(code, safe=""))
        assert through_django.status_code == expected, code
        assert through_django.has_header("Location") == (expected == 302)
        # WSGI servers hand PATH_INFO over decoded, as latin-1 text of the UTF-8 bytes.
        wsgi_path = ("/r/" + code).encode("utf-8", "surrogatepass").decode("latin-1")
        through_wsgi = fast.call("/r/", PATH_INFO=wsgi_path)
        assert through_wsgi.status == expected, code
        assert ("Location" in through_wsgi.headers) == (expected == 302)
    assert Client().get(f"/r/{tracked.code}").status_code == 302
