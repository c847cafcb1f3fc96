"""A program's KPIs for any period, their breakdowns and time series, read from roll-ups.

Definitions (the same everywhere, pages, API and exports):

- shares, potential reach (the audience sizes of the accounts shared to) and
  active ambassadors (shared at least once) count shares made in the period;
- human clicks exclude bots and link-preview fetchers; unique visitors are the
  distinct visitors of each day (the visitor hash's salt changes daily) added
  up over the days, and, for a group of ambassadors, over its members;
- conversions count those that occurred in the period and are not withdrawn;
- application rate = applications ÷ unique visitors;
- EMV = Σ per network (CPM ÷ 1000 × potential reach + CPC × human clicks);
- budget spent = rewards redeemed + the other costs recorded, in the period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambassade.accounts.models import Membership, Network
from ambassade.accounts.selectors import person_name
from ambassade.analytics.models import DEFAULT_RATES, Dimension, Granularity, NetworkRate, Rollup
from ambassade.analytics.periods import covering
from ambassade.analytics.rollup import DIRECT, METRICS, OTHER
from ambassade.content.models import ContentItem, Family
from ambassade.programs.models import Enrolment, Program, ProgramCost, Wave
from ambassade.tracking.selectors import organization_tz

CENT = Decimal("0.01")

__all__ = [
    "Breakdown",
    "BreakdownRow",
    "ProgramKpis",
    "TargetProgress",
    "program_kpis",
    "targets_progress",
]


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    shares: int = 0
    potential_reach: int = 0
    human_clicks: int = 0
    bot_clicks: int = 0
    unique_visitors: int = 0
    applications: int = 0
    leads: int = 0
    sign_ups: int = 0
    purchases: int = 0
    other_conversions: int = 0

    @property
    def conversions(self) -> int:
        return (
            self.applications + self.leads + self.sign_ups + self.purchases + self.other_conversions
        )

    @property
    def clicks_per_share(self) -> float | None:
        return _ratio(self.human_clicks, self.shares)

    @property
    def application_rate(self) -> float | None:
        return _ratio(self.applications, self.unique_visitors)


def _totals(row: Mapping[str, Any]) -> Totals:
    return Totals(**{name: int(row.get(f"sum_{name}") or 0) for name in METRICS})


_SUMS = {f"sum_{name}": Sum(name) for name in METRICS}


def _rows(program: Program, start: date, end: date, dimension: str) -> QuerySet[Rollup]:
    return Rollup.objects.filter(covering(start, end), program_id=program.pk, dimension=dimension)


def grouped(
    program: Program, start: date, end: date, dimension: str
) -> list[tuple[str, int, Totals]]:
    """(key, ref_id, totals) per value of ``dimension`` over the period."""
    return [
        (row["key"], row["ref_id"], _totals(row))
        for row in _rows(program, start, end, dimension)
        .values("key", "ref_id")
        .annotate(**_SUMS)
        .order_by()
    ]


def period_totals(program: Program, start: date, end: date) -> Totals:
    rows = grouped(program, start, end, Dimension.TOTAL)
    return rows[0][2] if rows else Totals()


# --- rates, costs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    network: str
    label: str
    cpm: Decimal
    cpc: Decimal
    is_default: bool


def network_rates(*, program: Program) -> list[Rate]:
    """The CPM and CPC of every network, the manager's own or the defaults."""
    own = {rate.network: rate for rate in NetworkRate.objects.filter(program=program)}
    rates = []
    for network in Network:
        if network.value in own:
            rate = own[network.value]
            rates.append(Rate(network.value, str(network.label), rate.cpm, rate.cpc, False))
        else:
            cpm, cpc = DEFAULT_RATES[network.value]
            rates.append(Rate(network.value, str(network.label), cpm, cpc, True))
    return rates


def emv(by_network: dict[str, Totals], rates: list[Rate]) -> Decimal:
    table = {rate.network: rate for rate in rates}
    value = Decimal(0)
    for network, totals in by_network.items():
        rate = table.get(network)
        if rate is None:
            continue
        value += rate.cpm / 1000 * totals.potential_reach + rate.cpc * totals.human_clicks
    return _money(value)


def rewards_spent(*, program: Program, start: date, end: date) -> Decimal:
    """Rewards redeemed in the period, when the rewards app is installed."""
    if not apps.is_installed("ambassade.rewards"):
        return Decimal(0)
    from ambassade.rewards.selectors import rewards_spent as spent

    return Decimal(spent(program=program, start=start, end=end))


def other_costs(*, program: Program, start: date, end: date) -> Decimal:
    total = ProgramCost.objects.filter(
        program=program, spent_on__gte=start, spent_on__lte=end
    ).aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0)


# --- the KPIs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramKpis:
    start: date
    end: date
    currency: str
    shares: int
    active_ambassadors: int
    enrolled: int
    participation_rate: float | None
    human_clicks: int
    bot_clicks: int
    unique_visitors: int
    clicks_per_share: float | None
    applications: int
    leads: int
    sign_ups: int
    purchases: int
    other_conversions: int
    application_rate: float | None
    potential_reach: int
    emv: Decimal
    emv_uses_defaults: bool
    company_shares: int
    company_share_percent: float | None
    company_share_target: int
    rewards_spent: Decimal
    other_costs: Decimal
    spent: Decimal
    cost_per_click: Decimal | None
    cost_per_application: Decimal | None
    cost_per_lead: Decimal | None

    @property
    def conversions(self) -> int:
        return (
            self.applications + self.leads + self.sign_ups + self.purchases + self.other_conversions
        )


def enrolled_count(*, program: Program, start: date, end: date) -> int:
    """Ambassadors enrolled at some moment of the period (joined before its end, not left before its start)."""
    tz = organization_tz(program.organization)
    period_start = datetime.combine(start, time.min, tzinfo=tz)
    period_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return (
        Enrolment.objects.filter(program=program, joined_at__isnull=False, joined_at__lt=period_end)
        .exclude(left_at__lt=period_start)
        .count()
    )


def _cost_per(spent: Decimal, count: int) -> Decimal | None:
    return _money(spent / count) if count else None


def program_kpis(*, program: Program, start: date, end: date) -> ProgramKpis:
    """Every KPI of ``program`` over [start, end] (days of the organization's time zone)."""
    totals = period_totals(program, start, end)
    by_network = {key: t for key, _ref, t in grouped(program, start, end, Dimension.NETWORK)}
    by_family = {key: t for key, _ref, t in grouped(program, start, end, Dimension.FAMILY)}
    active = (
        _rows(program, start, end, Dimension.AMBASSADOR)
        .values("ref_id")
        .annotate(total=Sum("shares"))
        .filter(total__gt=0)
        .count()
    )
    enrolled = enrolled_count(program=program, start=start, end=end)
    rates = network_rates(program=program)
    used = {network for network, t in by_network.items() if t.potential_reach or t.human_clicks}
    rewards = rewards_spent(program=program, start=start, end=end)
    costs = other_costs(program=program, start=start, end=end)
    spent = rewards + costs
    company = by_family.get(Family.COMPANY, Totals()).shares
    return ProgramKpis(
        start=start,
        end=end,
        currency=program.budget_currency,
        shares=totals.shares,
        active_ambassadors=active,
        enrolled=enrolled,
        participation_rate=_ratio(active, enrolled),
        human_clicks=totals.human_clicks,
        bot_clicks=totals.bot_clicks,
        unique_visitors=totals.unique_visitors,
        clicks_per_share=totals.clicks_per_share,
        applications=totals.applications,
        leads=totals.leads,
        sign_ups=totals.sign_ups,
        purchases=totals.purchases,
        other_conversions=totals.other_conversions,
        application_rate=totals.application_rate,
        potential_reach=totals.potential_reach,
        emv=emv(by_network, rates),
        emv_uses_defaults=any(rate.is_default for rate in rates if rate.network in used),
        company_shares=company,
        company_share_percent=(100 * company / totals.shares) if totals.shares else None,
        company_share_target=program.company_share_target,
        rewards_spent=_money(rewards),
        other_costs=_money(costs),
        spent=_money(spent),
        cost_per_click=_cost_per(spent, totals.human_clicks),
        cost_per_application=_cost_per(spent, totals.applications),
        cost_per_lead=_cost_per(spent, totals.leads),
    )


# --- breakdowns -------------------------------------------------------------------------------

BREAKDOWNS = {
    "network": gettext_lazy("Network"),
    "wave": gettext_lazy("Wave"),
    "department": gettext_lazy("Department"),
    "item": gettext_lazy("Content item"),
    "ambassador": gettext_lazy("Ambassador"),
    "family": gettext_lazy("Company / market"),
    "referrer_network": gettext_lazy("Traffic by network"),
    "referrer_host": gettext_lazy("Traffic by referrer"),
}


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    shares: int
    potential_reach: int
    human_clicks: int
    unique_visitors: int
    applications: int
    leads: int
    conversions: int
    clicks_per_share: float | None
    application_rate: float | None
    ambassadors: int | None = None


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    rows: list[BreakdownRow]
    total_rows: int
    notes: list[str] = field(default_factory=list)


def _row(key: str, label: str, totals: Totals, ambassadors: int | None = None) -> BreakdownRow:
    return BreakdownRow(
        key=key,
        label=label,
        shares=totals.shares,
        potential_reach=totals.potential_reach,
        human_clicks=totals.human_clicks,
        unique_visitors=totals.unique_visitors,
        applications=totals.applications,
        leads=totals.leads,
        conversions=totals.conversions,
        clicks_per_share=totals.clicks_per_share,
        application_rate=totals.application_rate,
        ambassadors=ambassadors,
    )


def _add(a: Totals, b: Totals) -> Totals:
    return Totals(**{name: getattr(a, name) + getattr(b, name) for name in METRICS})


def _ranked(rows: list[BreakdownRow]) -> list[BreakdownRow]:
    return sorted(rows, key=lambda r: (-r.human_clicks, -r.shares, -r.conversions, r.label))


def _group_ambassadors(program: Program, start: date, end: date, by: str) -> list[BreakdownRow]:
    """Ambassadors' figures added up by their current wave or department, in SQL."""
    if by == "wave":
        group: Subquery = Subquery(
            Enrolment.objects.filter(
                program_id=program.pk, membership_id=OuterRef("ref_id")
            ).values("wave_id")[:1]
        )
        names = {
            str(pk): name
            for pk, name in Wave.objects.filter(program=program).values_list("pk", "name")
        }
        empty = _("No wave")
    else:
        group = Subquery(Membership.objects.filter(pk=OuterRef("ref_id")).values("department")[:1])
        names = {}
        empty = _("No department")
    sums = (
        _rows(program, start, end, Dimension.AMBASSADOR)
        .annotate(group=group)
        .values("group")
        .annotate(
            **_SUMS,
            people=Count("ref_id", distinct=True, filter=Q(shares__gt=0)),
        )
        .order_by()
    )
    merged: dict[str, tuple[Totals, int]] = {}
    for row in sums:
        key = "" if row["group"] is None else str(row["group"])
        totals, people = merged.get(key, (Totals(), 0))
        merged[key] = (_add(totals, _totals(row)), people + row["people"])
    return _ranked(
        [
            _row(key, names.get(key, key) if key else empty, totals, people)
            for key, (totals, people) in merged.items()
        ]
    )


def _top(
    program: Program, start: date, end: date, dimension: str, limit: int | None
) -> tuple[list[tuple[str, int, Totals]], int]:
    """The values of a big dimension (items, ambassadors, hosts), ranked and cut in SQL."""
    ranked = (
        _rows(program, start, end, dimension)
        .values("key", "ref_id")
        .annotate(**_SUMS)
        .order_by(*[F(name).desc() for name in ("sum_human_clicks", "sum_shares")], "key", "ref_id")
    )
    count = (
        (
            _rows(program, start, end, dimension).aggregate(n=Count("key", distinct=True))["n"]
            if dimension == Dimension.REFERRER_HOST
            else _rows(program, start, end, dimension).aggregate(n=Count("ref_id", distinct=True))[
                "n"
            ]
        )
        if limit
        else 0
    )
    rows = [
        (row["key"], row["ref_id"], _totals(row)) for row in (ranked[:limit] if limit else ranked)
    ]
    return rows, count if limit else len(rows)


def _label_for(dimension: str, key: str) -> str:
    if dimension in (Dimension.NETWORK, Dimension.REFERRER_NETWORK):
        if key == DIRECT:
            return _("Direct or unknown")
        if key == OTHER:
            return _("Other sites")
        return str(Network(key).label) if key in Network.values else key
    if dimension == Dimension.FAMILY:
        return str(Family(key).label) if key in Family.values else key
    if dimension == Dimension.REFERRER_HOST:
        return key or _("Direct or unknown")
    return key


def breakdown(
    *, program: Program, start: date, end: date, dimension: str, limit: int | None = None
) -> Breakdown:
    """The period's figures by ``dimension`` (see BREAKDOWNS), most clicked first."""
    if dimension not in BREAKDOWNS:
        raise ValueError(f"Unknown breakdown: {dimension}")
    total_rows: int | None = None
    if dimension in ("wave", "department"):
        rows = _group_ambassadors(program, start, end, dimension)
    else:
        if dimension in (Dimension.ITEM, Dimension.AMBASSADOR, Dimension.REFERRER_HOST):
            values, total_rows = _top(program, start, end, dimension, limit)
        else:
            values = grouped(program, start, end, dimension)
        if dimension == Dimension.ITEM:
            titles = dict(
                ContentItem.objects.filter(
                    organization_id=program.organization_id, pk__in=[ref for _k, ref, _t in values]
                ).values_list("pk", "title")
            )
            rows = [_row(str(ref), titles.get(ref, f"#{ref}"), t) for _k, ref, t in values]
        elif dimension == Dimension.AMBASSADOR:
            people = {
                pk: person_name(name, email)
                for pk, name, email in Membership.objects.filter(
                    organization_id=program.organization_id, pk__in=[ref for _k, ref, _t in values]
                ).values_list("pk", "user__full_name", "user__email")
            }
            rows = [_row(str(ref), people.get(ref, f"#{ref}"), t) for _k, ref, t in values]
        else:
            rows = [_row(key, _label_for(dimension, key), t) for key, _ref, t in values]
        rows = _ranked(rows)
    notes = []
    if dimension in ("wave", "department", "ambassador"):
        notes.append(_("Unique visitors of a group add up its ambassadors' visitors."))
    return Breakdown(
        dimension=dimension,
        label=str(BREAKDOWNS[dimension]),
        rows=rows[:limit] if limit else rows,
        total_rows=total_rows if total_rows is not None else len(rows),
        notes=notes,
    )


# --- time series ------------------------------------------------------------------------------

STEPS = {"day": gettext_lazy("Day"), "week": gettext_lazy("Week"), "month": gettext_lazy("Month")}


@dataclass(frozen=True)
class SeriesPoint:
    starts_on: date
    shares: int
    human_clicks: int
    unique_visitors: int
    applications: int
    leads: int
    conversions: int


def _bucket(day: date, step: str) -> date:
    if step == "week":
        return day - timedelta(days=day.weekday())
    if step == "month":
        return day.replace(day=1)
    return day


def default_step(start: date, end: date) -> str:
    days = (end - start).days + 1
    return "day" if days <= 62 else "week" if days <= 366 else "month"


def series(*, program: Program, start: date, end: date, step: str = "day") -> list[SeriesPoint]:
    """Per day, week (from Monday) or month, every bucket of the period, empty ones included."""
    if step not in STEPS:
        raise ValueError(f"Unknown step: {step}")
    daily = (
        Rollup.objects.filter(
            program_id=program.pk,
            granularity=Granularity.DAY,
            dimension=Dimension.TOTAL,
            period_on__gte=start,
            period_on__lte=end,
        )
        .values_list("period_on", *METRICS)
        .order_by("period_on")
    )
    buckets: dict[date, Totals] = {}
    day = start
    while day <= end:
        buckets.setdefault(_bucket(day, step), Totals())
        day += timedelta(days=1)
    for row in daily:
        bucket = _bucket(row[0], step)
        buckets[bucket] = _add(buckets[bucket], Totals(*row[1:]))
    return [
        SeriesPoint(
            starts_on=bucket,
            shares=t.shares,
            human_clicks=t.human_clicks,
            unique_visitors=t.unique_visitors,
            applications=t.applications,
            leads=t.leads,
            conversions=t.conversions,
        )
        for bucket, t in sorted(buckets.items())
    ]


# --- one ambassador ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Impact:
    program: Program
    totals: Totals
    series: list[SeriesPoint]


def ambassador_impact(
    *, membership: Membership, program: Program, start: date, end: date, step: str = "day"
) -> Impact:
    """One ambassador's figures in one program (from the roll-ups of their shares)."""
    rows = Rollup.objects.filter(
        covering(start, end),
        program_id=program.pk,
        dimension=Dimension.AMBASSADOR,
        ref_id=membership.pk,
    ).aggregate(**_SUMS)
    totals = _totals(rows)
    daily = Rollup.objects.filter(
        Q(granularity=Granularity.DAY, period_on__gte=start, period_on__lte=end),
        program_id=program.pk,
        dimension=Dimension.AMBASSADOR,
        ref_id=membership.pk,
    ).values_list("period_on", *METRICS)
    buckets: dict[date, Totals] = {}
    day = start
    while day <= end:
        buckets.setdefault(_bucket(day, step), Totals())
        day += timedelta(days=1)
    for row in daily:
        bucket = _bucket(row[0], step)
        buckets[bucket] = _add(buckets[bucket], Totals(*row[1:]))
    return Impact(
        program=program,
        totals=totals,
        series=[
            SeriesPoint(
                b,
                t.shares,
                t.human_clicks,
                t.unique_visitors,
                t.applications,
                t.leads,
                t.conversions,
            )
            for b, t in sorted(buckets.items())
        ],
    )


from ambassade.analytics.targets import TargetProgress, targets_progress  # noqa: E402
