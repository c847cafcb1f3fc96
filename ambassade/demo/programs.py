"""The demo's programs: objectives, KPI targets, waves, enrolments and consents."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ambassade.demo import data
from ambassade.demo.plan import PARIS, VERDANE, Context, OrgPlan, local_datetime, nice_round
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

PILOT = "Pilote"
ROLLOUT = "Déploiement"


def _program_create(ctx: Context, plan: OrgPlan) -> Program:
    """One program with its objectives, targets and waves: a few rows, plain creates."""
    spec = plan.spec
    days = ctx.sizes.days
    today = ctx.today
    # Targets were set for the default demo size; scale them with the headcount.
    scale = max(len(plan.ambassadors) / (40 * spec.weight), 0.1)
    if spec is VERDANE:
        starts_on = today - timedelta(days=days + 21)
        ends_on = starts_on + timedelta(days=365)
        program = Program.objects.create(
            organization=plan.organization,
            name="Ambassadeurs Verdane",
            slug="ambassadeurs-verdane",
            manager=plan.manager,
            budget_amount=Decimal("48000"),
            budget_currency="EUR",
            phase=Phase.ROLLOUT,
            starts_on=starts_on,
            ends_on=ends_on,
            editorial_line=data.VERDANE_EDITORIAL_LINE,
            charter_text=data.VERDANE_CHARTER,
            consent_text=data.VERDANE_CONSENT_V2,
            consent_version=2,
            allowed_networks=list(spec.networks),
            company_share_target=20,
            created_at=local_datetime(starts_on - timedelta(days=30), 10, PARIS),
        )
        midway = starts_on + timedelta(days=182)
        objectives = [
            (
                ObjectiveKind.APPLICANTS,
                "Attirer plus de candidats, en France et au Maroc",
                [(Metric.APPLICATIONS, 120, ends_on), (Metric.UNIQUE_VISITORS, 6000, ends_on)],
            ),
            (
                ObjectiveKind.AWARENESS,
                "Faire connaître Verdane comme acteur de la transition",
                [(Metric.POTENTIAL_REACH, 250000, midway)],
            ),
            (
                ObjectiveKind.TRAFFIC,
                "Plus de visites sur le site et le blog",
                [(Metric.HUMAN_CLICKS, 4000, ends_on)],
            ),
        ]
        rollout_on = today - timedelta(days=round(days * 0.5))
        Wave.objects.create(
            program=program, name=PILOT, starts_on=starts_on, ends_on=rollout_on - timedelta(1)
        )
        Wave.objects.create(program=program, name=ROLLOUT, starts_on=rollout_on)
    else:
        starts_on = today - timedelta(days=days + 7)
        ends_on = starts_on + timedelta(days=180)
        program = Program.objects.create(
            organization=plan.organization,
            name="Pilote Caldera",
            slug="pilote-caldera",
            manager=plan.manager,
            budget_amount=Decimal("12000"),
            budget_currency="EUR",
            phase=Phase.PILOT,
            starts_on=starts_on,
            ends_on=ends_on,
            editorial_line=data.CALDERA_EDITORIAL_LINE,
            charter_text=data.CALDERA_CHARTER,
            consent_text=data.CALDERA_CONSENT,
            consent_version=1,
            allowed_networks=list(spec.networks),
            company_share_target=20,
            created_at=local_datetime(starts_on - timedelta(days=20), 11, PARIS),
        )
        objectives = [
            (
                ObjectiveKind.AWARENESS,
                "Donner envie de découvrir nos maisons",
                [(Metric.POTENTIAL_REACH, 60000, ends_on)],
            ),
            (
                ObjectiveKind.APPLICANTS,
                "Recruter pour la saison",
                [(Metric.APPLICATIONS, 30, ends_on), (Metric.HUMAN_CLICKS, 1200, ends_on)],
            ),
        ]
        Wave.objects.create(program=program, name=PILOT, starts_on=starts_on)
    for kind, title, targets in objectives:
        objective = Objective.objects.create(program=program, kind=kind, title=title)
        KpiTarget.objects.bulk_create(
            KpiTarget(
                objective=objective,
                metric=metric,
                target_value=nice_round(value * scale),
                deadline_on=deadline,
            )
            for metric, value, deadline in targets
        )
    return program


def programs_create(ctx: Context, plans: list[OrgPlan]) -> None:
    """Programs, then everyone's enrolment: most active, a couple left, a few invited."""
    rng = ctx.rng
    ctx.reporter.start("Programmes et adhésions", sum(len(p.ambassadors) for p in plans))
    enrolments: list[Enrolment] = []
    done = 0
    for plan in plans:
        program = _program_create(ctx, plan)
        plan.program = program
        waves = list(program.waves.order_by("starts_on"))
        count = len(plan.ambassadors)
        left = max(1, round(0.05 * count)) if count >= 8 else 0
        invited = max(1, round(0.08 * count)) if count >= 6 else 0
        # Pilot volunteers come first: the most active people were generated first.
        pilot_size = count if len(waves) == 1 else max(1, round(count * 0.45))
        leavers = 0
        for index, amb in enumerate(plan.ambassadors):
            wave = waves[0] if index < pilot_size else waves[-1]
            start = local_datetime(wave.starts_on, 9, PARIS)
            span = 14 if wave.name == PILOT else 21
            joined = start + timedelta(days=rng.uniform(0, span), hours=rng.uniform(0, 8))
            joined = min(joined, ctx.now - timedelta(hours=rng.uniform(12, 48)))
            amb.wave = wave
            amb.invited_at = joined - timedelta(days=rng.uniform(1, 10))
            amb.joined_at = joined
            if index >= count - invited:
                # Invited lately, has not answered yet.
                amb.status = EnrolmentStatus.INVITED
                amb.invited_at = ctx.now - timedelta(days=rng.uniform(1, 15))
                amb.joined_at = None
                amb.rate = 0.0
            elif leavers < left and amb.tier in {"regular", "occasional"}:
                leavers += 1
                amb.status = EnrolmentStatus.LEFT
                earliest = max(joined + timedelta(days=3), ctx.window_start + timedelta(days=5))
                latest = ctx.now - timedelta(days=2)
                amb.left_at = max(earliest + (latest - earliest) * rng.uniform(0.2, 0.9), joined)
            enrolments.append(
                Enrolment(
                    program=program,
                    membership=amb.membership,
                    wave=wave,
                    status=amb.status,
                    invited_at=amb.invited_at,
                    joined_at=amb.joined_at,
                    left_at=amb.left_at,
                )
            )
            done += 1
        ctx.reporter.advance(done)
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    consents = _consents(ctx, plans, enrolments)
    Consent.objects.bulk_create(consents, batch_size=2000)
    ctx.reporter.finish(
        f"{len(plans)} programmes, {len(enrolments)} adhésions, {len(consents)} consentements"
    )


def _consents(ctx: Context, plans: list[OrgPlan], enrolments: list[Enrolment]) -> list[Consent]:
    """The text each person agreed to; Verdane's pilot agreed to version 1, then 2."""
    by_membership = {e.membership_id: e for e in enrolments}
    consents: list[Consent] = []
    for plan in plans:
        program = plan.the_program
        rollout_on: date = program.waves.order_by("-starts_on").values_list("starts_on", flat=True)[
            0
        ]
        for amb in plan.ambassadors:
            if amb.joined_at is None:
                continue
            enrolment = by_membership[amb.membership.pk]
            renewed = max(local_datetime(rollout_on, 10, PARIS), amb.joined_at) + timedelta(
                hours=ctx.rng.uniform(1, 72)
            )
            first_version = (
                program.consent_version == 2 and amb.wave is not None and amb.wave.name == PILOT
            )
            if not first_version:
                consents.append(
                    Consent(
                        enrolment=enrolment,
                        text=program.consent_text,
                        version=program.consent_version,
                        given_at=amb.joined_at,
                        withdrawn_at=amb.left_at,
                    )
                )
                continue
            renews = renewed < ctx.now and (amb.left_at is None or renewed < amb.left_at)
            consents.append(
                Consent(
                    enrolment=enrolment,
                    text=data.VERDANE_CONSENT_V1,
                    version=1,
                    given_at=amb.joined_at,
                    withdrawn_at=None if renews else amb.left_at,
                )
            )
            if renews:
                consents.append(
                    Consent(
                        enrolment=enrolment,
                        text=program.consent_text,
                        version=program.consent_version,
                        given_at=renewed,
                        withdrawn_at=amb.left_at,
                    )
                )
    return consents
