"""Roll-ups of a program's activity, and the figures a manager sets for its KPIs.

``Rollup`` rows hold, for one program, one day (or one calendar month, the sum
of its days) and one value of one dimension (a network, an item, an
ambassador…), what happened: shares, potential reach, clicks, unique visitors,
conversions by type. Days are those of the organization's time zone. The
dashboard reads only these rows, so that it stays fast however long the history;
raw clicks are deleted after the retention period and the roll-ups remain.

Unique visitors are additive by construction: a row counts the distinct visitor
hashes of its own key on its own day (the hash's salt changes every day), and
any longer period or group of ambassadors adds those counts up.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Network, Organization
from ambassade.programs.models import Program


class Granularity(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class Dimension(models.TextChoices):
    TOTAL = "total", _("Total")
    NETWORK = "network", _("Network")
    ITEM = "item", _("Content item")
    AMBASSADOR = "ambassador", _("Ambassador")
    FAMILY = "family", _("Company / market")
    REFERRER_NETWORK = "referrer_network", _("Traffic by network")
    REFERRER_HOST = "referrer_host", _("Traffic by referrer")


class Rollup(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rollups")
    granularity = models.CharField(max_length=5, choices=Granularity.choices)
    # The day, or the first day of the month.
    period_on = models.DateField()
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    # The dimension's value: a network, a family, a host; "" for the total.
    key = models.CharField(max_length=255, blank=True)
    # The item's or the ambassador's (membership's) id, 0 otherwise.
    ref_id = models.BigIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    potential_reach = models.PositiveBigIntegerField(default=0)
    human_clicks = models.PositiveIntegerField(default=0)
    bot_clicks = models.PositiveIntegerField(default=0)
    unique_visitors = models.PositiveIntegerField(default=0)
    applications = models.PositiveIntegerField(default=0)
    leads = models.PositiveIntegerField(default=0)
    sign_ups = models.PositiveIntegerField(default=0)
    purchases = models.PositiveIntegerField(default=0)
    other_conversions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("roll-up")
        verbose_name_plural = _("roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "granularity", "dimension", "period_on", "key", "ref_id"],
                name="rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.program_id} {self.granularity} {self.period_on} "
            f"{self.dimension}={self.key or self.ref_id}"
        )


class RollupState(models.Model):
    """One row: how far the roll-up job has read, and what raw data is gone."""

    last_click_id = models.BigIntegerField(default=0)
    last_share_id = models.BigIntegerField(default=0)
    last_conversion_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    # Raw clicks before this moment have been deleted: days before it are final.
    clicks_purged_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roll-up state")
        verbose_name_plural = _("roll-up states")

    def __str__(self) -> str:
        return f"roll-up state at click {self.last_click_id}"


class DirtyDay(models.Model):
    """A program's day whose raw data changed in place (a click reclassified…)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    day_on = models.DateField()
    flagged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("day to roll up again")
        verbose_name_plural = _("days to roll up again")
        constraints = [
            models.UniqueConstraint(fields=["program", "day_on"], name="dirty_day_unique")
        ]

    def __str__(self) -> str:
        return f"program {self.program_id} on {self.day_on}"


# What an impression and a click are worth when bought as ads, per network (in the
# program's currency): orders of magnitude of 2024-2025 published benchmarks. The
# manager replaces them with their own figures; the pages say which are defaults.
DEFAULT_RATES: dict[str, tuple[Decimal, Decimal]] = {
    Network.LINKEDIN: (Decimal("30.00"), Decimal("5.00")),
    Network.X: (Decimal("6.00"), Decimal("0.80")),
    Network.FACEBOOK: (Decimal("8.00"), Decimal("1.00")),
    Network.BLUESKY: (Decimal("5.00"), Decimal("0.70")),
    Network.MASTODON: (Decimal("5.00"), Decimal("0.70")),
    Network.THREADS: (Decimal("7.00"), Decimal("0.90")),
    Network.WHATSAPP: (Decimal("5.00"), Decimal("0.70")),
    Network.XING: (Decimal("15.00"), Decimal("3.00")),
}


class NetworkRate(models.Model):
    """A manager's CPM and CPC for one network of one program, for the EMV."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="network_rates")
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    cpm = models.DecimalField(
        _("CPM"), max_digits=10, decimal_places=2, help_text=_("Cost of 1,000 impressions.")
    )
    cpc = models.DecimalField(
        _("CPC"), max_digits=10, decimal_places=2, help_text=_("Cost of a click.")
    )

    class Meta:
        verbose_name = _("network rate")
        verbose_name_plural = _("network rates")
        constraints = [
            models.UniqueConstraint(fields=["program", "network"], name="network_rate_unique"),
            models.CheckConstraint(
                condition=models.Q(cpm__gte=0) & models.Q(cpc__gte=0),
                name="network_rate_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} CPM {self.cpm} CPC {self.cpc} ({self.program_id})"
