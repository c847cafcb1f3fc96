"""The issue's acceptance walk, through the pages in French: a new ambassador goes
through the onboarding checklist, fails then passes a quiz, acknowledges the charter,
signs up for the next breakfast (Casablanca time), adds it to their calendar, and
only then can share."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import icalendar
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import Network
from ambassade.community.models import Rsvp, RsvpStatus
from ambassade.community.tests.helpers import CASABLANCA, PARIS, breakfast
from ambassade.programs.models import EnrolmentStatus
from ambassade.sharing.models import Share
from ambassade.training.models import Module, QuestionKind
from ambassade.training.services import charter_version_publish
from tests.factories import EnrolmentFactory, MembershipFactory, UserFactory


def _steps(client: Client) -> dict[str, bool]:
    from ambassade.training.selectors import STEP_ORDER

    page = client.get(reverse("training:onboarding")).content.decode()
    return {code: f'data-step="{code}" data-done="1"' in page for code in STEP_ORDER}


def _quiz_data(module: Module, *, right: bool) -> dict[str, list[str]]:
    data = {}
    for question in module.questions.prefetch_related("choices"):
        good = [str(c.pk) for c in question.choices.all() if c.is_correct]
        bad = [str(c.pk) for c in question.choices.all() if not c.is_correct]
        chosen = good if right else bad[:1]
        if question.kind == QuestionKind.SINGLE:
            chosen = chosen[:1]
        data[f"q{question.pk}"] = chosen
    return data


def test_new_ambassador_onboarding_walk_in_french(world) -> None:
    now = timezone.now()
    call_command("load_starter_modules", "--org", world.org.slug, stdout=StringIO())
    charter_version_publish(
        actor=world.manager,
        program=world.program,
        text="Partagez avec vos mots, jamais d'informations confidentielles.",
        note="",
        now=now,
    )
    start = (
        (now + dt.timedelta(days=9))
        .astimezone(CASABLANCA)
        .replace(hour=8, minute=30, second=0, microsecond=0)
    )
    event = breakfast(world.org, starts_at=start, time_zone="Africa/Casablanca", capacity=10)
    user = UserFactory.create(full_name="Nadia Nouvelle", email="nadia@acme.example")
    newcomer = MembershipFactory.create(user=user, organization=world.org, is_ambassador=True)
    EnrolmentFactory.create(
        program=world.program, membership=newcomer, status=EnrolmentStatus.INVITED, joined_at=None
    )
    client = world.client_for(newcomer)

    page = client.get(reverse("training:onboarding"))
    assert page.content.decode().count('lang="fr"') == 1
    assert _steps(client) == dict.fromkeys(_steps(client), False)

    # 1. Consent: accept the invitation.
    slug = world.program.slug
    client.post(
        reverse("programs:join", args=[slug]),
        {f"{slug}-accept": "on", f"{slug}-version": str(world.program.consent_version)},
    )
    assert _steps(client)["consent"]

    # 2. A module in French: fail the quiz, then pass it.
    module = Module.objects.get(organization=world.org, key="own-words", language="fr")
    listing = client.get(reverse("training:module_list")).content.decode()
    assert module.title in listing
    url = reverse("training:module_detail", args=[module.pk])
    failed = client.post(url, _quiz_data(module, right=False)).content.decode()
    assert 'data-quiz-result="failed"' in failed
    assert not _steps(client)["module"]
    passed = client.post(url, _quiz_data(module, right=True)).content.decode()
    assert 'data-quiz-result="passed"' in passed
    assert _steps(client)["module"]

    # 3. Networks: an account on the profile.
    client.post(
        reverse("accounts:social_account_create"),
        {"network": Network.X, "handle": "@nadia", "kind": "professional", "audience_size": "300"},
    )
    assert _steps(client)["networks"]

    # Sharing is refused while the charter waits: the share page says so with a link.
    share_url = reverse("sharing:share", args=[world.item.pk])
    commentary = "Mon regard sur l'IA en 2026, vu de nos équipes."
    refused = client.post(share_url, {"network": "x", "commentary": commentary}).content.decode()
    assert "data-charter-banner" in refused
    assert reverse("training:charter") in refused
    assert not Share.objects.filter(membership=newcomer).exists()

    # 4. The charter.
    charter_page = client.get(reverse("training:charter")).content.decode()
    assert "jamais d'informations confidentielles" in charter_page
    version = world.program.charter_versions.get()
    client.post(reverse("training:charter"), {"program": world.program.pk, "version": version.pk})
    assert _steps(client)["charter"]

    # 5. The next breakfast, in Casablanca time, and the calendar.
    detail = client.get(reverse("community:event_detail", args=[event.pk])).content.decode()
    assert "Africa/Casablanca" in detail
    assert "8:30" in detail or "08:30" in detail
    # The viewer's own time (Paris) is shown too whenever the two clocks differ.
    differs = start.utcoffset() != start.astimezone(PARIS).utcoffset()
    assert ("data-viewer-time" in detail) == differs
    client.post(reverse("community:rsvp", args=[event.pk]))
    assert Rsvp.objects.get(event=event, membership=newcomer).status == RsvpStatus.GOING
    ics = client.get(reverse("community:event_ics", args=[event.pk]))
    vevent = next(iter(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")))
    assert vevent.decoded("DTSTART") == start

    # 6. Only now the share goes through.
    shared = client.post(share_url, {"network": "x", "commentary": commentary})
    assert shared.status_code == 302
    assert Share.objects.filter(membership=newcomer).count() == 1
    assert all(_steps(client).values())
