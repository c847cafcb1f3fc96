"""Digests of new content, daily or weekly, in each person's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core import mail

from ambassade.newsletter.digests import digests_send_due
from ambassade.newsletter.models import Digest, DigestFrequency, DigestStatus, Preference
from ambassade.newsletter.tests.smtp import html_part, smtp_server, text_part
from conftest import World
from tests.factories import ContentItemFactory

# Monday 2 March 2026, 08:00 in Paris (UTC+1).
MONDAY_8 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def _items(world: World, count: int, *, at: datetime) -> list[int]:
    return [
        ContentItemFactory.create(
            organization=world.org,
            programs=[world.program],
            title=f"Exclusivité Acme {n}",
            publish_at=at - timedelta(minutes=n + 1),
        ).pk
        for n in range(count)
    ]


def _prefer(world: World, digest: str) -> None:
    Preference.objects.create(
        organization=world.org, membership=world.ambassador, digest=digest, updated_at=MONDAY_8
    )


def _to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def test_weekly_digest_by_default_on_monday_morning_local_time(world: World) -> None:
    _items(world, 3, at=MONDAY_8 - timedelta(hours=2))
    digests_send_due(now=MONDAY_8 - timedelta(minutes=1))
    assert _to("amine@acme.example") == []
    report = digests_send_due(now=MONDAY_8)
    assert report.sent >= 1
    [message] = _to("amine@acme.example")
    assert "3" in message.subject
    # Every new item, with a one-click link to its share page.
    assert message.body.count("http://testserver/share/") == 3
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Not twice the same week.
    digests_send_due(now=MONDAY_8 + timedelta(hours=3))
    assert len(_to("amine@acme.example")) == 1


def test_at_most_ten_items_and_nothing_when_nothing_is_new(world: World) -> None:
    _prefer(world, DigestFrequency.DAILY)
    _items(world, 12, at=MONDAY_8 - timedelta(hours=2))
    digests_send_due(now=MONDAY_8)
    [message] = _to("amine@acme.example")
    assert message.body.count("http://testserver/share/") == 10
    # The next morning: nothing new since, nothing sent.
    digests_send_due(now=MONDAY_8 + timedelta(days=1))
    assert len(_to("amine@acme.example")) == 1
    empty = Digest.objects.get(membership=world.ambassador, period_key="2026-03-03")
    assert empty.status == DigestStatus.EMPTY


def test_time_zone_of_each_person(world: World) -> None:
    world.ambassador.user.time_zone = "Africa/Casablanca"  # UTC+0 in early March 2026
    world.ambassador.user.save()
    _prefer(world, DigestFrequency.DAILY)
    _items(world, 1, at=MONDAY_8 - timedelta(hours=2))
    digests_send_due(now=MONDAY_8)  # 07:00 in Casablanca
    assert _to("amine@acme.example") == []
    digests_send_due(now=MONDAY_8 + timedelta(hours=1))
    assert len(_to("amine@acme.example")) == 1


def test_digests_turned_off_send_nothing(world: World) -> None:
    _prefer(world, DigestFrequency.OFF)
    _items(world, 2, at=MONDAY_8 - timedelta(hours=2))
    digests_send_due(now=MONDAY_8)
    assert _to("amine@acme.example") == []


def test_only_the_organization_own_items_over_real_smtp(world: World) -> None:
    _items(world, 1, at=MONDAY_8 - timedelta(hours=2))
    ContentItemFactory.create(
        organization=world.other_org,
        programs=[world.other_program],
        title="Secret Globex",
        publish_at=MONDAY_8 - timedelta(hours=1),
    )
    with smtp_server() as server:
        digests_send_due(now=MONDAY_8)
    [amine] = server.to("amine@acme.example")
    assert amine.get_content_type() == "multipart/alternative"
    assert "Exclusivité Acme 0" in html_part(amine)
    assert "Secret Globex" not in html_part(amine) + text_part(amine)
    [sam] = server.to("sam@globex.example")
    assert "Secret Globex" in text_part(sam)
    assert "Exclusivité Acme" not in text_part(sam)
