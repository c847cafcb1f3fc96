"""Two people asking for the last unit at once: the row locks let only one through.

Runs on PostgreSQL (the suite's second pass); SQLite serialises writers anyway.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ambassade.jobs import schedule
from ambassade.programs.models import EnrolmentStatus
from ambassade.rewards.models import Redemption, Reward
from ambassade.rewards.redemptions import redemption_request
from ambassade.rewards.services import points_award
from ambassade.rewards.tests.helpers import make_share
from conftest import World
from tests.factories import EnrolmentFactory, MembershipFactory, UserFactory

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def test_score_activity_runs_every_minute() -> None:
    job = schedule.registered()["score activity"]
    assert job.every is not None
    assert job.every.total_seconds() == 60


@pytest.mark.django_db(transaction=True)
def test_the_last_unit_and_the_last_euros_go_to_one_request_only(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row-lock race: runs in the PostgreSQL pass of the suite.")
    world.program.budget_amount = Decimal("100")
    world.program.save()
    colleague = MembershipFactory.create(
        user=UserFactory.create(full_name="Colleague"), organization=world.org, is_ambassador=True
    )
    EnrolmentFactory.create(
        program=world.program, membership=colleague, status=EnrolmentStatus.ACTIVE
    )
    for member in (world.ambassador, colleague):
        share = make_share(member, world.item, world.program, at=NOW)
        points_award(
            membership=member, program=world.program, rule="application", source=share, now=NOW
        )
    ticket = Reward.objects.create(
        program=world.program, name="Ticket", points_cost=10, monetary_value=Decimal("80"), stock=5
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def ask(member_pk: int) -> None:
        from ambassade.accounts.models import Membership

        member = Membership.objects.get(pk=member_pk)
        barrier.wait()
        try:
            redemption_request(actor=member, reward_id=ticket.pk, now=NOW)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=ask, args=(pk,)) for pk in (world.ambassador.pk, colleague.pk)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    assert Redemption.objects.count() == 1
    assert any("budget" in outcome for outcome in outcomes)
