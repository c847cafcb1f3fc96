"""Issue 9's acceptance walk: a curator adds five feeds; after the next poll the
ambassadors' feed has fresh market items, without duplicates; the broken feed
shows its error, in French and in English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ambassade.content.models import ContentItem, Family, FeedSource, ItemStatus
from ambassade.content.tests.feed_helpers import serve_feeds
from ambassade.lib.tests.http_server import LocalHTTPServer

FEEDS = [
    ("Échos de l'énergie", "/rss20_media.xml"),
    ("Le même, vu ailleurs", "/rss20_overlap.xml"),
    ("Atom du secteur", "/atom10.xml"),
    ("JSON Feed", "/jsonfeed11.json"),
    ("Flux disparu", "/gone.xml"),
]


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        serve_feeds(running)
        yield running


def next_poll(capture) -> None:
    """The scheduler enqueues "poll feeds"; the database worker runs it and what it enqueues."""
    with capture(execute=True):
        call_command("scheduler", once=True, verbosity=0)
    for _round in range(3):
        with capture(execute=True):
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_five_feeds_fill_the_feed_after_the_next_poll(
    world, server, settings, time_machine, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    curator = world.client_for(world.curator)
    for name, path in FEEDS:
        response = curator.post(
            reverse("content:feeds:create"),
            {
                "name": name,
                "url": server.url(path),
                "family": "market",
                "kind": "sector_news",
                "language": "fr",
                "programs": [world.program.pk],
                "mode": "publish",
                "max_items_per_day": "20",
                "poll_interval_minutes": "60",
                "is_active": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert FeedSource.objects.filter(organization=world.org).count() == 5
    before = ContentItem.objects.filter(organization=world.org).count()

    next_poll(django_capture_on_commit_callbacks)

    fresh = ContentItem.objects.filter(organization=world.org).exclude(pk=world.item.pk)
    assert fresh.count() > 5
    assert ContentItem.objects.filter(organization=world.org).count() == before + fresh.count()
    assert set(fresh.values_list("family", flat=True)) == {Family.MARKET}
    assert set(fresh.values_list("status", flat=True)) == {ItemStatus.PUBLISHED}
    urls = list(fresh.values_list("url", flat=True))
    assert len(urls) == len(set(urls)), "the overlapping feeds created a duplicate"

    # Polling again after the interval creates nothing new.
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    next_poll(django_capture_on_commit_callbacks)
    assert ContentItem.objects.filter(organization=world.org).count() == before + len(urls)

    # The ambassador finds them in today's feed.
    feed = world.client_for(world.ambassador).get(reverse("sharing:feed"), {"family": "market"})
    page = feed.content.decode()
    newest = fresh.filter(publish_at__lte=timezone.now()).order_by("-publish_at").first()
    assert newest is not None
    assert newest.title in page

    # The broken feed shows its error, in French by default, in English on request.
    broken = FeedSource.objects.get(name="Flux disparu")
    assert broken.consecutive_failures == 2  # both polls failed; the back-off grows
    assert broken.next_poll_at is not None
    assert broken.next_poll_at > timezone.now() + timedelta(minutes=1)
    french = curator.get(reverse("content:feeds:list")).content.decode()
    assert "HTTP 404" in french
    world.curator.user.language = "en"
    world.curator.user.save(update_fields=["language"])
    english = curator.get(reverse("content:feeds:list")).content.decode()
    assert "HTTP 404" in english
    assert french != english
