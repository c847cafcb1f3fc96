"""Computing a program's daily roll-up rows from the raw shares, clicks and conversions.

Everything is grouped by the day of the organization's time zone. One query per
dimension for clicks, because distinct visitors cannot be added up from a finer
grouping; shares and conversions are fetched once at the finest grain and
added up here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, cast

from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from ambassade.accounts.models import Network
from ambassade.analytics.models import Dimension, Granularity, Rollup
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, ConversionKind
from ambassade.tracking.referrers import NETWORK_HOSTS
from ambassade.tracking.selectors import counted_conversions, organization_tz

CHUNK_DAYS = 31
DIRECT = "direct"
OTHER = "other"
METRICS = (
    "shares",
    "potential_reach",
    "human_clicks",
    "bot_clicks",
    "unique_visitors",
    "applications",
    "leads",
    "sign_ups",
    "purchases",
    "other_conversions",
)
CONVERSION_COLUMN: dict[str, str] = {
    ConversionKind.JOB_APPLICATION: "applications",
    ConversionKind.LEAD: "leads",
    ConversionKind.SIGN_UP: "sign_ups",
    ConversionKind.PURCHASE: "purchases",
}

RowKey = tuple[date, str, str, int]  # day, dimension, key, ref_id


def day_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def referrer_network_expression(prefix: str = "") -> Expression:
    """SQL for ``referrers.referrer_network`` on click rows: a network, "direct" or "other"."""
    host = f"{prefix}referrer_host"
    whens = [
        When(Q(**{host: ""}), then=Value(DIRECT)),
        When(
            Q(**{f"{prefix}link__share__network": Network.MASTODON})
            & Q(**{host: F(f"{prefix}link__share__social_account__mastodon_instance")}),
            then=Value(str(Network.MASTODON)),
        ),
    ]
    whens += [
        When(Q(**{f"{host}__in": hosts}), then=Value(str(network)))
        for network, hosts in NETWORK_HOSTS.items()
    ]
    return Case(*whens, default=Value(OTHER), output_field=CharField())


def _chunks(days: Iterable[date]) -> list[tuple[date, date]]:
    """Contiguous runs of days, each at most CHUNK_DAYS long."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if (
            runs
            and day == runs[-1][1] + timedelta(days=1)
            and (day - runs[-1][0]).days < CHUNK_DAYS
        ):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


# (dimension, what to group click rows by, what gives the key, what gives the ref_id)
_CLICK_DIMENSIONS: tuple[tuple[str, str | None, bool], ...] = (
    (Dimension.TOTAL, None, False),
    (Dimension.NETWORK, "link__share__network", False),
    (Dimension.ITEM, "link__share__item_id", True),
    (Dimension.AMBASSADOR, "link__share__membership_id", True),
    (Dimension.FAMILY, "link__share__item__family", False),
    (Dimension.REFERRER_NETWORK, "refnet", False),
    (Dimension.REFERRER_HOST, "referrer_host", False),
)


def _add(acc: dict[RowKey, dict[str, int]], key: RowKey, **values: int) -> None:
    row = acc[key]
    for name, value in values.items():
        row[name] = row.get(name, 0) + int(value or 0)


def _share_rows(
    acc: dict[RowKey, dict[str, int]], program: Program, tz: tzinfo, first: date, last: date
) -> None:
    shares = (
        Share.objects.filter(
            organization_id=program.organization_id,
            program=program,
            created_at__gte=day_start(first, tz),
            created_at__lt=day_start(last + timedelta(days=1), tz),
        )
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "network", "item_id", "item__family", "membership_id")
        .annotate(n=Count("pk"), reach=Coalesce(Sum("social_account__audience_size"), 0))
        .order_by()
    )
    for row in shares:
        day = row["day"]
        values = {"shares": row["n"], "potential_reach": row["reach"]}
        _add(acc, (day, Dimension.TOTAL, "", 0), **values)
        _add(acc, (day, Dimension.NETWORK, row["network"], 0), **values)
        _add(acc, (day, Dimension.ITEM, "", row["item_id"]), **values)
        _add(acc, (day, Dimension.AMBASSADOR, "", row["membership_id"]), **values)
        _add(acc, (day, Dimension.FAMILY, row["item__family"], 0), **values)


def _click_rows(
    acc: dict[RowKey, dict[str, int]], program: Program, tz: tzinfo, first: date, last: date
) -> None:
    base = Click.objects.filter(
        organization_id=program.organization_id,
        link__share__program_id=program.pk,
        clicked_at__gte=day_start(first, tz),
        clicked_at__lt=day_start(last + timedelta(days=1), tz),
    ).annotate(day=TruncDate("clicked_at", tzinfo=tz))
    counts: dict[str, Any] = {
        "human": Count("pk", filter=Q(is_bot=False)),
        "bot": Count("pk", filter=Q(is_bot=True)),
        "uv": Count("visitor_hash", filter=Q(is_bot=False), distinct=True),
    }
    for dimension, field, is_ref in _CLICK_DIMENSIONS:
        queryset = base
        if field == "refnet":
            queryset = queryset.annotate(refnet=referrer_network_expression())
        grouped = (
            (queryset.values("day", field) if field else queryset.values("day"))
            .annotate(**counts)
            .order_by()
        )
        for row in cast("Iterable[dict[str, Any]]", grouped):
            value = row[field] if field else ""
            key: RowKey = (
                (row["day"], dimension, "", int(value))
                if is_ref
                else (row["day"], dimension, str(value), 0)
            )
            _add(
                acc,
                key,
                human_clicks=row["human"],
                bot_clicks=row["bot"],
                unique_visitors=row["uv"],
            )


def _conversion_rows(
    acc: dict[RowKey, dict[str, int]], program: Program, tz: tzinfo, first: date, last: date
) -> None:
    conversions = (
        counted_conversions()
        .filter(
            organization_id=program.organization_id,
            share__program_id=program.pk,
            occurred_at__gte=day_start(first, tz),
            occurred_at__lt=day_start(last + timedelta(days=1), tz),
        )
        .annotate(
            day=TruncDate("occurred_at", tzinfo=tz),
            refnet=referrer_network_expression("click__"),
        )
        .values(
            "day",
            "kind",
            "share__network",
            "share__item_id",
            "share__item__family",
            "share__membership_id",
            "click__referrer_host",
            "refnet",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in cast("Iterable[dict[str, Any]]", conversions):
        column = CONVERSION_COLUMN.get(row["kind"], "other_conversions")
        day, n = row["day"], row["n"]
        for key in (
            (day, Dimension.TOTAL, "", 0),
            (day, Dimension.NETWORK, row["share__network"], 0),
            (day, Dimension.ITEM, "", row["share__item_id"]),
            (day, Dimension.AMBASSADOR, "", row["share__membership_id"]),
            (day, Dimension.FAMILY, row["share__item__family"], 0),
            (day, Dimension.REFERRER_NETWORK, row["refnet"], 0),
            (day, Dimension.REFERRER_HOST, row["click__referrer_host"], 0),
        ):
            _add(acc, key, **{column: n})


def daily_rows(*, program: Program, days: Iterable[date]) -> list[Rollup]:
    """The daily roll-up rows of ``program`` on ``days``, computed from raw data (unsaved)."""
    tz = organization_tz(program.organization)
    wanted = set(days)
    rows: list[Rollup] = []
    for first, last in _chunks(wanted):
        acc: dict[RowKey, dict[str, int]] = defaultdict(dict)
        _share_rows(acc, program, tz, first, last)
        _click_rows(acc, program, tz, first, last)
        _conversion_rows(acc, program, tz, first, last)
        for (day, dimension, key, ref_id), values in acc.items():
            if day not in wanted:
                continue
            rows.append(
                Rollup(
                    organization_id=program.organization_id,
                    program_id=program.pk,
                    granularity=Granularity.DAY,
                    period_on=day,
                    dimension=dimension,
                    key=key[:255],
                    ref_id=ref_id,
                    **values,
                )
            )
    return rows


def month_rows(*, program: Program, month: date) -> list[Rollup]:
    """The monthly rows of ``program`` for ``month``: the sums of its daily rows (unsaved)."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    sums = (
        Rollup.objects.filter(
            program=program,
            granularity=Granularity.DAY,
            period_on__gte=month,
            period_on__lt=following,
        )
        .values("dimension", "key", "ref_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in METRICS})
        .order_by()
    )
    return [
        Rollup(
            organization_id=program.organization_id,
            program_id=program.pk,
            granularity=Granularity.MONTH,
            period_on=month,
            dimension=row["dimension"],
            key=row["key"],
            ref_id=row["ref_id"],
            **{name: row[f"sum_{name}"] or 0 for name in METRICS},
        )
        for row in cast("Iterable[dict[str, Any]]", sums)
    ]
