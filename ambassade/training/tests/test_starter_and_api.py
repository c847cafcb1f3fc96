from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ambassade.training.models import Module
from ambassade.training.services import charter_version_publish
from ambassade.training.starter import starter_catalogue
from ambassade.training.tests.helpers import answers, quiz_module

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def test_command_loads_french_and_english_modules_once(world) -> None:
    out = StringIO()
    call_command("load_starter_modules", "--org", "acme", stdout=out)
    count = len(starter_catalogue())
    assert Module.objects.filter(organization=world.org, language="fr").count() == count
    assert Module.objects.filter(organization=world.org, language="en").count() == count
    assert f"{2 * count} module(s) created" in out.getvalue()
    titles = set(Module.objects.values_list("title", flat=True))
    assert "Bonnes pratiques par réseau" in titles
    assert "What not to share" in titles
    for module in Module.objects.all():
        assert module.questions.exists()
        for question in module.questions.all():
            assert question.choices.filter(is_correct=True).exists()
    out = StringIO()
    call_command("load_starter_modules", "--org", "acme", stdout=out)
    assert "0 module(s) created" in out.getvalue()
    assert not Module.objects.filter(organization=world.other_org).exists()


def test_command_refuses_an_unknown_organization(db) -> None:
    with pytest.raises(CommandError, match="No organization"):
        call_command("load_starter_modules", "--org", "nope")


def test_french_ambassador_sees_french_modules(world) -> None:
    call_command("load_starter_modules", "--org", "acme", stdout=StringIO())
    page = world.client_for(world.ambassador).get(reverse("training:module_list")).content.decode()
    assert "Écrire avec ses propres mots" in page
    assert "Writing in your own words" not in page


def test_api_quiz_and_charter(world) -> None:
    module = quiz_module(world.org)
    version = charter_version_publish(
        actor=world.manager, program=world.program, text="Be kind.", note="", now=NOW
    )
    client = world.client_for(world.ambassador)
    listing = client.get("/api/v1/training/modules").json()
    assert [m["id"] for m in listing] == [module.pk]
    detail = client.get(f"/api/v1/training/modules/{module.pk}").json()
    assert "<strong>your own</strong>" in detail["body_html"]
    assert "is_correct" not in str(detail)
    attempt = client.post(
        f"/api/v1/training/modules/{module.pk}/attempts",
        {"answers": {str(k): v for k, v in answers(module, right=False).items()}},
        content_type="application/json",
    )
    assert attempt.status_code == 201
    assert attempt.json()["passed"] is False
    charters = client.get("/api/v1/training/charters").json()
    assert charters[0]["acknowledged"] is False
    ack = client.post(
        f"/api/v1/training/charters/{world.program.slug}/acknowledgements",
        {"version_id": version.pk},
        content_type="application/json",
    )
    assert ack.status_code == 201
    assert client.get("/api/v1/training/charters").json()[0]["acknowledged"] is True
    onboarding = client.get("/api/v1/training/onboarding").json()
    assert [s["code"] for s in onboarding["steps"]] == [
        "consent",
        "charter",
        "module",
        "networks",
        "share",
    ]


def test_api_refuses_strangers(world) -> None:
    module = quiz_module(world.org)
    version = charter_version_publish(
        actor=world.manager, program=world.program, text="Be kind.", note="", now=NOW
    )
    client = world.client_for(world.stranger)
    assert client.get(f"/api/v1/training/modules/{module.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/training/modules/{module.pk}/attempts",
            {"answers": {}},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/training/charters/{world.program.slug}/acknowledgements",
            {"version_id": version.pk},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get("/api/v1/training/modules").json() == []
