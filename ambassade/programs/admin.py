from __future__ import annotations

from django.contrib import admin

from ambassade.programs.models import Consent, Enrolment, KpiTarget, Objective, Program, Wave


class ObjectiveInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Objective
    extra = 0
    show_change_link = True  # its KPI targets are edited on the objective's page


class WaveInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Wave
    extra = 0


class EnrolmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Enrolment
    extra = 0
    fields = ["membership", "wave", "status", "invited_at", "joined_at", "left_at"]
    raw_id_fields = ["membership"]
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "organization", "phase", "starts_on", "ends_on", "manager"]
    list_filter = ["organization", "phase", "starts_on"]
    search_fields = ["name", "slug", "organization__name"]
    raw_id_fields = ["manager"]
    readonly_fields = ["created_at"]
    inlines = [ObjectiveInline, WaveInline, EnrolmentInline]


class KpiTargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = KpiTarget
    extra = 1


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "kind", "program"]
    list_filter = ["kind", "program__organization"]
    search_fields = ["title", "program__name"]
    inlines = [KpiTargetInline]


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["objective", "metric", "target_value", "deadline_on"]
    list_filter = ["metric", "objective__program__organization"]
    date_hierarchy = "deadline_on"


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "program", "starts_on", "ends_on"]
    list_filter = ["program__organization", "program"]
    search_fields = ["name", "program__name"]


class ConsentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Consent
    extra = 0
    fields = ["version", "given_at", "withdrawn_at", "text"]
    # A consent is evidence: the back office reads it, never rewrites it.
    readonly_fields = ["version", "given_at", "withdrawn_at", "text"]
    can_delete = False

    def has_add_permission(self, request: object, obj: Enrolment | None = None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["membership", "program", "wave", "status", "joined_at", "left_at"]
    list_filter = ["status", "program__organization", "program"]
    search_fields = ["membership__user__email", "membership__user__full_name", "program__name"]
    raw_id_fields = ["membership"]
    inlines = [ConsentInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["enrolment", "version", "given_at", "withdrawn_at"]
    list_filter = ["version", "enrolment__program__organization"]
    readonly_fields = ["enrolment", "text", "version", "given_at", "withdrawn_at"]
    date_hierarchy = "given_at"

    def has_add_permission(self, request: object) -> bool:
        return False
