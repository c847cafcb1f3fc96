"""Use cases of the training app: quizzes and completions, the charter's versions and
their acknowledgement, the organization's training settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import require_role
from ambassade.programs.models import Program
from ambassade.training.models import (
    CharterAcknowledgement,
    CharterVersion,
    Module,
    ModuleCompletion,
    QuestionKind,
    QuizAttempt,
    TrainingSettings,
)
from ambassade.training.points import points_award_on_commit
from ambassade.training.selectors import charter_acknowledged, charter_current, modules_for

TRAINING_RULE = "training_module"


class CharterNotAcknowledged(PermissionDenied):
    """Sharing is refused until the current charter of the program is acknowledged."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.url = reverse("training:charter")
        super().__init__(
            _("Before sharing, read and acknowledge the charter of “%(program)s”: %(url)s")
            % {"program": program.name, "url": self.url}
        )


def charter_check(*, membership: Membership, program: Program) -> None:
    """Raise :class:`CharterNotAcknowledged` unless the person may share under ``program``."""
    if not charter_acknowledged(membership=membership, program=program):
        raise CharterNotAcknowledged(program)


def _check_same_organization(actor: Membership, organization_id: int) -> None:
    if organization_id != actor.organization_id:
        raise PermissionDenied(_("This belongs to another organization."))


# --- Charter --------------------------------------------------------------------------


def charter_version_initial(*, program: Program, now: datetime) -> CharterVersion | None:
    """Publish the program's own charter text as version 1 when no version exists yet."""
    text = program.charter_text.strip()
    if not text:
        return charter_current(program=program)
    with transaction.atomic():
        list(Program.objects.select_for_update().filter(pk=program.pk))
        current = charter_current(program=program)
        if current is not None:
            return current
        return CharterVersion.objects.create(
            program=program, version=1, text=text, published_at=now
        )


def charter_version_publish(
    *, actor: Membership, program: Program, text: str, note: str, now: datetime
) -> CharterVersion:
    """Publish a new version: everyone acknowledges it again before their next share."""
    require_role(actor, Role.MANAGER)
    _check_same_organization(actor, program.organization_id)
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write the charter's text.")]})
    with transaction.atomic():
        list(Program.objects.select_for_update().filter(pk=program.pk))
        current = charter_current(program=program)
        if current is not None and current.text.strip() == text:
            raise ValidationError(
                {"text": [_("This is the text of the current version: change it first.")]}
            )
        version = CharterVersion.objects.create(
            program=program,
            version=(current.version + 1) if current else 1,
            text=text,
            note=note.strip()[:300],
            published_at=now,
            published_by=actor,
        )
        # The program's own field follows the version in force.
        Program.objects.filter(pk=program.pk).update(charter_text=text)
    program.charter_text = text
    return version


def charter_acknowledge(
    *, actor: Membership, program: Program, version_id: int, now: datetime
) -> CharterAcknowledgement:
    """Record that the person read and accepted the current version of the charter."""
    require_role(actor, Role.AMBASSADOR)
    _check_same_organization(actor, program.organization_id)
    if not program.enrolments.filter(membership=actor).exists():
        raise PermissionDenied(_("You are not invited to this program."))
    current = charter_current(program=program)
    if current is None:
        raise ValidationError(_("This program has no charter to acknowledge."))
    if current.pk != version_id:
        raise ValidationError(
            _("A newer version of the charter has been published: read it, then acknowledge it.")
        )
    with transaction.atomic():
        acknowledgement, _created = CharterAcknowledgement.objects.get_or_create(
            version=current,
            membership=actor,
            defaults={
                "organization_id": actor.organization_id,
                "program": program,
                "acknowledged_at": now,
            },
        )
    return acknowledgement


def training_settings_update(
    *, actor: Membership, charter_required: bool, now: datetime
) -> TrainingSettings:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        settings, _created = TrainingSettings.objects.update_or_create(
            organization_id=actor.organization_id,
            defaults={"charter_required": charter_required},
        )
    return settings


# --- Modules and quizzes ----------------------------------------------------------------


def _check_module(actor: Membership, module: Module) -> None:
    _check_same_organization(actor, module.organization_id)
    if not modules_for(membership=actor).filter(pk=module.pk).exists():
        raise PermissionDenied(_("This module is not open to you."))


def _complete(
    *, actor: Membership, module: Module, attempt: QuizAttempt | None, now: datetime
) -> tuple[ModuleCompletion, bool]:
    try:
        with transaction.atomic():
            completion, created = ModuleCompletion.objects.get_or_create(
                module=module,
                membership=actor,
                defaults={
                    "organization_id": actor.organization_id,
                    "attempt": attempt,
                    "completed_at": now,
                },
            )
    except IntegrityError:  # completed at the same moment in another request
        return ModuleCompletion.objects.get(module=module, membership=actor), False
    if created:
        points_award_on_commit(
            membership=actor,
            program=module.program,
            rule=TRAINING_RULE,
            source=completion,
            now=now,
            reason=module.title,
        )
    return completion, created


def module_complete(*, actor: Membership, module: Module, now: datetime) -> ModuleCompletion:
    """Mark a module without a quiz as done (a module with a quiz is done by passing it)."""
    _check_module(actor, module)
    if module.questions.exists():
        raise ValidationError(_("Pass the quiz to complete this module."))
    completion, _created = _complete(actor=actor, module=module, attempt=None, now=now)
    return completion


def _parse_answers(
    module: Module, answers: Mapping[int, Sequence[int]]
) -> tuple[dict[str, list[int]], int, int]:
    """Check the answers against the quiz; return them as stored, correct and total."""
    questions = list(module.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This module has no quiz."))
    stored: dict[str, list[int]] = {}
    correct = 0
    unanswered: list[str] = []
    for question in questions:
        chosen = {int(c) for c in answers.get(question.pk, ())}
        choice_ids = {c.pk for c in question.choices.all()}
        if not chosen:
            unanswered.append(question.text)
            continue
        if not chosen <= choice_ids:
            raise ValidationError(_("An answer does not belong to this quiz."))
        if question.kind == QuestionKind.SINGLE and len(chosen) != 1:
            raise ValidationError(
                _("“%(question)s” takes one answer only.") % {"question": question.text}
            )
        stored[str(question.pk)] = sorted(chosen)
        if chosen == {c.pk for c in question.choices.all() if c.is_correct}:
            correct += 1
    if unanswered:
        raise ValidationError(
            _("Answer every question: %(questions)s") % {"questions": " · ".join(unanswered)}
        )
    return stored, correct, len(questions)


def quiz_submit(
    *,
    actor: Membership,
    module: Module,
    answers: Mapping[int, Sequence[int]],
    now: datetime,
) -> QuizAttempt:
    """Score an attempt at a module's quiz; passing it completes the module.

    A single-choice question is right when its one correct answer is chosen; a
    multiple-choice one when exactly its correct answers are chosen.
    """
    require_role(actor, Role.AMBASSADOR, Role.MANAGER, Role.CURATOR)
    _check_module(actor, module)
    stored, correct, total = _parse_answers(module, answers)
    score = round(100 * correct / total)
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(
            organization_id=actor.organization_id,
            module=module,
            membership=actor,
            answers=stored,
            correct=correct,
            total=total,
            score=score,
            passed=score >= module.pass_mark,
            created_at=now,
        )
        if attempt.passed:
            _complete(actor=actor, module=module, attempt=attempt, now=now)
    return attempt
