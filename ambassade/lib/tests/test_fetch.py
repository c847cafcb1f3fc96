from __future__ import annotations

import ipaddress
import zlib
from collections.abc import Iterator

import pytest
from django.test import override_settings

from ambassade.lib.fetch import FetchError, fetch, is_public_address, user_agent
from ambassade.lib.tests.http_server import LocalHTTPServer


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        yield running


def test_fetches_a_page_with_etag_and_user_agent(server):
    server.route(
        "/page", body=b"<html>hi</html>", etag='"v1"', last_modified="Mon, 02 Jun 2025 08:00:00 GMT"
    )
    result = fetch(server.url("/page"))
    assert result.status == 200
    assert result.content == b"<html>hi</html>"
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 02 Jun 2025 08:00:00 GMT"
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.charset == "utf-8"
    assert not result.not_modified
    sent = server.requests_to("/page")[0].headers
    assert sent["user-agent"] == user_agent()
    assert sent["user-agent"].startswith("Ambassade/")
    assert "(+http://testserver)" in sent["user-agent"]
    assert sent["host"] == f"127.0.0.1:{server.port}"


def test_conditional_get_answers_not_modified(server):
    server.route("/feed", body=b"<rss/>", etag='"abc"')
    first = fetch(server.url("/feed"))
    second = fetch(server.url("/feed"), etag=first.etag)
    assert second.not_modified
    assert second.status == 304
    assert second.content == b""
    assert second.etag == '"abc"'
    assert server.requests_to("/feed")[1].headers["if-none-match"] == '"abc"'


def test_if_modified_since_is_sent(server):
    stamp = "Tue, 03 Jun 2025 10:00:00 GMT"
    server.route("/feed", body=b"<rss/>", last_modified=stamp)
    assert fetch(server.url("/feed"), last_modified=stamp).not_modified


def test_follows_redirects_and_reports_final_url(server):
    server.route("/old", status=301, location="/middle")
    server.route("/middle", status=302, location=server.url("/new"))
    server.route("/new", body=b"moved here")
    result = fetch(server.url("/old"))
    assert result.content == b"moved here"
    assert result.url == server.url("/new")


def test_redirect_loop_is_stopped(server):
    server.route("/a", status=302, location="/b")
    server.route("/b", status=302, location="/a")
    with pytest.raises(FetchError, match="Too many redirects"):
        fetch(server.url("/a"), max_redirects=5)
    assert len(server.requests) == 6


def test_http_error_status(server):
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetch(server.url("/missing"))
    assert info.value.code == "http"
    assert info.value.params == {"status": 404}


def test_timeout(server):
    server.route("/slow", body=b"late", delay=1.5)
    with pytest.raises(FetchError, match="Timed out"):
        fetch(server.url("/slow"), timeout=0.3)


def test_size_limit_from_content_length(server):
    server.route("/big", body=b"x" * 5000)
    with pytest.raises(FetchError, match="Too large"):
        fetch(server.url("/big"), max_bytes=1000)


def test_size_limit_while_streaming_without_length(server):
    server.route("/stream", body=b"x" * 300_000, no_length=True)
    with pytest.raises(FetchError, match="Too large"):
        fetch(server.url("/stream"), max_bytes=100_000)
    assert fetch(server.url("/stream"), max_bytes=400_000).content == b"x" * 300_000


def test_gzip_is_decoded_within_the_limit(server):
    server.route("/gz", body=b"<rss>" + b"a" * 50_000 + b"</rss>", gzip=True)
    assert fetch(server.url("/gz")).content.startswith(b"<rss>aaa")
    # A small compressed body that inflates past the limit (a "zip bomb") is refused.
    server.route("/bomb", body=b"\0" * 2_000_000, gzip=True)
    with pytest.raises(FetchError, match="Too large"):
        fetch(server.url("/bomb"), max_bytes=100_000)


def test_deflate_zlib_and_raw(server):
    body = b"deflated " * 100
    server.route("/z", body=zlib.compress(body), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    server.route(
        "/raw",
        body=raw.compress(body) + raw.flush(),
        headers={"Content-Encoding": "deflate"},
    )
    assert fetch(server.url("/z")).content == body
    assert fetch(server.url("/raw")).content == body


@pytest.mark.parametrize(
    "url", ["ftp://example.com/feed", "file:///etc/passwd", "javascript:alert(1)", "http://"]
)
def test_only_web_addresses(url):
    with pytest.raises(FetchError):
        fetch(url)


@override_settings(AMBASSADE_FETCH_ALLOW_PRIVATE=False)
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "169.254.169.254",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
        "10.1.2.3",
    ],
)
def test_private_addresses_are_refused(server, host):
    server.route("/secret", body=b"internal")
    with pytest.raises(FetchError, match="Address not allowed"):
        fetch(f"http://{host}:{server.port}/secret", timeout=1)
    assert server.requests == []


@override_settings(AMBASSADE_FETCH_ALLOW_PRIVATE=False)
def test_redirect_to_a_private_address_is_refused(server):
    # The first hop is allowed only because tests allow private hosts; the check
    # applies again on the redirect, when the setting is off.
    with override_settings(AMBASSADE_FETCH_ALLOW_PRIVATE=True):
        server.route("/hop", status=302, location="http://169.254.169.254/latest/meta-data/")
        with pytest.raises(FetchError):
            fetch(server.url("/hop"), timeout=1)
    with pytest.raises(FetchError, match="Address not allowed"):
        fetch(server.url("/hop"))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::", False),
    ],
)
def test_public_address_rules(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public
