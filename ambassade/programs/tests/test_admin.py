from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ambassade.accounts.models import User
from ambassade.programs.models import Consent, Enrolment, KpiTarget, Objective
from ambassade.programs.tests.helpers import make_wave


@pytest.mark.parametrize(
    "model", ["program", "objective", "kpitarget", "wave", "enrolment", "consent"]
)
def test_admin_pages_render(world, model):
    objective = Objective.objects.create(program=world.program, kind="traffic", title="Visits")
    KpiTarget.objects.create(
        objective=objective,
        metric="shares",
        target_value=Decimal(5),
        deadline_on=dt.date(2026, 4, 1),
    )
    make_wave(world.program)
    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    Consent.objects.create(
        enrolment=enrolment,
        text="I agree.",
        version=1,
        given_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )
    client = Client()
    client.force_login(User.objects.create_superuser("root@example.com", None, full_name="Root"))
    changelist = client.get(reverse(f"admin:programs_{model}_changelist"))
    assert changelist.status_code == 200
    instance = {
        "program": world.program,
        "objective": objective,
        "kpitarget": objective.targets.get(),
        "wave": world.program.waves.get(),
        "enrolment": enrolment,
        "consent": enrolment.consents.get(),
    }[model]
    change = client.get(reverse(f"admin:programs_{model}_change", args=[instance.pk]))
    assert change.status_code == 200
    expected = {
        "program": "Talents Acme",
        "objective": "Visits",
        "kpitarget": "Visits",
        "wave": instance.name if model == "wave" else "",
        "enrolment": "I agree.",  # the consent, read-only inline
        "consent": "I agree.",
    }[model]
    assert expected in change.content.decode()
