"""The rewards catalog: requests, approval, refusal with points returned, budget and stock."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ambassade.accounts.models import Notification
from ambassade.rewards.models import RedemptionStatus, Reward
from ambassade.rewards.redemptions import (
    redemption_approve,
    redemption_cancel,
    redemption_fulfil,
    redemption_refuse,
    redemption_request,
    reward_save,
)
from ambassade.rewards.selectors import budget_of, member_points, rewards_spent
from ambassade.rewards.services import points_award
from ambassade.rewards.tests.helpers import make_share
from conftest import World

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


@pytest.fixture
def rich(world: World) -> World:
    """The ambassador with 50 points, a budget of 100 €."""
    world.program.budget_amount = Decimal("100")
    world.program.save()
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    points_award(
        membership=world.ambassador,
        program=world.program,
        rule="application",
        source=share,
        now=NOW,
    )
    return world


def reward(world: World, **values: object) -> Reward:
    defaults: dict[str, object] = {
        "name": "Book voucher",
        "points_cost": 20,
        "monetary_value": Decimal("30"),
    }
    return reward_save(
        actor=world.manager, program=world.program, values=defaults | values, now=NOW
    )


def spendable(world: World) -> int:
    return member_points(membership=world.ambassador, program=world.program).spendable


def test_request_approve_fulfil_and_the_budget_goes_down(rich: World) -> None:
    voucher = reward(rich)
    redemption = redemption_request(actor=rich.ambassador, reward_id=voucher.pk, now=NOW)
    assert redemption.status == RedemptionStatus.REQUESTED
    assert spendable(rich) == 30
    assert member_points(membership=rich.ambassador, program=rich.program).lifetime == 50
    assert budget_of(program=rich.program).remaining == Decimal("70")
    assert Notification.objects.filter(user=rich.manager.user).exists()
    redemption_approve(actor=rich.manager, redemption_id=redemption.pk, now=NOW)
    budget = budget_of(program=rich.program)
    assert (budget.spent, budget.committed, budget.remaining) == (
        Decimal("30"),
        Decimal("0"),
        Decimal("70"),
    )
    assert rewards_spent(program=rich.program) == Decimal("30")
    assert rewards_spent(program=rich.program, start=NOW.date(), end=NOW.date()) == Decimal("30")
    fulfilled = redemption_fulfil(actor=rich.manager, redemption_id=redemption.pk, now=NOW)
    assert fulfilled.status == RedemptionStatus.FULFILLED
    assert Notification.objects.filter(
        user=rich.ambassador.user, message__contains="approved"
    ).exists()


def test_refusal_returns_the_points_and_the_stock(rich: World) -> None:
    voucher = reward(rich, stock=1)
    redemption = redemption_request(actor=rich.ambassador, reward_id=voucher.pk, now=NOW)
    voucher.refresh_from_db()
    assert voucher.stock == 0
    with pytest.raises(ValidationError):
        redemption_refuse(actor=rich.manager, redemption_id=redemption.pk, reason=" ", now=NOW)
    redemption_refuse(
        actor=rich.manager,
        redemption_id=redemption.pk,
        reason="Out of budget this quarter",
        now=NOW,
    )
    voucher.refresh_from_db()
    assert voucher.stock == 1
    assert spendable(rich) == 50
    assert budget_of(program=rich.program).remaining == Decimal("100")
    note = Notification.objects.get(user=rich.ambassador.user)
    assert "Out of budget this quarter" in note.message
    assert "points are back" in note.message


def test_cancel_by_the_requester(rich: World) -> None:
    voucher = reward(rich)
    redemption = redemption_request(actor=rich.ambassador, reward_id=voucher.pk, now=NOW)
    with pytest.raises(Http404):
        redemption_cancel(actor=rich.manager, redemption_id=redemption.pk, now=NOW)
    redemption_cancel(actor=rich.ambassador, redemption_id=redemption.pk, now=NOW)
    assert spendable(rich) == 50


def test_a_request_over_the_budget_is_refused_with_a_clear_message(rich: World) -> None:
    ticket = reward(rich, name="Conference ticket", points_cost=10, monetary_value=Decimal("80"))
    redemption_request(actor=rich.ambassador, reward_id=ticket.pk, now=NOW)
    with pytest.raises(ValidationError) as refused:
        redemption_request(actor=rich.ambassador, reward_id=ticket.pk, now=NOW)
    assert "budget" in refused.value.messages[0]
    assert "20.00 EUR" in refused.value.messages[0]


def test_a_day_off_costs_no_budget(rich: World) -> None:
    rich.program.budget_amount = Decimal("0")
    rich.program.save()
    day_off = reward(rich, name="A day off", points_cost=40, monetary_value=Decimal("0"))
    redemption = redemption_request(actor=rich.ambassador, reward_id=day_off.pk, now=NOW)
    redemption_approve(actor=rich.manager, redemption_id=redemption.pk, now=NOW)
    assert budget_of(program=rich.program).spent == 0


def test_out_of_stock_and_not_enough_points(rich: World) -> None:
    gone = reward(rich, stock=0)
    with pytest.raises(ValidationError, match="out of stock"):
        redemption_request(actor=rich.ambassador, reward_id=gone.pk, now=NOW)
    dear = reward(rich, points_cost=51, monetary_value=Decimal("0"))
    with pytest.raises(ValidationError, match="51 points; you have 50"):
        redemption_request(actor=rich.ambassador, reward_id=dear.pk, now=NOW)


def test_approval_rechecks_the_budget(rich: World) -> None:
    voucher = reward(rich, monetary_value=Decimal("60"))
    redemption = redemption_request(actor=rich.ambassador, reward_id=voucher.pk, now=NOW)
    rich.program.budget_amount = Decimal("50")
    rich.program.save()
    with pytest.raises(ValidationError, match="budget"):
        redemption_approve(actor=rich.manager, redemption_id=redemption.pk, now=NOW)


def test_roles_and_tenancy(rich: World) -> None:
    voucher = reward(rich)
    with pytest.raises(PermissionDenied):
        reward_save(actor=rich.ambassador, program=rich.program, values={"name": "x"}, now=NOW)
    with pytest.raises(Http404):
        reward_save(actor=rich.stranger, program=rich.program, values={"name": "x"}, now=NOW)
    with pytest.raises(Http404):
        redemption_request(actor=rich.stranger, reward_id=voucher.pk, now=NOW)
    with pytest.raises(PermissionDenied):
        redemption_request(actor=rich.manager, reward_id=voucher.pk, now=NOW)
    redemption = redemption_request(actor=rich.ambassador, reward_id=voucher.pk, now=NOW)
    with pytest.raises(PermissionDenied):
        redemption_approve(actor=rich.ambassador, redemption_id=redemption.pk, now=NOW)
    with pytest.raises(Http404):
        redemption_approve(actor=rich.stranger, redemption_id=redemption.pk, now=NOW)
    with pytest.raises(Http404):
        redemption_refuse(actor=rich.stranger, redemption_id=redemption.pk, reason="no", now=NOW)
    with pytest.raises(ValidationError):
        redemption_fulfil(actor=rich.manager, redemption_id=redemption.pk, now=NOW)
