"""The training endpoints of the public API: modules, quizzes, the charter, onboarding."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from ambassade.accounts.models import Membership
from ambassade.accounts.permissions import get_scoped_or_404
from ambassade.lib.api_errors import ErrorOut
from ambassade.lib.api_inputs import Id, Text
from ambassade.programs.models import Program
from ambassade.training import selectors, services
from ambassade.training.models import Module
from ambassade.training.rendering import render_markdown

router = Router(tags=["training"])

MAX_QUESTIONS = 200


class ModuleOut(Schema):
    id: int
    key: str
    language: str
    title: str
    summary: str
    program_slug: str | None
    pass_mark: int
    has_quiz: bool
    completed: bool


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    kind: str = Field(description="single or multiple")
    choices: list[ChoiceOut]


class ModuleDetailOut(ModuleOut):
    body_html: str = Field(description="The content, rendered from Markdown and sanitized.")
    questions: list[QuestionOut]


class AttemptIn(Schema):
    answers: dict[Id, list[Id]] = Field(
        max_length=MAX_QUESTIONS, description="Question id → the chosen answer ids."
    )


class AttemptOut(Schema):
    id: int
    module_id: int
    score: int = Field(description="Percentage of right answers.")
    correct: int
    total: int
    passed: bool
    created_at: datetime


class CharterOut(Schema):
    program_slug: str
    program_name: str
    version_id: int | None
    version: int | None
    text: str
    published_at: datetime | None
    acknowledged: bool = Field(description="Whether you may share under this program.")


class AcknowledgeIn(Schema):
    version_id: Id


class AcknowledgementOut(Schema):
    program_slug: str
    version: int
    acknowledged_at: datetime


class StepOut(Schema):
    code: str
    label: str
    done: bool


class OnboardingOut(Schema):
    done: int
    total: int
    percent: int
    steps: list[StepOut]


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.auth  # type: ignore[attr-defined]
    return membership


def _module_out(module: Module, done: set[int]) -> ModuleOut:
    return ModuleOut(
        id=module.pk,
        key=module.key,
        language=module.language,
        title=module.title,
        summary=module.summary,
        program_slug=module.program.slug if module.program else None,
        pass_mark=module.pass_mark,
        has_quiz=module.questions.exists(),
        completed=module.pk in done,
    )


def _module(membership: Membership, module_id: int) -> Module:
    module = selectors.modules_for(membership=membership).filter(pk=module_id).first()
    if module is None:
        raise Http404(_("Not found."))
    return module


@router.get("/modules", response=list[ModuleOut], summary="The training modules open to you")
def modules_list(request: HttpRequest) -> list[ModuleOut]:
    membership = _membership(request)
    done = selectors.completed_module_ids(membership=membership)
    return [_module_out(m, done) for m in selectors.modules_for(membership=membership)]


@router.get(
    "/modules/{module_id}", response={200: ModuleDetailOut, 404: ErrorOut}, summary="One module"
)
def module_detail(request: HttpRequest, module_id: int) -> ModuleDetailOut:
    membership = _membership(request)
    module = _module(membership, module_id)
    base = _module_out(module, selectors.completed_module_ids(membership=membership))
    return ModuleDetailOut(
        **base.dict(),
        body_html=str(render_markdown(module.body)),
        questions=[
            QuestionOut(
                id=q.pk,
                text=q.text,
                kind=q.kind,
                choices=[ChoiceOut(id=c.pk, text=c.text) for c in q.choices.all()],
            )
            for q in module.questions.prefetch_related("choices")
        ],
    )


@router.post(
    "/modules/{module_id}/attempts",
    response={201: AttemptOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Answer a module's quiz",
)
def attempt_create(request: HttpRequest, module_id: int, payload: AttemptIn) -> Status[AttemptOut]:
    membership = _membership(request)
    module = _module(membership, module_id)
    attempt = services.quiz_submit(
        actor=membership, module=module, answers=payload.answers, now=timezone.now()
    )
    return Status(
        201,
        AttemptOut(
            id=attempt.pk,
            module_id=module.pk,
            score=attempt.score,
            correct=attempt.correct,
            total=attempt.total,
            passed=attempt.passed,
            created_at=attempt.created_at,
        ),
    )


@router.get("/charters", response=list[CharterOut], summary="The charters of your programs")
def charters_list(request: HttpRequest) -> list[CharterOut]:
    membership = _membership(request)
    now = timezone.now()
    result = []
    for program in selectors.charter_programs(membership=membership):
        version = services.charter_version_initial(program=program, now=now)
        result.append(
            CharterOut(
                program_slug=program.slug,
                program_name=program.name,
                version_id=version.pk if version else None,
                version=version.version if version else None,
                text=version.text if version else "",
                published_at=version.published_at if version else None,
                acknowledged=selectors.charter_acknowledged(membership=membership, program=program),
            )
        )
    return result


@router.post(
    "/charters/{program_slug}/acknowledgements",
    response={201: AcknowledgementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Acknowledge the current version of a program's charter",
)
def charter_acknowledge(
    request: HttpRequest, program_slug: Text, payload: AcknowledgeIn
) -> Status[AcknowledgementOut]:
    membership = _membership(request)
    program = get_scoped_or_404(Program.objects.all(), membership.organization, slug=program_slug)
    acknowledgement = services.charter_acknowledge(
        actor=membership, program=program, version_id=payload.version_id, now=timezone.now()
    )
    return Status(
        201,
        AcknowledgementOut(
            program_slug=program.slug,
            version=acknowledgement.version.version,
            acknowledged_at=acknowledgement.acknowledged_at,
        ),
    )


@router.get("/onboarding", response=OnboardingOut, summary="Where you stand in your onboarding")
def onboarding(request: HttpRequest) -> OnboardingOut:
    result = selectors.onboarding_for(membership=_membership(request))
    return OnboardingOut(
        done=result.done_count,
        total=result.total,
        percent=result.percent,
        steps=[StepOut(code=s.code, label=str(s.label), done=s.done) for s in result.steps],
    )
