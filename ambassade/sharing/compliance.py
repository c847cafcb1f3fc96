"""The organization's compliance rules, checked on every share.

The rules are set by an organization admin (``Organization`` fields) and enforced
by :func:`ambassade.sharing.services.share_create`, so that the pages and the API
obey them alike. Each check returns translated messages, or raises
:class:`ShareTooSoon` for the one refusal that comes with a remedy (a later time).
"""

from __future__ import annotations

import math
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassade.accounts.models import Membership, Network, Organization, User
from ambassade.content.models import ContentItem
from ambassade.sharing.models import Share

DISCLOSURE_SEPARATOR = "\n\n"
# Inside a word: letters, digits, "_", accents and other marks, and the invisible
# characters (zero-width spaces and joiners, soft hyphens) a reader does not see.
_IN_WORD = re.compile(r"[\w\u00ad\u034f\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


class ShareTooSoon(ValidationError):
    """A colleague shared the same item on the same network moments ago."""

    def __init__(self, message: str, *, suggested_at: datetime) -> None:
        super().__init__(message, code="too_soon")
        self.suggested_at = suggested_at


def _in_word(char: str) -> bool:
    return bool(_IN_WORD.match(char)) or unicodedata.category(char)[0] == "M"


def _bare(word: str) -> str:
    """A word's letters and digits only, without accents (compatibility forms unfolded)."""
    return "".join(
        char
        for char in unicodedata.normalize("NFKD", word)
        if char.isalnum() or char == "_"  # accents, joiners and the like go
    )


def _fold(word: str) -> str:
    # Case folding may bring accents back ("İ" → "i̇"): bared again after it. The
    # Turkish dotless "ı" is an "i" without its dot, so that "KIZ" is "kız".
    return _bare(_bare(word).casefold()).replace("ı", "i")


def words(text: str) -> list[str]:
    """The words of ``text`` without case or accents: "Confidentièl" → ["confidentiel"].

    Words are cut where a reader sees them end (spaces, punctuation, symbols),
    before anything is unfolded: "coŀlegi" stays one word, although its "ŀ" is an
    "l" and a middle dot.
    """
    found: list[str] = []
    current: list[str] = []
    for char in text:
        if _in_word(char):
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return [folded for folded in map(_fold, found) if folded]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def blocked_terms(text: str, blocked: list[str]) -> list[str]:
    """The blocked words and phrases ``text`` contains, as the admin wrote them.

    Whole words only ("art" does not block "article"); a phrase matches whatever
    spaces or punctuation separate its words.
    """
    found_words = words(text)
    present = set(found_words)
    found = []
    for entry in blocked:
        needle = words(entry)
        if not needle:
            continue
        hit = needle[0] in present if len(needle) == 1 else _contains(found_words, needle)
        if hit:
            found.append(entry)
    return found


def mentions_disclosure(text: str, disclosure: str) -> bool:
    """Whether ``text`` holds the disclosure on its own, whatever its case.

    "#AcmeCorp" does not hold "#Acme": glued to a longer word, it is another tag.
    """
    pattern = rf"(?<!\w){re.escape(disclosure.casefold())}(?!\w)"
    return re.search(pattern, text.casefold()) is not None


def with_disclosure(commentary: str, disclosure: str) -> str:
    """The commentary with the required disclosure at the end, unless already written."""
    disclosure = disclosure.strip()
    if not disclosure or mentions_disclosure(commentary, disclosure):
        return commentary
    return f"{commentary}{DISCLOSURE_SEPARATOR}{disclosure}"


def person_tz(user: User) -> tzinfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def day_bounds(moment: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The first instant of ``moment``'s day in ``tz`` and of the next day."""
    day = moment.astimezone(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def shares_today(*, membership: Membership, now: datetime) -> int:
    start, end = day_bounds(now, person_tz(membership.user))
    return Share.objects.filter(
        organization_id=membership.organization_id,
        membership=membership,
        created_at__gte=start,
        created_at__lt=end,
    ).count()


def _hour_label(hour: int) -> str:
    return formats.time_format(time(hour % 24), "TIME_FORMAT")


def hours_label(organization: Organization) -> str:
    return _("from %(start)s to %(end)s") % {
        "start": _hour_label(organization.sharing_start_hour),
        "end": _hour_label(organization.sharing_end_hour),
    }


@dataclass(frozen=True)
class ShareRules:
    """What the share page tells the ambassador up front."""

    disclosure: str
    restricts_hours: bool
    hours: str
    open_now: bool
    time_zone: str
    daily_limit: int
    shares_today: int
    burst_gap_minutes: int

    @property
    def shares_left(self) -> int | None:
        if not self.daily_limit:
            return None
        return max(0, self.daily_limit - self.shares_today)

    @property
    def any(self) -> bool:
        return bool(
            self.disclosure or self.restricts_hours or self.daily_limit or self.burst_gap_minutes
        )


def share_rules(*, membership: Membership, now: datetime) -> ShareRules:
    organization = membership.organization
    local = now.astimezone(person_tz(membership.user))
    return ShareRules(
        disclosure=organization.disclosure_text.strip(),
        restricts_hours=organization.restricts_hours,
        hours=hours_label(organization),
        open_now=organization.sharing_allowed_at_hour(local.hour),
        time_zone=membership.user.time_zone,
        daily_limit=organization.daily_share_limit,
        shares_today=shares_today(membership=membership, now=now)
        if organization.daily_share_limit
        else 0,
        burst_gap_minutes=organization.burst_gap_minutes,
    )


# --- The checks ------------------------------------------------------------------------


def check_words(*, organization: Organization, commentary: str) -> list[str]:
    found = blocked_terms(commentary, organization.blocked_word_list)
    if not found:
        return []
    quoted = ", ".join(f"“{term}”" for term in found)
    return [
        ngettext(
            "Your commentary contains %(terms)s, which your organization does not allow "
            "in shares: rephrase it.",
            "Your commentary contains %(terms)s, which your organization does not allow "
            "in shares: rephrase it.",
            len(found),
        )
        % {"terms": quoted}
    ]


def check_length(*, text: str, commentary: str, disclosure: str, budget: int | None) -> list[str]:
    """``text`` is the commentary as posted, the disclosure included."""
    if budget is None or len(text) <= budget:
        return []
    if text != commentary:
        return [
            _(
                "The commentary is too long for this network once the required disclosure "
                "“%(disclosure)s” is added: %(length)d characters, %(budget)d at most."
            )
            % {"disclosure": disclosure, "length": len(text), "budget": budget}
        ]
    return [
        _("The commentary is too long for this network: %(length)d characters, %(budget)d at most.")
        % {"length": len(text), "budget": budget}
    ]


def check_hours(*, membership: Membership, moment: datetime) -> list[str]:
    organization = membership.organization
    local = moment.astimezone(person_tz(membership.user))
    if organization.sharing_allowed_at_hour(local.hour):
        return []
    return [
        _(
            "Your organization allows sharing %(hours)s only, in your time zone (%(zone)s), "
            "where it is %(now)s: schedule it for later instead."
        )
        % {
            "hours": hours_label(organization),
            "zone": membership.user.time_zone,
            "now": formats.time_format(local, "TIME_FORMAT"),
        }
    ]


def check_daily_limit(*, membership: Membership, now: datetime) -> list[str]:
    limit = membership.organization.daily_share_limit
    if not limit or shares_today(membership=membership, now=now) < limit:
        return []
    return [
        ngettext(
            "You have reached today's limit of %(limit)d share; you can share again tomorrow.",
            "You have reached today's limit of %(limit)d shares; you can share again tomorrow.",
            limit,
        )
        % {"limit": limit}
    ]


def _ceil_minute(moment: datetime) -> datetime:
    if moment.second or moment.microsecond:
        return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment


def check_burst(*, membership: Membership, item: ContentItem, network: str, now: datetime) -> None:
    """Raise :class:`ShareTooSoon` when a colleague shared the same thing moments ago."""
    gap_minutes = membership.organization.burst_gap_minutes
    if not gap_minutes:
        return
    gap = timedelta(minutes=gap_minutes)
    latest = (
        Share.objects.filter(
            organization_id=membership.organization_id,
            item=item,
            network=network,
            created_at__gt=now - gap,
            created_at__lte=now,
        )
        .exclude(membership=membership)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is None:
        return
    suggested = _ceil_minute(latest + gap)
    tz = person_tz(membership.user)
    local = suggested.astimezone(tz)
    when = (
        formats.time_format(local, "TIME_FORMAT")
        if local.date() == now.astimezone(tz).date()
        else formats.date_format(local, "SHORT_DATETIME_FORMAT")
    )
    minutes = math.floor((now - latest).total_seconds() / 60)
    network_label = dict(Network.choices).get(network, network)
    if minutes < 1:
        message = _(
            "Another colleague shared this on %(network)s just now; share it after %(time)s "
            "to spread the posts out."
        ) % {"network": network_label, "time": when}
    else:
        message = ngettext(
            "Another colleague shared this on %(network)s %(minutes)d minute ago; share it "
            "after %(time)s to spread the posts out.",
            "Another colleague shared this on %(network)s %(minutes)d minutes ago; share it "
            "after %(time)s to spread the posts out.",
            minutes,
        ) % {"network": network_label, "minutes": minutes, "time": when}
    raise ShareTooSoon(message, suggested_at=suggested)
