from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ambassade.newsletter.models import (
    Delivery,
    DeliveryStatus,
    Digest,
    Issue,
    IssueClick,
    IssueStatus,
    NewsletterSettings,
    Preference,
)

# Django's classes are generic for the type checker only.
if TYPE_CHECKING:
    SettingsAdminBase = admin.ModelAdmin[NewsletterSettings]
    IssueAdminBase = admin.ModelAdmin[Issue]
    IssueClickInlineBase = admin.TabularInline[IssueClick, Issue]
    DeliveryAdminBase = admin.ModelAdmin[Delivery]
    PreferenceAdminBase = admin.ModelAdmin[Preference]
    DigestAdminBase = admin.ModelAdmin[Digest]
else:
    SettingsAdminBase = IssueAdminBase = DeliveryAdminBase = admin.ModelAdmin
    PreferenceAdminBase = DigestAdminBase = admin.ModelAdmin
    IssueClickInlineBase = admin.TabularInline


@admin.register(NewsletterSettings)
class NewsletterSettingsAdmin(SettingsAdminBase):
    list_display = ("program", "organization", "is_enabled", "day_of_month", "hour", "auto_send")
    list_filter = ("is_enabled", "auto_send", "organization")
    raw_id_fields = ("organization", "program")


class IssueClickInline(IssueClickInlineBase):
    model = IssueClick
    extra = 0
    readonly_fields = ("section", "clicks")
    can_delete = False


@admin.register(Issue)
class IssueAdmin(IssueAdminBase):
    list_display = (
        "id",
        "program",
        "organization",
        "edition_on",
        "status",
        "scheduled_at",
        "sent_at",
    )
    list_filter = ("status", "organization")
    search_fields = ("program__name", "subject", "editorial")
    list_select_related = ("program", "organization")
    raw_id_fields = ("organization", "program", "sent_by")
    date_hierarchy = "edition_on"
    inlines = [IssueClickInline]


@admin.action(description=_("Try the selected failed deliveries again"))
def requeue(modeladmin: DeliveryAdmin, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
    failed = queryset.filter(status=DeliveryStatus.FAILED)
    issue_ids = set(failed.values_list("issue_id", flat=True))
    count = failed.update(status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=None)
    Issue.objects.filter(pk__in=issue_ids, status=IssueStatus.SENT).update(
        status=IssueStatus.SENDING
    )
    modeladmin.message_user(
        request, _("%(count)d deliveries queued again.") % {"count": count}, messages.SUCCESS
    )


@admin.register(Delivery)
class DeliveryAdmin(DeliveryAdminBase):
    list_display = ("id", "issue", "email", "status", "attempts", "sent_at", "next_attempt_at")
    list_filter = ("status", "organization")
    search_fields = ("email", "error")
    list_select_related = ("issue",)
    raw_id_fields = ("organization", "issue", "membership")
    actions = [requeue]


@admin.register(Preference)
class PreferenceAdmin(PreferenceAdminBase):
    list_display = ("membership", "organization", "newsletter", "digest", "updated_at")
    list_filter = ("newsletter", "digest", "organization")
    search_fields = ("membership__user__email",)
    raw_id_fields = ("organization", "membership")


@admin.register(Digest)
class DigestAdmin(DigestAdminBase):
    list_display = (
        "id",
        "membership",
        "frequency",
        "period_key",
        "item_count",
        "status",
        "sent_at",
    )
    list_filter = ("status", "frequency", "organization")
    search_fields = ("membership__user__email", "error")
    raw_id_fields = ("organization", "membership")
