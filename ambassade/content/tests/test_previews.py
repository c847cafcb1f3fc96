"""Link previews against real pages served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import reverse

from ambassade.content.previews import PREVIEW_MAX_BYTES, PreviewError, preview_fetch
from ambassade.lib import fetch as fetch_module
from ambassade.lib.tests.http_server import LocalHTTPServer
from conftest import World

from .helpers import speak_english

OPENGRAPH = b"""<!doctype html><html><head>
<meta property="og:title" content="La transition \xc3\xa9nerg\xc3\xa9tique en 2026">
<meta property="og:description" content="Cinq tendances   qui changent
 le march\xc3\xa9.">
<meta property="og:image" content="/img/cover.jpg">
<meta property="og:site_name" content="Les \xc3\x89chos de l'\xc3\xa9nergie">
<meta property="og:locale" content="fr_FR">
<meta property="og:url" content="https://energie.example/transition-2026">
<title>Ignored title | Site</title>
<meta name="twitter:title" content="Ignored twitter title">
</head><body><p>Texte</p></body></html>"""

TWITTER = b"""<html><head>
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="Hydrogen: the state of play">
<meta name="twitter:description" content="What changed this year.">
<meta name="twitter:image" content="https://cdn.example.com/h2.png">
</head><body></body></html>"""

JSON_LD = b"""<html><head>
<script type="application/ld+json">{ this is not json }</script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Grid Weekly"},
  {"@type": ["NewsArticle"], "headline": "Grids under pressure",
   "description": "Why operators invest now.",
   "image": [{"@type": "ImageObject", "url": "images/grid.jpg"}],
   "inLanguage": "en-GB",
   "publisher": {"@type": "Organization", "name": "Grid Weekly"},
   "mainEntityOfPage": {"@id": "https://grid.example/pressure"}}
]}
</script></head><body></body></html>"""

PLAIN = b"""<!DOCTYPE html>
<html lang="fr-FR"><head>
<title>  Le rapport annuel
 du secteur  </title>
<meta name="description" content="Tout le rapport en une page.">
<link rel="image_src" href="../media/rapport.png">
<link rel="canonical" href="/rapport-annuel">
</head><body><img src="/huge-banner.jpg"></body></html>"""

# Declared UTF-8, written in Latin-1: "Économie & marché".
MIS_ENCODED = b"<html><head><title>\xc9conomie &amp; march\xe9</title></head></html>"

UNSAFE_IMAGE = b"""<html><head><title>Unsafe</title>
<meta property="og:image" content="javascript:alert(1)">
<meta name="twitter:image" content="data:image/png;base64,AAAA">
</head></html>"""


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        yield running


def test_opengraph_page(server: LocalHTTPServer) -> None:
    server.route("/articles/og", body=OPENGRAPH)
    preview = preview_fetch(server.url("/articles/og"))
    assert preview.title == "La transition énergétique en 2026"
    assert preview.description == "Cinq tendances qui changent le marché."
    assert preview.image_url == server.url("/img/cover.jpg")
    assert preview.site_name == "Les Échos de l'énergie"
    assert preview.language == "fr"
    assert preview.canonical_url == "https://energie.example/transition-2026"


def test_twitter_card_page(server: LocalHTTPServer) -> None:
    server.route("/twitter", body=TWITTER)
    preview = preview_fetch(server.url("/twitter"))
    assert preview.title == "Hydrogen: the state of play"
    assert preview.description == "What changed this year."
    assert preview.image_url == "https://cdn.example.com/h2.png"
    assert preview.site_name == "127.0.0.1"  # no name given: the host
    assert preview.language == ""


def test_json_ld_article_survives_a_broken_block(server: LocalHTTPServer) -> None:
    server.route("/news/grid", body=JSON_LD)
    preview = preview_fetch(server.url("/news/grid"))
    assert preview.title == "Grids under pressure"
    assert preview.description == "Why operators invest now."
    assert preview.image_url == server.url("/news/images/grid.jpg")
    assert preview.site_name == "Grid Weekly"
    assert preview.language == "en"
    assert preview.canonical_url == "https://grid.example/pressure"


def test_plain_html_page(server: LocalHTTPServer) -> None:
    server.route("/reports/2026/annual", body=PLAIN)
    preview = preview_fetch(server.url("/reports/2026/annual"))
    assert preview.title == "Le rapport annuel du secteur"
    assert preview.description == "Tout le rapport en une page."
    assert preview.image_url == server.url("/reports/media/rapport.png")
    assert preview.language == "fr"
    assert preview.canonical_url == server.url("/rapport-annuel")


def test_relative_images_resolve_against_the_final_address(server: LocalHTTPServer) -> None:
    server.route("/short", status=301, location="/deep/path/article")
    server.route("/deep/path/article", body=PLAIN)
    preview = preview_fetch(server.url("/short"))
    assert preview.url == server.url("/deep/path/article")
    assert preview.image_url == server.url("/deep/media/rapport.png")


def test_mis_encoded_page_is_read_anyway(server: LocalHTTPServer) -> None:
    server.route("/latin1", body=MIS_ENCODED, content_type="text/html; charset=utf-8")
    assert preview_fetch(server.url("/latin1")).title == "Économie & marché"


def test_declared_legacy_charset_is_honoured(server: LocalHTTPServer) -> None:
    body = '<meta charset="windows-1252"><title>Prévisions – 2026</title>'.encode("cp1252")
    server.route("/cp1252", body=body, content_type="text/html")
    assert preview_fetch(server.url("/cp1252")).title == "Prévisions – 2026"


def test_only_web_images_are_kept(server: LocalHTTPServer) -> None:
    server.route("/unsafe", body=UNSAFE_IMAGE)
    preview = preview_fetch(server.url("/unsafe"))
    assert preview.title == "Unsafe"
    assert preview.image_url == ""


def test_huge_page_is_refused(server: LocalHTTPServer) -> None:
    filler = b"<p>" + b"x" * (PREVIEW_MAX_BYTES + 1000) + b"</p>"
    server.route("/huge", body=b"<html><head><title>Big</title></head><body>" + filler)
    with pytest.raises(PreviewError, match="Too large"):
        preview_fetch(server.url("/huge"))


def test_huge_page_without_length_is_cut_off(server: LocalHTTPServer) -> None:
    server.route(
        "/stream", body=b"<title>x</title>" + b"y" * (PREVIEW_MAX_BYTES * 2), no_length=True
    )
    with pytest.raises(PreviewError, match="Too large"):
        preview_fetch(server.url("/stream"))


def test_not_a_web_page(server: LocalHTTPServer) -> None:
    server.route("/file.pdf", body=b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(PreviewError, match="not a web page"):
        preview_fetch(server.url("/file.pdf"))


def test_http_error_is_reported(server: LocalHTTPServer) -> None:
    with pytest.raises(PreviewError, match="HTTP 404"):
        preview_fetch(server.url("/missing"))


@override_settings(AMBASSADE_FETCH_ALLOW_PRIVATE=False)
def test_loopback_is_refused_without_the_setting(server: LocalHTTPServer) -> None:
    server.route("/og", body=OPENGRAPH)
    with pytest.raises(PreviewError, match="Address not allowed"):
        preview_fetch(server.url("/og"))
    assert server.requests == []


@override_settings(AMBASSADE_FETCH_ALLOW_PRIVATE=False)
def test_redirect_to_loopback_is_refused(
    server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first hop stands for a public site (allowed once); its redirect to
    # 127.0.0.1 is checked like any other hop, with private addresses refused.
    answers = iter([True])
    monkeypatch.setattr(fetch_module, "_allow_private", lambda: next(answers, False))
    server.route("/public", status=302, location=server.url("/og"))
    server.route("/og", body=OPENGRAPH)
    with pytest.raises(PreviewError, match="Address not allowed"):
        preview_fetch(server.url("/public"))
    assert [r.path for r in server.requests] == ["/public"]


# The JSON endpoint the forms call


def test_preview_endpoint_for_curators_and_ambassadors(
    world: World, server: LocalHTTPServer
) -> None:
    server.route("/og", body=OPENGRAPH)
    for membership in (world.curator, world.ambassador):
        response = world.client_for(membership).get(
            reverse("content:preview"), {"url": server.url("/og")}
        )
        assert response.status_code == 200
        data = response.json()
        assert data["title"] == "La transition énergétique en 2026"
        assert data["image_url"] == server.url("/img/cover.jpg")
        assert data["language"] == "fr"


def test_preview_endpoint_reports_errors_in_the_persons_language(
    world: World, server: LocalHTTPServer
) -> None:
    speak_english(world.curator)
    client = world.client_for(world.curator)
    response = client.get(reverse("content:preview"), {"url": server.url("/missing")})
    assert response.status_code == 400
    assert response.json()["error"] == "Could not read this page: HTTP 404."
    empty = client.get(reverse("content:preview"), {"url": ""})
    assert empty.status_code == 400
    assert empty.json()["error"] == "Paste the address of a page first."
    bad = client.get(reverse("content:preview"), {"url": "ftp://files.example/x"})
    assert bad.status_code == 400


def test_preview_endpoint_refuses_other_roles(world: World, server: LocalHTTPServer) -> None:
    server.route("/og", body=OPENGRAPH)
    url = reverse("content:preview")
    assert world.client_for(world.manager).get(url, {"url": server.url("/og")}).status_code == 403
    anonymous = world.client_for(world.manager)
    anonymous.logout()
    assert anonymous.get(url, {"url": server.url("/og")}).status_code == 302
    assert server.requests == []
