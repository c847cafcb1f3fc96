"""Parse RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 (feedparser) and JSON Feed 1.0/1.1 (here).

An ill-formed or mis-encoded feed keeps what can be read and says so in
``ParsedFeed.warning``; :class:`FeedError` only when nothing at all could be read.
"""

from __future__ import annotations

import calendar
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser  # type: ignore[import-untyped]
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ambassade.content.feeds.errors import FeedError

SUMMARY_MAX = 1000
TITLE_MAX = 300
JSON_TYPES = {"application/feed+json", "application/json"}
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[a-zA-Z/!?]")


@dataclass(frozen=True)
class ParsedEntry:
    title: str
    link: str
    guid: str = ""
    summary: str = ""
    image_url: str = ""
    published_at: datetime | None = None
    error: str = ""  # why this entry cannot become an item


@dataclass(frozen=True)
class ParsedFeed:
    format: str  # "rss20", "atom10", "json11"...
    title: str = ""
    language: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str = ""


def parse_feed(content: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """Read ``content`` served at ``url``; raise :class:`FeedError` when it is no feed."""
    if _looks_like_json(content, content_type):
        return parse_json_feed(content, url=url)
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = str(parsed.get("version") or "")
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(bozo, feedparser.NonXMLContentType):
        bozo = None  # a content type that is not XML (or none, from a file) loses nothing
    if not version and not parsed.entries:
        if bozo is not None and not _looks_like_html(content):
            raise FeedError("unreadable", detail=_describe_bozo(bozo))
        raise FeedError("not_a_feed")
    channel = parsed.get("feed", {})
    # Relative links resolve against the feed's address, or its site for a local file.
    base = url if url.startswith(("http://", "https://")) else str(channel.get("link", "") or "")
    entries = [_feedparser_entry(entry, base) for entry in parsed.entries]
    return ParsedFeed(
        format=version or "unknown",
        title=_clean(channel.get("title", ""))[:TITLE_MAX],
        language=_language(channel.get("language", "")),
        entries=entries,
        warning=_describe_bozo(bozo) if bozo is not None else "",
    )


def _looks_like_json(content: bytes, content_type: str) -> bool:
    if content_type.split(";")[0].strip().lower() in JSON_TYPES:
        return True
    return content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _looks_like_html(content: bytes) -> bool:
    head = content[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head


def _describe_bozo(exc: Any) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message[:500]


def _clean(value: str) -> str:
    """Plain text from a title or summary that may hold HTML or entities."""
    if not value:
        return ""
    if _TAG.search(value):
        value = strip_tags(value)
    return _SPACES.sub(" ", html.unescape(value)).strip()


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def _language(value: str) -> str:
    return value.strip().lower().replace("_", "-").split("-")[0][:8]


def _web_url(value: str, base: str) -> str:
    if not value:
        return ""
    try:
        absolute = urljoin(base, value.strip()) if base else value.strip()
        return absolute if urlsplit(absolute).scheme in {"http", "https"} else ""
    except ValueError:  # "https://[not-an-address/…": no web link, the other entries stay
        return ""


def _struct_to_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _feedparser_image(entry: Any, base: str) -> str:
    for media in entry.get("media_content", []) or []:
        medium = str(media.get("medium", "")).lower()
        kind = str(media.get("type", "")).lower()
        if (medium == "image" or kind.startswith("image/") or (not medium and not kind)) and (
            url := _web_url(str(media.get("url", "")), base)
        ):
            return url
    for enclosure in entry.get("enclosures", []) or []:
        if str(enclosure.get("type", "")).lower().startswith("image/") and (
            url := _web_url(str(enclosure.get("href", "")), base)
        ):
            return url
    for thumbnail in entry.get("media_thumbnail", []) or []:
        if url := _web_url(str(thumbnail.get("url", "")), base):
            return url
    image = entry.get("image")
    if isinstance(image, dict) and (url := _web_url(str(image.get("href", "")), base)):
        return url
    return ""


def _feedparser_entry(entry: Any, base: str) -> ParsedEntry:
    link = _web_url(str(entry.get("link", "") or ""), base)
    guid = str(entry.get("id", "") or "").strip()[:1000]
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    title = _clean(str(entry.get("title", "") or ""))
    summary_html = str(entry.get("summary", "") or "")
    if not summary_html and entry.get("content"):
        summary_html = str(entry["content"][0].get("value", ""))
    summary = _shorten(_clean(summary_html), SUMMARY_MAX)
    published = _struct_to_datetime(
        entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")
    )
    return _finish(
        ParsedEntry(
            title=title,
            link=link,
            guid=guid,
            summary=summary,
            image_url=_feedparser_image(entry, base),
            published_at=published,
        )
    )


def _finish(entry: ParsedEntry) -> ParsedEntry:
    """Fill a missing title from the summary; flag entries that cannot become items."""
    title = entry.title or _shorten(entry.summary, 120)
    error = ""
    if not entry.link:
        error = _("No web link")
    elif not title:
        error = _("No title")
    return ParsedEntry(
        title=_shorten(title, TITLE_MAX),
        link=entry.link[:2000],
        guid=entry.guid,
        summary=entry.summary,
        image_url=entry.image_url[:2000],
        published_at=entry.published_at,
        error=error,
    )


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _storable(value: Any) -> Any:
    """JSON may escape lone surrogates ("\\ud800") and NUL ("\\u0000"), which databases
    cannot store: surrogates replaced, NUL dropped."""
    if isinstance(value, str):
        text = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return text.replace("\x00", "")
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


def parse_json_feed(content: bytes, *, url: str = "") -> ParsedFeed:
    warning = ""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
        warning = "Not valid UTF-8; read as Latin-1"
    try:
        data = _storable(json.loads(text))
    except json.JSONDecodeError as exc:
        raise FeedError("unreadable", detail=f"invalid JSON ({exc.msg})") from exc
    version = _json_text(data.get("version")) if isinstance(data, dict) else ""
    if not version.startswith("https://jsonfeed.org/version/"):
        raise FeedError("not_a_feed")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("unreadable", detail="no items list")
    base = _json_text(data.get("feed_url")) or url
    entries: list[ParsedEntry] = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        link = _web_url(_json_text(item.get("url")) or _json_text(item.get("external_url")), base)
        guid = str(item.get("id", "") or "").strip()[:1000]
        summary_source = (
            _json_text(item.get("summary"))
            or _json_text(item.get("content_text"))
            or _json_text(item.get("content_html"))
        )
        image = _json_text(item.get("image")) or _json_text(item.get("banner_image"))
        if not image:
            for attachment in item.get("attachments") or []:
                if isinstance(attachment, dict) and _json_text(
                    attachment.get("mime_type")
                ).startswith("image/"):
                    image = _json_text(attachment.get("url"))
                    break
        entries.append(
            _finish(
                ParsedEntry(
                    title=_clean(_json_text(item.get("title"))),
                    link=link,
                    guid=guid,
                    summary=_shorten(_clean(summary_source), SUMMARY_MAX),
                    image_url=_web_url(image, base),
                    published_at=_json_date(item.get("date_published"))
                    or _json_date(item.get("date_modified")),
                )
            )
        )
    if skipped:
        warning = (warning + "; " if warning else "") + f"{skipped} items are not objects"
    number = version.rsplit("/", 1)[-1].replace(".", "")
    return ParsedFeed(
        format=f"json{number}",
        title=_clean(_json_text(data.get("title")))[:TITLE_MAX],
        language=_language(_json_text(data.get("language"))),
        entries=entries,
        warning=warning,
    )
