from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ambassade.content.feeds import services
from ambassade.content.models import FeedSource
from ambassade.content.tests.feed_helpers import add_source, serve_feeds
from ambassade.content.tests.helpers import speak_english
from ambassade.jobs.models import JobRun
from ambassade.lib.tests.http_server import LocalHTTPServer


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        serve_feeds(running)
        yield running


@pytest.fixture
def source(world, server) -> FeedSource:
    return add_source(world.curator, world.program, server.url("/rss20_media.xml"), name="Échos")


def form_data(world, url, **overrides):
    data = {
        "name": "Observatoire RH",
        "url": url,
        "family": "market",
        "kind": "analysis",
        "language": "fr",
        "programs": [world.program.pk],
        "mode": "propose",
        "max_items_per_day": "10",
        "poll_interval_minutes": "30",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_curator_adds_a_feed(world, server):
    speak_english(world.curator)
    client = world.client_for(world.curator)
    response = client.post(
        reverse("content:feeds:create"), form_data(world, server.url("/rss10.rdf"))
    )
    assert response.status_code == 302
    source = FeedSource.objects.get(organization=world.org)
    assert (source.mode, source.max_items_per_day, source.poll_interval_minutes) == (
        "propose",
        10,
        30,
    )
    assert list(source.programs.all()) == [world.program]
    page = client.get(reverse("content:feeds:list"))
    assert "Observatoire RH" in page.content.decode()
    assert "Not read yet" in page.content.decode()


def test_feed_form_errors(world, server, source):
    speak_english(world.curator)
    client = world.client_for(world.curator)
    response = client.post(
        reverse("content:feeds:create"), form_data(world, source.url, programs=[])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in body
    response = client.post(reverse("content:feeds:create"), form_data(world, source.url))
    assert "This feed is already in your sources." in response.content.decode()
    response = client.post(
        reverse("content:feeds:create"), form_data(world, "ftp://x.example/feed")
    )
    assert FeedSource.objects.count() == 1


def test_another_organizations_program_is_refused(world, server):
    client = world.client_for(world.curator)
    response = client.post(
        reverse("content:feeds:create"),
        form_data(world, server.url("/rss10.rdf"), programs=[world.other_program.pk]),
    )
    assert response.status_code == 200  # not a choice
    assert not FeedSource.objects.exists()


def test_edit_and_delete(world, source):
    client = world.client_for(world.curator)
    response = client.post(
        reverse("content:feeds:update", args=[source.pk]),
        form_data(world, source.url, name="Échos renamed", mode="publish"),
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.name == "Échos renamed"
    assert client.get(reverse("content:feeds:delete", args=[source.pk])).status_code == 200
    client.post(reverse("content:feeds:delete", args=[source.pk]))
    assert not FeedSource.objects.exists()


def test_list_shows_errors_in_the_readers_language(world, server):
    broken = add_source(world.curator, world.program, server.url("/missing.xml"), name="Cassé")
    services.feed_source_poll(source=broken, now=timezone.now())
    speak_english(world.curator)
    body = world.client_for(world.curator).get(reverse("content:feeds:list")).content.decode()
    assert "HTTP 404" in body
    assert "1 failure in a row" in body
    broken.refresh_from_db()
    assert broken.last_error_code == "http"


def test_test_this_feed_shows_what_would_be_created_without_saving(world, source):
    speak_english(world.curator)
    response = world.client_for(world.curator).post(reverse("content:feeds:test", args=[source.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "4 new, 0 duplicates, 0 errors" in body
    assert "Cloud souverain" in body
    assert "cloud-souverain-1200x630.jpg" in body
    assert not source.entries.exists()


def test_test_this_feed_shows_the_error(world, server):
    source = add_source(world.curator, world.program, server.url("/not_a_feed.html"))
    speak_english(world.curator)
    body = (
        world.client_for(world.curator)
        .post(reverse("content:feeds:test", args=[source.pk]))
        .content.decode()
    )
    assert "does not serve a feed" in body


# The worker closes its database connection after a task: no wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_poll_now_enqueues_and_the_worker_runs_it(
    world, source, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    client = world.client_for(world.curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("content:feeds:poll", args=[source.pk]))
    assert response.url == reverse("jobs:run_list")
    run = JobRun.objects.get(organization=world.org)
    assert run.status == "queued"
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    run.refresh_from_db()
    assert run.status == "done"
    assert (run.progress_done, run.progress_total) == (1, 1)
    assert source.entries.count() == 4
    speak_english(world.curator)
    page = client.get(reverse("jobs:run_list")).content.decode()
    assert "Feed polling" in page
    assert "1 / 1" in page


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("content:feeds:update", "get"),
        ("content:feeds:delete", "get"),
        ("content:feeds:delete", "post"),
        ("content:feeds:test", "post"),
        ("content:feeds:poll", "post"),
    ],
)
def test_stranger_cannot_touch_acme_sources(world, source, name, method):
    client = world.client_for(world.stranger)  # admin of globex
    response = getattr(client, method)(reverse(name, args=[source.pk]))
    assert response.status_code == 404
    assert FeedSource.objects.filter(pk=source.pk).exists()
    assert not JobRun.objects.exists()
    body = client.get(reverse("content:feeds:list")).content.decode()
    assert "Échos" not in body


@pytest.mark.parametrize("name", ["content:feeds:list", "content:feeds:create"])
def test_ambassador_is_refused(world, name):
    assert world.client_for(world.ambassador).get(reverse(name)).status_code == 403


def test_ambassador_cannot_test_or_poll(world, source):
    client = world.client_for(world.ambassador)
    assert client.post(reverse("content:feeds:test", args=[source.pk])).status_code == 403
    assert client.post(reverse("content:feeds:poll", args=[source.pk])).status_code == 403


def test_services_refuse_strangers_and_wrong_roles(world, source):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.feed_source_delete(actor=world.stranger, source=source)
    with pytest.raises(PermissionDenied):
        services.feed_source_poll_request(actor=world.stranger, source=source, now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.feed_source_delete(actor=world.ambassador, source=source)
    with pytest.raises(PermissionDenied):
        services.feed_source_test(
            actor=world.ambassador, url=source.url, programs=[], now=timezone.now()
        )
