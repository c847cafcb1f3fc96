"""Canonical URLs: the same article reached through different links is one article."""

from __future__ import annotations

import hashlib
import re
import string
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote_plus,
    urlencode,
    urlsplit,
    urlunsplit,
)

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "msclkid",
        "_hsenc",
        "_hsmi",
        "ref_src",
        "ref_url",
        "twclid",
        "li_fat_id",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "spm",
        "_ga",
        "_gl",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# What a path may hold as it is (RFC 3986: unreserved, sub-delimiters, ":", "@", "/").
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_PATH_TOKEN = re.compile(r"%[0-9A-Fa-f]{2}|.", re.DOTALL)


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def _normal_path(path: str) -> str:
    """The path with its percent-escapes normalised (RFC 3986, 6.2.2).

    An escaped unreserved character is the character ("%7E" is "~"); other
    escapes keep their meaning ("%2F" is no "/", "%E9" no "é") in upper case; a
    character that must be escaped is, in UTF-8, and so is a "%" that starts no
    escape. Applied twice, it changes nothing more.
    """
    normal = []
    for token in _PATH_TOKEN.findall(path):
        if len(token) == 3:
            char = chr(int(token[1:], 16))
            normal.append(char if char in _UNRESERVED else token.upper())
        elif token in _PATH_SAFE:
            normal.append(token)
        else:
            normal.append(quote(token, safe=""))
    return "".join(normal)


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # "https://[not-an-ip/…"
        return None


def canonical_url(url: str) -> str:
    """Drop tracking parameters and the fragment; normalise scheme, host, port, path, query.

    ``https://Example.com:443/a/?utm_source=x&b=2&a=1#top`` becomes
    ``https://example.com/a?a=1&b=2``. Bytes that are no UTF-8 keep their
    escapes ("caf%E9" is not "caf%E8"), and ``canonical_url`` of its own result
    gives that result again.
    """
    # Lone surrogates (a JSON feed may escape them) cannot be encoded: replaced.
    url = url.strip().encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    parts = _split(url)
    if parts is None:
        return quote(url, safe="/:@!$&'()*+,;=-._~?#[]%")
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = _normal_path(parts.path).rstrip("/") or "/"
    if not netloc:
        path = "/" + path.lstrip("/")  # without a host, "//x" would read as one
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True, errors="surrogateescape")
        if not is_tracking_parameter(name)
    )
    return urlunsplit((scheme, netloc, path, urlencode(query, errors="surrogateescape"), ""))


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def strip_tracking(url: str) -> str:
    """``url`` as published, minus its tracking parameters.

    The other parameters stay as written (order, repeats, escapes), and so does
    the fragment.
    """
    url = url.strip()
    parts = _split(url)
    if parts is None or not parts.query:
        return url
    pieces = parts.query.split("&")
    kept = [p for p in pieces if not is_tracking_parameter(unquote_plus(p.partition("=")[0]))]
    if len(kept) == len(pieces):
        return url
    return urlunsplit(parts._replace(query="&".join(kept)))
