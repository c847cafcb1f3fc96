"""What the sections show with the other apps installed: targets, points, events."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import translation

from ambassade.community.models import Event, EventKind
from ambassade.newsletter import providers
from ambassade.newsletter.rendering import IssueRenderer
from ambassade.newsletter.sections import issue_data, period_bounds
from ambassade.newsletter.tests.conftest import Newsletter
from ambassade.newsletter.tests.helpers import figure
from ambassade.programs.models import KpiTarget, Metric, Objective, ObjectiveKind
from ambassade.rewards.services import points_award
from tests.factories import ProgramFactory


def _event(nl: Newsletter, title: str, **fields: object) -> Event:
    values: dict[str, object] = {
        "organization": nl.world.org,
        "kind": EventKind.BREAKFAST,
        "title": title,
        "starts_at": nl.now + timedelta(days=5),
        "ends_at": nl.now + timedelta(days=5, hours=2),
        "time_zone": "Europe/Paris",
        "place": "Paris, salle Seine",
    }
    values.update(fields)
    return Event.objects.create(**values)


def test_events_of_the_program_and_of_everybody_only(nl: Newsletter) -> None:
    other_program = ProgramFactory.create(organization=nl.world.org)
    _event(nl, "Petit-déjeuner des ambassadeurs")
    _event(nl, "Atelier de l'autre programme", program=other_program)
    _event(nl, "Événement Globex", organization=nl.world.other_org)
    with translation.override("en"):
        data = issue_data(issue=nl.issue, now=nl.now)
    assert [event.title for event in data.events] == ["Petit-déjeuner des ambassadeurs"]
    assert data.events[0].location == "Paris, salle Seine"
    assert data.events[0].url.startswith("/community/events/")


def test_targets_progress_is_drawn_as_bars(nl: Newsletter) -> None:
    objective = Objective.objects.create(
        program=nl.world.program, kind=ObjectiveKind.TRAFFIC, title="Trafic"
    )
    KpiTarget.objects.create(
        objective=objective,
        metric=Metric.SHARES,
        target_value=Decimal("12"),
        deadline_on=nl.now.date() + timedelta(days=90),
    )
    renderer = IssueRenderer(nl.issue, now=nl.now)
    with translation.override("en"):
        data = renderer.data("en")
    [row] = data.kpis
    assert row.target == Decimal("12")
    assert 0 <= row.bar <= 100
    assert row.bar + row.rest == 100
    html = renderer.render_one(nl.world.ambassador).html
    assert "bar-done" in html or "bar-rest" in html
    assert "<svg" not in html
    assert "<script" not in html


def test_points_and_rank_of_the_recipient(nl: Newsletter) -> None:
    start, _end = period_bounds(nl.issue)
    points_award(
        membership=nl.world.ambassador,
        program=nl.world.program,
        rule="share",
        source=nl.amine_share,
        now=start + timedelta(days=10),
        share=nl.amine_share,
    )
    renderer = IssueRenderer(nl.issue, now=nl.now)
    html = renderer.render_one(nl.world.ambassador).html
    assert figure(html, "shares") == "1"
    found = html.split('data-figure="points"', 1)[1]
    assert 'data-rank="1"' in found
    assert "Amine" in renderer.render_one(nl.bea).html  # the leaderboard, by first name


def test_without_the_other_apps_the_tracking_basics_fill_in(nl: Newsletter, monkeypatch) -> None:
    for name in (
        "targets_progress",
        "program_kpis",
        "leaderboard",
        "badges_awarded",
        "upcoming_events",
    ):
        monkeypatch.setattr(providers, name, lambda: None)
    objective = Objective.objects.create(
        program=nl.world.program, kind=ObjectiveKind.TRAFFIC, title="Trafic"
    )
    KpiTarget.objects.create(
        objective=objective,
        metric=Metric.HUMAN_CLICKS,
        target_value=Decimal("20"),
        deadline_on=nl.now.date() + timedelta(days=90),
    )
    with translation.override("en"):
        data = issue_data(issue=nl.issue, now=nl.now)
    assert [(h.label, h.value) for h in data.headline][:3] == [
        ("shares", 3),
        ("active ambassadors", 2),
        ("clicks", 10),
    ]
    [row] = data.kpis
    assert (row.current, row.percent) == (Decimal(10), 50)
    # First names and departments only, by shares.
    assert [(a.name, a.score) for a in data.top_ambassadors] == [("Béa", 2), ("Amine", 1)]
    assert not data.ranked_by_points
    assert data.events == []
    assert data.badges == []
    html = IssueRenderer(nl.issue, now=nl.now).render_one(nl.world.ambassador).html
    assert 'data-figure="points"' not in html
    assert "Globex" not in html
