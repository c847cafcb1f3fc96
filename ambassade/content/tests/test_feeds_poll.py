from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from ambassade.content.feeds import services
from ambassade.content.feeds.ingest import Outcome
from ambassade.content.models import ContentItem, FeedMode, FeedSource, ItemStatus
from ambassade.content.tests.feed_helpers import add_source, serve_feeds
from ambassade.jobs.models import JobRun, RunStatus
from ambassade.jobs.services import job_run
from ambassade.lib.tests.http_server import LocalHTTPServer


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        serve_feeds(running)
        yield running


@pytest.fixture(autouse=True)
def _short_timeout(monkeypatch):
    monkeypatch.setattr(services, "FEED_TIMEOUT", 0.5)


def feed_items(world):
    return ContentItem.objects.filter(organization=world.org, feed_entries__isnull=False)


def test_poll_publishes_items_then_answers_not_modified(world, server):
    source = add_source(world.curator, world.program, server.url("/rss20_media.xml"))
    now = timezone.now()
    report = services.feed_source_poll(source=source, now=now)
    assert report is not None
    assert report.new == 4
    items = feed_items(world).order_by("title")
    assert items.count() == 4
    cloud = items.get(title__startswith="Cloud souverain")
    assert cloud.status == ItemStatus.PUBLISHED
    assert cloud.is_live(now)
    assert cloud.family == "market"
    assert cloud.url == "https://www.echos-numerique.example/analyses/cloud-souverain-migrations/"
    assert cloud.image_url.endswith("cloud-souverain-1200x630.jpg")
    assert list(cloud.programs.all()) == [world.program]
    source.refresh_from_db()
    assert source.etag == '"rss20_media-v1"'
    assert source.items_created == 4
    assert source.last_error == ""
    assert source.consecutive_failures == 0
    assert source.next_poll_at == now + timedelta(minutes=60)

    second = services.feed_source_poll(source=source, now=now + timedelta(hours=1))
    assert second is not None
    assert second.not_modified
    assert server.requests_to("/rss20_media.xml")[-1].headers["if-none-match"] == '"rss20_media-v1"'
    assert feed_items(world).count() == 4


def test_rereading_without_etag_creates_no_duplicate(world, server):
    source = add_source(world.curator, world.program, server.url("/rss10.rdf"))
    now = timezone.now()
    services.feed_source_poll(source=source, now=now)
    FeedSource.objects.filter(pk=source.pk).update(etag="")
    source.refresh_from_db()
    report = services.feed_source_poll(source=source, now=now + timedelta(hours=1))
    assert report is not None
    assert (report.new, report.duplicates) == (0, 2)
    assert feed_items(world).count() == 2


def test_deduplication_by_guid_and_canonical_url_across_sources(world, server):
    first = add_source(world.curator, world.program, server.url("/rss20_media.xml"))
    second = add_source(world.curator, world.program, server.url("/rss20_overlap.xml"))
    now = timezone.now()
    services.feed_source_poll(source=first, now=now)
    report = services.feed_source_poll(source=second, now=now)
    assert report is not None
    outcomes = {entry.title: entry.outcome for entry in report.outcomes}
    # Same article: tracking parameters, host case, port, slash and fragment differ.
    assert outcomes["Cloud souverain : les entreprises accélèrent (repris)"] == Outcome.DUPLICATE
    # Another address but the same GUID.
    assert outcomes["Data centers et électricité (même GUID que la source)"] == Outcome.DUPLICATE
    assert outcomes["Quantique : un premier calculateur installé au CEA"] == Outcome.NEW
    quantum = ContentItem.objects.get(title__startswith="Quantique")
    assert quantum.url == "https://veille.example.org/2025/06/quantique-cea?id=7"
    assert feed_items(world).count() == 5


def test_deduplication_is_per_organization(world, server):
    add_source(world.curator, world.program, server.url("/rss10.rdf"))
    theirs = add_source(world.stranger, world.other_program, server.url("/rss10.rdf"))
    for source in FeedSource.objects.all():
        services.feed_source_poll(source=source, now=timezone.now())
    assert (
        ContentItem.objects.filter(organization=world.other_org, feed_entries__isnull=False).count()
        == 2
    )
    assert feed_items(world).count() == 2
    assert theirs.organization == world.other_org


def test_max_items_per_day_keeps_the_newest_and_resumes_the_next_day(world, server):
    source = add_source(
        world.curator, world.program, server.url("/rss20_media.xml"), max_items_per_day=2
    )
    with time_machine.travel("2025-06-03 10:00 +02:00", tick=False):
        report = services.feed_source_poll(source=source, now=timezone.now())
        assert report is not None
        assert (report.new, report.over_limit) == (2, 2)
        assert set(feed_items(world).values_list("title", flat=True)) == {
            "Cloud souverain : les entreprises françaises accélèrent leurs migrations",
            "IA générative : ce que change l'AI Act pour les équipes marketing",
        }
        FeedSource.objects.filter(pk=source.pk).update(etag="")
        source.refresh_from_db()
        again = services.feed_source_poll(source=source, now=timezone.now())
        assert again is not None
        assert again.new == 0
    with time_machine.travel("2025-06-04 00:30 +02:00", tick=False):
        FeedSource.objects.filter(pk=source.pk).update(etag="")
        source.refresh_from_db()
        next_day = services.feed_source_poll(source=source, now=timezone.now())
        assert next_day is not None
        assert next_day.new == 2
    assert feed_items(world).count() == 4


def test_propose_mode_puts_items_in_the_approval_queue(world, server):
    source = add_source(
        world.curator, world.program, server.url("/atom10.xml"), mode=FeedMode.PROPOSE
    )
    services.feed_source_poll(source=source, now=timezone.now())
    statuses = set(feed_items(world).values_list("status", flat=True))
    assert statuses == {ItemStatus.PENDING}
    assert all(item.publish_at is None for item in feed_items(world))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing.xml", "HTTP 404"),
        ("/slow.xml", "Timed out"),
        ("/loop-a", "Too many redirects"),
        ("/huge.xml", "Too large"),
        ("/not_a_feed.html", "does not serve a feed"),
    ],
)
def test_errors_are_recorded_with_back_off(world, server, path, message):
    source = add_source(world.curator, world.program, server.url(path), poll_interval_minutes=30)
    now = timezone.now()
    assert services.feed_source_poll(source=source, now=now) is None
    source.refresh_from_db()
    assert message in source.error_message
    assert source.consecutive_failures == 1
    assert source.next_poll_at == now + timedelta(minutes=60)


def test_back_off_doubles_and_is_capped(world, server):
    source = add_source(
        world.curator, world.program, server.url("/gone.xml"), poll_interval_minutes=30
    )
    now = timezone.now()
    for _ in range(3):
        services.feed_source_poll(source=source, now=now)
    source.refresh_from_db()
    assert source.consecutive_failures == 3
    assert source.next_poll_at == now + timedelta(minutes=240)
    for _ in range(10):
        services.feed_source_poll(source=source, now=now)
    source.refresh_from_db()
    assert source.next_poll_at == now + timedelta(hours=24)  # capped


def test_success_after_failures_resets_the_back_off(world, server):
    source = add_source(world.curator, world.program, server.url("/later.xml"))
    now = timezone.now()
    services.feed_source_poll(source=source, now=now)
    server.route(
        "/later.xml", body=(server.routes["/rss10.rdf"].body), content_type="application/rdf+xml"
    )
    source.refresh_from_db()
    assert services.feed_source_poll(source=source, now=now) is not None
    source.refresh_from_db()
    assert (source.consecutive_failures, source.error_message) == (0, "")
    assert source.next_poll_at == now + timedelta(minutes=60)


def test_ill_formed_and_mis_encoded_feeds_record_a_warning(world, server):
    broken = add_source(world.curator, world.program, server.url("/illformed.xml"))
    latin = add_source(world.curator, world.program, server.url("/misencoded.xml"))
    for source in (broken, latin):
        report = services.feed_source_poll(source=source, now=timezone.now())
        assert report is not None
        assert report.new == 2
        source.refresh_from_db()
        assert source.last_warning
        assert source.last_error == ""
    assert feed_items(world).filter(title="Un nouvel hôtel d'entreprises à Besançon").exists()


def test_one_broken_feed_never_stops_the_others(world, server):
    sources = [
        add_source(world.curator, world.program, server.url(path))
        for path in ("/missing.xml", "/not_a_feed.html", "/rss10.rdf", "/jsonfeed11.json")
    ]
    with job_run(name="Feed polling", organization=world.org) as progress:
        reports = services.feed_sources_poll(sources=sources, now=timezone.now(), progress=progress)
    assert [report is None for report in reports.values()] == [True, True, False, False]
    assert feed_items(world).count() == 4  # 2 from RSS 1.0, 2 of 3 JSON Feed items
    run = JobRun.objects.get(organization=world.org)
    assert run.status == RunStatus.DONE
    assert (run.progress_done, run.progress_total, run.percent) == (4, 4, 100)


def test_image_from_the_page_when_the_feed_has_none(world, server):
    article = server.url("/article_with_og_image.html")
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>Data centers</title><link>{article}</link><guid>dc-1</guid></item>
    </channel></rss>""".encode()
    server.route("/og.xml", body=rss, content_type="application/rss+xml")
    source = add_source(world.curator, world.program, server.url("/og.xml"))
    services.feed_source_poll(source=source, now=timezone.now())
    item = feed_items(world).get()
    assert item.image_url == "https://cdn.echos-numerique.example/2025/06/data-centers-og.jpg"


def test_dispatch_claims_due_sources_once(world, server):
    now = timezone.now() + timedelta(seconds=1)
    due = add_source(world.curator, world.program, server.url("/rss10.rdf"))
    later = add_source(world.curator, world.program, server.url("/atom10.xml"))
    FeedSource.objects.filter(pk=later.pk).update(next_poll_at=now + timedelta(minutes=5))
    paused = add_source(world.curator, world.program, server.url("/atom03.xml"), is_active=False)
    theirs = add_source(world.stranger, world.other_program, server.url("/rss091.xml"))
    claimed = services.feed_sources_claim_due(now=now)
    assert claimed == {world.org.pk: [due.pk], world.other_org.pk: [theirs.pk]}
    assert services.feed_sources_claim_due(now=now) == {}  # already claimed
    assert paused.pk not in claimed[world.org.pk]


def test_two_claims_of_the_same_due_source_only_one_wins(world, server):
    now = timezone.now() + timedelta(seconds=1)
    source = add_source(world.curator, world.program, server.url("/rss10.rdf"))
    copy_a = FeedSource.objects.get(pk=source.pk)
    copy_b = FeedSource.objects.get(pk=source.pk)
    assert services.feed_source_claim(source=copy_a, now=now) is True
    assert services.feed_source_claim(source=copy_b, now=now) is False
