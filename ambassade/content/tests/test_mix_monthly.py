"""The company / market mix per program and per month, and the warning past 10 points."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import time_machine
from django.urls import reverse

from ambassade.content.models import ContentItem, Family
from ambassade.content.selectors import content_mix, mix_warnings, monthly_mix
from ambassade.programs.models import Program
from ambassade.sharing.services import share_create
from conftest import World
from tests.factories import ContentItemFactory, ProgramFactory

from .helpers import speak_english

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = dt.datetime(2027, 6, 15, 12, 0, tzinfo=PARIS)


def item(program: Program, family: str, publish_at: dt.datetime) -> ContentItem:
    return ContentItemFactory.create(
        organization=program.organization, programs=[program], family=family, publish_at=publish_at
    )


def test_items_and_shares_per_month_in_the_organizations_time_zone(world: World) -> None:
    april = item(world.program, Family.COMPANY, dt.datetime(2027, 4, 1, 9, tzinfo=PARIS))
    item(world.program, Family.MARKET, dt.datetime(2027, 4, 2, 9, tzinfo=PARIS))
    # 23:30 on May 31 in Paris: May, although June 1 in no time zone of Europe yet.
    item(world.program, Family.COMPANY, dt.datetime(2027, 5, 31, 23, 30, tzinfo=PARIS))
    # 00:30 on June 1 in Paris is still May 31 in UTC: June for the organization.
    june = item(world.program, Family.MARKET, dt.datetime(2027, 6, 1, 0, 30, tzinfo=PARIS))
    # Too old for the six months shown.
    item(world.program, Family.COMPANY, dt.datetime(2026, 12, 31, 12, tzinfo=PARIS))
    for at, shared in [
        (dt.datetime(2027, 4, 30, 23, 45, tzinfo=PARIS), april),
        (dt.datetime(2027, 5, 1, 0, 15, tzinfo=PARIS), april),  # April 30 in UTC
        (dt.datetime(2027, 6, 2, 10, tzinfo=PARIS), june),
        (dt.datetime(2027, 6, 3, 10, tzinfo=PARIS), april),
    ]:
        share_create(
            actor=world.ambassador, item=shared, network="x", commentary="Mon avis.", now=at
        )

    [talents] = monthly_mix(organization=world.org, now=NOW)
    assert talents.program == world.program
    months = {m.month: m for m in talents.months}
    assert list(months) == [dt.date(2027, month, 1) for month in (6, 5, 4, 3, 2, 1)]
    assert (
        months[dt.date(2027, 6, 1)].items.company,
        months[dt.date(2027, 6, 1)].items.market,
    ) == (0, 1)
    assert (
        months[dt.date(2027, 5, 1)].items.company,
        months[dt.date(2027, 5, 1)].items.market,
    ) == (1, 0)
    assert months[dt.date(2027, 4, 1)].items.total == 2
    assert months[dt.date(2027, 4, 1)].items.company_percent == 50
    assert months[dt.date(2027, 4, 1)].shares.company == 1
    assert (
        months[dt.date(2027, 5, 1)].shares.company,
        months[dt.date(2027, 5, 1)].shares.market,
    ) == (1, 0)
    assert (
        months[dt.date(2027, 6, 1)].shares.company,
        months[dt.date(2027, 6, 1)].shares.market,
    ) == (1, 1)
    assert months[dt.date(2027, 1, 1)].items.total == 0
    # Another organization's month is its own business.
    assert all(
        m.items.total == 0 for m in monthly_mix(organization=world.other_org, now=NOW)[0].months
    )


def test_the_warning_past_ten_points(world: World) -> None:
    heavy = ProgramFactory.create(organization=world.org, name="Nouveautés", slug="nouveautes")
    slightly = ProgramFactory.create(organization=world.org, name="Marque", slug="marque")
    recent = NOW - dt.timedelta(days=3)
    for n in range(10):
        item(heavy, Family.COMPANY if n < 5 else Family.MARKET, recent)
    # 28 % company against 20 %: the indicator says so, the warning does not (8 points).
    for n in range(25):
        item(slightly, Family.COMPANY if n < 7 else Family.MARKET, recent)
    mix = content_mix(organization=world.org, now=NOW)
    warnings = mix_warnings(organization=world.org, now=NOW, mix=mix)
    assert [(w.program.slug, w.subject, w.gap_points) for w in warnings] == [
        ("nouveautes", "items", 30)
    ]
    assert warnings[0].too_much_company


def test_the_warning_on_shares(world: World) -> None:
    company = item(world.program, Family.COMPANY, NOW - dt.timedelta(days=10))
    for n in range(6):
        share_create(
            actor=world.ambassador,
            item=company,
            network="x" if n % 2 else "linkedin",
            commentary=f"Mon avis numéro {n}.",
            now=NOW - dt.timedelta(days=5, hours=n),
        )
    warnings = mix_warnings(
        organization=world.org, now=NOW, mix=content_mix(organization=world.org, now=NOW)
    )
    assert [(w.subject, w.counts.company_percent, w.gap_points) for w in warnings] == [
        ("shares", 100, 80)
    ]


def test_the_curation_page_shows_the_warning_and_the_table(world: World) -> None:
    heavy = ProgramFactory.create(organization=world.org, name="Nouveautés", slug="nouveautes")
    for n in range(10):
        item(heavy, Family.COMPANY if n < 6 else Family.MARKET, NOW - dt.timedelta(days=2))
    speak_english(world.curator)
    with time_machine.travel(NOW, tick=False):
        html = world.client_for(world.curator).get(reverse("content:item_list")).content.decode()
    assert "The content mix is off target by more than 10 points:" in html
    assert (
        "Nouveautés: the items published in the last 30 days are 60 % company content, "
        "against a target of 20 % (40 points off)."
    ) in html
    assert "Publish more market content." in html
    table = re.search(r'data-monthly="nouveautes".*?</table>', html, re.S)
    assert table is not None
    june = re.search(r'data-month="2027-06">(.*?)</tr>', table.group(0), re.S)
    assert june is not None
    assert "June 2027" in june.group(1)
    assert '<td class="num off-target">60 %</td>' in june.group(1)
    # The existing 5-point indicator is still there.
    assert 'data-program="nouveautes" data-verdict="too_much_company"' in html


def test_no_warning_when_on_target(world: World) -> None:
    speak_english(world.curator)
    with time_machine.travel(NOW, tick=False):
        html = world.client_for(world.curator).get(reverse("content:item_list")).content.decode()
    assert "data-mix-warnings" not in html
    assert "off-target" not in html


def test_stranger_and_ambassador_cannot_see_the_mix(world: World) -> None:
    heavy = ProgramFactory.create(organization=world.org, name="Nouveautés", slug="nouveautes")
    for _ in range(6):
        item(heavy, Family.COMPANY, NOW - dt.timedelta(days=2))
    with time_machine.travel(NOW, tick=False):
        stranger = world.client_for(world.stranger).get(reverse("content:item_list"))
        ambassador = world.client_for(world.ambassador).get(reverse("content:item_list"))
    assert "Nouveautés" not in stranger.content.decode()
    assert ambassador.status_code == 403
