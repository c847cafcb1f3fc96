from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from ambassade.sharing.models import Share
from ambassade.sharing.services import share_create
from ambassade.tracking.models import Click
from ambassade.tracking.services import click_record
from tests.factories import ContentItemFactory

ACTIVITY = reverse("sharing:activity")
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
UTC = dt.UTC


def make_share(world, *, at: dt.datetime, network: str = "x", title: str = "") -> Share:
    item = world.item
    if title:
        item = ContentItemFactory(
            organization=world.org,
            programs=[world.program],
            title=title,
            publish_at=at - dt.timedelta(hours=1),
        )
    return share_create(
        actor=world.ambassador,
        item=item,
        network=network,
        commentary="Ma lecture personnelle, à partager.",
        now=at,
    ).share


def click(share: Share, *, at: dt.datetime, ip: str = "203.0.113.9", ua: str = CHROME) -> None:
    with time_machine.travel(at, tick=False):
        click_record(link=share.link, now=at, method="GET", ip=ip, user_agent=ua, referrer="")


def rows(response) -> list[tuple[str, str, int, int]]:
    return [
        (r.share.item.title, r.share.network, r.human_clicks, r.bot_clicks)
        for r in response.context["activity"].rows
    ]


def test_activity_lists_this_months_shares_with_clicks_and_totals(world) -> None:
    march = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    world.item.publish_at = dt.datetime(2026, 2, 1, tzinfo=UTC)
    world.item.save()
    old = make_share(world, at=dt.datetime(2026, 2, 20, 9, 0, tzinfo=UTC), network="linkedin")
    first = make_share(world, at=march)
    second = make_share(world, at=march + dt.timedelta(hours=2), title="Prix de l'innovation")
    # Two clicks by the same person on day one, one by another, one the next day;
    # a preview fetcher; and a click on last month's share.
    click(first, at=march + dt.timedelta(hours=1))
    click(first, at=march + dt.timedelta(hours=3))
    click(first, at=march + dt.timedelta(hours=4), ip="198.51.100.7")
    click(first, at=march + dt.timedelta(days=1))
    click(second, at=march + dt.timedelta(hours=5), ua="LinkedInBot/1.0")
    click(old, at=march + dt.timedelta(hours=1))

    with time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=UTC), tick=False):
        response = world.client_for(world.ambassador).get(ACTIVITY)

    assert response.status_code == 200
    assert rows(response) == [
        ("Prix de l'innovation", "x", 0, 1),
        (world.item.title, "x", 4, 0),
    ]
    activity = response.context["activity"]
    assert (activity.shares, activity.human_clicks, activity.unique_visitors) == (2, 4, 3)
    page = response.content.decode()
    assert 'data-total="unique_visitors">3<' in page
    assert f"http://testserver/r/{first.link.code}" in page
    assert "100 %" in page
    months = [value for value, _label in response.context["month_form"].fields["month"].choices]
    assert months == ["2026-03", "2026-02"]


def test_previous_month_can_be_chosen(world) -> None:
    world.item.publish_at = dt.datetime(2026, 1, 1, tzinfo=UTC)
    world.item.save()
    make_share(world, at=dt.datetime(2026, 2, 20, 9, 0, tzinfo=UTC), network="linkedin")
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=UTC), tick=False):
        client = world.client_for(world.ambassador)
        assert rows(client.get(ACTIVITY)) == []
        february = client.get(ACTIVITY, {"month": "2026-02"})
        unknown = client.get(ACTIVITY, {"month": "1999-01"})
    assert rows(february) == [(world.item.title, "linkedin", 0, 0)]
    assert unknown.status_code == 200
    assert unknown.context["month_form"].errors["month"]
    assert unknown.context["activity"].month == dt.date(2026, 3, 1)


def test_months_follow_the_persons_time_zone(world) -> None:
    world.item.publish_at = dt.datetime(2026, 1, 1, tzinfo=UTC)
    world.item.save()
    # 23:30 UTC on 28 February is already March in Paris, still February in New York.
    make_share(world, at=dt.datetime(2026, 2, 28, 23, 30, tzinfo=UTC))
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, 0, tzinfo=UTC), tick=False):
        paris = world.client_for(world.ambassador).get(ACTIVITY)
        user = world.ambassador.user
        user.time_zone = "America/New_York"
        user.save()
        new_york = world.client_for(world.ambassador).get(ACTIVITY)
    assert len(rows(paris)) == 1
    assert rows(new_york) == []


def test_activity_shows_only_the_persons_own_shares(world) -> None:
    make_share(world, at=dt.datetime.now(UTC))
    stranger = world.client_for(world.stranger).get(ACTIVITY)
    assert stranger.status_code == 200
    assert rows(stranger) == []
    assert world.client_for(world.curator).get(ACTIVITY).status_code == 403
    anonymous = Client().get(ACTIVITY)
    assert anonymous.status_code == 302


def test_bot_clicks_are_counted_apart(world) -> None:
    share = make_share(world, at=dt.datetime.now(UTC))
    click(share, at=dt.datetime.now(UTC), ua="facebookexternalhit/1.1")
    assert Click.objects.filter(is_bot=True).count() == 1
    response = world.client_for(world.ambassador).get(ACTIVITY)
    assert rows(response) == [(world.item.title, "x", 0, 1)]
    assert response.context["activity"].human_clicks == 0
    assert response.context["activity"].unique_visitors == 0
