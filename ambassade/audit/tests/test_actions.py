"""Every sensitive action leaves exactly one audit entry: who, what, about whom."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from ambassade.accounts.models import Membership
from ambassade.accounts.services import organization_settings_update
from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.programs.models import Program
from ambassade.programs.services import ProgramSettings, program_create, program_update
from ambassade.rewards.models import EntryNote, PointsEntry, Reward, Rule
from ambassade.rewards.redemptions import (
    redemption_approve,
    redemption_fulfil,
    redemption_refuse,
    redemption_request,
    reward_save,
)
from ambassade.rewards.selectors import member_points
from ambassade.rewards.services import points_adjust, points_award, points_rules_update
from ambassade.rewards.tests.helpers import make_share
from conftest import World

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def only_entry(action: AuditAction) -> AuditEntry:
    """The one entry in the log, which must be of ``action``."""
    entries = list(AuditEntry.objects.all())
    assert [entry.action for entry in entries] == [action]
    return entries[0]


def english(membership: Membership) -> Membership:
    membership.user.language = "en"
    membership.user.save()
    return membership


# --- Organization and programs -------------------------------------------------------


def settings_values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "approval_policy": "proposals",
        "disclosure_text": "",
        "blocked_words": "",
        "daily_share_limit": 0,
        "sharing_start_hour": 0,
        "sharing_end_hour": 24,
        "burst_gap_minutes": 0,
    }
    return values | overrides


def test_organization_settings_record_which_fields_changed(world: World) -> None:
    organization_settings_update(actor=world.admin, **settings_values())  # type: ignore[arg-type]
    assert not AuditEntry.objects.exists()
    organization_settings_update(
        actor=world.admin,
        now=NOW,
        **settings_values(disclosure_text="#Acme", blocked_words="secret"),  # type: ignore[arg-type]
    )
    entry = only_entry(AuditAction.ORGANIZATION_SETTINGS_CHANGED)
    assert (entry.actor, entry.subject, entry.created_at) == (world.admin, None, NOW)
    assert entry.details == {"fields": ["disclosure_text", "blocked_words"]}
    assert "secret" not in str(entry.details)


def program_settings(program: Program | None = None, **overrides: object) -> ProgramSettings:
    data = ProgramSettings(
        name="Pilote Data",
        slug="pilote-data",
        manager=None,
        budget_amount=Decimal("1000"),
        budget_currency="EUR",
        phase="pilot",
        starts_on=date(2026, 1, 1),
        ends_on=None,
        editorial_line="",
        charter_text="",
        consent_text="I agree.",
        allowed_networks=["linkedin"],
        company_share_target=20,
    )
    return dataclasses.replace(data, **overrides)  # type: ignore[arg-type]


def test_a_program_created_and_its_settings_changed(world: World) -> None:
    program = program_create(actor=world.manager, data=program_settings(), now=NOW)
    entry = only_entry(AuditAction.PROGRAM_CREATED)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        world.manager,
        "program",
        program.pk,
    )
    assert entry.object_label == "Pilote Data"
    entry.delete()

    program_update(actor=world.manager, program=program, data=program_settings(), now=NOW)
    assert not AuditEntry.objects.exists()
    program_update(
        actor=world.manager,
        program=program,
        data=program_settings(
            budget_amount=Decimal("2000"),
            manager=world.manager.user,
            consent_text="I agree, again.",
        ),
        now=NOW,
    )
    entry = only_entry(AuditAction.PROGRAM_SETTINGS_CHANGED)
    assert entry.actor == world.manager
    assert entry.details == {"fields": ["manager", "budget_amount", "consent_text"]}


def test_program_pages_record_too(world: World) -> None:
    client = world.client_for(english(world.manager))
    response = client.post(
        reverse("programs:program_update", args=[world.program.slug]),
        {
            "name": "Talents Acme 2",
            "slug": world.program.slug,
            "budget_amount": "0",
            "budget_currency": "EUR",
            "phase": "pilot",
            "starts_on": "2026-01-01",
            "consent_text": world.program.consent_text,
            "allowed_networks": ["linkedin", "x"],
            "company_share_target": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = only_entry(AuditAction.PROGRAM_SETTINGS_CHANGED)
    assert "name" in entry.details["fields"]
    assert entry.object_id == world.program.pk


# --- Points --------------------------------------------------------------------------


def test_points_rules_changes_name_the_fields(world: World) -> None:
    points_rules_update(
        actor=world.manager, program=world.program, values={"share": 12, "lead": 30}, now=NOW
    )
    entry = only_entry(AuditAction.POINTS_RULES_CHANGED)
    assert entry.actor == world.manager
    assert entry.details == {"fields": ["share"], "version": 2}
    assert (entry.object_type, entry.object_id) == ("program", world.program.pk)


def test_a_manager_adjusts_points_with_a_reason(world: World) -> None:
    client = world.client_for(english(world.manager))
    url = reverse("rewards:adjust") + f"?program={world.program.slug}"
    page = client.get(url).content.decode()
    assert f'value="{world.ambassador.pk}"' in page
    assert f'value="{world.manager.pk}"' not in page  # not their own points
    response = client.post(
        url,
        {"membership": world.ambassador.pk, "points": "25", "reason": "Salon RH : stand tenu"},
        follow=True,
    )
    assert "+25 points for Amine Ambassadeur." in response.content.decode()
    entry = only_entry(AuditAction.POINTS_CORRECTED)
    assert (entry.actor, entry.subject) == (world.manager, world.ambassador)
    assert entry.details == {"points": 25}
    assert "Salon" not in str(entry.details)
    ledger_line = PointsEntry.objects.get(membership=world.ambassador)
    assert (ledger_line.rule, ledger_line.note, ledger_line.points) == (
        Rule.ADJUSTMENT,
        EntryNote.MANUAL,
        25,
    )
    assert ledger_line.source == entry
    points = member_points(membership=world.ambassador, program=world.program)
    assert (points.lifetime, points.spendable) == (25, 25)
    # The ambassador reads why.
    mine = world.client_for(english(world.ambassador)).get(reverse("rewards:points"))
    assert "Salon RH : stand tenu" in mine.content.decode()
    assert "Adjustment by a manager" in mine.content.decode()

    points_adjust(
        actor=world.manager,
        program=world.program,
        membership_id=world.ambassador.pk,
        points=-5,
        reason="Doublon",
        now=NOW,
    )
    assert member_points(membership=world.ambassador, program=world.program).lifetime == 20
    assert AuditEntry.objects.filter(action=AuditAction.POINTS_CORRECTED).count() == 2


def test_adjustments_that_cannot_be_made(world: World) -> None:
    def adjust(actor: Membership, membership: Membership, points: int, reason: str = "x") -> None:
        points_adjust(
            actor=actor,
            program=world.program,
            membership_id=membership.pk,
            points=points,
            reason=reason,
            now=NOW,
        )

    with pytest.raises(ValidationError, match="more points than they have"):
        adjust(world.manager, world.ambassador, -1)
    with pytest.raises(ValidationError, match="Say why"):
        adjust(world.manager, world.ambassador, 10, reason="  ")
    with pytest.raises(ValidationError, match="other than 0"):
        adjust(world.manager, world.ambassador, 0)
    with pytest.raises(ValidationError, match="your own points"):
        adjust(world.admin, world.admin, 10)
    with pytest.raises(ValidationError, match="member of the program"):
        adjust(world.manager, world.curator, 10)  # not in the program
    for membership in (world.curator, world.ambassador):
        with pytest.raises(PermissionDenied):
            adjust(membership, world.ambassador, 10)
        url = reverse("rewards:adjust") + f"?program={world.program.slug}"
        assert world.client_for(membership).get(url).status_code == 403
    with pytest.raises(Http404):
        points_adjust(
            actor=world.stranger,
            program=world.program,
            membership_id=world.ambassador.pk,
            points=10,
            reason="x",
            now=NOW,
        )
    stranger = world.client_for(world.stranger)
    response = stranger.post(
        reverse("rewards:adjust") + f"?program={world.program.slug}",
        {"membership": world.ambassador.pk, "points": "10", "reason": "x"},
    )
    assert response.status_code == 404
    assert not PointsEntry.objects.exists()
    assert not AuditEntry.objects.exists()


def test_points_award_refuses_the_adjustment_rule(world: World) -> None:
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    with pytest.raises(ValidationError):
        points_award(
            membership=world.ambassador,
            program=world.program,
            rule=Rule.ADJUSTMENT,
            source=share,
            now=NOW,
        )


# --- Reward requests -----------------------------------------------------------------


@pytest.fixture
def voucher(world: World) -> Reward:
    world.program.budget_amount = Decimal("100")
    world.program.save()
    share = make_share(world.ambassador, world.item, world.program, at=NOW)
    points_award(
        membership=world.ambassador,
        program=world.program,
        rule="application",
        source=share,
        now=NOW,
    )
    return reward_save(
        actor=world.manager,
        program=world.program,
        values={"name": "Book voucher", "points_cost": 20, "monetary_value": Decimal("30")},
        now=NOW,
    )


def test_reward_decisions_are_recorded(world: World, voucher: Reward) -> None:
    first = redemption_request(actor=world.ambassador, reward_id=voucher.pk, now=NOW)
    second = redemption_request(actor=world.ambassador, reward_id=voucher.pk, now=NOW)
    assert not AuditEntry.objects.exists()  # asking is not a sensitive action

    redemption_approve(actor=world.manager, redemption_id=first.pk, now=NOW)
    entry = only_entry(AuditAction.REWARD_APPROVED)
    assert (entry.actor, entry.subject) == (world.manager, world.ambassador)
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "redemption",
        first.pk,
        "Book voucher",
    )
    assert entry.details == {"points": 20, "value": "30.00"}
    entry.delete()

    redemption_fulfil(actor=world.manager, redemption_id=first.pk, now=NOW)
    only_entry(AuditAction.REWARD_FULFILLED).delete()

    redemption_refuse(
        actor=world.admin, redemption_id=second.pk, reason="Plus de stock chez Dupont", now=NOW
    )
    entry = only_entry(AuditAction.REWARD_REFUSED)
    assert (entry.actor, entry.subject) == (world.admin, world.ambassador)
    assert "Dupont" not in str(entry.details)


def test_a_refused_decision_leaves_nothing(world: World, voucher: Reward) -> None:
    request = redemption_request(actor=world.ambassador, reward_id=voucher.pk, now=NOW)
    with pytest.raises(PermissionDenied):
        redemption_approve(actor=world.curator, redemption_id=request.pk, now=NOW)
    with pytest.raises(Http404):
        redemption_approve(actor=world.stranger, redemption_id=request.pk, now=NOW)
    with pytest.raises(ValidationError):
        redemption_fulfil(actor=world.manager, redemption_id=request.pk, now=NOW)
    assert not AuditEntry.objects.exists()


# --- Exports -------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "fmt"), [("kpis", "csv"), ("network", "xlsx")])
def test_dashboard_exports_are_recorded(world: World, table: str, fmt: str) -> None:
    client = world.client_for(world.manager)
    response = client.get(reverse("analytics:export", args=[world.program.slug, table, fmt]))
    assert response.status_code == 200
    entry = only_entry(AuditAction.DATA_EXPORTED)
    assert entry.actor == world.manager
    assert entry.details == {"table": table, "format": fmt}
    assert (entry.object_type, entry.object_id) == ("program", world.program.pk)


def test_refused_exports_are_not_recorded(world: World) -> None:
    url = reverse("analytics:export", args=[world.program.slug, "kpis", "csv"])
    assert world.client_for(world.ambassador).get(url).status_code == 403
    assert world.client_for(world.stranger).get(url).status_code == 404
    leaderboard = reverse("rewards:leaderboard_csv") + f"?program={world.program.slug}"
    assert world.client_for(world.ambassador).get(leaderboard).status_code == 403
    assert world.client_for(world.stranger).get(leaderboard).status_code == 404
    assert not AuditEntry.objects.exists()


def test_the_leaderboard_csv_is_recorded(world: World) -> None:
    client = world.client_for(world.manager)
    response = client.get(reverse("rewards:leaderboard_csv") + f"?program={world.program.slug}")
    assert response.status_code == 200
    entry = only_entry(AuditAction.DATA_EXPORTED)
    assert entry.actor == world.manager
    assert entry.details == {"table": "leaderboard", "format": "csv"}


def test_an_ambassadors_own_impact_export_is_recorded(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.get(reverse("analytics:my_impact_export", args=["xlsx"]))
    assert response.status_code == 200
    entry = only_entry(AuditAction.DATA_EXPORTED)
    assert (entry.actor, entry.subject) == (world.ambassador, world.ambassador)
    assert entry.details == {"table": "my_impact", "format": "xlsx"}
