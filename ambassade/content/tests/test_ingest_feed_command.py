from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ambassade.content.management.commands.ingest_feed import Command
from ambassade.content.models import ContentItem, ItemStatus
from ambassade.content.tests.feed_helpers import FEEDS, serve_feeds
from ambassade.lib.tests.http_server import LocalHTTPServer


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        serve_feeds(running)
        yield running


def ingest(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest_feed", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_a_url_then_again(world, server):
    out, _err = ingest(server.url("/jsonfeed11.json"), "--org", "acme")
    lines = out.strip().splitlines()
    assert lines[0].startswith("new")
    assert "Social selling in 2025" in lines[0]
    assert lines[2].startswith("error")
    assert "No web link" in lines[2]
    assert lines[-1] == "2 new, 0 duplicates, 1 errors"
    items = ContentItem.objects.filter(organization=world.org, feed_entries__isnull=False)
    assert items.count() == 2
    assert all(item.language == "en" for item in items)  # the feed's language
    out, _err = ingest(server.url("/jsonfeed11.json"), "--org", "acme")
    assert out.strip().splitlines()[-1] == "0 new, 2 duplicates, 1 errors"
    assert items.count() == 2


def test_ingest_a_local_file_dry_run(world):
    out, _err = ingest(str(FEEDS / "rss20_media.xml"), "--org", "acme", "--dry-run")
    assert out.strip().splitlines()[-1] == "dry run: 4 new, 0 duplicates, 0 errors"
    assert not ContentItem.objects.filter(feed_entries__isnull=False).exists()


def test_propose_mode_and_program(world):
    out, _err = ingest(
        str(FEEDS / "atom10.xml"), "--org", "acme", "--mode", "propose", "--program", "talents-acme"
    )
    assert out.strip().endswith("2 new, 0 duplicates, 0 errors")
    items = ContentItem.objects.filter(organization=world.org, feed_entries__isnull=False)
    assert {item.status for item in items} == {ItemStatus.PENDING}


def test_ill_formed_feed_is_read_in_part_with_a_warning(world):
    out, err = ingest(str(FEEDS / "illformed.xml"), "--org", "acme")
    assert "mismatched tag" in err
    assert out.strip().endswith("2 new, 0 duplicates, 0 errors")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/missing.xml", "HTTP 404"),
        ("/not_a_feed.html", "does not serve a feed"),
    ],
)
def test_nothing_readable_exits_1(world, server, capsys, source, message):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["ambassade", "ingest_feed", server.url(source), "--org", "acme"])
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().err


def test_missing_file_and_unknown_org(world):
    with pytest.raises(CommandError, match="could be read"):
        ingest("/nonexistent/feed.xml", "--org", "acme")
    with pytest.raises(CommandError, match="No organization"):
        ingest(str(FEEDS / "rss10.rdf"), "--org", "nope")
    with pytest.raises(CommandError, match="No program"):
        ingest(str(FEEDS / "rss10.rdf"), "--org", "acme", "--program", "globex-pilot")
