"""Tell people from bots and link-preview fetchers, and say why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawlerdetect import CrawlerDetect

# The fetchers that request every shared link to draw its preview card. Most are
# known to crawlerdetect too; listing them makes the reason explicit.
# Order matters where one names another ("TelegramBot (like TwitterBot)").
PREVIEW_FETCHERS: list[tuple[str, str]] = [
    ("linkedinbot", "LinkedIn preview"),
    ("facebookexternalhit", "Facebook preview"),
    ("facebookcatalog", "Facebook preview"),
    ("meta-externalagent", "Meta preview"),
    ("telegrambot", "Telegram preview"),
    ("twitterbot", "X preview"),
    ("slackbot", "Slack preview"),
    ("slack-imgproxy", "Slack preview"),
    ("whatsapp", "WhatsApp preview"),
    ("discordbot", "Discord preview"),
    ("bluesky cardyb", "Bluesky preview"),
    ("cardyb", "Bluesky preview"),
    ("mastodon/", "Mastodon preview"),
    ("pleroma", "Fediverse preview"),
    ("akkoma", "Fediverse preview"),
    ("misskey", "Fediverse preview"),
    ("skypeuripreview", "Skype preview"),
    ("microsoftpreview", "Microsoft preview"),
    ("teams/", "Microsoft Teams preview"),
    ("googledocs", "Google preview"),
    ("pinterestbot", "Pinterest preview"),
    ("redditbot", "Reddit preview"),
    ("applebot", "Apple preview"),
    ("iframely", "Iframely preview"),
    ("embedly", "Embedly preview"),
    ("xing-contenttabreceiver", "XING preview"),
    ("threads", "Threads preview"),
]

SCRIPTED = re.compile(
    r"^(curl|wget|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|java/|"
    r"okhttp|apache-httpclient|libwww-perl|node-fetch|axios|undici|httpie|postmanruntime|"
    r"ruby|php/|guzzlehttp|scrapy|headlesschrome)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    is_bot: bool
    reason: str


HUMAN = Verdict(False, "browser")


@lru_cache(maxsize=4096)
def classify_user_agent(user_agent: str) -> Verdict:
    ua = user_agent.strip()
    if not ua:
        return Verdict(True, "empty user agent")
    lowered = ua.lower()
    for needle, label in PREVIEW_FETCHERS:
        if needle in lowered:
            return Verdict(True, label)
    if SCRIPTED.match(ua) or "headlesschrome" in lowered:
        return Verdict(True, "scripted client")
    detector = CrawlerDetect()
    if detector.isCrawler(ua):
        return Verdict(True, f"crawler: {detector.getMatches()}")
    return HUMAN


def classify_request(*, method: str, user_agent: str, purpose: str = "") -> Verdict:
    """Classify one request on a tracked link: the user agent and the way it asks."""
    if method == "HEAD":
        return Verdict(True, "HEAD request")
    if purpose.lower() in {"prefetch", "preview"}:
        return Verdict(True, "prefetch")
    return classify_user_agent(user_agent)


_FAMILIES = [
    ("edg/", "Edge"),
    ("opr/", "Opera"),
    ("samsungbrowser", "Samsung Internet"),
    ("firefox", "Firefox"),
    ("chrome", "Chrome"),
    ("crios", "Chrome"),
    ("safari", "Safari"),
]


def user_agent_family(user_agent: str) -> str:
    lowered = user_agent.lower()
    for needle, family in _FAMILIES:
        if needle in lowered:
            return family
    return "Other" if lowered else ""
