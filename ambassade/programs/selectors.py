"""Reads for the program pages, always scoped to one organization."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Organization, User
from ambassade.accounts.permissions import get_scoped_or_404, scoped
from ambassade.programs.models import (
    Consent,
    Enrolment,
    EnrolmentStatus,
    KpiTarget,
    Objective,
    Program,
    Wave,
)

M = TypeVar("M", bound=Model)


def program_list(*, organization: Organization) -> QuerySet[Program]:
    """The organization's programs, with their numbers of active and invited ambassadors."""
    return (
        scoped(Program.objects.all(), organization)
        .select_related("manager")
        .annotate(
            active_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE)),
            invited_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.INVITED)),
        )
        .order_by("-starts_on", "name")
    )


def program_get(*, organization: Organization, slug: str) -> Program:
    return get_scoped_or_404(Program.objects.select_related("manager"), organization, slug=slug)


def _in_organization_or_404(
    queryset: QuerySet[M], organization: Organization, path: str, **lookup: Any
) -> M:
    """Like get_scoped_or_404, for models that reach their organization through ``path``."""
    try:
        return queryset.filter(**{path: organization}).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404(_("Not found.")) from exc


def objective_get(*, organization: Organization, pk: int) -> Objective:
    return _in_organization_or_404(
        Objective.objects.select_related("program"), organization, "program__organization", pk=pk
    )


def kpi_target_get(*, organization: Organization, pk: int) -> KpiTarget:
    return _in_organization_or_404(
        KpiTarget.objects.select_related("objective__program"),
        organization,
        "objective__program__organization",
        pk=pk,
    )


def wave_get(*, organization: Organization, pk: int) -> Wave:
    return _in_organization_or_404(
        Wave.objects.select_related("program"), organization, "program__organization", pk=pk
    )


def enrolment_get(*, organization: Organization, pk: int) -> Enrolment:
    return _in_organization_or_404(
        Enrolment.objects.select_related("program", "membership__user"),
        organization,
        "program__organization",
        pk=pk,
    )


@dataclass(frozen=True)
class WaveMembers:
    wave: Wave | None
    enrolments: list[Enrolment]


@dataclass(frozen=True)
class ProgramDetail:
    program: Program
    objectives: list[Objective]
    waves: list[Wave]
    by_wave: list[WaveMembers]
    enrolments: list[Enrolment]
    active_count: int
    invited_count: int
    left_count: int


def program_detail(*, program: Program) -> ProgramDetail:
    objectives = list(
        program.objectives.prefetch_related(
            Prefetch("targets", queryset=KpiTarget.objects.order_by("deadline_on", "id"))
        )
    )
    waves = list(program.waves.all())
    enrolments = list(
        program.enrolments.select_related("membership__user", "wave").order_by(
            "membership__user__full_name", "membership__user__email"
        )
    )
    by_wave = [
        WaveMembers(
            wave=wave,
            enrolments=[
                e for e in enrolments if e.wave_id == wave.pk and e.status != EnrolmentStatus.LEFT
            ],
        )
        for wave in waves
    ]
    without_wave = [e for e in enrolments if e.wave_id is None and e.status != EnrolmentStatus.LEFT]
    if without_wave:
        by_wave.append(WaveMembers(wave=None, enrolments=without_wave))
    statuses = [e.status for e in enrolments]
    return ProgramDetail(
        program=program,
        objectives=objectives,
        waves=waves,
        by_wave=by_wave,
        enrolments=enrolments,
        active_count=statuses.count(EnrolmentStatus.ACTIVE),
        invited_count=statuses.count(EnrolmentStatus.INVITED),
        left_count=statuses.count(EnrolmentStatus.LEFT),
    )


def manager_candidates(*, organization: Organization) -> QuerySet[User]:
    """People who may be named program manager: members of the organization."""
    return User.objects.filter(memberships__organization=organization, is_active=True).order_by(
        "full_name", "email"
    )


def invitable_memberships(*, program: Program) -> QuerySet[Membership]:
    """Members of the program's organization who are not in the program yet."""
    return (
        Membership.objects.filter(organization_id=program.organization_id, user__is_active=True)
        .exclude(enrolments__program=program)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def my_enrolments(*, membership: Membership) -> list[Enrolment]:
    """The person's own places in programs of their current organization, with consents."""
    return list(
        Enrolment.objects.filter(
            membership=membership, program__organization_id=membership.organization_id
        )
        .select_related("program", "wave")
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by("-given_at")))
        .order_by("program__name")
    )


def my_enrolment_get(*, membership: Membership, slug: str) -> Enrolment:
    """The person's own enrolment in a program of their organization, or 404."""
    program = program_get(organization=membership.organization, slug=slug)
    return _in_organization_or_404(
        Enrolment.objects.select_related("program"),
        membership.organization,
        "program__organization",
        program=program,
        membership=membership,
    )
