"""Content-Security-Policy and the other security headers, on every page.

The browser test (tests/test_e2e_csp.py) shows that real pages raise no violation;
these tests keep the templates free of what the policy refuses.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

from conftest import World

ROOT = Path(__file__).resolve().parent.parent
# E-mails are not pages: they are shown under a policy of their own (ambassade.lib.security_headers).
EMAILS = ROOT / "templates" / "newsletter" / "email"

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def _page_templates() -> list[Path]:
    folders = [ROOT / "templates", *sorted((ROOT / "ambassade").glob("*/templates"))]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*.html")
        if not path.is_relative_to(EMAILS)
    )


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_templates_keep_no_inline_script_handler_or_style() -> None:
    templates = _page_templates()
    assert len(templates) > 50
    offenders = []
    for path in templates:
        text = path.read_text()
        for name, pattern in [
            ("inline script", INLINE_SCRIPT),
            ("event handler", EVENT_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
            ("style element", STYLE_ELEMENT),
            ("javascript: URL", JAVASCRIPT_URL),
        ]:
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_the_policy_is_strict_on_every_page(world: World) -> None:
    for response in [
        Client().get(reverse("accounts:login")),
        world.client_for(world.ambassador).get(reverse("sharing:feed")),
    ]:
        assert response.status_code == 200
        directives = policy(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]  # no nonce where nothing uses it
        assert directives["img-src"] == ["'self'", "data:"]
        assert directives["connect-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["form-action"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]


def test_other_security_headers(world: World) -> None:
    response = world.client_for(world.ambassador).get(reverse("sharing:feed"))
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_chart_styles_carry_the_pages_nonce_and_nothing_else_is_inline(world: World) -> None:
    response = world.client_for(world.manager).get(
        reverse("analytics:program_dashboard", args=[world.program.slug])
    )
    assert response.status_code == 200
    page = response.content.decode()
    nonces = [value for value in policy(response)["style-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    styles = re.findall(r"<style\b[^>]*>", page)
    assert len(styles) == 3  # the three charts
    assert all(f'nonce="{nonce}"' in tag for tag in styles)
    assert not STYLE_ATTRIBUTE.search(page)
    assert not INLINE_SCRIPT.search(page)


def test_two_requests_get_two_nonces(world: World) -> None:
    client = world.client_for(world.manager)
    url = reverse("analytics:program_dashboard", args=[world.program.slug])
    first = policy(client.get(url))["style-src"]
    second = policy(client.get(url))["style-src"]
    assert first != second


def test_the_api_docs_page_runs_no_inline_script(world: World) -> None:
    response = world.client_for(world.admin).get(reverse("api:openapi-view"))
    assert response.status_code == 200
    assert not INLINE_SCRIPT.search(response.content.decode())
    assert policy(response)["script-src"] == ["'self'"]
