from __future__ import annotations

from django.contrib import admin

from ambassade.analytics.models import DirtyDay, NetworkRate, Rollup, RollupState
from ambassade.programs.models import ProgramCost


@admin.register(NetworkRate)
class NetworkRateAdmin(admin.ModelAdmin[NetworkRate]):
    list_display = ("program", "network", "cpm", "cpc")
    list_filter = ("network",)


@admin.register(ProgramCost)
class ProgramCostAdmin(admin.ModelAdmin[ProgramCost]):
    list_display = ("program", "label", "amount", "currency", "spent_on")
    date_hierarchy = "spent_on"


@admin.register(Rollup)
class RollupAdmin(admin.ModelAdmin[Rollup]):
    """Read-only: the roll-up job writes these rows."""

    list_display = (
        "program",
        "granularity",
        "period_on",
        "dimension",
        "key",
        "ref_id",
        "shares",
        "human_clicks",
    )
    list_filter = ("granularity", "dimension")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(RollupState)
admin.site.register(DirtyDay)
