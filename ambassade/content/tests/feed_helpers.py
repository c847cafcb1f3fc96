"""Helpers for the feed tests: the feed files, served by a real local HTTP server."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from ambassade.accounts.models import Membership
from ambassade.content.feeds.services import FeedSourceData, feed_source_create
from ambassade.content.models import FeedSource
from ambassade.lib.tests.http_server import LocalHTTPServer
from ambassade.programs.models import Program

FEEDS = Path(__file__).parent / "feeds"
CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".rdf": "application/rdf+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
}


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def serve_feeds(server: LocalHTTPServer) -> None:
    """Every file of tests/feeds at /<name>, with an ETag, plus the error cases."""
    for path in FEEDS.iterdir():
        content_type = CONTENT_TYPES[path.suffix]
        if path.name == "atom10.xml" or path.name.startswith("atom"):
            content_type = "application/atom+xml"
        server.route(
            f"/{path.name}",
            body=path.read_bytes(),
            content_type=content_type,
            etag=f'"{path.stem}-v1"',
        )
    server.route("/slow.xml", body=feed_bytes("rss10.rdf"), delay=3.0)
    server.route("/loop-a", status=302, location="/loop-b")
    server.route("/loop-b", status=302, location="/loop-a")
    server.route("/huge.xml", body=b"<rss>" + b"x" * 6_000_000 + b"</rss>", no_length=True)


def add_source(
    curator: Membership, program: Program, url: str, *, name: str = "", **fields: object
) -> FeedSource:
    data = FeedSourceData(
        name=name or url.rsplit("/", 1)[-1],
        url=url,
        programs=[program],
        **fields,  # type: ignore[arg-type]
    )
    return feed_source_create(actor=curator, data=data, now=timezone.now())
