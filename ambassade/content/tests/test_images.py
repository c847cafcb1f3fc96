"""Content images: fetched once by the server, checked, and served from our origin.

A real HTTP server on 127.0.0.1 plays the third-party sites.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ambassade.accounts.tokens import api_token_create
from ambassade.content import images
from ambassade.content.feeds.services import feed_source_poll
from ambassade.content.images import (
    content_image_fetch,
    content_image_store,
    content_images_fetch_pending,
    sniff_image_type,
)
from ambassade.content.models import ContentImage, ContentItem, ImageStatus, ItemStatus
from ambassade.content.models_images import image_key
from ambassade.content.services import ItemData, item_create, item_update
from ambassade.content.tests.feed_helpers import add_source
from ambassade.content.tests.helpers import speak_english
from ambassade.demo.images import banner_png, demo_images_create
from ambassade.lib.tests.http_server import LocalHTTPServer
from ambassade.newsletter.digests import digests_send_due
from ambassade.newsletter.models import DigestFrequency, Preference
from conftest import World

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        running.route("/cover.png", body=PNG, content_type="image/png")
        running.route("/photo.jpg", body=PNG, content_type="text/html")  # mislabelled
        running.route("/huge.png", body=b"\x89PNG\r\n\x1a\n" + b"\0" * 6_000_000)
        running.route("/page.png", body=HTML, content_type="image/png")
        running.route("/drawing.png", body=SVG, content_type="image/png")
        running.route("/drawing.svg", body=SVG, content_type="image/svg+xml")
        running.route("/slow.png", body=PNG, content_type="image/png", delay=1.0)
        yield running


def data_for(world: World, **fields: Any) -> ItemData:
    defaults: dict[str, Any] = {
        "family": "market",
        "kind": "analysis",
        "title": "Le stockage d'énergie en 2026",
        "url": "https://energy.example/stockage",
        "programs": [world.program],
        "status": ItemStatus.PUBLISHED,
    }
    return ItemData(**{**defaults, **fields})


def create_with_image(world: World, url: str, capture: Any) -> ContentItem:
    with capture(execute=True):
        return item_create(
            actor=world.curator, data=data_for(world, image_url=url), now=timezone.now()
        )


def fetch_all(world: World) -> None:
    for image in ContentImage.objects.filter(organization=world.org, status=ImageStatus.PENDING):
        content_image_fetch(image_id=image.pk, now=timezone.now())


def imgs(html: str) -> list[str]:
    return [str(img.get("src", "")) for img in BeautifulSoup(html, "html.parser").find_all("img")]


# --- Fetched, stored, served --------------------------------------------------------


def test_a_png_is_fetched_once_and_served_from_our_origin(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    third_party = server.url("/cover.png")
    item = create_with_image(world, third_party, django_capture_on_commit_callbacks)
    # Not shown before it is stored: never the third-party address.
    assert item.image_src == ""
    assert DBTaskResult.objects.filter(task_path__endswith="content_image_fetch_task").count() == 1
    speak_english(world.curator)
    detail = world.client_for(world.curator).get(reverse("content:item_detail", args=[item.pk]))
    shown = BeautifulSoup(detail.content.decode(), "html.parser").find(id="item-image")
    assert shown is not None
    assert "The image is being fetched." in shown.get_text()

    fetch_all(world)
    item.refresh_from_db()
    assert item.image_url == third_party  # kept for reference
    assert item.image_src.startswith("/curation/images/")

    response = Client().get(item.image_src)  # no login: it must work in e-mails
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Disposition"] == "inline"
    assert "max-age=31536000" in response["Cache-Control"]
    etag = response["ETag"]
    again = Client().get(item.image_src, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""

    # Another item with the same address: no second fetch, the same stored copy.
    with django_capture_on_commit_callbacks(execute=True):
        other = item_create(
            actor=world.curator,
            data=data_for(world, url="https://energy.example/autre", image_url=third_party),
            now=timezone.now(),
        )
    assert other.image_src == item.image_src
    assert len(server.requests_to("/cover.png")) == 1


def test_the_bytes_decide_the_type_not_the_server(world: World, server: LocalHTTPServer) -> None:
    item = ContentItem.objects.get(pk=world.item.pk)
    item.image_url = server.url("/photo.jpg")  # a PNG served as text/html
    item.save()
    images.items_image_attach(items=[item], now=timezone.now())
    fetch_all(world)
    item.refresh_from_db()
    response = Client().get(item.image_src)
    assert response["Content-Type"] == "image/png"


def test_pages_show_the_stored_image_and_never_the_third_party_address(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    third_party = server.url("/cover.png")
    item = create_with_image(world, third_party, django_capture_on_commit_callbacks)
    pending_feed = world.client_for(world.ambassador).get(reverse("sharing:feed")).content.decode()
    assert third_party not in imgs(pending_feed)
    fetch_all(world)
    item.refresh_from_db()

    pages = [
        world.client_for(world.ambassador).get(reverse("sharing:feed")),
        world.client_for(world.ambassador).get(reverse("sharing:share", args=[item.pk])),
        world.client_for(world.curator).get(reverse("content:item_detail", args=[item.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        sources = imgs(page.content.decode())
        assert item.image_src in sources
        assert all(not src.startswith(("http:", "https:", "//")) for src in sources), sources


def test_the_approval_queue_shows_the_stored_image(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item = item_create(
            actor=world.curator,
            data=data_for(world, image_url=server.url("/cover.png"), status=ItemStatus.PENDING),
            now=timezone.now(),
        )
    fetch_all(world)
    item.refresh_from_db()
    page = world.client_for(world.admin).get(reverse("content:approval_queue")).content.decode()
    assert imgs(page) == [item.image_src]


def test_digest_e_mails_use_the_absolute_address_on_our_origin(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    monday_8 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    with django_capture_on_commit_callbacks(execute=True):
        item = item_create(
            actor=world.curator,
            data=data_for(world, image_url=server.url("/cover.png")),
            now=monday_8 - timedelta(hours=2),
        )
    fetch_all(world)
    item.refresh_from_db()
    Preference.objects.create(
        organization=world.org,
        membership=world.ambassador,
        digest=DigestFrequency.DAILY,
        updated_at=monday_8,
    )
    digests_send_due(now=monday_8)
    [message] = [m for m in mail.outbox if "amine@acme.example" in m.to]
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert f"http://testserver{item.image_src}" in imgs(html)
    assert server.url("/cover.png") not in html


# --- Refused -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/huge.png", "too_large"),
        ("/page.png", "not_image"),
        ("/drawing.png", "not_image"),
        ("/drawing.svg", "not_image"),
        ("/missing.png", "http"),
    ],
)
def test_what_is_not_a_small_raster_image_is_refused_and_shown_to_curators(
    world: World,
    server: LocalHTTPServer,
    django_capture_on_commit_callbacks: Any,
    path: str,
    code: str,
) -> None:
    item = create_with_image(world, server.url(path), django_capture_on_commit_callbacks)
    fetch_all(world)
    image = ContentImage.objects.get(organization=world.org)
    assert image.status == ImageStatus.FAILED
    assert image.error_code == code
    assert image.data == b""
    item.refresh_from_db()
    assert item.image_src == ""
    speak_english(world.curator)
    page = world.client_for(world.curator).get(reverse("content:item_detail", args=[item.pk]))
    shown = BeautifulSoup(page.content.decode(), "html.parser").find(id="item-image")
    assert shown is not None
    assert "The image could not be fetched" in shown.get_text()
    assert shown.find("img") is None
    if code == "too_large":
        assert "too large (more than 5 MB)" in shown.get_text()
    if code == "not_image":
        assert "not a JPEG, PNG, GIF or WebP image" in shown.get_text()


class _EndlessImage(BaseHTTPRequestHandler):
    """A PNG signature followed by zeros for ever, with no Content-Length."""

    sent = 0

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"\0" * 65536
        try:
            self.wfile.write(b"\x89PNG\r\n\x1a\n")
            while type(self).sent < 1_000_000_000:
                self.wfile.write(chunk)
                type(self).sent += len(chunk)
        except OSError:
            pass  # the client stopped reading: what this test expects

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_an_endless_image_is_cut_off_at_the_size_limit(world: World, settings: Any) -> None:
    settings.AMBASSADE_IMAGE_MAX_BYTES = 1_000_000
    endless = ThreadingHTTPServer(("127.0.0.1", 0), _EndlessImage)
    endless.daemon_threads = True
    thread = threading.Thread(target=endless.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        image = ContentImage.objects.create(
            organization=world.org,
            source_url=f"http://127.0.0.1:{endless.server_address[1]}/endless.png",
            source_hash="endless",
        )
        started = time.monotonic()
        content_image_fetch(image_id=image.pk, now=timezone.now())
        assert time.monotonic() - started < 5
    finally:
        endless.shutdown()
        endless.server_close()
    image.refresh_from_db()
    assert (image.status, image.error_code) == (ImageStatus.FAILED, "too_large")
    assert image.error_params["limit"] == 1_000_000
    # It stopped reading soon after the limit, not at the end of the stream.
    assert _EndlessImage.sent < 100_000_000


def test_private_addresses_are_refused_unless_allowed(
    world: World, server: LocalHTTPServer, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AMBASSADE_FETCH_ALLOW_PRIVATE = False
    create_with_image(world, server.url("/cover.png"), django_capture_on_commit_callbacks)
    fetch_all(world)
    image = ContentImage.objects.get(organization=world.org)
    assert (image.status, image.error_code) == (ImageStatus.FAILED, "not_allowed")
    assert server.requests_to("/cover.png") == []


def test_a_passing_failure_is_tried_again_when_the_curator_saves_the_item(
    world: World,
    server: LocalHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(images, "IMAGE_TIMEOUT", 0.2)
    item = create_with_image(world, server.url("/slow.png"), django_capture_on_commit_callbacks)
    fetch_all(world)
    assert ContentImage.objects.get(organization=world.org).error_code == "timeout"
    server.route("/slow.png", body=PNG, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        item_update(
            actor=world.curator,
            item=item,
            data=data_for(world, image_url=server.url("/slow.png"), title="Titre revu"),
            now=timezone.now(),
        )
    fetch_all(world)
    item.refresh_from_db()
    assert item.image_src != ""


def test_not_an_image_is_not_fetched_again(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    item = create_with_image(world, server.url("/page.png"), django_capture_on_commit_callbacks)
    fetch_all(world)
    with django_capture_on_commit_callbacks(execute=True):
        item_update(
            actor=world.curator,
            item=item,
            data=data_for(world, image_url=server.url("/page.png"), title="Titre revu"),
            now=timezone.now(),
        )
    fetch_all(world)
    assert len(server.requests_to("/page.png")) == 1


def test_changing_or_removing_the_address_changes_the_image(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    item = create_with_image(world, server.url("/cover.png"), django_capture_on_commit_callbacks)
    fetch_all(world)
    item.refresh_from_db()
    assert item.image_src
    item_update(
        actor=world.curator, item=item, data=data_for(world, image_url=""), now=timezone.now()
    )
    item.refresh_from_db()
    assert item.image_src == ""


def test_proposals_and_the_api_get_the_image_too(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    world.org.approval_policy = "none"
    world.org.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.ambassador).post(
            reverse("content:proposal_create"),
            {
                "url": "https://energy.example/storage-prices",
                "title": "Storage prices fall again",
                "image_url": server.url("/cover.png"),
                "language": "en",
                "note": "Our clients ask about it every week.",
                "family": "market",
                "program": world.program.pk,
            },
        )
    assert response.status_code == 302
    _token, raw = api_token_create(actor=world.curator, name="Tests", now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
            "/api/v1/items",
            {
                "family": "market",
                "kind": "analysis",
                "title": "Par l'API",
                "url": "https://energy.example/api",
                "image_url": server.url("/photo.jpg"),
                "programs": [world.program.slug],
                "status": "published",
            },
            content_type="application/json",
        )
    assert response.status_code in {200, 201}, response.content
    assert DBTaskResult.objects.count() == 2
    fetch_all(world)
    proposed = ContentItem.objects.get(url="https://energy.example/storage-prices")
    by_api = ContentItem.objects.get(url="https://energy.example/api")
    assert proposed.image_src.startswith("/curation/images/")
    assert by_api.image_src.startswith("/curation/images/")
    assert proposed.image_src != by_api.image_src


# --- Feeds ---------------------------------------------------------------------------


def _feed(server: LocalHTTPServer) -> bytes:
    entries = [
        ("Batteries", "/cover.png"),
        ("Réseaux", "/page.png"),
        ("Hydrogène", "/missing.png"),
    ]
    items = "".join(
        f"<item><title>{title}</title><link>https://energy.example/{n}</link>"
        f'<guid>energy-{n}</guid><media:content url="{server.url(path)}" medium="image"/></item>'
        for n, (title, path) in enumerate(entries)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>Énergie</title><link>https://energy.example/</link>{items}</channel></rss>"
    ).encode()


def test_feed_items_get_their_images_and_a_bad_one_never_stops_ingestion(
    world: World, server: LocalHTTPServer
) -> None:
    server.route("/feed.xml", body=_feed(server), content_type="application/rss+xml")
    source = add_source(world.curator, world.program, server.url("/feed.xml"))
    now = timezone.now()
    report = feed_source_poll(source=source, now=now)
    assert report is not None
    assert report.new == 3
    assert ContentImage.objects.filter(organization=world.org, status="pending").count() == 3
    # Their tasks were lost: the periodic job fetches them a few minutes later.
    assert content_images_fetch_pending(now=now) == 0
    assert content_images_fetch_pending(now=now + timedelta(minutes=6)) == 3
    by_title = {item.title: item for item in ContentItem.objects.filter(organization=world.org)}
    assert by_title["Batteries"].image_src.startswith("/curation/images/")
    assert by_title["Réseaux"].image_src == ""
    assert by_title["Hydrogène"].image_src == ""
    failed = ContentImage.objects.filter(organization=world.org, status=ImageStatus.FAILED)
    assert sorted(failed.values_list("error_code", flat=True)) == ["http", "not_image"]


# The worker closes its database connection after a task: no wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_the_task_worker_stores_the_image(
    world: World, server: LocalHTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    item = create_with_image(world, server.url("/cover.png"), django_capture_on_commit_callbacks)
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    item.refresh_from_db()
    assert Client().get(item.image_src).content == PNG


# --- Keys ----------------------------------------------------------------------------


def test_keys_cannot_be_guessed_or_borrowed(world: World) -> None:
    ours = content_image_store(
        organization=world.org, source_url="https://a.example/1.png", data=PNG, now=timezone.now()
    )
    theirs = content_image_store(
        organization=world.other_org,
        source_url="https://b.example/2.png",
        data=PNG,
        now=timezone.now(),
    )
    assert Client().get(ours.path).status_code == 200
    _id, _sep, their_mac = image_key(theirs.pk).partition("-")
    _id, _sep, our_mac = image_key(ours.pk).partition("-")
    stranger = world.client_for(world.stranger)
    for key in (
        f"{ours.pk}-{their_mac}",  # another image's key on ours
        f"{theirs.pk}-{our_mac}",
        f"{ours.pk}-{'0' * 32}",
        f"{ours.pk}-{our_mac[:-1]}",
        f"{ours.pk}",
        str(ours.pk + 1000),
        "../../etc/passwd",
    ):
        assert stranger.get(f"/curation/images/{key}").status_code == 404, key
        assert Client().get(f"/curation/images/{key}").status_code == 404, key
    # A key made with another secret is worth nothing either.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.SECRET_KEY", "another-secret-" + "y" * 40)
        forged = image_key(ours.pk)
    assert Client().get(f"/curation/images/{forged}").status_code == 404


def test_an_image_not_stored_yet_is_not_served(world: World) -> None:
    pending = ContentImage.objects.create(
        organization=world.org, source_url="https://a.example/p.png", source_hash="p"
    )
    assert pending.path == ""
    assert Client().get(f"/curation/images/{image_key(pending.pk)}").status_code == 404


# --- Signatures and the demo ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", ""),
        (SVG, ""),
        (b'<?xml version="1.0"?>' + SVG, ""),
        (HTML, ""),
        (b"", ""),
    ],
)
def test_signatures(data: bytes, expected: str) -> None:
    assert sniff_image_type(data) == expected


def test_only_raster_images_can_be_stored_directly(world: World) -> None:
    with pytest.raises(ValidationError):
        content_image_store(
            organization=world.org,
            source_url="https://a.example/x.svg",
            data=SVG,
            now=timezone.now(),
        )


def test_the_demo_draws_its_own_pictures(world: World) -> None:
    assert sniff_image_type(banner_png((0, 0, 0), (255, 255, 255), (9, 9, 9))) == "image/png"
    pictures = demo_images_create(organization=world.org, domain="acme.example", now=timezone.now())
    assert {image.status for image in pictures.values()} == {ImageStatus.STORED}
    assert all(image.size < 20_000 for image in pictures.values())
    # Stored directly: nothing to fetch, nothing enqueued.
    assert not DBTaskResult.objects.exists()
