from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ambassade.accounts.models import Network, Seniority
from ambassade.community.mentoring import pair_confirm, pair_suggestions, session_record
from ambassade.community.models import MentoringPair, MentoringSession
from tests.factories import MembershipFactory, SocialAccountFactory

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def _person(world, name, seniority, accounts, specialty=""):
    membership = MembershipFactory.create(
        organization=world.org,
        is_ambassador=True,
        seniority=seniority,
        specialty=specialty,
        user__full_name=name,
    )
    for network, audience in accounts:
        SocialAccountFactory.create(user=membership.user, network=network, audience_size=audience)
    return membership


def test_complementary_networks_and_shared_topic_make_the_best_pair(world) -> None:
    junior = _person(
        world,
        "Inès Junior",
        Seniority.JUNIOR,
        [(Network.THREADS, 8000), (Network.LINKEDIN, 80)],
        "Data",
    )
    senior = _person(world, "Paul Senior", Seniority.SENIOR, [(Network.LINKEDIN, 9000)], "Data")
    same = _person(
        world, "Sam Senior", Seniority.SENIOR, [(Network.THREADS, 9000), (Network.LINKEDIN, 90)]
    )
    suggestions = pair_suggestions(actor=world.manager)
    assert [(s.junior, s.senior) for s in suggestions] == [(junior, senior)]
    reasons = suggestions[0].reasons
    assert {"who": "junior", "network": "threads", "audience": 8000} in reasons
    assert {"who": "senior", "network": "linkedin", "audience": 9000} in reasons
    assert {"who": "both", "specialty": "Data"} in reasons
    assert same not in {s.senior for s in suggestions}


def test_confirmed_pair_leaves_the_suggestions_and_sessions_are_recorded(world) -> None:
    junior = _person(world, "Inès", Seniority.JUNIOR, [(Network.BLUESKY, 3000)])
    senior = _person(world, "Paul", Seniority.SENIOR, [(Network.LINKEDIN, 5000)])
    with pytest.raises(PermissionDenied):
        pair_confirm(actor=world.ambassador, junior_id=junior.pk, senior_id=senior.pk, now=NOW)
    with pytest.raises(ValidationError):
        pair_confirm(actor=world.manager, junior_id=senior.pk, senior_id=junior.pk, now=NOW)
    pair = pair_confirm(actor=world.manager, junior_id=junior.pk, senior_id=senior.pk, now=NOW)
    assert pair_suggestions(actor=world.manager) == []
    with pytest.raises(ValidationError):
        pair_confirm(actor=world.manager, junior_id=junior.pk, senior_id=senior.pk, now=NOW)
    session_record(
        actor=junior, pair=pair, held_on=NOW.date(), topic="Bluesky", notes="Bien", now=NOW
    )
    with pytest.raises(PermissionDenied):
        session_record(
            actor=world.ambassador, pair=pair, held_on=NOW.date(), topic="", notes="", now=NOW
        )
    with pytest.raises(ValidationError):
        session_record(
            actor=senior,
            pair=pair,
            held_on=NOW.date() + dt.timedelta(days=3),
            topic="",
            notes="",
            now=NOW,
        )
    assert MentoringSession.objects.count() == 1


def test_mentoring_pages(world) -> None:
    junior = _person(world, "Inès", Seniority.JUNIOR, [(Network.BLUESKY, 3000)])
    senior = _person(world, "Paul", Seniority.SENIOR, [(Network.LINKEDIN, 5000)])
    manager = world.client_for(world.manager)
    page = manager.get(reverse("community:mentoring")).content.decode()
    assert f'data-suggestion="{junior.pk}-{senior.pk}"' in page
    manager.post(reverse("community:pair_confirm"), {"junior": junior.pk, "senior": senior.pk})
    pair = MentoringPair.objects.get()
    own = world.client_for(junior)
    assert own.get(reverse("community:pair_detail", args=[pair.pk])).status_code == 200
    own.post(
        reverse("community:pair_detail", args=[pair.pk]),
        {"held_on": "2026-03-10", "topic": "Bluesky"},
    )
    assert pair.sessions.count() == 1
    # Another ambassador and a stranger do not see the pair; neither confirms pairs.
    other = world.client_for(world.ambassador)
    assert other.get(reverse("community:pair_detail", args=[pair.pk])).status_code == 404
    assert (
        other.post(
            reverse("community:pair_confirm"), {"junior": junior.pk, "senior": senior.pk}
        ).status_code
        == 403
    )
    stranger = world.client_for(world.stranger)
    assert stranger.get(reverse("community:pair_detail", args=[pair.pk])).status_code == 404
    assert stranger.post(reverse("community:pair_end", args=[pair.pk])).status_code == 404
    stranger_page = stranger.get(reverse("community:mentoring")).content.decode()
    assert "Inès" not in stranger_page
