"""Modules and quizzes for the training tests."""

from __future__ import annotations

from ambassade.accounts.models import Organization
from ambassade.training.models import Choice, Module, Question, QuestionKind


def quiz_module(organization: Organization, *, pass_mark: int = 75, **fields: object) -> Module:
    """A module with two questions: one single choice, one multiple choice."""
    module = Module.objects.create(
        organization=organization,
        key=str(fields.pop("key", "own-words")),
        language=str(fields.pop("language", "en")),
        title=str(fields.pop("title", "Writing in your own words")),
        body="Write **your own** words.",
        pass_mark=pass_mark,
        **fields,
    )
    single = Question.objects.create(module=module, text="A suggestion is…", position=1)
    Choice.objects.create(question=single, text="a text to copy", position=1)
    Choice.objects.create(question=single, text="a starting point", is_correct=True, position=2)
    multiple = Question.objects.create(
        module=module, text="What works?", kind=QuestionKind.MULTIPLE, position=2
    )
    Choice.objects.create(question=multiple, text="Your job", is_correct=True, position=1)
    Choice.objects.create(question=multiple, text="A question", is_correct=True, position=2)
    Choice.objects.create(question=multiple, text="Superlatives", position=3)
    return module


def answers(
    module: Module, *, right: bool = True, partial_multiple: bool = False
) -> dict[int, list[int]]:
    """Answers to ``quiz_module``'s questions: all right, all wrong, or the multiple half right."""
    result: dict[int, list[int]] = {}
    for question in module.questions.prefetch_related("choices"):
        correct = [c.pk for c in question.choices.all() if c.is_correct]
        wrong = [c.pk for c in question.choices.all() if not c.is_correct]
        if question.kind == QuestionKind.MULTIPLE and partial_multiple:
            result[question.pk] = correct[:1]
        else:
            result[question.pk] = correct if right else wrong[:1]
    return result
