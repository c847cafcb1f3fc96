from __future__ import annotations

from django.contrib import admin
from django.db import models

from ambassade.content.models import ContentItem, Proposal, SuggestedMessage


class SuggestedMessageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SuggestedMessage
    extra = 1
    fields = ["position", "network", "text"]


@admin.register(ContentItem)
class ContentItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "title",
        "organization",
        "family",
        "kind",
        "status",
        "language",
        "publish_at",
        "expires_at",
    ]
    list_filter = ["status", "family", "kind", "language", "organization"]
    search_fields = ["title", "url", "summary", "hashtags"]
    date_hierarchy = "publish_at"
    filter_horizontal = ["programs", "waves"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SuggestedMessageInline]
    list_select_related = ["organization"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(SuggestedMessage)
class SuggestedMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "item", "network", "position"]
    list_filter = ["network", "item__organization"]
    search_fields = ["text", "item__title"]
    raw_id_fields = ["item"]
    list_select_related = ["item"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["item", "organization", "proposer", "decision", "decided_by", "created_at"]
    list_filter = ["decision", "organization"]
    search_fields = ["item__title", "item__url", "note", "reviewer_note", "proposer__email"]
    raw_id_fields = ["item", "proposer", "decided_by"]
    list_select_related = ["item", "organization", "proposer", "decided_by"]
