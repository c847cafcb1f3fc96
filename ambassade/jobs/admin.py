from __future__ import annotations

from django.contrib import admin

from ambassade.jobs.models import JobRun, PeriodicJob


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "next_run_at", "last_run_at", "last_status", "runs", "running_since"]
    list_filter = ["last_status"]
    search_fields = ["name", "last_error"]
    readonly_fields = ["name", "last_run_at", "last_status", "last_error", "last_result_id", "runs"]
    fields = [
        "name",
        "next_run_at",
        "last_run_at",
        "last_status",
        "last_error",
        "last_result_id",
        "running_since",
        "runs",
    ]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "organization",
        "status",
        "progress_done",
        "progress_total",
        "message",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "name", "organization"]
    search_fields = ["name", "message", "error"]
    date_hierarchy = "created_at"
    list_select_related = ["organization"]
    readonly_fields = [
        "name",
        "organization",
        "status",
        "progress_done",
        "progress_total",
        "message",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False
