"""Tell people from bots and link-preview fetchers, and say why.

Checks run from the most specific to the most general, and the first that
matches gives the reason stored with the click (auditable in the admin):

1. an empty user agent;
2. the link-preview fetchers that hit every shared link (named, so the reason
   says which network drew the card);
3. scripted HTTP clients and automated browsers;
4. the ``crawlerdetect`` patterns;
5. the shape of the user agent: every browser in use today sends
   ``Mozilla/5.0 (…)``; a robot that imitates one usually gives itself away by
   a contact address, a ``compatible;`` token that is not Internet Explorer's,
   or a word such as "monitor" or "scanner".

Measured on public lists of real user agents by ``python -m bench`` (see
``bench/user_agents.py``): the figures are in ``bench/results/user_agents.json``.
Clicks from in-app browsers (LinkedIn, Facebook, Instagram…) are people and stay so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawlerdetect.providers.crawlers import data as crawler_patterns
from crawlerdetect.providers.exclusions import data as exclusion_patterns

# The fetchers that request every shared link to draw its preview card. Most are
# known to crawlerdetect too; listing them makes the reason explicit.
# Order matters where one names another ("TelegramBot (like TwitterBot)").
PREVIEW_FETCHERS: list[tuple[str, str]] = [
    ("linkedinbot", "LinkedIn preview"),
    ("facebookexternalhit", "Facebook preview"),
    ("facebookcatalog", "Facebook preview"),
    ("meta-externalagent", "Meta preview"),
    ("meta-externalhit", "Meta preview"),
    ("telegrambot", "Telegram preview"),
    ("twitterbot", "X preview"),
    ("slackbot", "Slack preview"),
    ("slack-imgproxy", "Slack preview"),
    ("whatsapp", "WhatsApp preview"),
    ("discordbot", "Discord preview"),
    ("bluesky cardyb", "Bluesky preview"),
    ("cardyb", "Bluesky preview"),
    ("bluesky/", "Bluesky preview"),
    ("mastodon/", "Mastodon preview"),
    ("pleroma", "Fediverse preview"),
    ("akkoma", "Fediverse preview"),
    ("misskey", "Fediverse preview"),
    ("friendica", "Fediverse preview"),
    ("skypeuripreview", "Skype preview"),
    ("microsoftpreview", "Microsoft preview"),
    ("teams/", "Microsoft Teams preview"),
    ("googledocs", "Google preview"),
    ("pinterestbot", "Pinterest preview"),
    ("redditbot", "Reddit preview"),
    ("applebot", "Apple preview"),
    ("iframely", "Iframely preview"),
    ("embedly", "Embedly preview"),
    ("snapurlpreview", "Snapchat preview"),
    ("linkunfurler", "Link unfurler"),
    ("xing-contenttabreceiver", "XING preview"),
    ("threadsbot", "Threads preview"),
]

SCRIPTED = re.compile(
    r"^(curl|wget|python-requests|python-urllib|python-httpx|python/|aiohttp|go-http-client|"
    r"java/|okhttp|apache-httpclient|libwww-perl|node-fetch|node/|axios|undici|httpie|"
    r"postmanruntime|ruby|php/|guzzlehttp|scrapy|headlesschrome|dalvik/|cfnetwork/|"
    r"reqwest|got |got/|deno/|bun/|dart:io|powershell|winhttp|lwp::)",
    re.IGNORECASE,
)
AUTOMATED = re.compile(
    r"headless|selenium|playwright|puppeteer|phantomjs|webdriver|cypress|lighthouse|"
    r"chrome-lighthouse|pagespeed|slimerjs|htmlunit|\bsplash\b",
    re.IGNORECASE,
)

# crawlerdetect's own patterns, compiled once (its class keeps per-call state).
_CRAWLERS = re.compile("|".join(f"(?:{p})" for p in crawler_patterns), re.IGNORECASE)
_EXCLUSIONS = re.compile("|".join(f"(?:{p})" for p in exclusion_patterns), re.IGNORECASE)

# A browser names itself "Mozilla/…" (and very old Opera "Opera/…").
BROWSER_PREFIX = re.compile(r"^(mozilla|opera)/\d", re.IGNORECASE)
# Browsers never carry an address; robots leave one for webmasters.
CONTACT = re.compile(
    r"https?:|\+https?|\bwww\.|mailto:|@[a-z0-9-]+\.[a-z]|\[at\]|"
    r"\b[a-z0-9-]+\.(com|net|org|io|ai|co|dev|app|fr|de|uk|pl|si|ca|gov|edu|info|win|gy|ly)\b",
    re.IGNORECASE,
)
# "compatible;" is Internet Explorer's and Konqueror's; anyone else imitating is a robot.
COMPATIBLE = re.compile(r"\(compatible(?!;?\s*(?:msie|konqueror))", re.IGNORECASE)
COMPATIBLE_IE_EXTRA = re.compile(r"msie [\d.]+;.*(appinsights|monitor|check)", re.IGNORECASE)
ROBOT_WORDS = re.compile(
    r"bot\b|bot/|crawl|spider|scrap|scanner|scan\b|scan/|monitor|synthetic|checker|\bcheck\b|\btest|"
    r"audit|archiv|harvest|fetch|preview|unfurl|validator|verif|uptime|security|research|"
    r"analy[sz]er|indexer|httpclient|agent\b|agent[-/]|[a-z-]user/\d|"
    # Monitoring and testing services, by name.
    r"pingdom|datadog|newrelic|statuscake|thousandeyes|catchpoint|rigor|siteimprove|"
    r"silktide|hotjar|checkly",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    is_bot: bool
    reason: str


HUMAN = Verdict(False, "browser")


def crawler_match(user_agent: str) -> str | None:
    """What crawlerdetect recognises in the user agent, or None."""
    agent = _EXCLUSIONS.sub("", user_agent)
    if not agent.strip():
        return None
    found = _CRAWLERS.search(agent)
    return found.group(0) if found else None


@lru_cache(maxsize=8192)
def classify_user_agent(user_agent: str) -> Verdict:
    ua = user_agent.strip().strip('"').strip()
    if not ua:
        return Verdict(True, "empty user agent")
    lowered = ua.lower()
    for needle, label in PREVIEW_FETCHERS:
        if needle in lowered:
            return Verdict(True, label)
    if SCRIPTED.match(ua):
        return Verdict(True, "scripted client")
    automated = AUTOMATED.search(ua)
    if automated:
        return Verdict(True, f"automated browser: {automated.group(0)}")
    matched = crawler_match(ua)
    if matched:
        return Verdict(True, f"crawler: {matched}")
    if not BROWSER_PREFIX.match(ua):
        return Verdict(True, "not a browser")
    contact = CONTACT.search(ua)
    if contact:
        return Verdict(True, f"contact address: {contact.group(0)}")
    if COMPATIBLE.search(ua) or COMPATIBLE_IE_EXTRA.search(ua):
        return Verdict(True, "imitates a browser (compatible)")
    word = ROBOT_WORDS.search(ua)
    if word:
        return Verdict(True, f"robot word: {word.group(0)}")
    return HUMAN


def classify_request(*, method: str, user_agent: str, purpose: str = "") -> Verdict:
    """Classify one request on a tracked link: the user agent and the way it asks."""
    if method.upper() == "HEAD":
        return Verdict(True, "HEAD request")
    if purpose.strip().lower().split(";")[0] in {"prefetch", "preview", "prerender"}:
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
