"""Roll-ups against raw data: every KPI and breakdown computed both ways agree exactly.

The expected figures are worked out here in plain Python from the raw rows,
independently of the SQL the roll-up job runs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from ambassade.accounts.models import Network
from ambassade.analytics.models import DEFAULT_RATES, DirtyDay, Rollup
from ambassade.analytics.selectors import breakdown, program_kpis, series
from ambassade.analytics.services import (
    clicks_purge,
    clicks_reclassify,
    rollups_reconcile,
    rollups_update,
)
from ambassade.analytics.tests.helpers import click_make, conversion_make, share_make
from ambassade.content.models import Family
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion, ConversionKind
from ambassade.tracking.referrers import referrer_network
from conftest import World
from tests.factories import (
    ContentItemFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProgramFactory,
    SocialAccountFactory,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
ORIGIN = datetime(2026, 1, 20, tzinfo=UTC)
HOSTS = [
    "",
    "lnkd.in",
    "www.linkedin.com",
    "t.co",
    "l.facebook.com",
    "bsky.app",
    "news.example.org",
    "mastodon.social",
]
KINDS = [
    ConversionKind.JOB_APPLICATION,
    ConversionKind.LEAD,
    ConversionKind.SIGN_UP,
    ConversionKind.CUSTOM,
]
NETWORKS = [Network.LINKEDIN, Network.X, Network.FACEBOOK, Network.MASTODON]


def _day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def populate(world: World, seed: int) -> tuple[list[Program], list[Click]]:
    """Random shares, clicks (in random order: late ones too), bots and conversions."""
    rng = random.Random(seed)
    programs = [world.program, ProgramFactory.create(organization=world.org, slug=f"second-{seed}")]
    people = [world.ambassador] + [
        MembershipFactory.create(
            organization=world.org, is_ambassador=True, department=rng.choice(["RH", "Ventes", ""])
        )
        for _ in range(5)
    ]
    accounts = {}
    for person in people:
        for network in NETWORKS:
            accounts[(person.pk, network)] = SocialAccountFactory.create(
                user=person.user,
                network=network,
                handle=f"{network}-{person.pk}",
                audience_size=rng.randint(0, 5000),
                mastodon_instance="mastodon.social" if network == Network.MASTODON else "",
            )
        for program in programs:
            if not program.enrolments.filter(membership=person).exists():
                EnrolmentFactory.create(program=program, membership=person, joined_at=ORIGIN)
    items = [
        ContentItemFactory.create(
            organization=world.org, family=rng.choice([Family.COMPANY, Family.MARKET])
        )
        for _ in range(5)
    ]
    shares = []
    for _ in range(50):
        person, network = rng.choice(people), rng.choice(NETWORKS)
        shares.append(
            share_make(
                program=rng.choice(programs),
                membership=person,
                item=rng.choice(items),
                network=network,
                at=ORIGIN + timedelta(minutes=rng.randint(0, 70 * 24 * 60)),
                account=accounts[(person.pk, network)] if rng.random() < 0.9 else None,
            )
        )
    planned = []
    for _ in range(400):
        share = rng.choice(shares)
        planned.append((share, share.created_at + timedelta(minutes=rng.randint(0, 10 * 24 * 60))))
    rng.shuffle(planned)  # ids out of time order: late clicks
    clicks = []
    for share, at in planned:
        click = click_make(
            share=share,
            at=at,
            visitor=f"v{rng.randint(1, 12)}",
            is_bot=rng.random() < 0.15,
            referrer=rng.choice(HOSTS),
        )
        clicks.append(click)
        if not click.is_bot and rng.random() < 0.2:
            occurred = at + timedelta(hours=rng.randint(0, 72))
            conversion_make(
                click=click,
                kind=rng.choice(KINDS),
                at=occurred,
                withdrawn_at=occurred if rng.random() < 0.1 else None,
            )
    # Something in the other organization, which must never show.
    other = share_make(
        program=world.other_program,
        membership=world.stranger,
        item=world.other_item,
        network=Network.X,
        at=ORIGIN,
    )
    click_make(share=other, at=ORIGIN)
    return programs, clicks


class Expected:
    """KPIs from raw rows, in Python."""

    def __init__(self, program: Program, start: date, end: date) -> None:
        def inside(moment: datetime) -> bool:
            return start <= _day(moment) <= end

        self.shares = [
            s
            for s in Share.objects.filter(program=program).select_related("social_account", "item")
            if inside(s.created_at)
        ]
        self.clicks = [
            c
            for c in Click.objects.filter(link__share__program=program).select_related(
                "link__share__social_account", "link__share__item"
            )
            if inside(c.clicked_at)
        ]
        self.conversions = [
            c
            for c in Conversion.objects.filter(
                share__program=program, withdrawn_at__isnull=True
            ).select_related("share__item", "click")
            if inside(c.occurred_at)
        ]

    def group(
        self,
        share_key: Callable[[Share], str | None],
        click_key: Callable[[Click], str],
        conversion_key: Callable[[Conversion], str],
    ) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for share in self.shares:
            key = share_key(share)
            if key is None:
                continue
            out[key]["shares"] += 1
            out[key]["potential_reach"] += (
                share.social_account.audience_size if share.social_account else 0
            )
        visitors: dict[tuple[str, date], set[str]] = defaultdict(set)
        for click in self.clicks:
            key = click_key(click)
            if click.is_bot:
                out[key]["bot_clicks"] += 1
                continue
            out[key]["human_clicks"] += 1
            visitors[(key, _day(click.clicked_at))].add(click.visitor_hash)
        for (key, _d), seen in visitors.items():
            out[key]["unique_visitors"] += len(seen)
        for conversion in self.conversions:
            key = conversion_key(conversion)
            name = {"job_application": "applications", "lead": "leads"}.get(
                conversion.kind, "others"
            )
            out[key][name] += 1
        return out


def _refnet(click: Click) -> str:
    share = click.link.share
    instance = (
        share.social_account.mastodon_instance
        if share.social_account and share.network == Network.MASTODON
        else ""
    )
    if not click.referrer_host:
        return "direct"
    return referrer_network(click.referrer_host, mastodon_instance=instance) or "other"


DIMENSIONS = {
    "network": (lambda s: s.network, lambda c: c.link.share.network, lambda v: v.share.network),
    "item": (
        lambda s: str(s.item_id),
        lambda c: str(c.link.share.item_id),
        lambda v: str(v.share.item_id),
    ),
    "ambassador": (
        lambda s: str(s.membership_id),
        lambda c: str(c.link.share.membership_id),
        lambda v: str(v.share.membership_id),
    ),
    "family": (
        lambda s: s.item.family,
        lambda c: c.link.share.item.family,
        lambda v: v.share.item.family,
    ),
    "referrer_network": (lambda s: None, _refnet, lambda v: _refnet(v.click)),
    "referrer_host": (lambda s: None, lambda c: c.referrer_host, lambda v: v.click.referrer_host),
}


def assert_agree(
    program: Program, start: date, end: date, expected: Expected | None = None
) -> Expected:
    expected = expected or Expected(program, start, end)
    kpis = program_kpis(program=program, start=start, end=end)
    total = expected.group(lambda s: "", lambda c: "", lambda v: "")[""]
    assert kpis.shares == total["shares"]
    assert kpis.potential_reach == total["potential_reach"]
    assert kpis.human_clicks == total["human_clicks"]
    assert kpis.bot_clicks == total["bot_clicks"]
    assert kpis.unique_visitors == total["unique_visitors"]
    assert kpis.applications == total["applications"]
    assert kpis.leads == total["leads"]
    assert kpis.active_ambassadors == len({s.membership_id for s in expected.shares})
    by_network = expected.group(*DIMENSIONS["network"])
    emv = sum(
        (
            DEFAULT_RATES[n][0] / 1000 * v["potential_reach"]
            + DEFAULT_RATES[n][1] * v["human_clicks"]
            for n, v in by_network.items()
        ),
        Decimal(0),
    )
    assert kpis.emv == emv.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    company = sum(1 for s in expected.shares if s.item.family == Family.COMPANY)
    assert kpis.company_shares == company
    for dimension, keys in DIMENSIONS.items():
        want = {
            key: (
                v["shares"],
                v["potential_reach"],
                v["human_clicks"],
                v["unique_visitors"],
                v["applications"],
                v["leads"],
            )
            for key, v in expected.group(*keys).items()
        }
        got = {
            row.key: (
                row.shares,
                row.potential_reach,
                row.human_clicks,
                row.unique_visitors,
                row.applications,
                row.leads,
            )
            for row in breakdown(program=program, start=start, end=end, dimension=dimension).rows
        }
        assert got == want, dimension
    daily = {
        p.starts_on: (p.shares, p.human_clicks)
        for p in series(program=program, start=start, end=end)
    }
    assert sum(v[0] for v in daily.values()) == total["shares"]
    assert sum(v[1] for v in daily.values()) == total["human_clicks"]
    return expected


PERIODS = [
    (date(2026, 1, 1), date(2026, 6, 30)),  # whole months: monthly rows
    (date(2026, 2, 1), date(2026, 2, 28)),
    (date(2026, 1, 25), date(2026, 3, 3)),  # partial months at both ends
    (date(2026, 2, 14), date(2026, 2, 14)),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_agree_with_raw_data(world: World, seed: int) -> None:
    programs, _clicks = populate(world, seed)
    rollups_update(now=ORIGIN + timedelta(days=90))
    rng = random.Random(seed)
    periods = [*PERIODS]
    for _ in range(4):
        first = date(2026, 1, 15) + timedelta(days=rng.randint(0, 80))
        periods.append((first, first + timedelta(days=rng.randint(0, 60))))
    for program in programs:
        for start, end in periods:
            assert_agree(program, start, end)


def test_late_clicks_are_rolled_up(world: World) -> None:
    programs, _clicks = populate(world, 7)
    rollups_update(now=ORIGIN + timedelta(days=90))
    share = Share.objects.filter(program=programs[0]).order_by("created_at").first()
    assert share is not None
    before = program_kpis(
        program=programs[0], start=date(2026, 1, 1), end=date(2026, 6, 30)
    ).human_clicks
    # Arrives now, but happened weeks ago (a spooled click flushed late).
    click_make(share=share, at=share.created_at + timedelta(hours=1), visitor="late")
    rollups_update(now=ORIGIN + timedelta(days=91))
    after = program_kpis(
        program=programs[0], start=date(2026, 1, 1), end=date(2026, 6, 30)
    ).human_clicks
    assert after == before + 1
    assert_agree(programs[0], date(2026, 1, 1), date(2026, 6, 30))


def test_reclassified_bots_update_the_rollups(world: World) -> None:
    programs, clicks = populate(world, 8)
    now = ORIGIN + timedelta(days=90)
    rollups_update(now=now)
    humans = [c for c in clicks if not c.is_bot and c.link.share.program_id == programs[0].pk][:5]
    changed = clicks_reclassify(
        actor=world.admin,
        click_ids=[c.pk for c in humans],
        is_bot=True,
        reason="datacenter",
        now=now,
    )
    assert changed == 5
    assert DirtyDay.objects.exists()
    rollups_update(now=now)
    assert not DirtyDay.objects.exists()
    assert_agree(programs[0], date(2026, 1, 1), date(2026, 6, 30))
    # Changed behind the service's back (the admin site): the nightly check catches it.
    Click.objects.filter(pk__in=[c.pk for c in humans]).update(is_bot=False)
    rollups_reconcile(now=now)
    assert_agree(programs[0], date(2026, 1, 1), date(2026, 6, 30))


def test_reclassifying_is_for_admins_of_the_organization(world: World) -> None:
    _programs, clicks = populate(world, 9)
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        clicks_reclassify(
            actor=world.manager, click_ids=[clicks[0].pk], is_bot=True, reason="x", now=ORIGIN
        )
    with pytest.raises(ValidationError):
        clicks_reclassify(
            actor=world.stranger, click_ids=[clicks[0].pk], is_bot=True, reason="x", now=ORIGIN
        )
    assert Click.objects.get(pk=clicks[0].pk).is_bot == clicks[0].is_bot


def test_retention_deletes_old_clicks_and_keeps_the_kpis(world: World) -> None:
    programs, _clicks = populate(world, 11)
    now = ORIGIN + timedelta(days=90)
    rollups_update(now=now)
    periods = [
        (date(2026, 1, 1), date(2026, 6, 30)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 25), date(2026, 2, 10)),
    ]
    expected = {(p.pk, s, e): assert_agree(p, s, e) for p in programs for s, e in periods}
    before = {
        key: program_kpis(program=Program.objects.get(pk=key[0]), start=key[1], end=key[2])
        for key in expected
    }
    later = ORIGIN + timedelta(days=45 + 30)
    with override_settings(AMBASSADE_CLICK_RETENTION_DAYS=30):
        deleted = clicks_purge(now=later)
        cutoff = later - timedelta(days=30)
        assert deleted > 0
        assert not Click.objects.filter(clicked_at__lt=cutoff, conversions__isnull=True).exists()
        # The clicks that brought a conversion stay, as its evidence.
        assert Conversion.objects.count() == Conversion.objects.filter(click__isnull=False).count()
        rollups_reconcile(now=later)  # never recomputes the purged days
        rollups_update(now=later)
    for key, kpis in before.items():
        assert (
            program_kpis(program=Program.objects.get(pk=key[0]), start=key[1], end=key[2]) == kpis
        )
    assert Rollup.objects.exists()


def test_jobs_are_scheduled() -> None:
    from ambassade.jobs import schedule

    names = set(schedule.registered())
    assert {"roll up analytics", "check analytics roll-ups", "purge old clicks"} <= names
