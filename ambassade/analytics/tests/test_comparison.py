"""Pilot vs roll-out: Student's t, Welch's interval and the plain-words verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ambassade.accounts.models import Network
from ambassade.analytics.comparison import wave_comparison
from ambassade.analytics.services import rollups_update
from ambassade.analytics.stats import t_quantile, welch_interval
from ambassade.analytics.tests.helpers import click_make, share_make
from ambassade.programs.models import Wave
from conftest import World
from tests.factories import EnrolmentFactory, MembershipFactory, WaveFactory

START = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.7062),
        (0.975, 10, 2.2281),
        (0.95, 5, 2.0150),
        (0.975, 1000, 1.9623),
        (0.025, 10, -2.2281),
    ],
)
def test_t_quantile_matches_the_tables(p: float, df: float, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-3)


def test_welch_interval() -> None:
    interval = welch_interval([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0, 10.0])
    assert interval.difference == pytest.approx(3.5)
    # Welch–Satterthwaite: se² = 1.6667/4 + 10/5 = 2.4167, df = 5.52, t ≈ 2.499 (between 2.571 at 5 and 2.447 at 6).
    assert interval.low == pytest.approx(3.5 - 2.499 * 2.4167**0.5, abs=0.01)
    assert interval.low < 0 < interval.high


def _wave(world: World, wave: Wave, people: int, shares_each: int, clicks_each: int) -> None:
    for n in range(people):
        member = MembershipFactory.create(organization=world.org, is_ambassador=True)
        EnrolmentFactory.create(
            program=world.program, membership=member, wave=wave, joined_at=START - timedelta(days=1)
        )
        for s in range(shares_each):
            share = share_make(
                program=world.program,
                membership=member,
                item=world.item,
                network=Network.LINKEDIN,
                at=START + timedelta(hours=s + n),
            )
            for c in range(clicks_each + (n % 2)):
                click_make(
                    share=share, at=share.created_at + timedelta(minutes=c), visitor=f"{n}-{s}-{c}"
                )


@pytest.mark.django_db
def test_not_enough_data_yet(world: World) -> None:
    pilot = WaveFactory.create(program=world.program, name="Pilote")
    second = WaveFactory.create(program=world.program, name="Vague 2")
    _wave(world, pilot, 6, 2, 3)
    _wave(world, second, 3, 2, 3)
    rollups_update(now=START + timedelta(days=30))
    result = wave_comparison(
        program=world.program,
        wave_a=pilot,
        wave_b=second,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    assert not result.enough_data
    assert result.summary.startswith("Not enough data yet")
    assert {rate.verdict for rate in result.rates} == {"not_enough_data"}


@pytest.mark.django_db
def test_roll_out_like_the_pilot_and_worse(world: World) -> None:
    pilot = WaveFactory.create(program=world.program, name="Pilote")
    second = WaveFactory.create(program=world.program, name="Vague 2")
    _wave(world, pilot, 8, 3, 4)
    _wave(world, second, 8, 3, 4)
    rollups_update(now=START + timedelta(days=30))
    result = wave_comparison(
        program=world.program,
        wave_a=pilot,
        wave_b=second,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    assert result.enough_data
    assert (result.active_a, result.active_b) == (8, 8)
    assert result.summary == "Vague 2 performs like Pilote: no clear difference per ambassador."
    third = WaveFactory.create(program=world.program, name="Vague 3")
    _wave(world, third, 8, 1, 0)
    rollups_update(now=START + timedelta(days=30))
    worse = wave_comparison(
        program=world.program,
        wave_a=pilot,
        wave_b=third,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    verdicts = {rate.metric: rate.verdict for rate in worse.rates}
    assert verdicts["shares"] == "worse"
    assert verdicts["human_clicks"] == "worse"
    assert "worse" in worse.summary
    rest = wave_comparison(
        program=world.program,
        wave_a=pilot,
        wave_b=None,
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    assert rest.label_b == "The rest of the program"
    assert rest.ambassadors_b == 16
