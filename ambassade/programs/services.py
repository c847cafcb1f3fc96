"""Program use cases: set-up, objectives and KPI targets, waves, voluntary enrolment.

Manager actions need Role.MANAGER (organization admins pass automatically);
joining and leaving are done by the person themselves, on their own enrolment.
Every object must belong to the actor's organization.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Network, Role, User
from ambassade.accounts.permissions import require_role
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record, changed_fields
from ambassade.programs.models import (
    Consent,
    Enrolment,
    EnrolmentStatus,
    KpiTarget,
    Metric,
    Objective,
    ObjectiveKind,
    Phase,
    Program,
    Wave,
)
from ambassade.tracking.models import TrackedLink
from ambassade.tracking.services import links_changed


@dataclass(frozen=True)
class ProgramSettings:
    """Everything a manager sets on a program, as entered in the form."""

    name: str
    slug: str
    manager: User | None
    budget_amount: Decimal
    budget_currency: str
    phase: str
    starts_on: date
    ends_on: date | None
    editorial_line: str
    charter_text: str
    consent_text: str
    allowed_networks: list[str]
    company_share_target: int


def _check_same_organization(actor: Membership, organization_id: int) -> None:
    if organization_id != actor.organization_id:
        raise PermissionDenied(_("This belongs to another organization."))


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date must be on or after the start date.")})


def _validate_settings(
    *, actor: Membership, data: ProgramSettings, program: Program | None
) -> None:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Give the program a name.")
    if not data.slug:
        errors["slug"] = _("Give the program a slug.")
    else:
        taken = Program.objects.filter(organization_id=actor.organization_id, slug=data.slug)
        if program is not None:
            taken = taken.exclude(pk=program.pk)
        if taken.exists():
            errors["slug"] = _("Another program of this organization already uses this slug.")
    if (
        data.manager is not None
        and not Membership.objects.filter(
            user=data.manager, organization_id=actor.organization_id
        ).exists()
    ):
        errors["manager"] = _("The program manager must be a member of this organization.")
    if data.budget_amount < 0:
        errors["budget_amount"] = _("The budget cannot be negative.")
    if data.phase not in Phase.values:
        errors["phase"] = _("Choose pilot or roll-out.")
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = _("The end date must be on or after the start date.")
    if not data.consent_text.strip():
        errors["consent_text"] = _("Ambassadors must have a consent text to accept.")
    if not data.allowed_networks:
        errors["allowed_networks"] = _("Allow at least one network.")
    elif any(network not in Network.values for network in data.allowed_networks):
        errors["allowed_networks"] = _("Unknown network.")
    if not 0 <= data.company_share_target <= 100:
        errors["company_share_target"] = _("Enter a percentage between 0 and 100.")
    if errors:
        raise ValidationError(errors)


def _apply_settings(program: Program, data: ProgramSettings) -> None:
    program.name = data.name.strip()
    program.slug = data.slug
    program.manager = data.manager
    program.budget_amount = data.budget_amount
    program.budget_currency = data.budget_currency
    program.phase = data.phase
    program.starts_on = data.starts_on
    program.ends_on = data.ends_on
    program.editorial_line = data.editorial_line
    program.charter_text = data.charter_text
    program.allowed_networks = [n for n in Network.values if n in data.allowed_networks]
    program.company_share_target = data.company_share_target


def _save_program(program: Program) -> None:
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError as exc:
        # Two managers racing for the same slug: the constraint has the last word.
        raise ValidationError(
            {"slug": _("Another program of this organization already uses this slug.")}
        ) from exc


def program_create(*, actor: Membership, data: ProgramSettings, now: datetime) -> Program:
    require_role(actor, Role.MANAGER)
    _validate_settings(actor=actor, data=data, program=None)
    program = Program(organization_id=actor.organization_id, created_at=now, consent_version=1)
    _apply_settings(program, data)
    program.consent_text = data.consent_text
    with transaction.atomic():
        _save_program(program)
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.PROGRAM_CREATED,
            now=now,
            obj=program,
            object_label=program.name,
        )
    return program


# The settings a manager sets on a program, for the audit log's "which fields changed".
AUDITED_PROGRAM_FIELDS = (
    "name",
    "slug",
    "manager",
    "budget_amount",
    "budget_currency",
    "phase",
    "starts_on",
    "ends_on",
    "editorial_line",
    "charter_text",
    "consent_text",
    "allowed_networks",
    "company_share_target",
)


def program_update(
    *, actor: Membership, program: Program, data: ProgramSettings, now: datetime
) -> Program:
    """Change a program's settings; a new consent text gets a new version number."""
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, program.organization_id)
    _validate_settings(actor=actor, data=data, program=program)
    with transaction.atomic():
        current = Program.objects.select_for_update().get(pk=program.pk)
        before = copy.copy(current)
        _apply_settings(current, data)
        if data.consent_text != current.consent_text:
            current.consent_text = data.consent_text
            current.consent_version += 1
        _save_program(current)
        changed = changed_fields(before, current, AUDITED_PROGRAM_FIELDS)
        if changed:
            audit_record(
                organization=actor.organization,
                actor=actor,
                action=AuditAction.PROGRAM_SETTINGS_CHANGED,
                now=now,
                obj=current,
                object_label=current.name,
                details={"fields": changed},
            )
    return current


def objective_create(
    *, actor: Membership, program: Program, kind: str, title: str, now: datetime
) -> Objective:
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, program.organization_id)
    errors: dict[str, str] = {}
    if kind not in ObjectiveKind.values:
        errors["kind"] = _("Choose a kind of objective.")
    if not title.strip():
        errors["title"] = _("Give the objective a title.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Objective.objects.create(program=program, kind=kind, title=title.strip())


def objective_delete(*, actor: Membership, objective: Objective, now: datetime) -> None:
    """Delete an objective and its KPI targets."""
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, objective.program.organization_id)
    with transaction.atomic():
        objective.delete()


def kpi_target_create(
    *,
    actor: Membership,
    objective: Objective,
    metric: str,
    target_value: Decimal,
    deadline_on: date,
    now: datetime,
) -> KpiTarget:
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, objective.program.organization_id)
    errors: dict[str, str] = {}
    if metric not in Metric.values:
        errors["metric"] = _("Choose a metric.")
    if target_value <= 0:
        errors["target_value"] = _("The target must be greater than zero.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return KpiTarget.objects.create(
            objective=objective, metric=metric, target_value=target_value, deadline_on=deadline_on
        )


def kpi_target_delete(*, actor: Membership, target: KpiTarget, now: datetime) -> None:
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, target.objective.program.organization_id)
    with transaction.atomic():
        target.delete()


def _validate_wave(name: str, starts_on: date, ends_on: date | None) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Give the wave a name.")})
    _check_dates(starts_on, ends_on)


def wave_create(
    *,
    actor: Membership,
    program: Program,
    name: str,
    starts_on: date,
    ends_on: date | None,
    now: datetime,
) -> Wave:
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, program.organization_id)
    _validate_wave(name, starts_on, ends_on)
    with transaction.atomic():
        return Wave.objects.create(
            program=program, name=name.strip(), starts_on=starts_on, ends_on=ends_on
        )


def wave_update(
    *,
    actor: Membership,
    wave: Wave,
    name: str,
    starts_on: date,
    ends_on: date | None,
    now: datetime,
) -> Wave:
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, wave.program.organization_id)
    _validate_wave(name, starts_on, ends_on)
    wave.name = name.strip()
    wave.starts_on = starts_on
    wave.ends_on = ends_on
    with transaction.atomic():
        wave.save(update_fields=["name", "starts_on", "ends_on"])
    return wave


def _check_wave(program: Program, wave: Wave | None) -> None:
    if wave is not None and wave.program_id != program.pk:
        raise ValidationError({"wave": _("This wave belongs to another program.")})


def enrolment_invite(
    *,
    actor: Membership,
    program: Program,
    memberships: Sequence[Membership],
    wave: Wave | None,
    now: datetime,
) -> list[Enrolment]:
    """Invite people to a program. They are only enrolled once they opt in themselves."""
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, program.organization_id)
    _check_wave(program, wave)
    if not memberships:
        raise ValidationError({"memberships": _("Choose at least one person to invite.")})
    for membership in memberships:
        _check_same_organization(actor, membership.organization_id)
    already_in = ValidationError(
        {"memberships": _("Some of these people are already in the program.")}
    )
    if Enrolment.objects.filter(
        program=program, membership__in=[m.pk for m in memberships]
    ).exists():
        raise already_in
    try:
        with transaction.atomic():
            return [
                Enrolment.objects.create(
                    program=program,
                    membership=membership,
                    wave=wave,
                    status=EnrolmentStatus.INVITED,
                    invited_at=now,
                )
                for membership in memberships
            ]
    except IntegrityError as exc:  # invited by another manager at the same moment
        raise already_in from exc


def enrolment_set_wave(
    *, actor: Membership, enrolment: Enrolment, wave: Wave | None, now: datetime
) -> Enrolment:
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, enrolment.program.organization_id)
    _check_wave(enrolment.program, wave)
    enrolment.wave = wave
    with transaction.atomic():
        enrolment.save(update_fields=["wave"])
    return enrolment


def _check_own(actor: Membership, enrolment: Enrolment) -> None:
    if enrolment.membership_id != actor.pk:
        raise PermissionDenied(_("This is not your enrolment."))


def enrolment_join(
    *,
    actor: Membership,
    enrolment: Enrolment,
    accepted: bool,
    accepted_version: int,
    now: datetime,
) -> Consent:
    """Opt in: the person accepts the consent text they were shown, and becomes active."""
    _check_own(actor, enrolment)
    if not accepted:
        raise ValidationError(
            {"accept": _("Tick the box to confirm you have read and accept the consent text.")}
        )
    with transaction.atomic():
        current = (
            Enrolment.objects.select_for_update().select_related("program").get(pk=enrolment.pk)
        )
        program = current.program
        if current.status == EnrolmentStatus.ACTIVE:
            raise ValidationError(_("You have already joined this program."))
        if accepted_version != program.consent_version:
            raise ValidationError(
                {"accept": _("The consent text has just changed. Please read it again.")}
            )
        current.status = EnrolmentStatus.ACTIVE
        current.joined_at = now
        current.left_at = None
        current.save(update_fields=["status", "joined_at", "left_at"])
        return Consent.objects.create(
            enrolment=current,
            text=program.consent_text,
            version=program.consent_version,
            given_at=now,
        )


def enrolment_leave(*, actor: Membership, enrolment: Enrolment, now: datetime) -> Enrolment:
    """Leave a program: consent withdrawn, and the person's links stop attributing clicks."""
    _check_own(actor, enrolment)
    with transaction.atomic():
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status != EnrolmentStatus.ACTIVE:
            raise ValidationError(_("You are not an active member of this program."))
        current.status = EnrolmentStatus.LEFT
        current.left_at = now
        current.save(update_fields=["status", "left_at"])
        Consent.objects.filter(enrolment=current, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        # Readers of links already posted still reach the page, without being recorded.
        TrackedLink.objects.filter(
            share__program_id=current.program_id, share__membership_id=current.membership_id
        ).update(is_attributed=False)
        links_changed()
    return current
