"""The manager's pages: program list, set-up form, detail, objectives, targets, waves, invitations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from ambassade.accounts.models import Network
from ambassade.programs.models import (
    Enrolment,
    EnrolmentStatus,
    KpiTarget,
    Metric,
    Objective,
    ObjectiveKind,
    Program,
    Wave,
)
from ambassade.programs.tests.helpers import make_enrolment, make_wave


def program_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Experts Acme",
        "slug": "experts-acme",
        "manager": "",
        "budget_amount": "15000.50",
        "budget_currency": "EUR",
        "phase": "pilot",
        "starts_on": "2026-02-01",
        "ends_on": "2026-12-31",
        "editorial_line": "Expertise, not advertising.",
        "charter_text": "Be yourself.",
        "consent_text": "I join voluntarily.",
        "allowed_networks": ["linkedin", "bluesky"],
        "company_share_target": "30",
    }
    data.update(overrides)
    return data


def manager_urls(world: Any) -> dict[str, tuple[str, str]]:
    """Every manager page of acme's program, with the HTTP method it answers."""
    objective = Objective.objects.create(program=world.program, kind="traffic", title="Traffic")
    target = KpiTarget.objects.create(
        objective=objective,
        metric=Metric.SHARES,
        target_value=Decimal(100),
        deadline_on=dt.date(2026, 6, 30),
    )
    wave = make_wave(world.program)
    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    slug = world.program.slug
    return {
        "program_list": ("get", reverse("programs:program_list")),
        "program_create": ("get", reverse("programs:program_create")),
        "program_detail": ("get", reverse("programs:program_detail", args=[slug])),
        "program_update": ("get", reverse("programs:program_update", args=[slug])),
        "objective_create": ("get", reverse("programs:objective_create", args=[slug])),
        "objective_delete": ("post", reverse("programs:objective_delete", args=[objective.pk])),
        "target_create": ("get", reverse("programs:target_create", args=[objective.pk])),
        "target_delete": ("post", reverse("programs:target_delete", args=[target.pk])),
        "wave_create": ("get", reverse("programs:wave_create", args=[slug])),
        "wave_update": ("get", reverse("programs:wave_update", args=[wave.pk])),
        "invite": ("get", reverse("programs:invite", args=[slug])),
        "enrolment_set_wave": (
            "post",
            reverse("programs:enrolment_set_wave", args=[enrolment.pk]),
        ),
    }


PAGES = [
    "program_list",
    "program_create",
    "program_detail",
    "program_update",
    "objective_create",
    "objective_delete",
    "target_create",
    "target_delete",
    "wave_create",
    "wave_update",
    "invite",
    "enrolment_set_wave",
]
ORG_PAGES = [p for p in PAGES if p not in {"program_list", "program_create"}]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", ["ambassador", "curator"])
def test_manager_pages_refuse_other_roles(world, page, persona):
    method, url = manager_urls(world)[page]
    response = getattr(world.client_for(getattr(world, persona)), method)(url)
    assert response.status_code == 403
    assert Objective.objects.filter(program=world.program).count() == 1
    assert KpiTarget.objects.filter(objective__program=world.program).count() == 1


@pytest.mark.parametrize("page", ORG_PAGES)
def test_stranger_gets_404_on_acme_program_pages(world, page):
    # The stranger is an admin of globex: the role passes, acme's objects do not exist for them.
    method, url = manager_urls(world)[page]
    response = getattr(world.client_for(world.stranger), method)(url)
    assert response.status_code == 404
    assert Objective.objects.filter(program=world.program).count() == 1
    assert KpiTarget.objects.filter(objective__program=world.program).count() == 1


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("programs:program_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_program_list_shows_the_organizations_programs(world):
    world.program.manager = world.manager.user
    world.program.budget_amount = Decimal("12000")
    world.program.save()
    make_enrolment(world.program, world.curator)
    response = world.client_for(world.manager).get(reverse("programs:program_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Talents Acme" in html
    assert "Globex Pilot" not in html
    assert "Marc Manager" in html
    assert "Pilot" in html
    assert "€12,000.00" in html
    listed = {p.slug: p for p in response.context["programs"]}
    assert listed["talents-acme"].active_count == 1
    assert listed["talents-acme"].invited_count == 1


def test_admin_sees_the_program_list(world):
    response = world.client_for(world.admin).get(reverse("programs:program_list"))
    assert response.status_code == 200
    assert "Talents Acme" in response.content.decode()


def test_create_form_offers_only_members_of_the_organization(world):
    response = world.client_for(world.manager).get(reverse("programs:program_create"))
    html = response.content.decode()
    assert "Marc Manager" in html
    assert "Amine Ambassadeur" in html
    assert "Sam Stranger" not in html
    # The default consent text is there to start from.
    assert "voluntarily" in html


def test_program_create(world):
    response = world.client_for(world.manager).post(
        reverse("programs:program_create"), program_post(manager=world.manager.user_id)
    )
    program = Program.objects.get(organization=world.org, slug="experts-acme")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:program_detail", args=["experts-acme"])
    assert program.name == "Experts Acme"
    assert program.manager == world.manager.user
    assert program.budget_amount == Decimal("15000.50")
    assert program.ends_on == dt.date(2026, 12, 31)
    assert program.allowed_networks == [Network.LINKEDIN, Network.BLUESKY]
    assert program.company_share_target == 30
    assert program.market_share_target == 70
    assert program.consent_text == "I join voluntarily."
    assert program.consent_version == 1


def test_slug_must_be_unique_in_the_organization(world):
    response = world.client_for(world.manager).post(
        reverse("programs:program_create"), program_post(slug="talents-acme")
    )
    assert response.status_code == 200
    assert "Another program of this organization already uses this slug." in (
        response.content.decode()
    )
    assert Program.objects.filter(organization=world.org).count() == 1
    # What was typed is still there.
    assert response.context["form"]["name"].value() == "Experts Acme"


def test_slug_of_another_organization_is_free(world):
    response = world.client_for(world.manager).post(
        reverse("programs:program_create"), program_post(slug="globex-pilot")
    )
    assert response.status_code == 302
    assert Program.objects.filter(slug="globex-pilot").count() == 2


def test_end_date_before_start_is_refused(world):
    response = world.client_for(world.manager).post(
        reverse("programs:program_create"), program_post(ends_on="2026-01-15")
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    assert not Program.objects.filter(slug="experts-acme").exists()


def test_a_stranger_cannot_be_named_manager(world):
    response = world.client_for(world.manager).post(
        reverse("programs:program_create"), program_post(manager=world.stranger.user_id)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["manager"]
    assert not Program.objects.filter(slug="experts-acme").exists()


def test_at_least_one_network(world):
    data = program_post()
    del data["allowed_networks"]
    response = world.client_for(world.manager).post(reverse("programs:program_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["allowed_networks"]
    assert not Program.objects.filter(slug="experts-acme").exists()


def test_update_form_is_filled_with_the_program(world):
    response = world.client_for(world.manager).get(
        reverse("programs:program_update", args=["talents-acme"])
    )
    assert response.status_code == 200
    assert response.context["form"]["name"].value() == "Talents Acme"
    assert 'value="talents-acme"' in response.content.decode()


def test_editing_the_consent_text_bumps_its_version(world):
    client = world.client_for(world.manager)
    url = reverse("programs:program_update", args=["talents-acme"])
    response = client.post(
        url, program_post(name="Talents Acme", slug="talents-acme", consent_text="Version two.")
    )
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert world.program.consent_text == "Version two."
    assert world.program.consent_version == 2
    # Saving again without touching the text keeps the version.
    client.post(url, program_post(slug="talents-acme", consent_text="Version two.", name="New"))
    world.program.refresh_from_db()
    assert world.program.name == "New"
    assert world.program.consent_version == 2


def test_program_detail_shows_everything(world):
    program = world.program
    program.editorial_line = "Expertise before advertising."
    program.consent_text = "I share on my own terms."
    program.save()
    objective = Objective.objects.create(
        program=program, kind=ObjectiveKind.APPLICANTS, title="Double engineering applicants"
    )
    KpiTarget.objects.create(
        objective=objective,
        metric=Metric.APPLICATIONS,
        target_value=Decimal("250"),
        deadline_on=dt.date(2026, 6, 30),
    )
    pilot = make_wave(program, "Pioneers")
    enrolment = Enrolment.objects.get(program=program, membership=world.ambassador)
    enrolment.wave = pilot
    enrolment.save()
    world.ambassador.department = "Engineering"
    world.ambassador.save()
    response = world.client_for(world.manager).get(
        reverse("programs:program_detail", args=["talents-acme"])
    )
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "Talents Acme",
        "Expertise before advertising.",
        "Double engineering applicants",
        "Job applications",
        "250",
        "June 30, 2026",
        "Pioneers",
        "Amine Ambassadeur",
        "Engineering",
        "Active",
        "20 % company, 80 % market",
        "LinkedIn",
        "I share on my own terms.",
    ]:
        assert expected in html, expected
    assert response.context["detail"].by_wave[0].enrolments == [enrolment]


def test_objective_and_target_lifecycle(world):
    client = world.client_for(world.manager)
    response = client.post(
        reverse("programs:objective_create", args=["talents-acme"]),
        {"kind": "traffic", "title": "More visits to the careers site"},
    )
    assert response.status_code == 302
    objective = Objective.objects.get(program=world.program)
    assert objective.title == "More visits to the careers site"

    response = client.post(
        reverse("programs:target_create", args=[objective.pk]),
        {"metric": "human_clicks", "target_value": "5000", "deadline_on": "2026-09-30"},
    )
    assert response.status_code == 302
    target = objective.targets.get()
    assert (target.metric, target.target_value, target.deadline_on) == (
        "human_clicks",
        Decimal("5000"),
        dt.date(2026, 9, 30),
    )
    detail = client.get(reverse("programs:program_detail", args=["talents-acme"]))
    assert "Human clicks" in detail.content.decode()

    client.post(reverse("programs:target_delete", args=[target.pk]))
    assert not KpiTarget.objects.filter(pk=target.pk).exists()
    client.post(reverse("programs:objective_delete", args=[objective.pk]))
    assert not Objective.objects.filter(pk=objective.pk).exists()


def test_target_needs_a_positive_value(world):
    objective = Objective.objects.create(program=world.program, kind="custom", title="Reach")
    response = world.client_for(world.manager).post(
        reverse("programs:target_create", args=[objective.pk]),
        {"metric": "potential_reach", "target_value": "0", "deadline_on": "2026-09-30"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target_value"]
    assert not objective.targets.exists()


def test_delete_needs_post(world):
    objective = Objective.objects.create(program=world.program, kind="custom", title="Reach")
    response = world.client_for(world.manager).get(
        reverse("programs:objective_delete", args=[objective.pk])
    )
    assert response.status_code == 405
    assert Objective.objects.filter(pk=objective.pk).exists()


def test_wave_create_and_update(world):
    client = world.client_for(world.manager)
    response = client.post(
        reverse("programs:wave_create", args=["talents-acme"]),
        {"name": "Volunteers", "starts_on": "2026-01-05", "ends_on": "2026-03-31"},
    )
    assert response.status_code == 302
    wave = Wave.objects.get(program=world.program)
    assert wave.name == "Volunteers"
    response = client.post(
        reverse("programs:wave_update", args=[wave.pk]),
        {"name": "First volunteers", "starts_on": "2026-01-05", "ends_on": ""},
    )
    assert response.status_code == 302
    wave.refresh_from_db()
    assert (wave.name, wave.ends_on) == ("First volunteers", None)


def test_wave_end_before_start_is_refused(world):
    response = world.client_for(world.manager).post(
        reverse("programs:wave_create", args=["talents-acme"]),
        {"name": "Backwards", "starts_on": "2026-03-01", "ends_on": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    assert not Wave.objects.filter(program=world.program).exists()


def test_invite_lists_members_not_enrolled_yet(world):
    response = world.client_for(world.manager).get(
        reverse("programs:invite", args=["talents-acme"])
    )
    html = response.content.decode()
    assert "Chloé Curatrice" in html
    assert "Alice Admin" in html
    assert "Amine Ambassadeur" not in html  # already in the program
    assert "Sam Stranger" not in html


def test_invite_creates_invitations(world):
    wave = make_wave(world.program, "Second wave")
    response = world.client_for(world.manager).post(
        reverse("programs:invite", args=["talents-acme"]),
        {"memberships": [world.curator.pk, world.admin.pk], "wave": wave.pk},
    )
    assert response.status_code == 302
    invited = Enrolment.objects.filter(program=world.program, status=EnrolmentStatus.INVITED)
    assert {e.membership_id for e in invited} == {world.curator.pk, world.admin.pk}
    assert all(e.wave == wave for e in invited)
    assert all(e.joined_at is None for e in invited)


def test_invite_refuses_a_stranger(world):
    response = world.client_for(world.manager).post(
        reverse("programs:invite", args=["talents-acme"]),
        {"memberships": [world.curator.pk, world.stranger.pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["memberships"]
    assert not Enrolment.objects.filter(program=world.program, status="invited").exists()


def test_invite_refuses_a_wave_of_another_program(world):
    other_wave = make_wave(
        Program.objects.create(
            organization=world.org, name="Other", slug="other", starts_on=dt.date(2026, 1, 1)
        )
    )
    response = world.client_for(world.manager).post(
        reverse("programs:invite", args=["talents-acme"]),
        {"memberships": [world.curator.pk], "wave": other_wave.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["wave"]
    assert not Enrolment.objects.filter(membership=world.curator).exists()


def test_move_an_enrolment_to_another_wave(world):
    first = make_wave(world.program, "First")
    second = make_wave(world.program, "Second")
    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    enrolment.wave = first
    enrolment.save()
    client = world.client_for(world.manager)
    url = reverse("programs:enrolment_set_wave", args=[enrolment.pk])
    response = client.post(url, {"wave": second.pk})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.wave == second
    client.post(url, {"wave": ""})
    enrolment.refresh_from_db()
    assert enrolment.wave is None


def test_move_refuses_a_wave_of_another_program(world):
    foreign = make_wave(world.other_program)
    enrolment = Enrolment.objects.get(program=world.program, membership=world.ambassador)
    response = world.client_for(world.manager).post(
        reverse("programs:enrolment_set_wave", args=[enrolment.pk]),
        {"wave": foreign.pk},
        follow=True,
    )
    assert "Choose a wave of this program." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.wave is None


def test_stranger_sees_only_their_organizations_programs(world):
    response = world.client_for(world.stranger).get(reverse("programs:program_list"))
    html = response.content.decode()
    assert "Globex Pilot" in html
    assert "Talents Acme" not in html


def test_budget_in_french(world):
    world.program.budget_amount = Decimal("12000")
    world.program.save()
    world.manager.user.language = "fr"
    world.manager.user.save()
    response = world.client_for(world.manager).get(reverse("programs:program_list"))
    assert "12\u00a0000,00\u00a0€" in response.content.decode()
