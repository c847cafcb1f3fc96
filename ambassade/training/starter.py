"""The starter modules shipped with Ambassade, in French and English.

They live in ``starter/``: one Markdown file per module and language, and
``modules.json`` for titles, pass marks and quizzes. Loading is idempotent: a
module already there (same key and language) is left as the organization edited it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from ambassade.accounts.models import Language, Organization
from ambassade.training.models import Choice, Module, Question, QuestionKind

STARTER_DIR = Path(__file__).resolve().parent / "starter"


class StarterError(Exception):
    """The starter data files are broken."""


@dataclass(frozen=True)
class StarterResult:
    created: int
    skipped: int


def starter_catalogue() -> list[dict[str, Any]]:
    try:
        data = json.loads((STARTER_DIR / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StarterError(f"Cannot read the starter modules: {exc}") from exc
    modules = data.get("modules") if isinstance(data, dict) else None
    if not isinstance(modules, list):
        raise StarterError("modules.json must hold a list under 'modules'.")
    return modules


def _create(
    organization: Organization, spec: dict[str, Any], language: str, now: datetime
) -> Module:
    content = spec[language]
    body = (STARTER_DIR / content["file"]).read_text(encoding="utf-8")
    module = Module.objects.create(
        organization=organization,
        key=spec["key"],
        language=language,
        title=content["title"],
        summary=content.get("summary", ""),
        body=body,
        position=int(spec.get("position", 0)),
        pass_mark=int(spec.get("pass_mark", 80)),
        created_at=now,
    )
    for q_index, q in enumerate(content.get("questions", []), start=1):
        kind = q.get("kind", QuestionKind.SINGLE)
        if kind not in QuestionKind.values:
            raise StarterError(f"{spec['key']}: unknown question kind {kind!r}.")
        choices = q.get("choices", [])
        right = sum(1 for c in choices if c.get("correct"))
        if right == 0 or (kind == QuestionKind.SINGLE and right != 1):
            raise StarterError(f"{spec['key']}: question {q_index} has {right} right answers.")
        question = Question.objects.create(
            module=module,
            text=q["text"],
            kind=kind,
            position=q_index,
            explanation=q.get("explanation", ""),
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=c["text"], is_correct=bool(c.get("correct")), position=i)
            for i, c in enumerate(choices, start=1)
        )
    return module


def starter_modules_load(
    *, organization: Organization, now: datetime, languages: tuple[str, ...] | None = None
) -> StarterResult:
    """Create the starter modules the organization does not have yet."""
    wanted = languages or tuple(Language.values)
    catalogue = starter_catalogue()
    created = skipped = 0
    with transaction.atomic():
        existing = set(
            Module.objects.filter(organization=organization).values_list("key", "language")
        )
        for spec in catalogue:
            for language in wanted:
                if language not in spec:
                    continue
                if (spec["key"], language) in existing:
                    skipped += 1
                    continue
                try:
                    _create(organization, spec, language, now)
                except (KeyError, OSError, TypeError, ValueError) as exc:
                    raise StarterError(f"Starter module {spec.get('key')!r}: {exc}") from exc
                created += 1
    return StarterResult(created=created, skipped=skipped)
