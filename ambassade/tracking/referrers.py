"""Which social network a click came from, by its referrer host.

Networks shorten or wrap outgoing links (t.co, lnkd.in, l.facebook.com…), and
their apps send an ``android-app://`` referrer whose host is the app's package.
Mastodon has no single host: readers come from the ambassador's own instance.
"""

from __future__ import annotations

from ambassade.accounts.models import Network

NETWORK_HOSTS: dict[str, tuple[str, ...]] = {
    Network.LINKEDIN: (
        "linkedin.com",
        "www.linkedin.com",
        "lnkd.in",
        "linkedin.android",
        "com.linkedin.android",
    ),
    Network.X: (
        "t.co",
        "x.com",
        "www.x.com",
        "twitter.com",
        "www.twitter.com",
        "mobile.twitter.com",
    ),
    Network.FACEBOOK: (
        "facebook.com",
        "www.facebook.com",
        "m.facebook.com",
        "l.facebook.com",
        "lm.facebook.com",
        "com.facebook.katana",
    ),
    Network.BLUESKY: ("bsky.app", "go.bsky.app"),
    Network.THREADS: (
        "threads.net",
        "www.threads.net",
        "l.threads.net",
        "threads.com",
        "www.threads.com",
        "l.threads.com",
    ),
    Network.WHATSAPP: ("wa.me", "web.whatsapp.com", "api.whatsapp.com", "com.whatsapp"),
    Network.XING: ("xing.com", "www.xing.com"),
}

_BY_HOST = {host: network for network, hosts in NETWORK_HOSTS.items() for host in hosts}


def normalise_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


def referrer_network(host: str, *, mastodon_instance: str = "") -> str:
    """The network a referrer host belongs to (a ``Network`` value), or "" when unknown.

    ``mastodon_instance`` is the ambassador's own Mastodon server, the only
    Mastodon host we can tell apart from any other web site.
    """
    host = normalise_host(host)
    if not host:
        return ""
    if mastodon_instance and host == normalise_host(mastodon_instance):
        return str(Network.MASTODON)
    return str(_BY_HOST.get(host, ""))


def network_hosts(network: str) -> tuple[str, ...]:
    """The referrer hosts of a network (empty for Mastodon: it depends on the share)."""
    return NETWORK_HOSTS.get(network, ())
