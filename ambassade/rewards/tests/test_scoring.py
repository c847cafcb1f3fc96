"""Every rule against gaming, and the job's idempotence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from ambassade.rewards.models import AmbassadorVisitor, EntryNote, PointsEntry, Rule
from ambassade.rewards.scoring import score_activity
from ambassade.rewards.selectors import member_points
from ambassade.rewards.services import points_award, points_rules_update
from ambassade.rewards.tests.helpers import (
    CHROME,
    LINKEDIN_BOT,
    make_click,
    make_conversion,
    make_share,
)
from ambassade.tracking.models import Click, ConversionKind
from conftest import World
from tests.factories import ContentItemFactory

# A Wednesday, mid-morning in Paris.
NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def lifetime(world: World) -> int:
    return member_points(membership=world.ambassador, program=world.program).lifetime


def rules_of(world: World) -> list[tuple[str, int]]:
    return list(
        PointsEntry.objects.filter(membership=world.ambassador)
        .order_by("id")
        .values_list("rule", "points")
    )


def test_a_share_scores_its_points_with_reason_source_and_rule_version(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    report = score_activity(now=NOW + timedelta(minutes=1))
    assert report.shares == 1
    entry = PointsEntry.objects.get(rule=Rule.SHARE)
    assert entry.points == 10
    assert entry.source == share
    assert entry.rule_version == 1
    assert world.item.title in entry.reason
    assert "LinkedIn" in entry.reason
    assert entry.occurred_at == NOW


def test_own_words_bonus_from_half_of_the_commentary(world: World) -> None:
    make_share(world.ambassador, world.item, world.program, at=NOW, own_words_ratio=0.5)
    other = ContentItemFactory.create(organization=world.org, programs=[world.program])
    make_share(world.ambassador, other, world.program, at=NOW, own_words_ratio=0.49)
    score_activity(now=NOW)
    assert PointsEntry.objects.filter(rule=Rule.OWN_WORDS).count() == 1
    assert lifetime(world) == 10 + 5 + 10


def test_sharing_the_same_item_on_the_same_network_twice_scores_once(world: World) -> None:
    make_share(world.ambassador, world.item, world.program, at=NOW, network="linkedin")
    make_share(world.ambassador, world.item, world.program, at=NOW + timedelta(hours=1))
    make_share(world.ambassador, world.item, world.program, at=NOW, network="x")
    score_activity(now=NOW + timedelta(hours=2))
    assert PointsEntry.objects.filter(rule=Rule.SHARE).count() == 2


def test_a_human_click_scores_one_point_once_per_visitor(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    make_click(share, at=NOW + timedelta(minutes=5), ip="198.51.100.1")
    make_click(share, at=NOW + timedelta(minutes=6), ip="198.51.100.1")  # same person again
    make_click(share, at=NOW + timedelta(minutes=7), ip="198.51.100.2")
    score_activity(now=NOW + timedelta(minutes=10))
    assert PointsEntry.objects.filter(rule=Rule.CLICK).count() == 2


def test_bot_and_link_preview_clicks_never_score(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    click = make_click(share, at=NOW + timedelta(minutes=1), user_agent=LINKEDIN_BOT)
    assert click.is_bot
    score_activity(now=NOW + timedelta(minutes=2))
    assert not PointsEntry.objects.filter(rule=Rule.CLICK).exists()


def test_the_ambassadors_own_clicks_never_score(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    client = world.client_for(world.ambassador)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        # Opening the application records their own visitor hash of the day...
        response = client.get("/rewards/", REMOTE_ADDR="192.0.2.77", HTTP_USER_AGENT=CHROME)
        assert response.status_code == 200
    assert AmbassadorVisitor.objects.filter(membership=world.ambassador).count() == 1
    # ... so a click from the same browser and network is theirs.
    make_click(share, at=NOW + timedelta(minutes=2), ip="192.0.2.77", user_agent=CHROME)
    make_click(share, at=NOW + timedelta(minutes=3), ip="192.0.2.78", user_agent=CHROME)
    score_activity(now=NOW + timedelta(minutes=5))
    assert PointsEntry.objects.filter(rule=Rule.CLICK).count() == 1


def test_an_own_click_found_out_afterwards_is_corrected(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    make_click(share, at=NOW + timedelta(minutes=1), ip="192.0.2.77", user_agent=CHROME)
    score_activity(now=NOW + timedelta(minutes=2))
    assert PointsEntry.objects.filter(rule=Rule.CLICK, points=1).exists()
    client = world.client_for(world.ambassador)
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        client.get("/rewards/", REMOTE_ADDR="192.0.2.77", HTTP_USER_AGENT=CHROME)
    score_activity(now=NOW + timedelta(minutes=4))
    correction = PointsEntry.objects.get(rule=Rule.CLICK, is_correction=True)
    assert correction.points == -1
    assert correction.note == EntryNote.SELF_CLICK


def test_click_points_stop_at_twenty_per_share(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    for n in range(25):
        make_click(share, at=NOW + timedelta(minutes=n + 1), ip=f"198.51.100.{n + 1}")
    score_activity(now=NOW + timedelta(hours=1))
    clicks = PointsEntry.objects.filter(rule=Rule.CLICK)
    assert sum(clicks.values_list("points", flat=True)) == 20


def test_daily_and_weekly_caps(world: World) -> None:
    points_rules_update(
        actor=world.manager,
        program=world.program,
        values={"daily_cap": 25, "weekly_cap": 40},
        now=NOW,
    )
    items = [
        ContentItemFactory.create(organization=world.org, programs=[world.program])
        for _ in range(5)
    ]
    # Monday: three shares worth 10 each, capped at 25 for the day.
    monday = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    for n in range(3):
        make_share(world.ambassador, items[n], world.program, at=monday + timedelta(hours=n))
    # Tuesday: two more; the week stops at 40.
    for n in range(3, 5):
        make_share(
            world.ambassador, items[n], world.program, at=monday + timedelta(days=1, hours=n)
        )
    score_activity(now=NOW)
    entries = PointsEntry.objects.filter(rule=Rule.SHARE).order_by("occurred_at")
    assert [e.points for e in entries] == [10, 10, 5, 10, 5]
    assert [e.note for e in entries] == ["", "", EntryNote.DAILY_CAP, "", EntryNote.WEEKLY_CAP]
    assert lifetime(world) == 40
    # The next week starts afresh.
    make_share(world.ambassador, world.item, world.program, at=monday + timedelta(days=7))
    score_activity(now=NOW + timedelta(days=7))
    assert lifetime(world) == 50


def test_the_job_is_idempotent(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW, own_words_ratio=0.9)
    click = make_click(share, at=NOW + timedelta(minutes=1))
    make_conversion(click, at=NOW + timedelta(minutes=5))
    score_activity(now=NOW + timedelta(minutes=6))
    before = rules_of(world)
    assert sorted(rule for rule, _points in before) == [
        "application",
        "click",
        "own_words",
        "share",
    ]
    # Reading everything again (the cursor lost) scores nothing new.
    from ambassade.rewards.models import ScoringCursor

    ScoringCursor.objects.all().delete()
    score_activity(now=NOW + timedelta(minutes=7))
    score_activity(now=NOW + timedelta(minutes=8))
    assert rules_of(world) == before


def test_a_click_reclassified_as_a_bot_is_undone_by_a_visible_correction(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    click = make_click(share, at=NOW + timedelta(minutes=1))
    score_activity(now=NOW + timedelta(minutes=2))
    assert lifetime(world) == 11
    Click.objects.filter(pk=click.pk).update(is_bot=True, bot_reason="datacenter range")
    score_activity(now=NOW + timedelta(minutes=3))
    score_activity(now=NOW + timedelta(minutes=4))
    original = PointsEntry.objects.get(rule=Rule.CLICK, is_correction=False)
    correction = PointsEntry.objects.get(rule=Rule.CLICK, is_correction=True)
    assert correction.points == -1
    assert correction.corrects == original
    assert correction.note == EntryNote.BOT
    assert original.points == 1  # never edited
    assert lifetime(world) == 10
    # The ambassador sees the correction line in their ledger.
    page = world.client_for(world.ambassador).get("/rewards/").content.decode()
    assert "data-correction" in page
    assert "−1" in page or "-1" in page


def test_a_withdrawn_conversion_is_undone_by_a_correction(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    click = make_click(share, at=NOW + timedelta(minutes=1))
    lead = make_conversion(click, at=NOW + timedelta(minutes=2), kind=ConversionKind.LEAD)
    score_activity(now=NOW + timedelta(minutes=3))
    assert PointsEntry.objects.get(rule=Rule.LEAD).points == 30
    lead.withdrawn_at = NOW + timedelta(days=1)
    lead.save()
    score_activity(now=NOW + timedelta(days=1))
    correction = PointsEntry.objects.get(rule=Rule.LEAD, is_correction=True)
    assert correction.points == -30
    assert correction.note == EntryNote.WITHDRAWN
    assert lifetime(world) == 10 + 1


def test_a_withdrawn_conversion_never_scores(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    click = make_click(share, at=NOW + timedelta(minutes=1))
    conversion = make_conversion(click, at=NOW + timedelta(minutes=2))
    conversion.withdrawn_at = NOW + timedelta(minutes=3)
    conversion.save()
    score_activity(now=NOW + timedelta(minutes=4))
    assert not PointsEntry.objects.filter(rule=Rule.APPLICATION).exists()


def test_weekly_streak_once_per_week(world: World) -> None:
    items = [
        ContentItemFactory.create(organization=world.org, programs=[world.program])
        for _ in range(4)
    ]
    monday = datetime(2026, 2, 23, 9, 0, tzinfo=UTC)
    for week in range(3):
        make_share(world.ambassador, items[week], world.program, at=monday + timedelta(weeks=week))
    make_share(world.ambassador, items[3], world.program, at=monday + timedelta(weeks=2, days=1))
    score_activity(now=NOW)
    streaks = PointsEntry.objects.filter(rule=Rule.WEEKLY_STREAK)
    assert [e.points for e in streaks] == [5]
    assert streaks.get().occurred_at == monday + timedelta(weeks=2)


def test_points_award_is_idempotent_and_refuses_strangers(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    first = points_award(
        membership=world.ambassador,
        program=world.program,
        rule="training_module",
        source=share,
        now=NOW,
    )
    again = points_award(
        membership=world.ambassador,
        program=world.program,
        rule="training_module",
        source=share,
        now=NOW,
    )
    assert first is not None
    assert first.points == 20
    assert again is None
    with pytest.raises(PermissionDenied):
        points_award(
            membership=world.stranger, program=world.program, rule="share", source=share, now=NOW
        )
    with pytest.raises(PermissionDenied):
        points_award(
            membership=world.stranger,
            program=world.other_program,
            rule="share",
            source=share,
            now=NOW,
        )
    with pytest.raises(ValidationError):
        points_award(
            membership=world.ambassador,
            program=world.program,
            rule="nonsense",
            source=share,
            now=NOW,
        )


def test_rules_are_versioned_and_per_network(world: World) -> None:
    rules = points_rules_update(
        actor=world.manager,
        program=world.program,
        values={"share": 12, "network_values": {"x": 3}},
        now=NOW,
    )
    assert rules.version == 2
    make_share(world.ambassador, world.item, world.program, at=NOW, network="x")
    make_share(world.ambassador, world.item, world.program, at=NOW, network="linkedin")
    score_activity(now=NOW)
    values = dict(PointsEntry.objects.values_list("share__network", "points"))
    assert values == {"x": 3, "linkedin": 12}
    assert set(PointsEntry.objects.values_list("rule_version", flat=True)) == {2}
    with pytest.raises(PermissionDenied):
        points_rules_update(
            actor=world.ambassador, program=world.program, values={"share": 1}, now=NOW
        )
    with pytest.raises(ValidationError):
        points_rules_update(
            actor=world.manager,
            program=world.program,
            values={"network_values": {"myspace": 1}},
            now=NOW,
        )


def test_rules_of_another_organization_are_not_found(world: World) -> None:
    from django.http import Http404

    with pytest.raises((Http404, PermissionDenied)):
        points_rules_update(
            actor=world.stranger, program=world.program, values={"share": 1}, now=NOW
        )
