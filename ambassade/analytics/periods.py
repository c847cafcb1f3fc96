"""Periods: which roll-up rows cover a span of days, and the dashboard's presets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ambassade.analytics.models import Granularity


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def next_month(month: date) -> date:
    return month_end(month) + timedelta(days=1)


def covering(start: date, end: date) -> Q:
    """Rows that add up to exactly [start, end]: whole months inside it, days at its edges."""
    months: list[date] = []
    month = start.replace(day=1)
    if month < start:
        month = next_month(month)
    while month_end(month) <= end:
        months.append(month)
        month = next_month(month)
    if not months:
        return Q(granularity=Granularity.DAY, period_on__gte=start, period_on__lte=end)
    condition = Q(granularity=Granularity.MONTH, period_on__in=months)
    if start < months[0]:
        condition |= Q(granularity=Granularity.DAY, period_on__gte=start, period_on__lt=months[0])
    last = month_end(months[-1])
    if last < end:
        condition |= Q(granularity=Granularity.DAY, period_on__gt=last, period_on__lte=end)
    return condition


PRESETS = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "last_30_days": _("Last 30 days"),
    "last_12_months": _("Last 12 months"),
    "since_start": _("Since the program started"),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def preset_period(preset: str, *, today: date, program_start: date) -> Period:
    if preset == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end, preset)
    if preset == "last_30_days":
        return Period(today - timedelta(days=29), today, preset)
    if preset == "last_12_months":
        start = (today.replace(day=1) - timedelta(days=334)).replace(day=1)
        return Period(start, today, preset)
    if preset == "since_start":
        return Period(min(program_start, today), today, preset)
    month = today.replace(day=1)
    return Period(month, month_end(month), "this_month")
