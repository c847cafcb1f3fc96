"""Back-office views of links and clicks. Clicks are facts: they are never edited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ambassade.tracking.models import Click, Conversion, DailySalt, TrackedLink

# Django's classes are generic for the type checker only.
if TYPE_CHECKING:
    TrackedLinkAdminBase = admin.ModelAdmin[TrackedLink]
    ClickAdminBase = admin.ModelAdmin[Click]
    DailySaltAdminBase = admin.ModelAdmin[DailySalt]
    ConversionAdminBase = admin.ModelAdmin[Conversion]
else:
    TrackedLinkAdminBase = ClickAdminBase = DailySaltAdminBase = admin.ModelAdmin
    ConversionAdminBase = admin.ModelAdmin


@admin.register(TrackedLink)
class TrackedLinkAdmin(TrackedLinkAdminBase):
    list_display = ("code", "share", "organization", "is_active", "is_attributed", "created_at")
    list_filter = ("is_active", "is_attributed", "organization")
    search_fields = ("code", "destination", "share__item__title")
    list_select_related = ("share", "organization")
    raw_id_fields = ("organization", "share")
    readonly_fields = ("code", "created_at")


@admin.register(Click)
class ClickAdmin(ClickAdminBase):
    list_display = (
        "clicked_at",
        "link",
        "organization",
        "is_bot",
        "bot_reason",
        "user_agent_family",
        "referrer_host",
    )
    list_filter = ("is_bot", "organization", "user_agent_family")
    search_fields = ("click_id", "link__code", "referrer_host")
    list_select_related = ("link", "organization")
    date_hierarchy = "clicked_at"
    ordering = ("-clicked_at",)

    def get_readonly_fields(self, request: HttpRequest, obj: Click | None = None) -> Any:
        return [field.name for field in Click._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Click | None = None) -> bool:
        return False


@admin.register(DailySalt)
class DailySaltAdmin(DailySaltAdminBase):
    """Listed so an operator sees that past salts are gone; the salt itself stays hidden."""

    list_display = ("day_on",)
    fields = ("day_on",)
    readonly_fields = ("day_on",)
    list_display_links = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DailySalt | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DailySalt | None = None) -> bool:
        return False


@admin.register(Conversion)
class ConversionAdmin(ConversionAdminBase):
    """Conversions are reported facts: read-only, withdrawn (never deleted) to correct them."""

    list_display = (
        "occurred_at",
        "kind",
        "label",
        "value",
        "currency",
        "external_id",
        "source",
        "share",
        "organization",
        "withdrawn_at",
    )
    list_filter = ("kind", "source", "organization", ("withdrawn_at", admin.EmptyFieldListFilter))
    search_fields = ("external_id", "click__click_id", "label")
    list_select_related = ("share", "organization")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at",)
    actions = ["withdraw"]

    def get_readonly_fields(self, request: HttpRequest, obj: Conversion | None = None) -> Any:
        return [field.name for field in Conversion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Conversion | None = None) -> bool:
        return False

    @admin.action(description=_("Withdraw the selected conversions from the figures"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Conversion]) -> None:
        count = queryset.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d conversion withdrawn.", "%(count)d conversions withdrawn.", count)
            % {"count": count},
            messages.SUCCESS,
        )
