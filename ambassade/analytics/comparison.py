"""Pilot vs roll-out: two waves (or one wave and everyone else) on per-ambassador rates.

Each ambassador's rate is what they did in the period per 30 days they were
enrolled in it (so that a wave that joined later is not penalised for it), with
the ambassadors who did nothing counted as zeros. The difference of the means
gets a 95 % Welch interval; the verdict says it in plain words. Fewer than
MIN_ACTIVE ambassadors with some activity in either group: not enough data yet.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambassade.analytics.models import Dimension
from ambassade.analytics.selectors import Totals, grouped
from ambassade.analytics.stats import Interval, welch_interval
from ambassade.programs.models import Enrolment, Program, Wave
from ambassade.tracking.selectors import organization_tz

MIN_ACTIVE = 5
RATES = {
    "shares": gettext_lazy("Shares per ambassador per month"),
    "human_clicks": gettext_lazy("Clicks per ambassador per month"),
    "applications": gettext_lazy("Applications per ambassador per month"),
}


@dataclass(frozen=True)
class RateComparison:
    metric: str
    label: str
    mean_a: float
    mean_b: float
    interval: Interval | None
    verdict: str  # "similar", "better", "worse" or "not_enough_data"
    sentence: str


@dataclass(frozen=True)
class WaveComparison:
    label_a: str
    label_b: str
    ambassadors_a: int
    ambassadors_b: int
    active_a: int
    active_b: int
    enough_data: bool
    rates: list[RateComparison]
    summary: str


def _exposure_days(enrolment: Enrolment, start: date, end: date, tz: object) -> int:
    joined = enrolment.joined_at.astimezone(tz).date() if enrolment.joined_at else start  # type: ignore[arg-type]
    left = enrolment.left_at.astimezone(tz).date() if enrolment.left_at else end  # type: ignore[arg-type]
    return max(0, (min(end, left) - max(start, joined)).days + 1)


def _group(
    enrolments: list[Enrolment], per_member: dict[int, Totals], start: date, end: date, tz: object
) -> tuple[dict[str, list[float]], int]:
    rates: dict[str, list[float]] = {metric: [] for metric in RATES}
    active = 0
    for enrolment in enrolments:
        days = _exposure_days(enrolment, start, end, tz)
        if days <= 0:
            continue
        totals = per_member.get(enrolment.membership_id, Totals())
        if totals.shares or totals.human_clicks or totals.applications:
            active += 1
        for metric in RATES:
            rates[metric].append(getattr(totals, metric) * 30 / days)
    return rates, active


def _sentence(verdict: str, label: str, label_a: str, label_b: str) -> str:
    if verdict == "better":
        return _("%(b)s does better than %(a)s on %(rate)s.") % {
            "a": label_a,
            "b": label_b,
            "rate": label.lower(),
        }
    if verdict == "worse":
        return _("%(b)s does worse than %(a)s on %(rate)s.") % {
            "a": label_a,
            "b": label_b,
            "rate": label.lower(),
        }
    return _("%(b)s performs like %(a)s on %(rate)s.") % {
        "a": label_a,
        "b": label_b,
        "rate": label.lower(),
    }


def wave_comparison(
    *, program: Program, wave_a: Wave, wave_b: Wave | None, start: date, end: date
) -> WaveComparison:
    """Compare ``wave_b`` (or, when None, everyone not in ``wave_a``) with ``wave_a``."""
    tz = organization_tz(program.organization)
    period_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    enrolments = list(
        Enrolment.objects.filter(program=program, joined_at__isnull=False, joined_at__lt=period_end)
    )
    group_a = [e for e in enrolments if e.wave_id == wave_a.pk]
    if wave_b is None:
        group_b = [e for e in enrolments if e.wave_id != wave_a.pk]
        label_b = _("The rest of the program")
    else:
        group_b = [e for e in enrolments if e.wave_id == wave_b.pk]
        label_b = wave_b.name
    per_member = {ref: t for _k, ref, t in grouped(program, start, end, Dimension.AMBASSADOR)}
    rates_a, active_a = _group(group_a, per_member, start, end, tz)
    rates_b, active_b = _group(group_b, per_member, start, end, tz)
    enough = active_a >= MIN_ACTIVE and active_b >= MIN_ACTIVE
    comparisons = []
    for metric, label in RATES.items():
        a, b = rates_a[metric], rates_b[metric]
        mean_a = statistics.fmean(a) if a else 0.0
        mean_b = statistics.fmean(b) if b else 0.0
        if not enough:
            comparisons.append(
                RateComparison(metric, str(label), mean_a, mean_b, None, "not_enough_data", "")
            )
            continue
        interval = welch_interval(a, b)
        verdict = "better" if interval.low > 0 else "worse" if interval.high < 0 else "similar"
        comparisons.append(
            RateComparison(
                metric,
                str(label),
                mean_a,
                mean_b,
                interval,
                verdict,
                _sentence(verdict, str(label), wave_a.name, label_b),
            )
        )
    if not enough:
        summary = _(
            "Not enough data yet: each group needs at least %(n)d ambassadors with some "
            "activity in the period (%(a)d and %(b)d so far)."
        ) % {"n": MIN_ACTIVE, "a": active_a, "b": active_b}
    elif all(c.verdict == "similar" for c in comparisons):
        summary = _("%(b)s performs like %(a)s: no clear difference per ambassador.") % {
            "a": wave_a.name,
            "b": label_b,
        }
    elif all(c.verdict in ("similar", "better") for c in comparisons):
        summary = _("%(b)s performs better than %(a)s.") % {"a": wave_a.name, "b": label_b}
    elif all(c.verdict in ("similar", "worse") for c in comparisons):
        summary = _("%(b)s performs worse than %(a)s.") % {"a": wave_a.name, "b": label_b}
    else:
        summary = _("Mixed: %(b)s does better than %(a)s on some rates and worse on others.") % {
            "a": wave_a.name,
            "b": label_b,
        }
    return WaveComparison(
        label_a=wave_a.name,
        label_b=str(label_b),
        ambassadors_a=len(rates_a["shares"]),
        ambassadors_b=len(rates_b["shares"]),
        active_a=active_a,
        active_b=active_b,
        enough_data=enough,
        rates=comparisons,
        summary=summary,
    )
