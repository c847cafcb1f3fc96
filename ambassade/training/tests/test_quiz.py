from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ambassade.training.models import ModuleCompletion, QuizAttempt
from ambassade.training.services import module_complete, quiz_submit
from ambassade.training.tests.helpers import answers, quiz_module

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def test_all_right_passes_and_completes_the_module(world) -> None:
    module = quiz_module(world.org)
    attempt = quiz_submit(actor=world.ambassador, module=module, answers=answers(module), now=NOW)
    assert (attempt.score, attempt.correct, attempt.total, attempt.passed) == (100, 2, 2, True)
    assert ModuleCompletion.objects.filter(module=module, membership=world.ambassador).exists()


def test_multiple_choice_needs_exactly_the_right_answers(world) -> None:
    module = quiz_module(world.org, pass_mark=75)
    attempt = quiz_submit(
        actor=world.ambassador,
        module=module,
        answers=answers(module, partial_multiple=True),
        now=NOW,
    )
    assert (attempt.correct, attempt.score, attempt.passed) == (1, 50, False)
    assert not ModuleCompletion.objects.exists()


def test_pass_mark_decides(world) -> None:
    module = quiz_module(world.org, pass_mark=50)
    attempt = quiz_submit(
        actor=world.ambassador,
        module=module,
        answers=answers(module, partial_multiple=True),
        now=NOW,
    )
    assert attempt.score == 50
    assert attempt.passed


def test_fail_then_pass_records_both_attempts_and_one_completion(
    world, django_capture_on_commit_callbacks
) -> None:
    module = quiz_module(world.org)
    with django_capture_on_commit_callbacks(execute=True):
        first = quiz_submit(
            actor=world.ambassador, module=module, answers=answers(module, right=False), now=NOW
        )
        second = quiz_submit(
            actor=world.ambassador,
            module=module,
            answers=answers(module),
            now=NOW + dt.timedelta(minutes=5),
        )
        third = quiz_submit(
            actor=world.ambassador,
            module=module,
            answers=answers(module),
            now=NOW + dt.timedelta(minutes=9),
        )
    assert (first.score, first.passed) == (0, False)
    assert second.passed
    assert third.passed
    assert QuizAttempt.objects.filter(membership=world.ambassador).count() == 3
    completion = ModuleCompletion.objects.get(membership=world.ambassador)
    assert completion.attempt == second
    if apps.is_installed("ambassade.rewards"):
        from ambassade.rewards.models import PointsEntry

        entries = PointsEntry.objects.filter(rule="training_module", membership=world.ambassador)
        assert entries.count() == 1
        assert entries.get().source_id == completion.pk


def test_unanswered_or_foreign_answers_are_refused_and_nothing_is_recorded(world) -> None:
    module = quiz_module(world.org)
    partial = answers(module)
    partial.pop(next(iter(partial)))
    with pytest.raises(ValidationError, match="Answer every question"):
        quiz_submit(actor=world.ambassador, module=module, answers=partial, now=NOW)
    other = quiz_module(world.org, key="other")
    with pytest.raises(ValidationError, match="does not belong"):
        quiz_submit(
            actor=world.ambassador,
            module=module,
            answers=dict(zip(answers(module), answers(other).values(), strict=True)),
            now=NOW,
        )
    single = module.questions.get(kind="single")
    both = {**answers(module), single.pk: [c.pk for c in single.choices.all()]}
    with pytest.raises(ValidationError, match="one answer only"):
        quiz_submit(actor=world.ambassador, module=module, answers=both, now=NOW)
    assert not QuizAttempt.objects.exists()


def test_a_stranger_cannot_take_another_organizations_quiz(world) -> None:
    module = quiz_module(world.org)
    with pytest.raises(PermissionDenied):
        quiz_submit(actor=world.stranger, module=module, answers=answers(module), now=NOW)
    with pytest.raises(PermissionDenied):
        module_complete(actor=world.stranger, module=module, now=NOW)


def test_module_of_another_program_is_not_open(world) -> None:
    from tests.factories import ProgramFactory

    elsewhere = ProgramFactory.create(organization=world.org)
    module = quiz_module(world.org, program=elsewhere)
    with pytest.raises(PermissionDenied):
        quiz_submit(actor=world.ambassador, module=module, answers=answers(module), now=NOW)


def test_quiz_page_fails_then_passes_in_french(world) -> None:
    module = quiz_module(world.org)
    client = world.client_for(world.ambassador)
    url = reverse("training:module_detail", args=[module.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "<strong>your own</strong>" in page.content.decode()

    def post(given: dict[int, list[int]]):
        data: dict[str, list[str]] = {f"q{q}": [str(c) for c in cs] for q, cs in given.items()}
        return client.post(url, data)

    failed = post(answers(module, right=False)).content.decode()
    assert 'data-quiz-result="failed"' in failed
    assert "Réessayer" in failed or "Try again" in failed
    passed = post(answers(module)).content.decode()
    assert 'data-quiz-result="passed"' in passed
    assert ModuleCompletion.objects.filter(module=module, membership=world.ambassador).exists()


def test_missing_answer_on_the_page_says_so(world) -> None:
    module = quiz_module(world.org)
    client = world.client_for(world.ambassador)
    response = client.post(reverse("training:module_detail", args=[module.pk]), {})
    assert response.status_code == 200
    assert not QuizAttempt.objects.exists()
    assert "errorlist" in response.content.decode()


def test_module_without_quiz_is_completed_by_reading(world) -> None:
    from ambassade.training.models import Module

    module = Module.objects.create(organization=world.org, key="read", title="Read", body="x")
    client = world.client_for(world.ambassador)
    response = client.post(reverse("training:module_complete", args=[module.pk]))
    assert response.status_code == 302
    assert ModuleCompletion.objects.filter(module=module, membership=world.ambassador).exists()


def test_stranger_gets_404_on_module_pages(world) -> None:
    module = quiz_module(world.org)
    client = world.client_for(world.stranger)
    assert client.get(reverse("training:module_detail", args=[module.pk])).status_code == 404
    assert client.post(reverse("training:module_complete", args=[module.pk])).status_code == 404
    listing = client.get(reverse("training:module_list")).content.decode()
    assert module.title not in listing


def test_results_page_is_for_the_program_team(world) -> None:
    quiz_module(world.org)
    assert world.client_for(world.manager).get(reverse("training:module_stats")).status_code == 200
    assert (
        world.client_for(world.ambassador).get(reverse("training:module_stats")).status_code == 403
    )
