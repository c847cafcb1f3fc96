"""The audit log in the back office: read only, like the log itself."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ambassade.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("created_at", "organization", "action", "actor", "subject", "object_label")
    list_filter = ("action", "organization")
    list_select_related = (
        "organization",
        "actor__user",
        "actor__organization",
        "subject__user",
        "subject__organization",
    )
    search_fields = ("object_label",)
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "organization",
        "action",
        "actor",
        "subject",
        "object_type",
        "object_id",
        "object_label",
        "details",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
