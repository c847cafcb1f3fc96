"""Tracked links and click recording."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from ambassade.lib.codes import random_code
from ambassade.sharing.models import Share
from ambassade.tracking.bots import classify_request, user_agent_family
from ambassade.tracking.cache import (
    CLICK_ID_PARAM,
    LinkEntry,
    SaltCache,
    day_number,
    is_safe_destination,
)
from ambassade.tracking.models import Click, DailySalt, LinkGeneration, TrackedLink, Trigger
from ambassade.tracking.spool import ClickRow

ATTRIBUTION_PARAMS = {"utm_source", "utm_medium", "utm_campaign", "utm_content", CLICK_ID_PARAM}
CODE_LENGTH = 10  # characters of a link's code: about 59 bits


def destination_check(url: str) -> str:
    """``url`` without surrounding spaces, when a tracked link may send readers there.

    Only plain http(s) addresses that browsers read with the same host as we do
    (``cache.is_safe_destination``); anything else would make the redirector an
    open redirect, or send readers elsewhere than the item shows.
    """
    url = url.strip()
    if not is_safe_destination(url):
        raise ValidationError(
            _(
                "This item's address cannot be used for a tracked link: it must be a plain "
                "web address starting with http:// or https://, without spaces or credentials."
            ),
            code="unsafe_destination",
        )
    return url


def destination_for(*, url: str, network: str, campaign: str, share_id: int) -> str:
    """The item URL with the attribution parameters; its own query and fragment kept.

    The item's own parameters stay as they are, byte for byte, in their order and
    with their repeats (a server may read "a=1&a=2" or "caf%E9" its own way);
    only earlier attribution parameters are dropped, so that each is there once,
    after them. The click id (``amb_cid``) is added last, at each redirect.
    """
    parts = urlsplit(url)
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and unquote_plus(piece.partition("=")[0]) not in ATTRIBUTION_PARAMS
    ]
    attribution = urlencode(
        [
            ("utm_source", network),
            ("utm_medium", "employee_advocacy"),
            ("utm_campaign", campaign),
            ("utm_content", str(share_id)),
        ]
    )
    query = "&".join([*kept, attribution])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def with_click_id(destination: str, click_id: str) -> str:
    """Add the click id before the fragment (a fragment must stay last)."""
    base, hash_sign, fragment = destination.partition("#")
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{CLICK_ID_PARAM}={click_id}{hash_sign}{fragment}"


def short_url(code: str) -> str:
    return f"{settings.AMBASSADE_BASE_URL}{reverse('tracking:redirect', args=[code])}"


def link_create(*, share: Share) -> TrackedLink:
    """The share's tracked link; ValidationError when the item's address is not safe to send to."""
    url = destination_check(share.item.url)
    destination = destination_for(
        url=url,
        network=share.network,
        campaign=share.program.slug,
        share_id=share.pk,
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(
                    organization_id=share.organization_id,
                    share=share,
                    code=random_code(CODE_LENGTH),
                    destination=destination,
                    plain_url=url,
                    created_at=share.created_at,
                )
        except IntegrityError:  # pragma: no cover - a 10-character collision
            continue
    raise RuntimeError("Could not draw a unique link code.")


def daily_salt(day: date, *, destroy_before: date | None = None) -> str:
    """The salt of ``day``, created by whoever asks first; older salts are destroyed.

    Salts of days before ``destroy_before`` (by default ``day``) are deleted, so
    that hashes never link across days. The redirector fetches tomorrow's salt
    ahead of midnight with ``destroy_before`` set to today.
    """
    salt = DailySalt.objects.filter(day_on=day).values_list("salt", flat=True).first()
    if salt is not None:
        return salt
    DailySalt.objects.filter(day_on__lt=destroy_before or day).delete()
    try:
        with transaction.atomic():
            return DailySalt.objects.create(day_on=day, salt=secrets.token_hex(32)).salt
    except IntegrityError:
        return DailySalt.objects.get(day_on=day).salt


def _links_generation_bump() -> None:
    if not LinkGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                LinkGeneration.objects.create(pk=1, value=1)
        except IntegrityError:
            LinkGeneration.objects.filter(pk=1).update(value=F("value") + 1)


def links_changed() -> None:
    """Tell every redirector process to reread its links (see ``ambassade.tracking.cache``).

    Called after any change to a link's activity, attribution or destination;
    inside a transaction it takes effect when the transaction commits, once
    however many links changed in it.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _links_generation_bump for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_links_generation_bump)


def visitor_hash(*, salt: str, ip: str, user_agent: str) -> str:
    digest = hashlib.sha256(f"{salt}|{ip}|{user_agent}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class Redirect:
    location: str
    click: ClickRow | None


@dataclass(frozen=True)
class ClickRecorded:
    location: str
    click: Click | None


@lru_cache(maxsize=4096)
def referrer_host(referrer: str) -> str:
    try:
        host = urlsplit(referrer).hostname or ""
    except ValueError:
        return ""
    return host.lower()[:255]


_family = lru_cache(maxsize=4096)(user_agent_family)


_LINK, _QR = Trigger.LINK.value, Trigger.QR.value


def click_trigger(query_string: str) -> str:
    """How the reader came: ``?via=qr`` marks a scan of the link's QR code."""
    if "via=" not in query_string:
        return _LINK
    via = [v for k, v in parse_qsl(query_string, keep_blank_values=True) if k == "via"]
    return _QR if via and via[-1] == _QR else _LINK


def click_prepare(
    *,
    link: LinkEntry,
    now: float,
    method: str,
    ip: str,
    user_agent: str,
    referrer: str,
    purpose: str,
    query_string: str,
    salt_for: Callable[[int], str],
) -> Redirect:
    """Where to send one request on a live link, and the click to record (None: nothing to record).

    The one place that decides, for the lean WSGI redirector and the Django view
    alike. HEAD requests are answered but not recorded; links whose attribution
    stopped send to the plain page unrecorded. The IP only enters the hash.
    ``now`` is seconds since the epoch; ``salt_for`` gives the salt of a day number.
    """
    if not link.is_attributed:
        return Redirect(location=link.plain_url, click=None)
    if method == "HEAD":
        return Redirect(location=link.destination, click=None)
    verdict = classify_request(method=method, user_agent=user_agent, purpose=purpose)
    click_id = os.urandom(12).hex()
    click = ClickRow(
        click_id=click_id,
        link_id=link.id,
        organization_id=link.organization_id,
        clicked_at=now,
        referrer_host=referrer_host(referrer) if referrer else "",
        user_agent_family=_family(user_agent),
        is_bot=verdict.is_bot,
        bot_reason=verdict.reason[:100] if verdict.is_bot else "",
        trigger=click_trigger(query_string),
        visitor_hash=visitor_hash(salt=salt_for(day_number(now)), ip=ip, user_agent=user_agent),
    )
    return Redirect(location=link.location(click_id), click=click)


def click_record(
    *,
    link: TrackedLink,
    now: datetime,
    method: str,
    ip: str,
    user_agent: str,
    referrer: str,
    purpose: str = "",
    query_string: str = "",
) -> ClickRecorded:
    """Record one request on a tracked link at once, in the database; say where to send it.

    For scripts and tests; the redirector goes through ``fastpath.Redirector``,
    which shares ``click_prepare`` and spools its clicks.
    """
    from ambassade.tracking.ingest import clicks_insert

    entry = LinkEntry.build(
        id=link.pk,
        organization_id=link.organization_id,
        is_attributed=link.is_attributed,
        destination=link.destination,
        plain_url=link.plain_url,
    )
    if entry is None:
        raise ValueError(f"Link {link} does not point to an http(s) address.")
    outcome = click_prepare(
        link=entry,
        now=now.timestamp(),
        method=method,
        ip=ip,
        user_agent=user_agent,
        referrer=referrer,
        purpose=purpose,
        query_string=query_string,
        salt_for=SaltCache(cached=False).salt,
    )
    if outcome.click is None:
        return ClickRecorded(location=outcome.location, click=None)
    clicks_insert([outcome.click])
    return ClickRecorded(
        location=outcome.location, click=Click.objects.get(click_id=outcome.click.click_id)
    )
