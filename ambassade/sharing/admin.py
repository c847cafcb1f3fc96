from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from ambassade.sharing.models import ScheduledShare, Share

# Django's classes are generic for the type checker only.
if TYPE_CHECKING:
    ShareAdminBase = admin.ModelAdmin[Share]
    ScheduledShareAdminBase = admin.ModelAdmin[ScheduledShare]
else:
    ShareAdminBase = admin.ModelAdmin
    ScheduledShareAdminBase = admin.ModelAdmin


@admin.register(Share)
class ShareAdmin(ShareAdminBase):
    list_display = ("id", "item", "ambassador", "network", "organization", "program", "created_at")
    list_filter = ("network", "organization")
    search_fields = ("item__title", "ambassador__email", "ambassador__full_name", "commentary")
    list_select_related = ("item", "ambassador", "organization", "program")
    raw_id_fields = (
        "organization",
        "program",
        "item",
        "ambassador",
        "membership",
        "social_account",
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at",)


@admin.register(ScheduledShare)
class ScheduledShareAdmin(ScheduledShareAdminBase):
    list_display = ("id", "item", "membership", "network", "run_at", "status", "reminded_at")
    list_filter = ("status", "network", "organization")
    search_fields = ("item__title", "membership__user__email", "commentary")
    list_select_related = ("item", "membership__user")
    raw_id_fields = ("organization", "membership", "item", "social_account", "share")
    date_hierarchy = "run_at"
    ordering = ("-run_at",)
