"""Link previews: a page's title, description, image, site name and language.

Read from OpenGraph, then JSON-LD (articles), then Twitter cards, then plain HTML,
the first one that says something winning for each field. The page is fetched by
:mod:`ambassade.lib.fetch` (timeouts, a size limit, a redirect limit and no
private addresses); relative image and canonical addresses are resolved against
the address the page was finally served from, and only http(s) ones are kept.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from django.utils.translation import gettext as _

from ambassade.lib.fetch import FetchError, fetch

PREVIEW_MAX_BYTES = 2_000_000
PREVIEW_TIMEOUT = 10.0
PREVIEW_MAX_REDIRECTS = 5
TITLE_MAX = 300
DESCRIPTION_MAX = 1000
URL_MAX = 2000
HTML_TYPES = {"text/html", "application/xhtml+xml", "text/plain", ""}
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "techarticle",
    "scholarlyarticle",
    "report",
}
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


class PreviewError(Exception):
    """The page could not be previewed; ``str(error)`` is a user-facing message."""


@dataclass(frozen=True)
class Preview:
    url: str  # where the page was finally served from
    title: str = ""
    description: str = ""
    image_url: str = ""
    site_name: str = ""
    language: str = ""  # the primary language subtag, "fr" for fr-FR
    canonical_url: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def preview_fetch(url: str) -> Preview:
    """Fetch ``url`` and read its preview. Raises :class:`PreviewError`."""
    try:
        result = fetch(
            url,
            max_bytes=PREVIEW_MAX_BYTES,
            timeout=PREVIEW_TIMEOUT,
            max_redirects=PREVIEW_MAX_REDIRECTS,
            accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        )
    except FetchError as exc:
        raise PreviewError(_("Could not read this page: %(reason)s.") % {"reason": exc}) from exc
    if result.content_type not in HTML_TYPES:
        raise PreviewError(
            _("This address is not a web page (%(type)s).") % {"type": result.content_type}
        )
    return preview_parse(result.content, base_url=result.url, charset=result.charset)


def preview_parse(content: bytes, *, base_url: str, charset: str = "") -> Preview:
    """The preview of an HTML document served from ``base_url``."""
    soup = BeautifulSoup(decode_html(content, charset), "html.parser")
    metas = _meta_values(soup)
    article = _json_ld_article(soup)
    head_title = soup.title.get_text() if soup.title else ""
    html_tag = soup.find("html")
    html_lang = html_tag.get("lang") if isinstance(html_tag, Tag) else ""

    title = _first(
        metas.get("og:title"),
        _text(article.get("headline")) or _text(article.get("name")),
        metas.get("twitter:title"),
        head_title,
    )
    description = _first(
        metas.get("og:description"),
        _text(article.get("description")),
        metas.get("twitter:description"),
        metas.get("description"),
    )
    image = _first_url(
        base_url,
        metas.get("og:image"),
        metas.get("og:image:url"),
        metas.get("og:image:secure_url"),
        _json_ld_image(article.get("image")),
        metas.get("twitter:image"),
        metas.get("twitter:image:src"),
        _link_href(soup, "image_src"),
    )
    publisher = article.get("publisher")
    site_name = _first(
        metas.get("og:site_name"),
        _text(publisher.get("name")) if isinstance(publisher, dict) else "",
        metas.get("application-name"),
    )
    language = _first(
        *(
            _language(value)
            for value in (
                metas.get("og:locale"),
                _json_ld_language(article.get("inLanguage")),
                str(html_lang or ""),
                metas.get("content-language"),
            )
        )
    )
    canonical = _first_url(
        base_url,
        _link_href(soup, "canonical"),
        metas.get("og:url"),
        _json_ld_url(article),
    )
    return Preview(
        url=base_url,
        title=_shorten(title, TITLE_MAX),
        description=_shorten(description, DESCRIPTION_MAX),
        image_url=image,
        site_name=_shorten(site_name, 200) or _host(base_url),
        language=language,
        canonical_url=canonical,
    )


def decode_html(content: bytes, charset: str = "") -> str:
    """The text of a page: the declared charset if it works, else UTF-8 with stray
    bytes read as Windows-1252 (the usual mis-encoding); never an exception."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16, "utf-16")):
        if content.startswith(bom):
            return content.decode(encoding, errors="replace")
    declared = charset.strip().lower()
    if not declared:
        match = _META_CHARSET.search(content[:4096])
        declared = match.group(1).decode("ascii").lower() if match else ""
    if declared and declared not in {"utf-8", "utf8"}:
        try:
            return content.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return content.decode("utf-8", errors=_CP1252_FALLBACK)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Read the bytes that are not UTF-8 as Windows-1252, as browsers end up doing."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "ambassade-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _meta_values(soup: BeautifulSoup) -> dict[str, str]:
    """``{"og:title": …, "description": …}``: the first non-empty value of each key."""
    values: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        if not isinstance(meta, Tag):
            continue
        key = meta.get("property") or meta.get("name") or meta.get("http-equiv") or ""
        content = meta.get("content")
        if not isinstance(key, str) or not isinstance(content, str):
            continue
        key = key.strip().lower()
        text = _clean(content)
        if key and text and key not in values:
            values[key] = text
    return values


def _walk_json_ld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _walk_json_ld(child)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _walk_json_ld(node["@graph"])


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values}


def _json_ld_article(soup: BeautifulSoup) -> dict[str, Any]:
    """The first article described in the page's JSON-LD, or ``{}``."""
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        if not isinstance(script, Tag):
            continue
        try:
            data = json.loads(script.get_text(), strict=False)
        except ValueError:
            continue  # one broken block does not hide the others
        for node in _walk_json_ld(data):
            if _types(node) & ARTICLE_TYPES:
                return node
    return {}


def _json_ld_image(value: Any) -> str:
    if isinstance(value, list):
        return next((found for found in map(_json_ld_image, value) if found), "")
    if isinstance(value, dict):
        return _text(value.get("url")) or _text(value.get("contentUrl"))
    return _text(value)


def _json_ld_language(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("alternateName")) or _text(value.get("name"))
    return _text(value)


def _json_ld_url(article: dict[str, Any]) -> str:
    page = article.get("mainEntityOfPage")
    if isinstance(page, dict):
        return _text(page.get("@id")) or _text(page.get("url"))
    return _text(page) or _text(article.get("url"))


def _link_href(soup: BeautifulSoup, rel: str) -> str:
    for link in soup.find_all("link"):
        if not isinstance(link, Tag):
            continue
        value: Any = link.get("rel") or []
        rels: list[str] = list(value) if isinstance(value, list) else str(value).split()
        href = link.get("href")
        if rel in [r.lower() for r in rels] and isinstance(href, str) and href.strip():
            return href.strip()
    return ""


def _text(value: Any) -> str:
    return _clean(value) if isinstance(value, str) else ""


def _clean(value: str) -> str:
    return " ".join(value.split())


def _first(*values: str | None) -> str:
    return next((_clean(v) for v in values if v and _clean(v)), "")


def _first_url(base_url: str, *values: str | None) -> str:
    """The first candidate that is, once resolved, a usable http(s) address."""
    for value in values:
        if not value or not value.strip():
            continue
        try:
            absolute = urljoin(base_url, value.strip())
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme in {"http", "https"} and parts.hostname and len(absolute) <= URL_MAX:
            return absolute
    return ""


def _language(value: str | None) -> str:
    match = _LANGUAGE.match((value or "").strip())
    return match.group(1).lower() if match else ""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
