"""KPI formulas on a small data set whose figures are worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ambassade.accounts.models import Network
from ambassade.analytics.models import NetworkRate
from ambassade.analytics.selectors import breakdown, program_kpis, series, targets_progress
from ambassade.analytics.services import rollups_update
from ambassade.analytics.targets import project, status_of
from ambassade.analytics.tests.helpers import click_make, conversion_make, share_make
from ambassade.content.models import Family
from ambassade.programs.models import KpiTarget, Metric, Objective, ProgramCost
from ambassade.tracking.models import ConversionKind
from conftest import World
from tests.factories import (
    ContentItemFactory,
    EnrolmentFactory,
    MembershipFactory,
    SocialAccountFactory,
    WaveFactory,
)

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Paris


@pytest.fixture
def small(world: World) -> World:
    """Two ambassadors out of three enrolled share; known clicks and conversions."""
    program = world.program
    second = MembershipFactory.create(organization=world.org, is_ambassador=True, department="RH")
    EnrolmentFactory.create(program=program, membership=second)
    EnrolmentFactory.create(
        program=program, membership=MembershipFactory.create(organization=world.org)
    )
    linkedin = SocialAccountFactory.create(
        user=world.ambassador.user, network=Network.LINKEDIN, handle="pro", audience_size=1000
    )
    x = SocialAccountFactory.create(
        user=second.user, network=Network.X, handle="@x", audience_size=3000
    )
    company = ContentItemFactory.create(organization=world.org, family=Family.COMPANY)
    s1 = share_make(
        program=program,
        membership=world.ambassador,
        item=company,
        network=Network.LINKEDIN,
        at=NOON,
        account=linkedin,
    )
    s2 = share_make(
        program=program, membership=second, item=world.item, network=Network.X, at=NOON, account=x
    )
    share_make(
        program=program,
        membership=second,
        item=world.item,
        network=Network.X,
        at=NOON + timedelta(days=1),
        account=x,
    )
    # s1: 4 human clicks by 3 visitors, 1 bot; s2: 2 human clicks by 2 visitors; s3: none.
    c = [click_make(share=s1, at=NOON, visitor=v, referrer="lnkd.in") for v in ("a", "a", "b", "c")]
    click_make(share=s1, at=NOON, visitor="bot", is_bot=True)
    d = [
        click_make(share=s2, at=NOON + timedelta(hours=1), visitor=v, referrer="t.co")
        for v in ("d", "e")
    ]
    conversion_make(click=c[0], kind=ConversionKind.JOB_APPLICATION, at=NOON)
    conversion_make(click=c[1], kind=ConversionKind.JOB_APPLICATION, at=NOON)
    conversion_make(click=d[0], kind=ConversionKind.LEAD, at=NOON)
    conversion_make(click=d[1], kind=ConversionKind.JOB_APPLICATION, at=NOON, withdrawn_at=NOON)
    NetworkRate.objects.create(
        program=program, network=Network.LINKEDIN, cpm=Decimal("20"), cpc=Decimal("2")
    )
    NetworkRate.objects.create(
        program=program, network=Network.X, cpm=Decimal("10"), cpc=Decimal("1")
    )
    ProgramCost.objects.create(
        program=program,
        label="Petit-déjeuner",
        amount=Decimal("90"),
        currency="EUR",
        spent_on=date(2026, 3, 5),
    )
    ProgramCost.objects.create(
        program=program,
        label="Hors période",
        amount=Decimal("500"),
        currency="EUR",
        spent_on=date(2026, 4, 5),
    )
    program.enrolments.update(joined_at=datetime(2026, 1, 1, tzinfo=UTC))
    rollups_update(now=NOON + timedelta(days=2))
    return world


def test_the_kpis_follow_their_formulas(small: World) -> None:
    kpis = program_kpis(program=small.program, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert kpis.shares == 3
    assert (kpis.active_ambassadors, kpis.enrolled) == (2, 3)
    assert kpis.participation_rate == pytest.approx(2 / 3)
    assert (kpis.human_clicks, kpis.bot_clicks, kpis.unique_visitors) == (6, 1, 5)
    assert kpis.clicks_per_share == pytest.approx(2.0)
    # The withdrawn application does not count.
    assert (kpis.applications, kpis.leads) == (2, 1)
    assert kpis.application_rate == pytest.approx(2 / 5)
    assert kpis.potential_reach == 1000 + 3000 + 3000
    # LinkedIn 20/1000 × 1000 + 2 × 4 = 28; X 10/1000 × 6000 + 1 × 2 = 62.
    assert kpis.emv == Decimal("90.00")
    assert kpis.emv_uses_defaults is False
    assert kpis.company_share_percent == pytest.approx(100 / 3)
    assert kpis.spent == Decimal("90.00")  # rewards (none) + the March cost only
    assert kpis.cost_per_application == Decimal("45.00")
    assert kpis.cost_per_click == Decimal("15.00")
    assert kpis.cost_per_lead == Decimal("90.00")


def test_default_rates_are_used_and_said_so(small: World) -> None:
    NetworkRate.objects.filter(network=Network.X).delete()
    kpis = program_kpis(program=small.program, start=date(2026, 3, 1), end=date(2026, 3, 31))
    # X default: CPM 6, CPC 0.80 → 6 × 6 + 0.8 × 2 = 37.6; plus LinkedIn 28.
    assert kpis.emv == Decimal("65.60")
    assert kpis.emv_uses_defaults is True


def test_breakdowns_and_series(small: World) -> None:
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    networks = {
        row.key: row
        for row in breakdown(program=small.program, start=start, end=end, dimension="network").rows
    }
    assert (networks["linkedin"].human_clicks, networks["x"].shares) == (4, 2)
    traffic = {
        row.key: row.human_clicks
        for row in breakdown(
            program=small.program, start=start, end=end, dimension="referrer_network"
        ).rows
        if row.human_clicks
    }
    assert traffic == {"linkedin": 4, "x": 2}
    departments = {
        row.label: row
        for row in breakdown(
            program=small.program, start=start, end=end, dimension="department"
        ).rows
    }
    assert departments["RH"].shares == 2
    assert departments["RH"].ambassadors == 1
    points = series(
        program=small.program, start=date(2026, 3, 9), end=date(2026, 3, 11), step="day"
    )
    assert [(p.starts_on.day, p.shares, p.human_clicks) for p in points] == [
        (9, 0, 0),
        (10, 2, 6),
        (11, 1, 0),
    ]
    weeks = series(program=small.program, start=start, end=end, step="week")
    assert weeks[0].starts_on == date(2026, 2, 23)
    assert sum(p.shares for p in weeks) == 3


def test_waves_breakdown_follows_current_waves(small: World) -> None:
    wave = WaveFactory.create(program=small.program, name="Pilote")
    small.program.enrolments.filter(membership=small.ambassador).update(wave=wave)
    rows = {
        row.label: row
        for row in breakdown(
            program=small.program, start=date(2026, 3, 1), end=date(2026, 3, 31), dimension="wave"
        ).rows
    }
    assert rows["Pilote"].human_clicks == 4
    assert rows["No wave"].human_clicks == 2


@pytest.mark.parametrize(
    ("current", "projected", "passed", "status"),
    [
        (50, 100, False, "on_track"),
        (50, 85, False, "at_risk"),
        (10, 30, False, "off_track"),
        (99, 99, True, "off_track"),
        (100, 100, True, "on_track"),
    ],
)
def test_status_of(current: int, projected: int, passed: bool, status: str) -> None:
    assert (
        status_of(current=current, projected=projected, target=Decimal(100), deadline_passed=passed)
        == status
    )


def test_projection_is_linear_to_the_deadline() -> None:
    start, deadline = date(2026, 1, 1), date(2026, 1, 10)
    assert (
        project(
            current=30,
            metric="shares",
            starts_on=start,
            deadline_on=deadline,
            today=date(2026, 1, 3),
        )
        == 100
    )
    assert (
        project(
            current=7,
            metric="active_ambassadors",
            starts_on=start,
            deadline_on=deadline,
            today=date(2026, 1, 3),
        )
        == 7
    )


def test_targets_progress(small: World) -> None:
    objective = Objective.objects.create(
        program=small.program, kind="applicants", title="Plus de candidats"
    )
    KpiTarget.objects.create(
        objective=objective,
        metric=Metric.HUMAN_CLICKS,
        target_value=Decimal("8"),
        deadline_on=date(2026, 3, 20),
    )
    KpiTarget.objects.create(
        objective=objective,
        metric=Metric.APPLICATIONS,
        target_value=Decimal("100"),
        deadline_on=date(2026, 3, 20),
    )
    progress = {
        t.metric: t for t in targets_progress(program=small.program, today=date(2026, 3, 12))
    }
    clicks = progress[Metric.HUMAN_CLICKS]
    # The program started on 1 January: 6 clicks in 71 days, 79 days to the deadline.
    assert clicks.current == 6
    assert clicks.progress == pytest.approx(0.75)
    assert clicks.projected == round(6 * 79 / 71) == 7  # ≥ 80 % of 8, < 8
    assert clicks.status == "at_risk"
    assert progress[Metric.APPLICATIONS].status == "off_track"
    done = {t.metric: t for t in targets_progress(program=small.program, today=date(2026, 4, 1))}
    assert done[Metric.HUMAN_CLICKS].status == "off_track"
    assert done[Metric.HUMAN_CLICKS].days_left == 0
