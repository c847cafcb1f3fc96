"""Markdown written by curators and managers, rendered to safe HTML.

The Markdown is converted, then the HTML is sanitized with an allow-list: no
scripts, frames, forms, styles or event-handler attributes; links to http(s) and
mailto only, opened with ``rel="noopener noreferrer nofollow"``. Images are shown
only from our own origin: a third-party image would tell its site who reads the
module (and the Content-Security-Policy blocks it), so it becomes a link to it.
"""

from __future__ import annotations

import html as html_lib
import re

import markdown  # type: ignore[import-untyped]
import nh3
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# The sanitizer writes every attribute in double quotes, escaping " and &.
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def _own_image_paths() -> tuple[str, ...]:
    """Where our images live: the stored content images and the static files (and
    no other path, so that an image cannot be made to call some other page)."""
    images = reverse("content:image", args=["0"]).removesuffix("0")
    return (images, settings.STATIC_URL or "/static/")


def is_own_image(src: str) -> bool:
    """An image address on our own origin, as a path or under AMBASSADE_BASE_URL."""
    value = src.strip()
    base = settings.AMBASSADE_BASE_URL
    if value.startswith(f"{base}/"):
        value = value[len(base) :]
    return value.startswith(_own_image_paths()) and ".." not in value


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


def _third_party_image_as_link(match: re.Match[str]) -> str:
    attributes = {
        name: html_lib.unescape(value) for name, value in _ATTRIBUTE.findall(match.group(0))
    }
    src = attributes.get("src", "")
    if not src or is_own_image(src):
        return match.group(0)
    label = attributes.get("alt") or attributes.get("title") or _("image")
    return f'<a href="{escape(src)}">{escape(label)}</a>'


def sanitize_html(html: str) -> str:
    cleaned = _clean(html)
    if "<img" not in cleaned:
        return cleaned
    # Cleaned again: the links made of third-party images get the same treatment.
    return _clean(_IMG.sub(_third_party_image_as_link, cleaned))


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to put in a page as it is."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return mark_safe(sanitize_html(html))
