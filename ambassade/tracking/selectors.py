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

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from ambassade.accounts.models import Organization
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click

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
    )
