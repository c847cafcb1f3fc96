"""Reads of the training app: the charter in force and who acknowledged it, the
modules a person may take, and where each person stands in their onboarding."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Organization, Role, SocialAccount
from ambassade.programs.models import Consent, Enrolment, EnrolmentStatus, Program, Wave
from ambassade.sharing.models import Share
from ambassade.training.models import (
    CharterAcknowledgement,
    CharterVersion,
    Module,
    ModuleCompletion,
    QuizAttempt,
    TrainingSettings,
)

# --- Charter --------------------------------------------------------------------------


def charter_required(*, organization: Organization) -> bool:
    """The organization's setting; on unless an admin switched it off."""
    value = (
        TrainingSettings.objects.filter(organization=organization)
        .values_list("charter_required", flat=True)
        .first()
    )
    return True if value is None else bool(value)


def charter_current(*, program: Program) -> CharterVersion | None:
    """The version in force: the latest published one."""
    return CharterVersion.objects.filter(program=program).order_by("-version").first()


def charter_has_text(*, program: Program) -> bool:
    """Whether the program has a charter at all (a version, or the program's text)."""
    return bool(program.charter_text.strip()) or program.charter_versions.exists()


def charter_acknowledged(*, membership: Membership, program: Program) -> bool:
    """Whether ``membership`` may share under ``program`` as far as the charter goes.

    True when the organization does not require it, when the program has no charter,
    or when the person acknowledged the current version.
    """
    if program.organization_id != membership.organization_id:
        return False
    if not charter_required(organization=membership.organization):
        return True
    current = charter_current(program=program)
    if current is None:
        # A charter written on the program but never published as a version: the
        # charter page publishes it as version 1, to be acknowledged.
        return not program.charter_text.strip()
    return CharterAcknowledgement.objects.filter(version=current, membership=membership).exists()


def charters_pending(*, membership: Membership) -> list[Program]:
    """The person's active programs whose current charter they still have to acknowledge."""
    programs = Program.objects.filter(
        enrolments__membership=membership, enrolments__status=EnrolmentStatus.ACTIVE
    ).order_by("name")
    return [p for p in programs if not charter_acknowledged(membership=membership, program=p)]


def charter_programs(*, membership: Membership) -> list[Program]:
    """The programs whose charter the person can read: the ones they are invited to or in."""
    return list(
        Program.objects.filter(
            organization_id=membership.organization_id,
            enrolments__membership=membership,
            enrolments__status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.INVITED],
        )
        .distinct()
        .order_by("name")
    )


def acknowledgement_of(
    *, membership: Membership, version: CharterVersion
) -> CharterAcknowledgement | None:
    return CharterAcknowledgement.objects.filter(version=version, membership=membership).first()


@dataclass(frozen=True)
class CharterStats:
    version: CharterVersion | None
    acknowledged: int
    active: int


def charter_stats(*, program: Program) -> CharterStats:
    current = charter_current(program=program)
    active = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    acknowledged = (
        CharterAcknowledgement.objects.filter(
            version=current, membership__in=active.values("membership")
        ).count()
        if current
        else 0
    )
    return CharterStats(version=current, acknowledged=acknowledged, active=active.count())


# --- Modules --------------------------------------------------------------------------


def modules_for(*, membership: Membership) -> QuerySet[Module]:
    """The modules a person may take: the organization's general ones and those of the
    programs they are invited to or in; every published one for the program team."""
    modules = Module.objects.filter(organization_id=membership.organization_id, published=True)
    if membership.has_role(Role.MANAGER) or membership.has_role(Role.CURATOR):
        return modules.select_related("program")
    programs = Enrolment.objects.filter(
        membership=membership,
        status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.INVITED],
    ).values("program")
    return modules.filter(Q(program__isnull=True) | Q(program__in=programs)).select_related(
        "program"
    )


def modules_in_language(*, membership: Membership) -> list[Module]:
    """The person's modules in their language, and any module with no version in it."""
    modules = list(modules_for(membership=membership))
    language = membership.user.language
    keys_in_language = {m.key for m in modules if m.language == language}
    return [m for m in modules if m.language == language or m.key not in keys_in_language]


def completed_module_ids(*, membership: Membership) -> set[int]:
    return set(
        ModuleCompletion.objects.filter(membership=membership).values_list("module_id", flat=True)
    )


def attempts_of(*, membership: Membership, module: Module) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(membership=membership, module=module)[:20])


@dataclass(frozen=True)
class ModuleStats:
    module: Module
    completions: int
    attempts: int
    passed_attempts: int


def module_stats(*, organization: Organization) -> list[ModuleStats]:
    modules = (
        Module.objects.filter(organization=organization)
        .select_related("program")
        .annotate(
            completion_count=Count("completions", distinct=True),
            attempt_count=Count("attempts", distinct=True),
            passed_count=Count("attempts", filter=Q(attempts__passed=True), distinct=True),
        )
    )
    return [
        ModuleStats(
            module=m,
            completions=m.completion_count,
            attempts=m.attempt_count,
            passed_attempts=m.passed_count,
        )
        for m in modules
    ]


# --- Onboarding -----------------------------------------------------------------------

STEP_CONSENT = "consent"
STEP_CHARTER = "charter"
STEP_MODULE = "module"
STEP_NETWORKS = "networks"
STEP_SHARE = "share"
STEP_ORDER = (STEP_CONSENT, STEP_CHARTER, STEP_MODULE, STEP_NETWORKS, STEP_SHARE)
STEP_LABELS: dict[str, Promise] = {
    STEP_CONSENT: _("Join a program and give your consent"),
    STEP_CHARTER: _("Acknowledge the charter"),
    STEP_MODULE: _("Complete a first training module"),
    STEP_NETWORKS: _("Add your social network accounts to your profile"),
    STEP_SHARE: _("Make your first share"),
}
STEP_SHORT_LABELS: dict[str, Promise] = {
    STEP_CONSENT: _("Consent"),
    STEP_CHARTER: _("Charter"),
    STEP_MODULE: _("Module"),
    STEP_NETWORKS: _("Networks"),
    STEP_SHARE: _("First share"),
}
STEP_URLS = {
    STEP_CONSENT: "programs:my_programs",
    STEP_CHARTER: "training:charter",
    STEP_MODULE: "training:module_list",
    STEP_NETWORKS: "accounts:profile",
    STEP_SHARE: "sharing:feed",
}


@dataclass(frozen=True)
class Step:
    code: str
    label: Promise
    short_label: Promise
    done: bool
    url: str


@dataclass(frozen=True)
class Onboarding:
    steps: list[Step]

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.steps else 100

    @property
    def complete(self) -> bool:
        return self.done_count == self.total

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)


def _onboarding(done: dict[str, bool]) -> Onboarding:
    return Onboarding(
        steps=[
            Step(
                code=code,
                label=STEP_LABELS[code],
                short_label=STEP_SHORT_LABELS[code],
                done=done[code],
                url=reverse(STEP_URLS[code]),
            )
            for code in STEP_ORDER
        ]
    )


def _consented(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.filter(
        status=EnrolmentStatus.ACTIVE,
        pk__in=Consent.objects.filter(withdrawn_at__isnull=True).values("enrolment"),
    )


def onboarding_for(*, membership: Membership) -> Onboarding:
    """Where a person stands: consent → charter → first module → networks → first share."""
    consented = _consented(Enrolment.objects.filter(membership=membership)).exists()
    return _onboarding(
        {
            STEP_CONSENT: consented,
            STEP_CHARTER: consented and not charters_pending(membership=membership),
            STEP_MODULE: ModuleCompletion.objects.filter(membership=membership).exists(),
            STEP_NETWORKS: SocialAccount.objects.filter(user_id=membership.user_id).exists(),
            STEP_SHARE: Share.objects.filter(membership=membership).exists(),
        }
    )


@dataclass(frozen=True)
class MemberProgress:
    membership: Membership
    status: str
    onboarding: Onboarding


@dataclass
class WaveProgress:
    wave: Wave | None
    members: list[MemberProgress] = field(default_factory=list)

    @property
    def complete(self) -> int:
        return sum(1 for m in self.members if m.onboarding.complete)


def onboarding_team(*, program: Program) -> list[WaveProgress]:
    """Everyone invited to or in ``program``, by wave, with their onboarding steps.

    A handful of queries whatever the number of people.
    """
    enrolments = list(
        Enrolment.objects.filter(
            program=program, status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.INVITED]
        )
        .select_related("membership__user", "wave")
        .order_by("wave__starts_on", "wave_id", "membership__user__full_name")
    )
    membership_ids = [e.membership_id for e in enrolments]
    consented = set(
        _consented(Enrolment.objects.filter(program=program)).values_list(
            "membership_id", flat=True
        )
    )
    current = charter_current(program=program)
    needs_charter = charter_required(organization=program.organization) and (
        current is not None or bool(program.charter_text.strip())
    )
    acknowledged = (
        set(
            CharterAcknowledgement.objects.filter(
                version=current, membership_id__in=membership_ids
            ).values_list("membership_id", flat=True)
        )
        if current
        else set()
    )
    completed = set(
        ModuleCompletion.objects.filter(membership_id__in=membership_ids).values_list(
            "membership_id", flat=True
        )
    )
    with_accounts = set(
        SocialAccount.objects.filter(
            user_id__in=[e.membership.user_id for e in enrolments]
        ).values_list("user_id", flat=True)
    )
    sharers = set(
        Share.objects.filter(membership_id__in=membership_ids).values_list(
            "membership_id", flat=True
        )
    )
    waves: dict[int | None, WaveProgress] = {}
    for enrolment in enrolments:
        mid = enrolment.membership_id
        onboarding = _onboarding(
            {
                STEP_CONSENT: mid in consented,
                STEP_CHARTER: mid in consented and (not needs_charter or mid in acknowledged),
                STEP_MODULE: mid in completed,
                STEP_NETWORKS: enrolment.membership.user_id in with_accounts,
                STEP_SHARE: mid in sharers,
            }
        )
        group = waves.setdefault(enrolment.wave_id, WaveProgress(wave=enrolment.wave))
        group.members.append(
            MemberProgress(
                membership=enrolment.membership, status=enrolment.status, onboarding=onboarding
            )
        )
    return list(waves.values())
