"""The networks' own share pages ("intents"): sharing with no API key.

Each network opens with the ambassador's own session. Where the network cannot
pre-fill the text, the share page copies the commentary to the clipboard first.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ambassade.accounts.models import Network


@dataclass(frozen=True)
class Intent:
    network: Network
    template: str
    prefills_text: bool
    max_length: int | None = None  # characters (X) or graphemes (Bluesky), link included
    link_in_text: bool = False  # the link must be part of the text itself

    def share_url(self, *, text: str, url: str, instance: str = "") -> str:
        """The network's share page for ``text`` and the tracked ``url``."""
        if self.link_in_text:
            text = f"{text} {url}".strip()
        return self.template.format(
            text=quote(text, safe=""),
            url=quote(url, safe=""),
            instance=instance or "mastodon.social",
        )


INTENTS: dict[str, Intent] = {
    intent.network.value: intent
    for intent in [
        Intent(
            Network.LINKEDIN, "https://www.linkedin.com/sharing/share-offsite/?url={url}", False
        ),
        Intent(Network.X, "https://x.com/intent/tweet?text={text}&url={url}", True, 280),
        Intent(Network.FACEBOOK, "https://www.facebook.com/sharer/sharer.php?u={url}", False),
        Intent(
            Network.BLUESKY,
            "https://bsky.app/intent/compose?text={text}",
            True,
            300,
            link_in_text=True,
        ),
        Intent(
            Network.MASTODON,
            "https://{instance}/share?text={text}",
            True,
            500,
            link_in_text=True,
        ),
        Intent(
            Network.THREADS, "https://www.threads.com/intent/post?text={text}&url={url}", True, 500
        ),
        Intent(Network.WHATSAPP, "https://api.whatsapp.com/send?text={text}%20{url}", True),
        Intent(Network.XING, "https://www.xing.com/spi/shares/new?url={url}", False),
    ]
}

# X and Mastodon count every link as 23 characters, whatever its length.
X_LINK_LENGTH = 23
MASTODON_LINK_LENGTH = 23


def intent_for(network: str) -> Intent:
    return INTENTS[network]


def tracked_link_length() -> int:
    """The length of a tracked link (``/r/<code>`` on this site's address)."""
    from ambassade.tracking.services import CODE_LENGTH, short_url

    return len(short_url("0" * CODE_LENGTH))


def text_budget(network: str) -> int | None:
    """How many characters the commentary may use: the network's limit, less the link
    and a space where the network counts the link in (X, and Bluesky and Mastodon,
    where the link is part of the text)."""
    intent = INTENTS[network]
    if intent.max_length is None:
        return None
    if intent.network == Network.X:
        return intent.max_length - X_LINK_LENGTH - 1
    if intent.network == Network.MASTODON:
        return intent.max_length - MASTODON_LINK_LENGTH - 1
    if intent.link_in_text:  # Bluesky counts the link as written
        return intent.max_length - tracked_link_length() - 1
    return intent.max_length
