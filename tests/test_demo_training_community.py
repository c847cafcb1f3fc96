"""The demo's training and community phases: what the onboarding walk-through needs."""

from __future__ import annotations

import datetime as dt

import pytest

from ambassade.community.models import Event, EventKind, MentoringPair, Rsvp, RsvpStatus
from ambassade.demo.generator import DemoSizes, demo_generate, demo_logins
from ambassade.demo.training import NEW_AMBASSADOR_ROLE
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.training.models import CharterAcknowledgement, Module, QuizAttempt
from ambassade.training.selectors import charter_current, onboarding_for

NOW = dt.datetime(2026, 3, 16, 10, 30, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def test_demo_has_modules_charters_events_pairs_and_a_newcomer() -> None:
    demo_generate(seed=42, now=NOW, sizes=DemoSizes(ambassadors=30, days=30))

    for program in Program.objects.all():
        assert Module.objects.filter(organization=program.organization, language="fr").count() >= 4
        assert Module.objects.filter(organization=program.organization, language="en").count() >= 4
        current = charter_current(program=program)
        assert current is not None
        active = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).count()
        acknowledged = CharterAcknowledgement.objects.filter(version=current).count()
        assert acknowledged >= active * 0.6
    verdane = charter_current(program=Program.objects.get(organization__slug="verdane-energie"))
    assert verdane is not None
    assert verdane.version == 2
    assert QuizAttempt.objects.filter(passed=False).exists()

    # Next month's breakfasts in Paris and Casablanca, with RSVPs; a tips exchange.
    upcoming = Event.objects.filter(starts_at__gt=NOW)
    zones = set(upcoming.filter(kind=EventKind.BREAKFAST).values_list("time_zone", flat=True))
    assert zones == {"Europe/Paris", "Africa/Casablanca"}
    assert Rsvp.objects.filter(event__in=upcoming, status=RsvpStatus.GOING).exists()
    assert upcoming.filter(kind=EventKind.TIPS_EXCHANGE).exists()
    assert Rsvp.objects.filter(event__starts_at__lt=NOW, attended=True).exists()
    assert MentoringPair.objects.filter(sessions__isnull=False).exists()

    logins = {login.role: login.email for login in demo_logins()}
    email = logins[NEW_AMBASSADOR_ROLE]
    newcomer = Enrolment.objects.get(membership__user__email=email).membership
    assert newcomer.user.language == "fr"
    steps = {s.code: s.done for s in onboarding_for(membership=newcomer).steps}
    assert steps == {
        "consent": False,
        "charter": False,
        "module": False,
        "networks": True,
        "share": False,
    }
