"""The pages: each person sees their own, managers theirs, strangers nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ambassade.accounts.models import Notification
from ambassade.rewards.models import (
    BadgeAward,
    Challenge,
    ChallengeWinner,
    CuratorPick,
    PointsRules,
    Redemption,
    RedemptionStatus,
    Reward,
)
from ambassade.rewards.scoring import score_activity
from ambassade.rewards.services import points_award
from ambassade.rewards.tests.helpers import make_share
from conftest import World

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)

AMBASSADOR_PAGES = [
    "/rewards/",
    "/rewards/leaderboard/",
    "/rewards/badges/",
    "/rewards/catalog/",
    "/rewards/requests/",
    "/rewards/challenges/",
]
MANAGER_PAGES = [
    "/rewards/manage/rules/",
    "/rewards/manage/catalog/",
    "/rewards/manage/catalog/new/",
    "/rewards/manage/approvals/",
    "/rewards/manage/budget/",
    "/rewards/challenges/new/",
    "/rewards/leaderboard.csv",
]


@pytest.mark.parametrize("url", AMBASSADOR_PAGES + MANAGER_PAGES + ["/rewards/picks/"])
def test_a_stranger_never_sees_another_organizations_program(world: World, url: str) -> None:
    response = world.client_for(world.stranger).get(url, {"program": world.program.slug})
    assert response.status_code == 404


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_manager_pages_refuse_ambassadors(world: World, url: str) -> None:
    assert world.client_for(world.ambassador).get(url).status_code == 403
    assert world.client_for(world.manager).get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client: object, world: World) -> None:
    from django.test import Client

    assert Client().get("/rewards/").status_code == 302


@pytest.mark.parametrize("url", AMBASSADOR_PAGES)
def test_ambassador_pages(world: World, url: str) -> None:
    assert world.client_for(world.ambassador).get(url).status_code == 200


def test_my_points_explains_each_line(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW, own_words_ratio=0.8)
    score_activity(now=NOW)
    page = world.client_for(world.ambassador).get("/rewards/").content.decode()
    assert 'data-rule="share"' in page
    assert 'data-rule="own_words"' in page
    assert world.item.title.replace("'", "&#x27;") in page
    assert 'data-total="lifetime">15<' in page
    assert share.pk


def test_request_and_approve_through_the_pages(world: World) -> None:
    for member in (world.ambassador, world.manager):
        member.user.language = "en"
        member.user.save()
    world.program.budget_amount = Decimal("500")
    world.program.save()
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    points_award(
        membership=world.ambassador, program=world.program, rule="lead", source=share, now=NOW
    )
    manager = world.client_for(world.manager)
    response = manager.post(
        "/rewards/manage/catalog/new/",
        {
            "program": world.program.slug,
            "name": "Book voucher",
            "points_cost": "25",
            "monetary_value": "30",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    voucher = Reward.objects.get(name="Book voucher")
    ambassador = world.client_for(world.ambassador)
    catalog = ambassador.get("/rewards/catalog/").content.decode()
    assert "Book voucher" in catalog
    response = ambassador.post(f"/rewards/catalog/{voucher.pk}/request/", {"note": "Merci"})
    assert response.status_code == 302
    redemption = Redemption.objects.get()
    queue = manager.get("/rewards/manage/approvals/").content.decode()
    assert f'data-request="{redemption.pk}"' in queue
    response = manager.post(f"/rewards/manage/approvals/{redemption.pk}/approve/")
    assert response.status_code == 302
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.APPROVED
    budget = manager.get("/rewards/manage/budget/").content.decode()
    assert 'data-total="remaining">470.00' in budget
    # A second request is refused with a clear message: not enough points left.
    response = ambassador.post(f"/rewards/catalog/{voucher.pk}/request/", follow=True)
    assert "you have 5 to spend" in response.content.decode()


def test_refuse_through_the_page_and_strangers_cannot_decide(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    points_award(
        membership=world.ambassador, program=world.program, rule="lead", source=share, now=NOW
    )
    voucher = Reward.objects.create(program=world.program, name="Breakfast", points_cost=10)
    redemption = Redemption.objects.create(
        program=world.program,
        reward=voucher,
        membership=world.ambassador,
        points_cost=10,
        monetary_value=Decimal("0"),
        requested_at=NOW,
    )
    stranger = world.client_for(world.stranger)
    assert stranger.post(f"/rewards/manage/approvals/{redemption.pk}/approve/").status_code == 404
    assert (
        world.client_for(world.ambassador)
        .post(f"/rewards/manage/approvals/{redemption.pk}/approve/")
        .status_code
        == 403
    )
    response = world.client_for(world.manager).post(
        f"/rewards/manage/approvals/{redemption.pk}/refuse/", {"reason": "Not this month"}
    )
    assert response.status_code == 302
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.REFUSED
    assert stranger.post(f"/rewards/requests/{redemption.pk}/cancel/").status_code == 404
    assert stranger.post(f"/rewards/catalog/{voucher.pk}/request/").status_code == 404


def test_rules_page_bumps_the_version(world: World) -> None:
    manager = world.client_for(world.manager)
    data = {
        "program": world.program.slug,
        "share": "12",
        "own_words": "5",
        "own_words_threshold": "0.5",
        "click": "1",
        "click_cap_per_share": "20",
        "application": "50",
        "lead": "30",
        "proposal_approved": "15",
        "training_module": "20",
        "event_attended": "10",
        "weekly_streak": "5",
        "streak_weeks": "3",
        "daily_cap": "100",
        "weekly_cap": "400",
        "network_x": "4",
    }
    assert manager.post("/rewards/manage/rules/", data).status_code == 302
    rules = PointsRules.objects.get(program=world.program)
    assert (rules.share, rules.version, rules.network_values) == (12, 2, {"x": 4})
    data["own_words_threshold"] = "3"
    response = manager.post("/rewards/manage/rules/", data)
    assert response.status_code == 200
    assert PointsRules.objects.get(program=world.program).version == 2


def test_curator_picks_a_share_and_its_author_gets_the_badge(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    assert (
        world.client_for(world.ambassador)
        .post(f"/rewards/picks/{share.pk}/", {"picked": "1"})
        .status_code
        == 403
    )
    assert (
        world.client_for(world.stranger)
        .post(f"/rewards/picks/{share.pk}/", {"picked": "1"})
        .status_code
        == 404
    )
    curator = world.client_for(world.curator)
    assert curator.get("/rewards/picks/").status_code == 200
    assert curator.post(f"/rewards/picks/{share.pk}/", {"picked": "1"}).status_code == 302
    assert CuratorPick.objects.filter(share=share).exists()
    score_activity(now=NOW)
    assert BadgeAward.objects.filter(membership=world.ambassador, code="curators_pick").exists()


def test_challenge_winners_are_computed_at_the_end_and_announced(world: World) -> None:
    manager = world.client_for(world.manager)
    response = manager.post(
        "/rewards/challenges/new/",
        {
            "program": world.program.slug,
            "title": "March sprint",
            "metric": "shares",
            "threshold": "2",
            "scope": "individual",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-15",
        },
    )
    assert response.status_code == 302, response.content.decode()
    challenge = Challenge.objects.get()
    from tests.factories import ContentItemFactory

    for n in range(2):
        item = ContentItemFactory.create(organization=world.org, programs=[world.program])
        make_share(world.ambassador, item, world.program, at=NOW + timedelta(days=n))
    score_activity(now=datetime(2026, 3, 15, 12, 0, tzinfo=UTC))
    challenge.refresh_from_db()
    assert challenge.closed_at is None  # still running on its last day
    score_activity(now=datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    challenge.refresh_from_db()
    assert challenge.closed_at is not None
    winner = ChallengeWinner.objects.get()
    assert (winner.membership, winner.value) == (world.ambassador, 2)
    assert Notification.objects.filter(
        user=world.ambassador.user,
        message__contains="vous l'avez relevé",  # in the winner's language
    ).exists()
    page = world.client_for(world.ambassador).get("/rewards/challenges/").content.decode()
    assert "March sprint" in page
    assert world.ambassador.user.full_name in page
    # A closed challenge cannot be changed any more.
    response = manager.post(
        f"/rewards/challenges/{challenge.pk}/edit/",
        {
            "title": "Changed",
            "metric": "shares",
            "threshold": "1",
            "scope": "individual",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-15",
        },
    )
    assert response.status_code == 200
    assert Challenge.objects.get().title == "March sprint"


def test_team_challenge_by_department(world: World) -> None:
    world.ambassador.department = "Sales"
    world.ambassador.save()
    challenge = Challenge.objects.create(
        program=world.program,
        title="Team",
        metric="points",
        threshold=10,
        scope="department",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 15),
    )
    make_share(world.ambassador, world.item, world.program, at=NOW)
    score_activity(now=datetime(2026, 3, 20, tzinfo=UTC))
    winner = ChallengeWinner.objects.get(challenge=challenge)
    assert (winner.team, winner.value) == ("Sales", 10)


def test_nav_links_in_the_menu(world: World) -> None:
    page = world.client_for(world.manager).get("/rewards/manage/approvals/").content.decode()
    assert 'href="/rewards/"' in page
    assert 'href="/rewards/leaderboard/"' in page


def test_mentor_badge_after_a_recorded_mentoring_session(world: World) -> None:
    from django.apps import apps

    if not apps.is_installed("ambassade.community"):
        pytest.skip("The community app (mentoring sessions) is not installed.")
    pair_model = apps.get_model("community", "MentoringPair")
    session_model = apps.get_model("community", "MentoringSession")
    from ambassade.programs.models import EnrolmentStatus
    from tests.factories import EnrolmentFactory, MembershipFactory, UserFactory

    senior = MembershipFactory.create(
        user=UserFactory.create(full_name="Senior Person"),
        organization=world.org,
        is_ambassador=True,
    )
    EnrolmentFactory.create(program=world.program, membership=senior, status=EnrolmentStatus.ACTIVE)
    pair = pair_model.objects.create(
        organization=world.org, junior=world.ambassador, senior=senior, confirmed_at=NOW
    )
    session_model.objects.create(pair=pair, held_on=NOW.date(), created_at=NOW)
    score_activity(now=NOW + timedelta(hours=1))
    mentors = set(BadgeAward.objects.filter(code="mentor").values_list("membership_id", flat=True))
    assert mentors == {world.ambassador.pk, senior.pk}
