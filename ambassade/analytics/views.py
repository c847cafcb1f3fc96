"""Dashboard pages: the manager's program dashboard and settings, the ambassador's impact."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, org_view
from ambassade.analytics import charts, exports, services, tables
from ambassade.analytics.comparison import WaveComparison, wave_comparison
from ambassade.analytics.dashboard import program_dashboard
from ambassade.analytics.forms import CostForm, PeriodForm, RatesForm
from ambassade.analytics.periods import Period
from ambassade.analytics.selectors import (
    BREAKDOWNS,
    ambassador_impact,
    breakdown,
    network_rates,
    program_kpis,
    series,
    targets_progress,
)
from ambassade.audit.services import export_record
from ambassade.lib.security_headers import csp_nonce
from ambassade.programs.models import EnrolmentStatus, Program, ProgramCost, Wave
from ambassade.programs.selectors import program_get, program_list
from ambassade.tracking.selectors import organization_tz

TABLES = ("kpis", "targets", "series", "comparison", *BREAKDOWNS)


def today_for(program_or_request: Program | OrgRequest) -> date:
    organization = program_or_request.organization
    return timezone.now().astimezone(organization_tz(organization)).date()


def _period(request: OrgRequest, program: Program) -> tuple[PeriodForm, Period, str]:
    form = PeriodForm(request.GET or None)
    period, step = form.period(today=today_for(program), program_start=program.starts_on)
    return form, period, step


def _waves(request: OrgRequest, program: Program) -> tuple[Wave | None, Wave | None, list[Wave]]:
    """The two groups compared: ?wave_a=&wave_b= (empty b: the rest), the first two waves by default."""
    waves = list(program.waves.order_by("starts_on", "id"))
    by_id = {str(wave.pk): wave for wave in waves}
    wave_a = by_id.get(request.GET.get("wave_a", ""))
    if "wave_b" in request.GET:
        wave_b = by_id.get(request.GET["wave_b"])
    else:
        wave_b = waves[1] if len(waves) > 1 else None
    if wave_a is None:
        wave_a = waves[0] if waves else None
    if wave_b is not None and wave_a is not None and wave_b.pk == wave_a.pk:
        wave_b = None
    return wave_a, wave_b, waves


def _comparison(request: OrgRequest, program: Program, period: Period) -> WaveComparison | None:
    wave_a, wave_b, _waves_list = _waves(request, program)
    if wave_a is None:
        return None
    return wave_comparison(
        program=program, wave_a=wave_a, wave_b=wave_b, start=period.start, end=period.end
    )


@org_view(Role.MANAGER)
def index(request: OrgRequest) -> HttpResponse:
    programs = list(program_list(organization=request.organization))
    if len(programs) == 1:
        return redirect("analytics:program_dashboard", slug=programs[0].slug)
    return render(request, "analytics/index.html", {"programs": programs})


@org_view(Role.MANAGER)
def program_dashboard_view(request: OrgRequest, slug: str) -> HttpResponse:
    program = program_get(organization=request.organization, slug=slug)
    form, period, step = _period(request, program)
    data = program_dashboard(program=program, start=period.start, end=period.end, step=step)
    today = today_for(program)
    wave_a, wave_b, waves = _waves(request, program)
    comparison = _comparison(request, program, period)
    titles = {
        "human_clicks": _("Human clicks"),
        "unique_visitors": _("Unique visitors"),
        "shares": _("Shares (right axis)"),
        "conversions": _("Conversions (right axis)"),
    }
    breakdowns = data.breakdowns
    return render(
        request,
        "analytics/dashboard.html",
        {
            "program": program,
            "form": form,
            "period": period,
            "step": step,
            "query": request.GET.urlencode(),
            "data": data,
            "kpis": data.kpis,
            "targets": targets_progress(program=program, today=today),
            "comparison": comparison,
            "waves": waves,
            "wave_a": wave_a,
            "wave_b": wave_b,
            "series_svg": charts.series_chart(
                data.series, step=step, titles=titles, nonce=csp_nonce(request)
            ),
            "network_svg": charts.bar_chart(
                breakdowns["referrer_network"].rows,
                metric="human_clicks",
                title=_("Human clicks"),
                nonce=csp_nonce(request),
            ),
            "family_svg": charts.pie_chart(
                breakdowns["family"].rows, metric="shares", nonce=csp_nonce(request)
            ),
            "breakdown_list": [
                breakdowns[name]
                for name in (
                    "network",
                    "referrer_network",
                    "wave",
                    "department",
                    "item",
                    "ambassador",
                    "referrer_host",
                    "family",
                )
            ],
            "rates": network_rates(program=program),
        },
    )


def _table(request: OrgRequest, program: Program, name: str) -> exports.Table:
    _form, period, step = _period(request, program)
    if name == "kpis":
        return tables.kpis_table(
            program_kpis(program=program, start=period.start, end=period.end), slug=program.slug
        )
    if name == "targets":
        today = today_for(program)
        return tables.targets_table(
            targets_progress(program=program, today=today), slug=program.slug, today=today
        )
    if name == "series":
        return tables.series_table(
            series(program=program, start=period.start, end=period.end, step=step),
            slug=program.slug,
            step=step,
        )
    if name == "comparison":
        comparison = _comparison(request, program, period)
        if comparison is None:
            raise Http404(_("This program has no wave to compare."))
        return tables.comparison_table(comparison, slug=program.slug)
    return tables.breakdown_table(
        breakdown(program=program, start=period.start, end=period.end, dimension=name),
        slug=program.slug,
        start=period.start,
        end=period.end,
    )


@org_view(Role.MANAGER)
def export(request: OrgRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES or fmt not in exports.FORMATS:
        raise Http404(_("Not found."))
    program = program_get(organization=request.organization, slug=slug)
    data = _table(request, program, table)
    export_record(actor=request.membership, table=table, fmt=fmt, now=timezone.now(), obj=program)
    return exports.response(data, fmt)


@org_view(Role.MANAGER)
def program_settings(request: OrgRequest, slug: str) -> HttpResponse:
    """The manager's CPM / CPC per network and the costs besides rewards."""
    program = program_get(organization=request.organization, slug=slug)
    rates = network_rates(program=program)
    rates_form = RatesForm(
        request.POST if request.POST.get("form") == "rates" else None, rates=rates
    )
    cost_form = CostForm(
        request.POST if request.POST.get("form") == "cost" else None,
        initial={"currency": program.budget_currency, "spent_on": today_for(program)},
    )
    url = reverse("analytics:program_settings", args=[program.slug])
    if request.method == "POST":
        try:
            if request.POST.get("form") == "rates" and rates_form.is_valid():
                services.network_rates_set(
                    actor=request.membership, program=program, rates=rates_form.to_rates()
                )
                messages.success(request, _("Rates saved."))
                return redirect(url)
            if request.POST.get("form") == "cost" and cost_form.is_valid():
                services.program_cost_create(
                    actor=request.membership,
                    program=program,
                    now=timezone.now(),
                    **cost_form.cleaned_data,
                )
                messages.success(request, _("Cost recorded."))
                return redirect(url)
        except ValidationError as exc:
            target = rates_form if request.POST.get("form") == "rates" else cost_form
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target.add_error(field if field in target.fields else None, errors)
            else:
                target.add_error(None, exc)
    return render(
        request,
        "analytics/settings.html",
        {
            "program": program,
            "rates_form": rates_form,
            "cost_form": cost_form,
            "costs": ProgramCost.objects.filter(program=program),
        },
    )


@org_view(Role.MANAGER)
@require_POST
def cost_delete(request: OrgRequest, pk: int) -> HttpResponse:
    cost = get_object_or_404(
        ProgramCost.objects.select_related("program"),
        pk=pk,
        program__organization=request.organization,
    )
    services.program_cost_delete(actor=request.membership, cost=cost)
    messages.success(request, _("Cost deleted."))
    return redirect("analytics:program_settings", slug=cost.program.slug)


def _my_programs(request: OrgRequest) -> list[Program]:
    return list(
        Program.objects.filter(
            organization=request.organization,
            enrolments__membership=request.membership,
            enrolments__status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.LEFT],
        )
        .distinct()
        .order_by("-starts_on", "name")
    )


def _impacts(request: OrgRequest) -> tuple[PeriodForm, Period, str, list[Any]]:
    form = PeriodForm(request.GET or None)
    today = timezone.now().astimezone(organization_tz(request.organization)).date()
    period, step = form.period(today=today, program_start=today)
    impacts = [
        ambassador_impact(
            membership=request.membership,
            program=program,
            start=period.start,
            end=period.end,
            step=step,
        )
        for program in _my_programs(request)
    ]
    return form, period, step, impacts


@org_view(Role.AMBASSADOR)
def my_impact(request: OrgRequest) -> HttpResponse:
    form, period, step, impacts = _impacts(request)
    titles = {
        "human_clicks": _("Human clicks"),
        "unique_visitors": _("Unique visitors"),
        "shares": _("Shares (right axis)"),
        "conversions": _("Conversions (right axis)"),
    }
    return render(
        request,
        "analytics/my_impact.html",
        {
            "form": form,
            "period": period,
            "query": request.GET.urlencode(),
            "impacts": [
                (
                    impact,
                    charts.series_chart(
                        impact.series, step=step, titles=titles, nonce=csp_nonce(request)
                    ),
                )
                for impact in impacts
            ],
        },
    )


@org_view(Role.AMBASSADOR)
def my_impact_export(request: OrgRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404(_("Not found."))
    _form, period, _step, impacts = _impacts(request)
    table = exports.Table(
        name=f"my-impact-{period.start}-{period.end}",
        title=_("My impact"),
        headers=[
            _("Program"),
            _("Shares"),
            _("Potential reach"),
            _("Human clicks"),
            _("Unique visitors"),
            _("Job applications"),
            _("Leads"),
            _("Conversions"),
        ],
        rows=[
            [
                impact.program.name,
                impact.totals.shares,
                impact.totals.potential_reach,
                impact.totals.human_clicks,
                impact.totals.unique_visitors,
                impact.totals.applications,
                impact.totals.leads,
                impact.totals.conversions,
            ]
            for impact in impacts
        ],
    )
    export_record(
        actor=request.membership,
        table="my_impact",
        fmt=fmt,
        now=timezone.now(),
        subject=request.membership,
    )
    return exports.response(table, fmt)
