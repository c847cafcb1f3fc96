"""The demo's training phase: starter modules, charters acknowledged, quizzes taken,
and one new ambassador who has done nothing yet (the onboarding walk-through)."""

from __future__ import annotations

import random
from datetime import timedelta

from ambassade.accounts.models import Language, Membership
from ambassade.demo.plan import Ambassador, Context, OrgPlan
from ambassade.programs.models import EnrolmentStatus
from ambassade.sharing.models import Share
from ambassade.training.models import (
    CharterAcknowledgement,
    CharterVersion,
    Module,
    ModuleCompletion,
    QuizAttempt,
)
from ambassade.training.starter import starter_modules_load

NEW_AMBASSADOR_ROLE = "Nouvel ambassadeur (parcours d'accueil)"
CHARTER_V2_ADDITION = (
    "\n\nNouveau : quand vous partagez un contenu de Verdane, ajoutez toujours une phrase à "
    "vous, ce que vous en retenez pour votre métier. Une suggestion n'est qu'un point de départ."
)


def _score(
    rng: random.Random, module: Module, amb: Ambassador
) -> tuple[dict[str, list[int]], int, int]:
    """Answers drawn for a quiz: champions know it, the others get some wrong."""
    knack = {"champion": 0.95, "regular": 0.85, "occasional": 0.7, "silent": 0.6}[amb.tier]
    answers: dict[str, list[int]] = {}
    correct = total = 0
    for question in module.questions.all():
        right = [c.pk for c in question.choices.all() if c.is_correct]
        wrong = [c.pk for c in question.choices.all() if not c.is_correct]
        total += 1
        if rng.random() < knack or not wrong:
            answers[str(question.pk)] = right
            correct += 1
        else:
            answers[str(question.pk)] = [rng.choice(wrong)]
    return answers, correct, total


def _quizzes(rng: random.Random, ctx: Context, plan: OrgPlan, modules: list[Module]) -> int:
    attempts: list[QuizAttempt] = []
    completions: list[ModuleCompletion] = []
    for amb in plan.ambassadors:
        if amb.status != EnrolmentStatus.ACTIVE or amb.joined_at is None:
            continue
        own = [m for m in modules if m.language == amb.user.language] or modules
        count = {"champion": 4, "regular": 3, "occasional": 2, "silent": 1}[amb.tier]
        moment = amb.joined_at + timedelta(hours=rng.uniform(1, 30))
        for module in own[:count]:
            for _try in range(3):
                answers, correct, total = _score(rng, module, amb)
                score = round(100 * correct / total)
                attempt = QuizAttempt(
                    organization=plan.organization,
                    module=module,
                    membership=amb.membership,
                    answers=answers,
                    correct=correct,
                    total=total,
                    score=score,
                    passed=score >= module.pass_mark,
                    created_at=min(moment, ctx.now - timedelta(minutes=5)),
                )
                attempts.append(attempt)
                moment += timedelta(minutes=rng.uniform(3, 20))
                if attempt.passed:
                    completions.append(
                        ModuleCompletion(
                            organization=plan.organization,
                            module=module,
                            membership=amb.membership,
                            completed_at=attempt.created_at,
                        )
                    )
                    break
            moment += timedelta(days=rng.uniform(1, 12))
    QuizAttempt.objects.bulk_create(attempts, batch_size=2000)
    ModuleCompletion.objects.bulk_create(completions, batch_size=2000)
    return len(completions)


def _charter(rng: random.Random, ctx: Context, plan: OrgPlan) -> int:
    """Version 1 at the program's start (Verdane has a version 2 since last month),
    acknowledged by most active ambassadors."""
    program = plan.the_program
    manager = Membership.objects.filter(user=plan.manager, organization=plan.organization).first()
    started = (
        min(a.joined_at for a in plan.ambassadors if a.joined_at)
        if any(a.joined_at for a in plan.ambassadors)
        else ctx.window_start
    )
    versions = [
        CharterVersion.objects.create(
            program=program,
            version=1,
            text=program.charter_text,
            published_at=started - timedelta(days=2),
            published_by=manager,
        )
    ]
    if plan.spec.slug == "verdane-energie":
        text = program.charter_text + CHARTER_V2_ADDITION
        versions.append(
            CharterVersion.objects.create(
                program=program,
                version=2,
                text=text,
                note="Une phrase à vous dans chaque partage de contenu Verdane.",
                published_at=ctx.now - timedelta(days=30),
                published_by=manager,
            )
        )
        program.charter_text = text
        program.save(update_fields=["charter_text"])
    acknowledgements: list[CharterAcknowledgement] = []
    for amb in plan.ambassadors:
        if amb.status != EnrolmentStatus.ACTIVE or amb.joined_at is None:
            continue
        if amb.tier == "silent" and rng.random() < 0.5:
            continue
        for version in versions:
            if rng.random() < 0.1 and version is versions[-1] and len(versions) > 1:
                continue  # has not read the new version yet: asked again before sharing
            at = max(amb.joined_at, version.published_at) + timedelta(minutes=rng.uniform(5, 600))
            if at >= ctx.now:
                continue
            acknowledgements.append(
                CharterAcknowledgement(
                    organization=plan.organization,
                    program=program,
                    version=version,
                    membership=amb.membership,
                    acknowledged_at=at,
                )
            )
    CharterAcknowledgement.objects.bulk_create(acknowledgements, batch_size=2000)
    return len(acknowledgements)


def _new_ambassador(plan: OrgPlan) -> Ambassador | None:
    """An invited ambassador with no share: the demo's newcomer, in French."""
    candidates = [
        a
        for a in plan.ambassadors
        if a.status == EnrolmentStatus.INVITED
        and not Share.objects.filter(membership=a.membership).exists()
    ]
    if not candidates:
        return None
    newcomer = sorted(candidates, key=lambda a: (a.user.language != Language.FRENCH, a.user.email))[
        0
    ]
    if newcomer.user.language != Language.FRENCH:
        newcomer.user.language = Language.FRENCH
        newcomer.user.save(update_fields=["language"])
    return newcomer


def new_ambassador_email() -> str:
    """The demo newcomer: a French-speaking invited ambassador who has done nothing yet."""
    from ambassade.demo.plan import SPECS

    membership = (
        Membership.objects.filter(
            organization__slug=SPECS[0].slug,
            is_ambassador=True,
            user__language=Language.FRENCH,
            enrolments__status=EnrolmentStatus.INVITED,
        )
        .exclude(pk__in=Share.objects.values("membership"))
        .exclude(pk__in=CharterAcknowledgement.objects.values("membership"))
        .exclude(pk__in=ModuleCompletion.objects.values("membership"))
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .first()
    )
    return membership or ""


def training_create(ctx: Context, plans: list[OrgPlan]) -> None:
    """Starter modules in French and English, charters, quizzes, and the newcomer."""
    rng = random.Random(f"training-{ctx.seed}")
    ctx.reporter.start("Formation et charte", len(plans))
    modules = acknowledged = completed = 0
    for done, plan in enumerate(plans, start=1):
        result = starter_modules_load(
            organization=plan.organization, now=ctx.window_start - timedelta(days=30)
        )
        modules += result.created
        newcomer = _new_ambassador(plan) if plan is plans[0] else None
        others = [a for a in plan.ambassadors if a is not newcomer]
        scoped = OrgPlan(
            plan.spec, plan.organization, plan.manager, plan.curator, others, plan.program
        )
        acknowledged += _charter(rng, ctx, scoped)
        org_modules = list(
            Module.objects.filter(organization=plan.organization)
            .prefetch_related("questions__choices")
            .order_by("position", "language")
        )
        completed += _quizzes(rng, ctx, scoped, org_modules)
        ctx.reporter.advance(done)
    ctx.reporter.finish(
        f"{modules} modules, {acknowledged} prises de connaissance de la charte, "
        f"{completed} modules validés"
    )
