from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from ambassade.content.images import items_image_attach
from ambassade.content.models import ContentImage, ContentItem, Proposal, SuggestedMessage


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

    def save_model(self, request: HttpRequest, obj: ContentItem, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        items_image_attach(items=[obj], now=timezone.now(), retry=True)


@admin.register(ContentImage)
class ContentImageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What was fetched for each image address; the bytes are served, not edited."""

    list_display = ["__str__", "organization", "status", "content_type", "size", "fetched_at"]
    list_filter = ["status", "content_type", "organization"]
    search_fields = ["source_url", "digest"]
    readonly_fields = [
        "organization",
        "source_url",
        "status",
        "content_type",
        "size",
        "digest",
        "error_code",
        "error_params",
        "created_at",
        "fetched_at",
    ]
    list_select_related = ["organization"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[ContentImage]:
        return super().get_queryset(request).defer("data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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
