"""Reads: the content mix per program, the item list's counts, what ambassadors see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ambassade.content.models import Family, ItemStatus
from ambassade.content.selectors import (
    ItemFilters,
    MixVerdict,
    ProgramMix,
    content_mix,
    item_list,
    item_shares,
    items_visible_to,
)
from ambassade.programs.models import Program
from conftest import World
from tests.factories import (
    ContentItemFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProgramFactory,
    WaveFactory,
)

from .helpers import LINKEDIN_BOT, click, published, share


@pytest.fixture
def mix_program(world: World) -> Program:
    return ProgramFactory.create(organization=world.org, name="Marque employeur", slug="marque")


def mix_of(world: World, program: Program) -> ProgramMix:
    return next(
        m for m in content_mix(organization=world.org, now=timezone.now()) if m.program == program
    )


def test_mix_on_target_at_20_80(world: World, mix_program: Program) -> None:
    published(mix_program, Family.COMPANY, count=2)
    published(mix_program, Family.MARKET, count=8)

    mix = mix_of(world, mix_program)
    assert (mix.company_count, mix.market_count, mix.total) == (2, 8, 10)
    assert (mix.company_percent, mix.market_percent) == (20, 80)
    assert (mix.company_target, mix.market_target) == (20, 80)
    assert mix.verdict is MixVerdict.ON_TARGET


def test_mix_half_and_half_is_too_much_company(world: World, mix_program: Program) -> None:
    published(mix_program, Family.COMPANY, count=5)
    published(mix_program, Family.MARKET, count=5)

    mix = mix_of(world, mix_program)
    assert (mix.company_percent, mix.market_percent) == (50, 50)
    assert mix.verdict is MixVerdict.TOO_MUCH_COMPANY


def test_mix_only_market_is_too_much_market(world: World, mix_program: Program) -> None:
    published(mix_program, Family.MARKET, count=6)
    assert mix_of(world, mix_program).verdict is MixVerdict.TOO_MUCH_MARKET


def test_mix_within_five_points_is_on_target(world: World, mix_program: Program) -> None:
    mix_program.company_share_target = 30
    mix_program.save()
    published(mix_program, Family.COMPANY, count=1)
    published(mix_program, Family.MARKET, count=3)
    published(mix_program, Family.COMPANY, count=1, status=ItemStatus.ARCHIVED)
    # 2 of 5 = 40 %: ten points over a 30 % target.
    assert mix_of(world, mix_program).verdict is MixVerdict.TOO_MUCH_COMPANY
    published(mix_program, Family.MARKET, count=2)
    # 2 of 7 = 28.6 %: within five points of 30 %.
    mix = mix_of(world, mix_program)
    assert (mix.company_percent, mix.market_percent) == (29, 71)
    assert mix.verdict is MixVerdict.ON_TARGET


def test_mix_needs_five_items(world: World, mix_program: Program) -> None:
    published(mix_program, Family.COMPANY, count=1)
    published(mix_program, Family.MARKET, count=3)
    mix = mix_of(world, mix_program)
    assert mix.total == 4
    assert mix.verdict is MixVerdict.NOT_ENOUGH


def test_mix_counts_only_what_was_published_in_the_last_30_days(
    world: World, mix_program: Program
) -> None:
    published(mix_program, Family.MARKET, count=4)
    published(mix_program, Family.COMPANY, count=1)
    # None of these count: too old, a draft, pending, or scheduled for later.
    published(mix_program, Family.COMPANY, count=3, days_ago=31)
    published(mix_program, Family.COMPANY, status=ItemStatus.DRAFT)
    published(mix_program, Family.COMPANY, status=ItemStatus.PENDING)
    published(mix_program, Family.COMPANY, days_ago=-2)

    mix = mix_of(world, mix_program)
    assert (mix.company_count, mix.market_count) == (1, 4)
    assert mix.verdict is MixVerdict.ON_TARGET


def test_mix_lists_every_program_of_the_organization_only(
    world: World, mix_program: Program
) -> None:
    ContentItemFactory.create(
        organization=world.org, programs=[world.program, mix_program], family=Family.COMPANY
    )
    mixes = content_mix(organization=world.org, now=timezone.now())
    assert [m.program for m in mixes] == [mix_program, world.program]
    # world.item (market) and the new company item both count for Talents Acme.
    talents = mixes[1]
    assert (talents.company_count, talents.market_count) == (1, 1)
    assert mixes[0].company_count == 1
    assert world.other_program not in [m.program for m in mixes]


def test_item_list_counts_shares_and_human_clicks_in_one_query(world: World) -> None:
    first = share(world.ambassador, world.item)
    second = share(world.ambassador, world.item, network="x")
    click(first)
    click(first, ip="203.0.113.9")
    click(second)
    click(first, user_agent=LINKEDIN_BOT)
    quiet = ContentItemFactory.create(
        organization=world.org, programs=[world.program], title="Rien"
    )

    with CaptureQueriesContext(connection) as queries:
        rows = {item.pk: item for item in item_list(organization=world.org, filters=ItemFilters())}
    assert len(queries) == 1
    assert (rows[world.item.pk].share_count, rows[world.item.pk].human_click_count) == (2, 3)
    assert (rows[quiet.pk].share_count, rows[quiet.pk].human_click_count) == (0, 0)
    assert world.other_item.pk not in rows


def test_item_list_filters(world: World) -> None:
    company = ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        family=Family.COMPANY,
        title="Nous recrutons des data scientists",
        status=ItemStatus.DRAFT,
        language="en",
    )
    other_program = ProgramFactory.create(organization=world.org, slug="ventes")
    elsewhere = ContentItemFactory.create(organization=world.org, programs=[other_program])

    def titles(**filters: str) -> set[int]:
        return {i.pk for i in item_list(organization=world.org, filters=ItemFilters(**filters))}

    assert titles() == {world.item.pk, company.pk, elsewhere.pk}
    assert titles(family="company") == {company.pk}
    assert titles(status="draft") == {company.pk}
    assert titles(language="en") == {company.pk}
    assert titles(q="DATA") == {company.pk}
    assert titles(program="ventes") == {elsewhere.pk}
    assert titles(program="talents-acme") == {world.item.pk, company.pk}
    assert titles(program="globex-pilot") == set()


def test_item_shares_rows_and_totals(world: World) -> None:
    first = share(world.ambassador, world.item, commentary="Mes propres mots, rien à voir.")
    click(first)
    click(first, user_agent=LINKEDIN_BOT)
    click(first, user_agent=LINKEDIN_BOT, ip="203.0.113.1")
    share(world.ambassador, world.item, network="x")

    with CaptureQueriesContext(connection) as queries:
        shares = item_shares(item=world.item)
    assert len(queries) == 1
    assert shares.count == 2
    assert (shares.human_clicks, shares.bot_clicks) == (1, 2)
    linkedin = next(row for row in shares.rows if row.network == "linkedin")
    assert linkedin.ambassador_name == "Amine Ambassadeur"
    assert (linkedin.human_clicks, linkedin.bot_clicks) == (1, 2)
    assert linkedin.own_words_percent == 100


def test_items_visible_to_ambassador(world: World) -> None:
    now = timezone.now()
    wave_1 = WaveFactory.create(program=world.program, name="Pionniers")
    wave_2 = WaveFactory.create(program=world.program, name="Deuxième vague")
    enrolment = world.ambassador.enrolments.get(program=world.program)
    enrolment.wave = wave_1
    enrolment.save()
    for_my_wave = ContentItemFactory.create(organization=world.org, programs=[world.program])
    for_my_wave.waves.set([wave_1])
    for_other_wave = ContentItemFactory.create(organization=world.org, programs=[world.program])
    for_other_wave.waves.set([wave_2])
    scheduled = ContentItemFactory.create(
        organization=world.org, programs=[world.program], publish_at=now + dt.timedelta(hours=2)
    )
    draft = ContentItemFactory.create(
        organization=world.org, programs=[world.program], status=ItemStatus.DRAFT
    )
    not_my_program = ContentItemFactory.create(
        organization=world.org, programs=[ProgramFactory.create(organization=world.org)]
    )

    visible = set(items_visible_to(membership=world.ambassador, now=now))
    assert visible == {world.item, for_my_wave}
    assert not visible & {for_other_wave, scheduled, draft, not_my_program, world.other_item}


def test_nothing_is_visible_without_an_active_enrolment(world: World) -> None:
    newcomer = MembershipFactory.create(organization=world.org, is_ambassador=True)
    assert list(items_visible_to(membership=newcomer, now=timezone.now())) == []
    EnrolmentFactory.create(program=world.program, membership=newcomer, status="left")
    assert list(items_visible_to(membership=newcomer, now=timezone.now())) == []
