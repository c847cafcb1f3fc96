"""KPI targets: where each stands, and where it is heading by its deadline.

The projection is linear: what was reached since the program started, per day,
times the days until the deadline. Active ambassadors are not extrapolated (a
count of people does not grow with time the way clicks do): the projection is
the current count. Status: on track when the projection reaches the target, at
risk when it reaches 80 % of it, off track below; once the deadline has passed,
on track only if the target was met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ambassade.programs.models import KpiTarget, Metric, Program

AT_RISK_FROM = Decimal("0.8")
NOT_EXTRAPOLATED = {Metric.ACTIVE_AMBASSADORS}


@dataclass(frozen=True)
class TargetProgress:
    target_id: int
    objective: str
    metric: str
    label: str
    current: int
    target: Decimal
    deadline_on: date
    progress: float
    projected: int
    status: str  # "on_track", "at_risk" or "off_track"
    days_left: int

    @property
    def progress_percent(self) -> int:
        return round(100 * self.progress)

    @property
    def bar_percent(self) -> int:
        return min(100, self.progress_percent)


def project(*, current: int, metric: str, starts_on: date, deadline_on: date, today: date) -> int:
    if metric in NOT_EXTRAPOLATED or today >= deadline_on or today < starts_on:
        return current
    elapsed = (today - starts_on).days + 1
    total = (deadline_on - starts_on).days + 1
    return round(current * total / elapsed)


def status_of(*, current: int, projected: int, target: Decimal, deadline_passed: bool) -> str:
    if deadline_passed:
        return "on_track" if current >= target else "off_track"
    if projected >= target:
        return "on_track"
    if projected >= target * AT_RISK_FROM:
        return "at_risk"
    return "off_track"


def targets_progress(*, program: Program, today: date) -> list[TargetProgress]:
    """Every KPI target of ``program``: current value, progress and projection at ``today``."""
    from ambassade.analytics.selectors import program_kpis

    targets = list(
        KpiTarget.objects.filter(objective__program=program)
        .select_related("objective")
        .order_by("deadline_on", "id")
    )
    cache: dict[date, object] = {}
    results = []
    for target in targets:
        end = min(today, target.deadline_on)
        if end < program.starts_on:
            current = 0
        else:
            if end not in cache:
                cache[end] = program_kpis(program=program, start=program.starts_on, end=end)
            current = int(getattr(cache[end], target.metric))
        projected = project(
            current=current,
            metric=target.metric,
            starts_on=program.starts_on,
            deadline_on=target.deadline_on,
            today=today,
        )
        value = target.target_value
        results.append(
            TargetProgress(
                target_id=target.pk,
                objective=target.objective.title,
                metric=target.metric,
                label=str(Metric(target.metric).label),
                current=current,
                target=value,
                deadline_on=target.deadline_on,
                progress=float(current / value) if value > 0 else 1.0,
                projected=projected,
                # Before the program starts nothing can be late yet.
                status="on_track"
                if today < program.starts_on
                else status_of(
                    current=current,
                    projected=projected,
                    target=value,
                    deadline_passed=today > target.deadline_on,
                ),
                days_left=max(0, (target.deadline_on - today).days),
            )
        )
    return results
