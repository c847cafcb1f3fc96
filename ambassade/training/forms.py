from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.training.models import Question, QuestionKind


class QuizForm(forms.Form):
    """One field per question: radio buttons for single choice, boxes for multiple."""

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            choices = [(str(c.pk), c.text) for c in question.choices.all()]
            errors = {"required": _("Answer this question.")}
            field: forms.Field
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=question.text,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Several answers possible."),
                    error_messages=errors,
                )
            else:
                field = forms.ChoiceField(
                    label=question.text,
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages=errors,
                )
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, list[int]]:
        result: dict[int, list[int]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            values = value if isinstance(value, list) else [value] if value else []
            result[question.pk] = [int(v) for v in values]
        return result

    def bound_questions(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[f"q{q.pk}"]) for q in self.questions]


class CharterVersionForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the charter (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Keep it short and positive: a common line, not a rule book."),
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("Shown to the ambassadors when they acknowledge the new version."),
    )


class TrainingSettingsForm(forms.Form):
    charter_required = forms.BooleanField(
        label=_("Ambassadors acknowledge the charter before sharing"), required=False
    )
