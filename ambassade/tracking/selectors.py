"""Reading clicks: counts, unique visitors and per-day series.

Unique visitors are defined once, here: the distinct visitor hashes among human
clicks. The hash's salt changes every day, so one person is one visitor per
day: a reader who comes back tomorrow counts again, as in any daily-rotating,
privacy-preserving analytics.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate

from ambassade.accounts.models import Network, Organization
from ambassade.accounts.selectors import person_name
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion, ConversionKind
from ambassade.tracking.referrers import NETWORK_HOSTS

LATEST_CLICKS = 100


def human_clicks_count(prefix: str = "") -> Count:
    """Clicks by people; ``prefix`` is the path to the clicks (``"link__clicks__"``)."""
    return Count(f"{prefix}pk" if prefix else "pk", filter=Q(**{f"{prefix}is_bot": False}))


def bot_clicks_count(prefix: str = "") -> Count:
    return Count(f"{prefix}pk" if prefix else "pk", filter=Q(**{f"{prefix}is_bot": True}))


def unique_visitors_count(prefix: str = "") -> Count:
    """Distinct visitor hashes among human clicks (one person, one visitor per day)."""
    return Count(f"{prefix}visitor_hash", filter=Q(**{f"{prefix}is_bot": False}), distinct=True)


def shares_with_click_counts(shares: QuerySet[Share]) -> QuerySet[Share]:
    """Annotate ``human_clicks``, ``bot_clicks`` and ``unique_visitors``, in one query."""
    prefix = "link__clicks__"
    return shares.annotate(
        human_clicks=human_clicks_count(prefix),
        bot_clicks=bot_clicks_count(prefix),
        unique_visitors=unique_visitors_count(prefix),
    )


def organization_tz(organization: Organization) -> tzinfo:
    try:
        return zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class ClickCounts:
    human_clicks: int
    bot_clicks: int
    unique_visitors: int


@dataclass(frozen=True)
class DayClicks:
    date: date
    human_clicks: int
    bot_clicks: int
    unique_visitors: int


@dataclass(frozen=True)
class LatestClick:
    clicked_at: datetime
    referrer_host: str
    user_agent_family: str
    is_bot: bool
    bot_reason: str


@dataclass(frozen=True)
class ShareClicks:
    totals: ClickCounts
    days: list[DayClicks]
    latest: list[LatestClick]
    time_zone: str
    conversions: int = 0
    verified_at: datetime | None = None


def share_clicks(*, share: Share) -> ShareClicks:
    """Totals, a per-day series (in the organization's time zone) and the latest clicks.

    The visitor hash never leaves this function.
    """
    clicks = Click.objects.filter(organization_id=share.organization_id, link__share=share)
    totals = clicks.aggregate(
        human_clicks=human_clicks_count(),
        bot_clicks=bot_clicks_count(),
        unique_visitors=unique_visitors_count(),
    )
    tz = organization_tz(share.organization)
    per_day = (
        clicks.annotate(day=TruncDate("clicked_at", tzinfo=tz))
        .values("day")
        .annotate(
            human_clicks=human_clicks_count(),
            bot_clicks=bot_clicks_count(),
            unique_visitors=unique_visitors_count(),
        )
        .order_by("day")
    )
    latest = clicks.order_by("-clicked_at", "-id").values_list(
        "clicked_at", "referrer_host", "user_agent_family", "is_bot", "bot_reason"
    )[:LATEST_CLICKS]
    return ShareClicks(
        totals=ClickCounts(**totals),
        days=[
            DayClicks(
                date=row["day"],
                human_clicks=row["human_clicks"],
                bot_clicks=row["bot_clicks"],
                unique_visitors=row["unique_visitors"],
            )
            for row in per_day
        ],
        latest=[LatestClick(*row) for row in latest],
        time_zone=str(tz),
        conversions=counted_conversions()
        .filter(organization_id=share.organization_id, share=share)
        .count(),
        verified_at=Click.objects.filter(verified_referrer(), link__share=share, is_bot=False)
        .order_by("clicked_at")
        .values_list("clicked_at", flat=True)
        .first(),
    )


# --- conversions and verified shares ----------------------------------------------------------


def counted_conversions() -> QuerySet[Conversion]:
    """Conversions that count in the figures: not withdrawn."""
    return Conversion.objects.filter(withdrawn_at__isnull=True)


def conversions_subquery(share_ref: str = "pk") -> Coalesce:
    """The number of counted conversions of the share at ``share_ref``, as an annotation.

    A subquery rather than a join, so that it adds up with click counts without
    multiplying them.
    """
    per_share = (
        counted_conversions()
        .filter(share_id=OuterRef(share_ref))
        .order_by()
        .values("share_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(per_share, output_field=IntegerField()), 0)


def shares_with_conversions(shares: QuerySet[Share]) -> QuerySet[Share]:
    """Annotate ``conversion_count``: counted conversions of each share."""
    return shares.annotate(conversion_count=conversions_subquery())


def verified_referrer() -> Q:
    """A click whose referrer is the network its share was posted to (on Click rows)."""
    condition = Q()
    for network, hosts in NETWORK_HOSTS.items():
        condition |= Q(link__share__network=network, referrer_host__in=hosts)
    # Mastodon readers come from the ambassador's own instance, stored in lower case.
    condition |= Q(
        link__share__network=Network.MASTODON,
        link__share__social_account__mastodon_instance__gt="",
        referrer_host=F("link__share__social_account__mastodon_instance"),
    )
    return condition


def shares_with_verification(shares: QuerySet[Share]) -> QuerySet[Share]:
    """Annotate ``verified_at``: the first human click that came from the share's network.

    A share is *verified* once it has one: it was really posted where it says.
    """
    first = (
        Click.objects.filter(verified_referrer(), link__share_id=OuterRef("pk"), is_bot=False)
        .order_by("clicked_at")
        .values("clicked_at")[:1]
    )
    return shares.annotate(verified_at=Subquery(first))


@dataclass(frozen=True)
class ConversionTotal:
    kind: str
    label: str
    count: int
    # {"EUR": Decimal("1200.00")}: amounts are never added across currencies.
    values: dict[str, Decimal]


def conversion_totals(
    *, organization: Organization, program: Program | None = None, ambassador_id: int | None = None
) -> list[ConversionTotal]:
    """Counted conversions by type (and custom label), most frequent first."""
    conversions = counted_conversions().filter(organization=organization)
    if program is not None:
        conversions = conversions.filter(share__program=program)
    if ambassador_id is not None:
        conversions = conversions.filter(share__ambassador_id=ambassador_id)
    counts = conversions.values("kind", "label").annotate(count=Count("pk")).order_by()
    values = (
        conversions.filter(value__isnull=False)
        .values("kind", "label", "currency")
        .annotate(total=Sum("value"))
        .order_by()
    )
    amounts: dict[tuple[str, str], dict[str, Decimal]] = {}
    for row in values:
        amounts.setdefault((row["kind"], row["label"]), {})[row["currency"]] = row["total"]
    totals = [
        ConversionTotal(
            kind=row["kind"],
            label=row["label"]
            if row["kind"] == ConversionKind.CUSTOM and row["label"]
            else str(ConversionKind(row["kind"]).label),
            count=row["count"],
            values=amounts.get((row["kind"], row["label"]), {}),
        )
        for row in counts
    ]
    return sorted(totals, key=lambda total: (-total.count, total.label))


@dataclass(frozen=True)
class AmbassadorConversions:
    name: str
    conversions: int
    human_clicks: int


def conversions_by_ambassador(*, program: Program, limit: int = 10) -> list[AmbassadorConversions]:
    """The ambassadors whose shares of a program brought the most conversions."""
    ranked = (
        counted_conversions()
        .filter(organization_id=program.organization_id, share__program=program)
        .values("share__ambassador_id", "share__ambassador__full_name", "share__ambassador__email")
        .annotate(total=Count("pk"))
        .order_by("-total", "share__ambassador__full_name")[:limit]
    )
    rows = list(ranked)
    clicks = dict(
        Click.objects.filter(
            organization_id=program.organization_id,
            is_bot=False,
            link__share__program=program,
            link__share__ambassador_id__in=[row["share__ambassador_id"] for row in rows],
        )
        .values("link__share__ambassador_id")
        .annotate(total=Count("pk"))
        .values_list("link__share__ambassador_id", "total")
        .order_by()
    )
    return [
        AmbassadorConversions(
            name=person_name(row["share__ambassador__full_name"], row["share__ambassador__email"]),
            conversions=row["total"],
            human_clicks=clicks.get(row["share__ambassador_id"], 0),
        )
        for row in rows
    ]
