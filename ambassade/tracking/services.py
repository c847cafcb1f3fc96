"""Tracked links and click recording."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from ambassade.lib.codes import random_code
from ambassade.sharing.models import Share
from ambassade.tracking.bots import classify_request, user_agent_family
from ambassade.tracking.models import Click, DailySalt, TrackedLink

CLICK_ID_PARAM = "amb_cid"
ATTRIBUTION_PARAMS = {"utm_source", "utm_medium", "utm_campaign", "utm_content", CLICK_ID_PARAM}


def destination_for(*, url: str, network: str, campaign: str, share_id: int) -> str:
    """The item URL with the attribution parameters; its own query and fragment kept."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in ATTRIBUTION_PARAMS
    ]
    query += [
        ("utm_source", network),
        ("utm_medium", "employee_advocacy"),
        ("utm_campaign", campaign),
        ("utm_content", str(share_id)),
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def with_click_id(destination: str, click_id: str) -> str:
    """Add the click id before the fragment (a fragment must stay last)."""
    base, hash_sign, fragment = destination.partition("#")
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{CLICK_ID_PARAM}={click_id}{hash_sign}{fragment}"


def short_url(code: str) -> str:
    return f"{settings.AMBASSADE_BASE_URL}{reverse('tracking:redirect', args=[code])}"


def link_create(*, share: Share) -> TrackedLink:
    destination = destination_for(
        url=share.item.url,
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
                    code=random_code(10),
                    destination=destination,
                    plain_url=share.item.url,
                    created_at=share.created_at,
                )
        except IntegrityError:  # pragma: no cover - a 10-character collision
            continue
    raise RuntimeError("Could not draw a unique link code.")


def daily_salt(day: date) -> str:
    """Today's salt; yesterday's and older are destroyed so hashes never link across days."""
    salt = DailySalt.objects.filter(day_on=day).values_list("salt", flat=True).first()
    if salt is not None:
        return salt
    DailySalt.objects.filter(day_on__lt=day).delete()
    try:
        with transaction.atomic():
            return DailySalt.objects.create(day_on=day, salt=secrets.token_hex(32)).salt
    except IntegrityError:
        return DailySalt.objects.get(day_on=day).salt


def visitor_hash(*, salt: str, ip: str, user_agent: str) -> str:
    digest = hashlib.sha256(f"{salt}|{ip}|{user_agent}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class Redirect:
    location: str
    click: Click | None


def referrer_host(referrer: str) -> str:
    try:
        host = urlsplit(referrer).hostname or ""
    except ValueError:
        return ""
    return host.lower()[:255]


def click_record(
    *,
    link: TrackedLink,
    now: datetime,
    method: str,
    ip: str,
    user_agent: str,
    referrer: str,
    purpose: str = "",
) -> Redirect:
    """Record one request on a tracked link and say where to send it.

    HEAD requests are answered but not recorded. The IP only enters the hash.
    """
    if not link.is_attributed:
        return Redirect(location=link.plain_url, click=None)
    if method == "HEAD":
        return Redirect(location=link.destination, click=None)
    verdict = classify_request(method=method, user_agent=user_agent, purpose=purpose)
    click_id = secrets.token_hex(12)
    click = Click.objects.create(
        organization_id=link.organization_id,
        link=link,
        clicked_at=now,
        click_id=click_id,
        referrer_host=referrer_host(referrer),
        user_agent_family=user_agent_family(user_agent),
        is_bot=verdict.is_bot,
        bot_reason="" if not verdict.is_bot else verdict.reason[:100],
        visitor_hash=visitor_hash(salt=daily_salt(now.date()), ip=ip, user_agent=user_agent),
    )
    return Redirect(location=with_click_id(link.destination, click_id), click=click)
