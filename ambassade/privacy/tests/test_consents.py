"""Consent records: the person sees and withdraws theirs; managers keep the register."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.privacy.erasure import membership_erase
from ambassade.privacy.services import consent_register_export
from ambassade.programs.models import Consent, EnrolmentStatus
from ambassade.sharing.models import Share
from ambassade.tracking.models import TrackedLink
from ambassade.tracking.tests.attribution import make_share
from conftest import World
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def _consent(
    membership, program, *, version: int = 1, text: str = "J'accepte la charte."
) -> Consent:
    enrolment = membership.enrolments.get(program=program)
    return Consent.objects.create(
        enrolment=enrolment, text=text, version=version, given_at=timezone.now()
    )


def test_a_person_sees_their_consents_with_text_and_version(world: World) -> None:
    _consent(world.ambassador, world.program, version=3, text="Texte du consentement v3.")
    _consent(world.stranger, world.other_program, text="Globex consent")

    response = world.client_for(world.ambassador).get(reverse("privacy:my_data"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Talents Acme" in html
    assert "Texte du consentement v3." in html
    assert "Globex consent" not in html


def test_withdrawing_a_consent_leaves_the_program_and_stops_recording_clicks(
    world: World,
) -> None:
    consent = _consent(world.ambassador, world.program)
    share: Share = make_share(world.ambassador, world.item, network="linkedin")
    client = world.client_for(world.ambassador)

    response = client.post(reverse("privacy:consent_withdraw", args=[consent.pk]))

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    enrolment = consent.enrolment
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.LEFT
    assert TrackedLink.objects.get(share=share).is_attributed is False
    # Once is enough.
    again = client.post(reverse("privacy:consent_withdraw", args=[consent.pk]), follow=True)
    assert again.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_nobody_withdraws_someone_elses_consent(world: World) -> None:
    theirs = _consent(world.ambassador, world.program)
    EnrolmentFactory.create(program=world.program, membership=world.curator)

    for member in (world.curator, world.manager, world.stranger):
        response = world.client_for(member).post(
            reverse("privacy:consent_withdraw", args=[theirs.pk])
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_managers_see_the_consent_register_and_export_it(world: World) -> None:
    _consent(world.ambassador, world.program, version=2)
    client = world.client_for(world.manager)

    page = client.get(reverse("privacy:consent_register"), {"program": world.program.slug})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Amine Ambassadeur" in html
    assert "amine@acme.example" in html

    export = client.get(reverse("privacy:consent_register_export", args=[world.program.slug]))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Amine Ambassadeur;amine@acme.example;2;")
    entry = AuditEntry.objects.get(action=AuditAction.DATA_EXPORTED)
    assert (entry.actor_id, entry.details) == (world.manager.pk, {"table": "consents", "rows": 1})


def test_the_register_names_erased_people_former_members(world: World) -> None:
    _consent(world.ambassador, world.program)
    membership_erase(actor=world.manager, membership=world.ambassador, now=timezone.now())

    table = consent_register_export(actor=world.manager, program=world.program, now=timezone.now())

    assert [row[:2] for row in table.rows] == [["Former member", ""]]


def test_ambassadors_and_strangers_do_not_see_the_register(world: World) -> None:
    _consent(world.ambassador, world.program)
    ambassador = world.client_for(world.ambassador)
    assert ambassador.get(reverse("privacy:consent_register")).status_code == 403
    url = reverse("privacy:consent_register_export", args=[world.program.slug])
    assert ambassador.get(url).status_code == 403

    stranger = world.client_for(world.stranger)  # an admin of Globex
    assert stranger.get(url).status_code == 404
    page = stranger.get(reverse("privacy:consent_register"), {"program": world.program.slug})
    assert page.status_code == 200
    assert "Amine" not in page.content.decode()
    with pytest.raises(PermissionDenied):
        consent_register_export(actor=world.stranger, program=world.program, now=timezone.now())
