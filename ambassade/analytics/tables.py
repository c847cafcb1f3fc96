"""The dashboard's tables, built once for the page and for the CSV / XLSX exports."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from ambassade.analytics.comparison import WaveComparison
from ambassade.analytics.exports import Cell, Table
from ambassade.analytics.selectors import Breakdown, ProgramKpis, SeriesPoint, TargetProgress


def _percent(value: float | None) -> float | None:
    return round(100 * value, 2) if value is not None else None


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def kpis_table(kpis: ProgramKpis, *, slug: str) -> Table:
    currency = kpis.currency
    rows: list[list[Cell]] = [
        [_("Shares"), kpis.shares],
        [_("Active ambassadors"), kpis.active_ambassadors],
        [_("Enrolled ambassadors"), kpis.enrolled],
        [_("Participation rate (%)"), _percent(kpis.participation_rate)],
        [_("Human clicks"), kpis.human_clicks],
        [_("Bot and preview clicks (excluded)"), kpis.bot_clicks],
        [_("Unique visitors"), kpis.unique_visitors],
        [_("Clicks per share"), _round(kpis.clicks_per_share)],
        [_("Job applications"), kpis.applications],
        [_("Application rate (%)"), _percent(kpis.application_rate)],
        [_("Leads"), kpis.leads],
        [_("Sign-ups"), kpis.sign_ups],
        [_("Purchases"), kpis.purchases],
        [_("Other conversions"), kpis.other_conversions],
        [_("Potential reach"), kpis.potential_reach],
        [_("Earned media value (%(currency)s)") % {"currency": currency}, kpis.emv],
        [_("Company content (% of shares)"), _round(kpis.company_share_percent)],
        [_("Rewards redeemed (%(currency)s)") % {"currency": currency}, kpis.rewards_spent],
        [_("Other costs (%(currency)s)") % {"currency": currency}, kpis.other_costs],
        [_("Budget spent (%(currency)s)") % {"currency": currency}, kpis.spent],
        [_("Cost per click (%(currency)s)") % {"currency": currency}, kpis.cost_per_click],
        [
            _("Cost per application (%(currency)s)") % {"currency": currency},
            kpis.cost_per_application,
        ],
        [_("Cost per lead (%(currency)s)") % {"currency": currency}, kpis.cost_per_lead],
    ]
    return Table(
        name=f"{slug}-kpis-{kpis.start}-{kpis.end}",
        title=_("KPIs"),
        headers=[_("KPI"), _("Value")],
        rows=rows,
    )


def status_label(status: str) -> str:
    return {"on_track": _("On track"), "at_risk": _("At risk"), "off_track": _("Off track")}[status]


def targets_table(targets: list[TargetProgress], *, slug: str, today: date) -> Table:
    return Table(
        name=f"{slug}-targets-{today}",
        title=_("Targets"),
        headers=[
            _("Objective"),
            _("KPI"),
            _("Current value"),
            _("Target"),
            _("Deadline"),
            _("Progress (%)"),
            _("Projected at the deadline"),
            _("Status"),
        ],
        rows=[
            [
                t.objective,
                t.label,
                t.current,
                t.target,
                t.deadline_on,
                t.progress_percent,
                t.projected,
                status_label(t.status),
            ]
            for t in targets
        ],
    )


def series_table(points: list[SeriesPoint], *, slug: str, step: str) -> Table:
    return Table(
        name=f"{slug}-series-{step}",
        title=_("Over time"),
        headers=[
            _("From"),
            _("Shares"),
            _("Human clicks"),
            _("Unique visitors"),
            _("Job applications"),
            _("Leads"),
            _("Conversions"),
        ],
        rows=[
            [
                p.starts_on,
                p.shares,
                p.human_clicks,
                p.unique_visitors,
                p.applications,
                p.leads,
                p.conversions,
            ]
            for p in points
        ],
    )


def breakdown_table(data: Breakdown, *, slug: str, start: date, end: date) -> Table:
    people = data.dimension in ("wave", "department")
    headers = [
        data.label,
        *([_("Active ambassadors")] if people else []),
        _("Shares"),
        _("Potential reach"),
        _("Human clicks"),
        _("Unique visitors"),
        _("Clicks per share"),
        _("Job applications"),
        _("Application rate (%)"),
        _("Leads"),
        _("Conversions"),
    ]
    return Table(
        name=f"{slug}-{data.dimension}-{start}-{end}",
        title=data.label,
        headers=headers,
        rows=[
            [
                row.label,
                *([row.ambassadors] if people else []),
                row.shares,
                row.potential_reach,
                row.human_clicks,
                row.unique_visitors,
                _round(row.clicks_per_share),
                row.applications,
                _percent(row.application_rate),
                row.leads,
                row.conversions,
            ]
            for row in data.rows
        ],
    )


def comparison_table(comparison: WaveComparison, *, slug: str) -> Table:
    return Table(
        name=f"{slug}-comparison",
        title=_("Waves compared"),
        headers=[
            _("Rate"),
            comparison.label_a,
            comparison.label_b,
            _("Difference"),
            _("95 % interval, low"),
            _("95 % interval, high"),
            _("Verdict"),
        ],
        rows=[
            [
                rate.label,
                round(rate.mean_a, 2),
                round(rate.mean_b, 2),
                round(rate.mean_b - rate.mean_a, 2),
                round(rate.interval.low, 2) if rate.interval else None,
                round(rate.interval.high, 2) if rate.interval else None,
                rate.sentence or comparison.summary,
            ]
            for rate in comparison.rates
        ],
    )
