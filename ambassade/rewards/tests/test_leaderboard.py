"""Leaderboards: periods, scopes, ties, anonymity, your rank; badges for the newsletter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ambassade.accounts.models import Membership
from ambassade.programs.models import EnrolmentStatus
from ambassade.rewards.models import BadgeAward, RewardsProfile
from ambassade.rewards.scoring import score_activity
from ambassade.rewards.selectors import (
    badges_awarded,
    leaderboard,
    leaderboard_with_me,
    member_points,
    period_bounds,
)
from ambassade.rewards.services import points_award
from ambassade.rewards.tests.helpers import make_share
from conftest import World
from tests.factories import (
    ContentItemFactory,
    EnrolmentFactory,
    MembershipFactory,
    UserFactory,
    WaveFactory,
)

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def ambassador(world: World, name: str, department: str = "") -> Membership:
    member: Membership = MembershipFactory.create(
        user=UserFactory.create(full_name=name),
        organization=world.org,
        is_ambassador=True,
        department=department,
    )
    EnrolmentFactory.create(program=world.program, membership=member, status=EnrolmentStatus.ACTIVE)
    return member


def award(world: World, member: Membership, points_rule: str, at: datetime) -> None:
    item = ContentItemFactory.create(organization=world.org, programs=[world.program])
    share = make_share(member, item, world.program, at=at)
    points_award(
        membership=member,
        program=world.program,
        rule=points_rule,
        source=share,
        now=at,
        occurred_at=at,
    )


def test_ties_go_to_who_got_there_first(world: World) -> None:
    early = ambassador(world, "Early Bird")
    late = ambassador(world, "Late Comer")
    award(world, late, "share", NOW - timedelta(days=2))
    award(world, early, "share", NOW - timedelta(days=3))
    award(world, late, "event_attended", NOW - timedelta(days=1))
    award(world, early, "event_attended", NOW - timedelta(days=1, hours=2))
    rows = leaderboard(program=world.program, start=None, end=None)
    assert [(r.rank, r.name, r.points) for r in rows] == [
        (1, "Early Bird", 20),
        (2, "Late Comer", 20),
    ]


def test_anonymous_ambassadors_show_no_name_nor_department(world: World) -> None:
    shy = ambassador(world, "Shy Person", department="Finance")
    RewardsProfile.objects.create(membership=shy, anonymous=True)
    award(world, shy, "share", NOW)
    rows = leaderboard(program=world.program, start=None, end=None)
    assert rows[0].name == "Anonymous ambassador"
    assert rows[0].department == ""
    page = (
        world.client_for(world.ambassador).get("/rewards/leaderboard/?period=all").content.decode()
    )
    assert "Shy Person" not in page
    assert "Finance" not in page
    csv = (
        world.client_for(world.manager).get("/rewards/leaderboard.csv?period=all").content.decode()
    )
    assert "Shy Person" not in csv


def test_choosing_anonymity_from_the_points_page(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.post("/rewards/preferences/", {"anonymous": "on"})
    assert response.status_code == 302
    assert RewardsProfile.objects.get(membership=world.ambassador).anonymous


def test_your_rank_outside_the_top_ten_and_per_department(world: World) -> None:
    for n in range(12):
        member = ambassador(world, f"Person {n:02d}", department="Sales")
        for k in range(n + 2):
            award(world, member, "share", NOW - timedelta(days=1, minutes=k))
    world.ambassador.department = "Sales"
    world.ambassador.save()
    award(world, world.ambassador, "share", NOW - timedelta(days=1))
    board = leaderboard_with_me(
        program=world.program, membership=world.ambassador, start=None, end=None
    )
    assert len(board.rows) == 10
    assert board.me is not None
    assert board.me.rank == 13
    assert board.ranked == 13
    marketing = ambassador(world, "Other Team", department="Marketing")
    award(world, marketing, "share", NOW)
    team = leaderboard_with_me(
        program=world.program, membership=marketing, start=None, end=None, department="Marketing"
    )
    assert [r.name for r in team.rows] == ["Other Team"]
    assert team.me is not None
    assert team.me.rank == 1
    page = (
        world.client_for(world.ambassador).get("/rewards/leaderboard/?period=all").content.decode()
    )
    assert 'data-my-rank="13"' in page


def test_wave_scope_and_periods(world: World) -> None:
    wave = WaveFactory.create(program=world.program, name="Pilot")
    pilot = ambassador(world, "Pilot Person")
    pilot.enrolments.update(wave=wave)
    award(world, pilot, "share", NOW - timedelta(days=40))
    award(world, world.ambassador, "share", NOW - timedelta(days=2))
    in_wave = leaderboard(program=world.program, start=None, end=None, wave=wave)
    assert [r.name for r in in_wave] == ["Pilot Person"]
    start, end = period_bounds("30d", program=world.program, now=NOW)
    recent = leaderboard(program=world.program, start=start, end=end)
    assert [r.name for r in recent] == [world.ambassador.user.full_name]
    paris = ZoneInfo("Europe/Paris")
    assert period_bounds("month", program=world.program, now=NOW) == (
        datetime(2026, 3, 1, tzinfo=paris),
        None,
    )
    assert period_bounds("quarter", program=world.program, now=NOW) == (
        datetime(2026, 1, 1, tzinfo=paris),
        None,
    )
    assert period_bounds("all", program=world.program, now=NOW) == (None, None)


def test_people_who_left_the_program_are_not_ranked(world: World) -> None:
    gone = ambassador(world, "Gone Person")
    award(world, gone, "share", NOW)
    gone.enrolments.update(status=EnrolmentStatus.LEFT)
    assert leaderboard(program=world.program, start=None, end=None) == []


def test_member_points_rank(world: World) -> None:
    award(world, world.ambassador, "share", NOW)
    points = member_points(membership=world.ambassador, program=world.program)
    assert (points.lifetime, points.spendable, points.rank, points.ranked) == (10, 10, 1, 1)


def test_badges_from_the_job_and_for_the_newsletter(world: World) -> None:
    items = [
        ContentItemFactory.create(organization=world.org, programs=[world.program])
        for _ in range(10)
    ]
    for n, item in enumerate(items):
        make_share(world.ambassador, item, world.program, at=NOW - timedelta(weeks=9 - n))
    score_activity(now=NOW)
    codes = set(BadgeAward.objects.values_list("code", flat=True))
    assert {"first_share", "shares_10", "streak_4"} <= codes
    awarded = badges_awarded(
        program=world.program, start=NOW - timedelta(days=1), end=NOW + timedelta(days=1)
    )
    assert [a.name for a in awarded] == ["10 shares"]
    assert awarded[0].membership == world.ambassador
    page = world.client_for(world.ambassador).get("/rewards/badges/").content.decode()
    assert 'data-badge="shares_10" data-earned' in page
