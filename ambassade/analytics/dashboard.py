"""Everything the program dashboard shows for one period, read in one go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ambassade.analytics.selectors import (
    Breakdown,
    ProgramKpis,
    SeriesPoint,
    breakdown,
    program_kpis,
    series,
)
from ambassade.programs.models import Program

# The breakdowns on the page, with how many rows each shows (the exports have all of them).
SHOWN: dict[str, int | None] = {
    "network": None,
    "referrer_network": None,
    "family": None,
    "wave": None,
    "department": None,
    "item": 10,
    "ambassador": 10,
    "referrer_host": 10,
}


@dataclass(frozen=True)
class Dashboard:
    start: date
    end: date
    step: str
    kpis: ProgramKpis
    series: list[SeriesPoint]
    breakdowns: dict[str, Breakdown]


def program_dashboard(*, program: Program, start: date, end: date, step: str) -> Dashboard:
    return Dashboard(
        start=start,
        end=end,
        step=step,
        kpis=program_kpis(program=program, start=start, end=end),
        series=series(program=program, start=start, end=end, step=step),
        breakdowns={
            dimension: breakdown(
                program=program, start=start, end=end, dimension=dimension, limit=limit
            )
            for dimension, limit in SHOWN.items()
        },
    )
