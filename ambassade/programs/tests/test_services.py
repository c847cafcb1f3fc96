"""Services refuse the wrong organization and the wrong role, whatever the interface."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from ambassade.programs import services
from ambassade.programs.models import Enrolment, EnrolmentStatus, KpiTarget, Objective, Program
from ambassade.programs.templatetags.programs_tags import money
from ambassade.programs.tests.helpers import make_enrolment, make_wave

NOW = timezone.now()


BASE = services.ProgramSettings(
    name="Experts",
    slug="experts",
    manager=None,
    budget_amount=Decimal("1000"),
    budget_currency="EUR",
    phase="rollout",
    starts_on=dt.date(2026, 1, 1),
    ends_on=None,
    editorial_line="",
    charter_text="",
    consent_text="I agree.",
    allowed_networks=["linkedin"],
    company_share_target=20,
)


def test_program_create_needs_the_manager_role(world):
    with pytest.raises(PermissionDenied):
        services.program_create(actor=world.ambassador, data=BASE, now=NOW)
    assert not Program.objects.filter(slug="experts").exists()


def test_admin_may_create_programs(world):
    program = services.program_create(actor=world.admin, data=BASE, now=NOW)
    assert program.organization == world.org
    assert program.created_at == NOW


def test_program_update_refuses_another_organization(world):
    with pytest.raises(PermissionDenied):
        services.program_update(actor=world.stranger, program=world.program, data=BASE, now=NOW)
    world.program.refresh_from_db()
    assert world.program.name == "Talents Acme"


def test_manager_must_be_a_member(world):
    with pytest.raises(ValidationError) as excinfo:
        services.program_create(
            actor=world.manager,
            data=dataclasses.replace(BASE, manager=world.stranger.user),
            now=NOW,
        )
    assert "manager" in excinfo.value.error_dict


def test_objective_and_target_refuse_another_organization(world):
    with pytest.raises(PermissionDenied):
        services.objective_create(
            actor=world.stranger, program=world.program, kind="traffic", title="x", now=NOW
        )
    objective = Objective.objects.create(program=world.program, kind="traffic", title="Visits")
    with pytest.raises(PermissionDenied):
        services.kpi_target_create(
            actor=world.stranger,
            objective=objective,
            metric="shares",
            target_value=Decimal(10),
            deadline_on=dt.date(2026, 5, 1),
            now=NOW,
        )
    with pytest.raises(PermissionDenied):
        services.objective_delete(actor=world.stranger, objective=objective, now=NOW)
    assert Objective.objects.filter(pk=objective.pk).exists()
    assert not KpiTarget.objects.exists()


def test_wave_services_refuse_another_organization(world):
    wave = make_wave(world.program, "Pilot")
    with pytest.raises(PermissionDenied):
        services.wave_update(
            actor=world.stranger,
            wave=wave,
            name="Taken",
            starts_on=wave.starts_on,
            ends_on=None,
            now=NOW,
        )
    with pytest.raises(PermissionDenied):
        services.wave_create(
            actor=world.stranger,
            program=world.program,
            name="Mine",
            starts_on=dt.date(2026, 1, 1),
            ends_on=None,
            now=NOW,
        )
    wave.refresh_from_db()
    assert wave.name == "Pilot"


def test_invite_refuses_people_of_another_organization(world):
    with pytest.raises(PermissionDenied):
        services.enrolment_invite(
            actor=world.manager,
            program=world.program,
            memberships=[world.stranger],
            wave=None,
            now=NOW,
        )
    assert not Enrolment.objects.filter(membership=world.stranger, program=world.program).exists()


def test_invite_refuses_people_already_in(world):
    with pytest.raises(ValidationError):
        services.enrolment_invite(
            actor=world.manager,
            program=world.program,
            memberships=[world.ambassador],
            wave=None,
            now=NOW,
        )
    assert Enrolment.objects.get(membership=world.ambassador).status == EnrolmentStatus.ACTIVE


def test_set_wave_refuses_another_organization(world):
    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    with pytest.raises(PermissionDenied):
        services.enrolment_set_wave(actor=world.stranger, enrolment=enrolment, wave=None, now=NOW)


def test_nobody_joins_or_leaves_for_someone_else(world):
    invited = make_enrolment(world.program, world.curator)
    with pytest.raises(PermissionDenied):
        services.enrolment_join(
            actor=world.admin, enrolment=invited, accepted=True, accepted_version=1, now=NOW
        )
    active = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    with pytest.raises(PermissionDenied):
        services.enrolment_leave(actor=world.admin, enrolment=active, now=NOW)
    assert Enrolment.objects.get(pk=invited.pk).status == EnrolmentStatus.INVITED
    assert Enrolment.objects.get(pk=active.pk).status == EnrolmentStatus.ACTIVE


def test_joining_twice_is_refused(world):
    active = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    with pytest.raises(ValidationError):
        services.enrolment_join(
            actor=world.ambassador, enrolment=active, accepted=True, accepted_version=1, now=NOW
        )
    assert not active.consents.exists()


def test_money_follows_the_language():
    with override("fr"):
        assert money(Decimal("12000"), "EUR") == "12\u00a0000,00\u00a0€"
        assert money(Decimal("950.5"), "CHF") == "950,50\u00a0CHF"
    with override("en"):
        assert money(Decimal("12000"), "EUR") == "€12,000.00"
        assert money(Decimal("950.5"), "CHF") == "CHF\u00a0950.50"
