"""The analytics endpoints: a program's KPIs, breakdowns, series, targets, wave comparison,
and one's own impact. Managers (and admins) read their organization's programs."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import get_scoped_or_404, require_role
from ambassade.analytics.comparison import wave_comparison
from ambassade.analytics.dashboard import program_dashboard
from ambassade.analytics.forms import MAX_DAYS
from ambassade.analytics.periods import month_end
from ambassade.analytics.selectors import (
    STEPS,
    ambassador_impact,
    breakdown,
    default_step,
    program_kpis,
    series,
    targets_progress,
)
from ambassade.lib.api_errors import ErrorOut
from ambassade.lib.api_inputs import Day, Text
from ambassade.programs.models import EnrolmentStatus, Program, Wave
from ambassade.tracking.selectors import organization_tz

router = Router(tags=["analytics"])

# The names of ``STEPS`` and ``BREAKDOWNS``, spelled out for the OpenAPI document.
Step = Literal["day", "week", "month"]
Dimension = Literal[
    "network",
    "wave",
    "department",
    "item",
    "ambassador",
    "family",
    "referrer_network",
    "referrer_host",
]
# A manager's program: refused for other roles, unknown slugs, or a period that is not one.
PROGRAM_ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class PeriodIn(Schema):
    start: Day | None = Field(
        None,
        description="First day (the organization's time zone); default: the 1st of this month.",
    )
    end: Day | None = Field(None, description="Last day, included; default: the end of this month.")
    step: Step | None = Field(None, description="Time series step; default: by the length.")


class KpisOut(Schema):
    start: date
    end: date
    currency: str
    shares: int
    active_ambassadors: int
    enrolled: int
    participation_rate: float | None
    human_clicks: int
    bot_clicks: int
    unique_visitors: int = Field(description="Distinct visitors per day, added up over the days.")
    clicks_per_share: float | None
    applications: int
    leads: int
    sign_ups: int
    purchases: int
    other_conversions: int
    application_rate: float | None = Field(description="Applications ÷ unique visitors.")
    potential_reach: int
    emv: Decimal = Field(
        description="Σ per network CPM ÷ 1000 × potential reach + CPC × human clicks."
    )
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


class BreakdownRowOut(Schema):
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
    ambassadors: int | None


class BreakdownOut(Schema):
    dimension: str
    label: str
    total_rows: int
    rows: list[BreakdownRowOut]


class SeriesPointOut(Schema):
    starts_on: date
    shares: int
    human_clicks: int
    unique_visitors: int
    applications: int
    leads: int
    conversions: int


class DashboardOut(Schema):
    start: date
    end: date
    step: str
    kpis: KpisOut
    series: list[SeriesPointOut]
    breakdowns: dict[str, BreakdownOut]


class TargetOut(Schema):
    target_id: int
    objective: str
    metric: str
    label: str
    current: int
    target: Decimal
    deadline_on: date
    progress: float
    projected: int
    status: str = Field(description="on_track, at_risk or off_track.")
    days_left: int


class IntervalOut(Schema):
    difference: float
    low: float
    high: float


class RateComparisonOut(Schema):
    metric: str
    label: str
    mean_a: float
    mean_b: float
    interval: IntervalOut | None
    verdict: str = Field(description="similar, better, worse or not_enough_data.")
    sentence: str


class ComparisonOut(Schema):
    label_a: str
    label_b: str
    ambassadors_a: int
    ambassadors_b: int
    active_a: int
    active_b: int
    enough_data: bool
    summary: str
    rates: list[RateComparisonOut]


class ImpactOut(Schema):
    program_slug: str
    program_name: str
    start: date
    end: date
    shares: int
    potential_reach: int
    human_clicks: int
    unique_visitors: int
    applications: int
    leads: int
    conversions: int
    series: list[SeriesPointOut]


def _program(request: HttpRequest, slug: Text) -> Program:
    membership: Membership = request.auth  # type: ignore[attr-defined]
    require_role(membership, Role.MANAGER)
    return get_scoped_or_404(
        Program.objects.select_related("organization"), membership.organization, slug=slug
    )


def _period(program_or_org: Any, period: PeriodIn) -> tuple[date, date, str]:
    today = timezone.now().astimezone(organization_tz(program_or_org.organization)).date()
    start = period.start or today.replace(day=1)
    if period.end is not None:
        end = period.end
    else:
        end = month_end(start.replace(day=1)) if period.start is None else today
    if start > end:
        raise ValidationError(_("The period ends before it starts."))
    if (end - start).days > MAX_DAYS:
        raise ValidationError(_("Choose a period of at most five years."))
    step = period.step or default_step(start, end)
    if step not in STEPS:
        raise ValidationError(_("The step is day, week or month."))
    return start, end, step


@router.get(
    "/programs/{slug}/dashboard",
    response={200: DashboardOut, **PROGRAM_ERRORS},
    summary="Everything the dashboard shows",
)
def dashboard_get(request: HttpRequest, slug: Text, period: Query[PeriodIn]) -> Any:
    program = _program(request, slug)
    start, end, step = _period(program, period)
    data = program_dashboard(program=program, start=start, end=end, step=step)
    return {
        "start": data.start,
        "end": data.end,
        "step": data.step,
        "kpis": asdict(data.kpis),
        "series": [asdict(p) for p in data.series],
        "breakdowns": {name: asdict(b) for name, b in data.breakdowns.items()},
    }


@router.get(
    "/programs/{slug}/kpis",
    response={200: KpisOut, **PROGRAM_ERRORS},
    summary="A program's KPIs for a period",
)
def kpis_get(request: HttpRequest, slug: Text, period: Query[PeriodIn]) -> Any:
    program = _program(request, slug)
    start, end, _step = _period(program, period)
    return asdict(program_kpis(program=program, start=start, end=end))


@router.get(
    "/programs/{slug}/breakdowns/{dimension}",
    response={200: BreakdownOut, **PROGRAM_ERRORS},
    summary="A program's figures by network, wave, department, item, ambassador…",
)
def breakdown_get(
    request: HttpRequest, slug: Text, dimension: Dimension, period: Query[PeriodIn]
) -> Any:
    program = _program(request, slug)
    start, end, _step = _period(program, period)
    return asdict(breakdown(program=program, start=start, end=end, dimension=dimension))


@router.get(
    "/programs/{slug}/series",
    response={200: list[SeriesPointOut], **PROGRAM_ERRORS},
    summary="Time series by day, week or month",
)
def series_get(request: HttpRequest, slug: Text, period: Query[PeriodIn]) -> Any:
    program = _program(request, slug)
    start, end, step = _period(program, period)
    return [asdict(p) for p in series(program=program, start=start, end=end, step=step)]


@router.get(
    "/programs/{slug}/targets",
    response={200: list[TargetOut], 403: ErrorOut, 404: ErrorOut},
    summary="Progress against the KPI targets",
)
def targets_get(request: HttpRequest, slug: Text) -> Any:
    program = _program(request, slug)
    today = timezone.now().astimezone(organization_tz(program.organization)).date()
    return [asdict(t) for t in targets_progress(program=program, today=today)]


@router.get(
    "/programs/{slug}/comparison",
    response={200: ComparisonOut, **PROGRAM_ERRORS},
    summary="Two waves (or a wave and the rest) compared on per-ambassador rates",
)
def comparison_get(
    request: HttpRequest,
    slug: Text,
    wave_a: int,
    period: Query[PeriodIn],
    wave_b: int | None = None,
) -> Any:
    program = _program(request, slug)
    start, end, _step = _period(program, period)
    waves = {wave.pk: wave for wave in Wave.objects.filter(program=program)}
    first = waves.get(wave_a)
    second = waves.get(wave_b) if wave_b is not None else None
    if first is None or (wave_b is not None and second is None):
        raise ValidationError(_("Choose waves of this program."))
    result = wave_comparison(program=program, wave_a=first, wave_b=second, start=start, end=end)
    return asdict(result)


@router.get(
    "/me",
    response={200: list[ImpactOut], 400: ErrorOut, 403: ErrorOut},
    summary="My impact, per program",
)
def my_impact_get(request: HttpRequest, period: Query[PeriodIn]) -> Any:
    membership: Membership = request.auth  # type: ignore[attr-defined]
    require_role(membership, Role.AMBASSADOR)
    start, end, step = _period(membership, period)
    programs = Program.objects.filter(
        organization=membership.organization,
        enrolments__membership=membership,
        enrolments__status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.LEFT],
    ).distinct()
    results = []
    for program in programs:
        impact = ambassador_impact(
            membership=membership, program=program, start=start, end=end, step=step
        )
        results.append(
            {
                "program_slug": program.slug,
                "program_name": program.name,
                "start": start,
                "end": end,
                **{
                    name: getattr(impact.totals, name)
                    for name in (
                        "shares",
                        "potential_reach",
                        "human_clicks",
                        "unique_visitors",
                        "applications",
                        "leads",
                        "conversions",
                    )
                },
                "series": [asdict(p) for p in impact.series],
            }
        )
    return results
