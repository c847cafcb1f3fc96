from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from ambassade.accounts.models import Membership
from ambassade.newsletter.models import Issue
from ambassade.newsletter.sections import period_bounds
from ambassade.newsletter.services import issue_generate
from ambassade.newsletter.tests.helpers import add_share, member
from ambassade.sharing.models import Share
from conftest import World
from tests.factories import EnrolmentFactory


@dataclass
class Newsletter:
    world: World
    now: datetime
    issue: Issue
    other_issue: Issue
    bea: Membership
    chris: Membership
    amine_share: Share


@pytest.fixture
def nl(world: World) -> Newsletter:
    """Last month's activity in both organizations and this month's draft of each program.

    Amine (French) has 7 human clicks, Béa (English, in Casablanca) 3 clicks on two
    shares, Chris none; the stranger's organization has 50 clicks of its own.
    """
    now = timezone.now()
    world.ambassador.user.language = "en"
    world.ambassador.user.save()
    bea = member(world.org, "Béa Bernard", "bea@acme.example", time_zone="Africa/Casablanca")
    chris = member(world.org, "Chris Carré", "chris@acme.example")
    for person in (bea, chris):
        EnrolmentFactory.create(program=world.program, membership=person)
    issue = issue_generate(program=world.program, edition_on=now.date(), now=now)
    other_issue = issue_generate(program=world.other_program, edition_on=now.date(), now=now)
    start, _end = period_bounds(issue)
    moment = start + timedelta(days=10)
    amine_share = add_share(
        world.ambassador, world.program, world.item, at=moment, clicks=7, bots=2
    )
    add_share(bea, world.program, world.item, at=moment, clicks=2)
    add_share(bea, world.program, world.item, at=moment + timedelta(days=1), clicks=1)
    add_share(world.stranger, world.other_program, world.other_item, at=moment, clicks=50)
    return Newsletter(
        world=world,
        now=now,
        issue=issue,
        other_issue=other_issue,
        bea=bea,
        chris=chris,
        amine_share=amine_share,
    )
