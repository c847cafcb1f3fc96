from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ambassade.rewards.models import (
    BadgeAward,
    Challenge,
    PointsEntry,
    PointsRules,
    Redemption,
    Reward,
)


@admin.register(PointsRules)
class PointsRulesAdmin(admin.ModelAdmin[PointsRules]):
    list_display = ("program", "version", "share", "click", "daily_cap", "weekly_cap")
    readonly_fields = ("version", "updated_at")


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin[PointsEntry]):
    """Read-only: the ledger is append-only; corrections are made by new entries."""

    list_display = (
        "occurred_at",
        "membership",
        "program",
        "rule",
        "points",
        "note",
        "is_correction",
    )
    list_filter = ("rule", "is_correction", "program")
    search_fields = ("membership__user__email", "reason")
    raw_id_fields = ("membership", "share", "click", "conversion", "corrects")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin[BadgeAward]):
    list_display = ("code", "membership", "program", "awarded_at")
    list_filter = ("code", "program")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin[Challenge]):
    list_display = ("title", "program", "metric", "threshold", "scope", "starts_on", "ends_on")


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin[Reward]):
    list_display = ("name", "program", "points_cost", "monetary_value", "stock", "is_active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A reward someone asked for stays, withdrawn from the catalog ("offered" off).
        if obj is not None and obj.redemptions.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin[Redemption]):
    list_display = (
        "reward",
        "membership",
        "status",
        "points_cost",
        "monetary_value",
        "requested_at",
    )
    list_filter = ("status", "program")
    raw_id_fields = ("membership", "decided_by")
