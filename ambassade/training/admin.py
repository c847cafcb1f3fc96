from __future__ import annotations

from django.contrib import admin

from ambassade.training.models import (
    CharterAcknowledgement,
    CharterVersion,
    Choice,
    Module,
    ModuleCompletion,
    Question,
    QuizAttempt,
    TrainingSettings,
)


@admin.register(TrainingSettings)
class TrainingSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["organization", "charter_required"]


class QuestionInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Question
    extra = 0
    fields = ["position", "text", "kind", "explanation"]
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "title",
        "organization",
        "program",
        "language",
        "position",
        "pass_mark",
        "published",
    ]
    list_filter = ["organization", "language", "published"]
    search_fields = ["title", "key", "summary", "body"]
    raw_id_fields = ["program"]
    inlines = [QuestionInline]
    list_select_related = ["organization", "program"]


class ChoiceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Choice
    extra = 2
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["text", "module", "kind", "position"]
    list_filter = ["kind", "module__organization"]
    search_fields = ["text", "module__title"]
    raw_id_fields = ["module"]
    inlines = [ChoiceInline]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["module", "membership", "score", "passed", "created_at"]
    list_filter = ["passed", "organization"]
    raw_id_fields = ["module", "membership"]
    readonly_fields = ["answers"]


@admin.register(ModuleCompletion)
class ModuleCompletionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["module", "membership", "completed_at"]
    list_filter = ["organization"]
    raw_id_fields = ["module", "membership", "attempt"]


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["program", "version", "published_at", "note"]
    list_filter = ["program__organization"]
    raw_id_fields = ["program", "published_by"]


@admin.register(CharterAcknowledgement)
class CharterAcknowledgementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["program", "version", "membership", "acknowledged_at"]
    list_filter = ["organization"]
    raw_id_fields = ["program", "version", "membership"]
