"""The demo's dashboard opens on realistic figures: roll-ups done, costs and a rate set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ambassade.analytics.selectors import network_rates, program_kpis
from ambassade.demo.generator import demo_generate
from ambassade.demo.plan import DemoSizes
from ambassade.programs.models import Program

NOW = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_demo_dashboard_has_figures() -> None:
    demo_generate(seed=42, now=NOW, sizes=DemoSizes(ambassadors=40, days=60))
    program = Program.objects.get(organization__slug="verdane-energie")
    kpis = program_kpis(program=program, start=(NOW - timedelta(days=60)).date(), end=NOW.date())
    assert kpis.shares > 0
    assert kpis.human_clicks > 0
    assert kpis.unique_visitors > 0
    assert kpis.emv > 0
    assert kpis.other_costs > 0
    rates = {rate.network: rate for rate in network_rates(program=program)}
    assert not rates["linkedin"].is_default
    assert rates["x"].is_default
