"""Gratification: points rules, the points ledger, badges, challenges, the rewards catalog.

The ledger (``PointsEntry``) is append-only: an event scores once (a database
constraint says so), and a mistake is undone by a negative entry pointing at
the one it corrects, never by an edit or a deletion.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion


class Rule(models.TextChoices):
    SHARE = "share", _("Share")
    OWN_WORDS = "own_words", _("In your own words")
    CLICK = "click", _("Unique human click")
    APPLICATION = "application", _("Job application")
    LEAD = "lead", _("Lead")
    PROPOSAL_APPROVED = "proposal_approved", _("Proposal approved")
    TRAINING_MODULE = "training_module", _("Training module completed")
    EVENT_ATTENDED = "event_attended", _("Event attended")
    WEEKLY_STREAK = "weekly_streak", _("Weekly streak")
    # Points a manager adds or takes by hand, with a reason (rewards.services.points_adjust).
    ADJUSTMENT = "adjustment", _("Adjustment by a manager")


# The defaults of a new program's rules (points per event).
DEFAULT_POINTS: dict[str, int] = {
    Rule.SHARE: 10,
    Rule.OWN_WORDS: 5,
    Rule.CLICK: 1,
    Rule.APPLICATION: 50,
    Rule.LEAD: 30,
    Rule.PROPOSAL_APPROVED: 15,
    Rule.TRAINING_MODULE: 20,
    Rule.EVENT_ATTENDED: 10,
    Rule.WEEKLY_STREAK: 5,
}


class PointsRules(models.Model):
    """What earns points in one program. Every change bumps ``version``, recorded on entries."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="points_rules")
    share = models.PositiveSmallIntegerField(_("share"), default=DEFAULT_POINTS[Rule.SHARE])
    own_words = models.PositiveSmallIntegerField(
        _("bonus for a commentary mostly in one's own words"),
        default=DEFAULT_POINTS[Rule.OWN_WORDS],
    )
    own_words_threshold = models.FloatField(
        _("own words from"),
        default=0.5,
        help_text=_("Share of the commentary written by the ambassador, from 0 to 1."),
    )
    click = models.PositiveSmallIntegerField(
        _("unique human click"), default=DEFAULT_POINTS[Rule.CLICK]
    )
    click_cap_per_share = models.PositiveSmallIntegerField(
        _("click points per share at most"), default=20
    )
    application = models.PositiveSmallIntegerField(
        _("job application"), default=DEFAULT_POINTS[Rule.APPLICATION]
    )
    lead = models.PositiveSmallIntegerField(_("lead"), default=DEFAULT_POINTS[Rule.LEAD])
    proposal_approved = models.PositiveSmallIntegerField(
        _("proposal approved"), default=DEFAULT_POINTS[Rule.PROPOSAL_APPROVED]
    )
    training_module = models.PositiveSmallIntegerField(
        _("training module completed"), default=DEFAULT_POINTS[Rule.TRAINING_MODULE]
    )
    event_attended = models.PositiveSmallIntegerField(
        _("event attended"), default=DEFAULT_POINTS[Rule.EVENT_ATTENDED]
    )
    weekly_streak = models.PositiveSmallIntegerField(
        _("weekly streak"), default=DEFAULT_POINTS[Rule.WEEKLY_STREAK]
    )
    streak_weeks = models.PositiveSmallIntegerField(
        _("weeks in a row for a streak"),
        default=3,
        validators=[MinValueValidator(2)],
        help_text=_("Sharing in each of this many weeks in a row earns the streak bonus."),
    )
    daily_cap = models.PositiveIntegerField(
        _("points per ambassador per day at most"), default=100, help_text=_("0 for no limit.")
    )
    weekly_cap = models.PositiveIntegerField(
        _("points per ambassador per week at most"), default=400, help_text=_("0 for no limit.")
    )
    network_values = models.JSONField(
        _("share points per network"),
        default=dict,
        blank=True,
        help_text=_("Networks whose shares are worth other than the share value."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("points rules")
        verbose_name_plural = _("points rules")

    def __str__(self) -> str:
        return f"points rules of {self.program.slug} v{self.version}"

    def value_of(self, rule: str, *, network: str = "") -> int:
        """Points one event of ``rule`` is worth (a share: on ``network``)."""
        if rule == Rule.SHARE and network and network in (self.network_values or {}):
            return int(self.network_values[network])
        return int(getattr(self, Rule(rule).value))


class EntryNote(models.TextChoices):
    """Why an entry is smaller than the rule's value, or why a correction was made."""

    NONE = "", _("None")
    DAILY_CAP = "daily_cap", _("daily limit reached")
    WEEKLY_CAP = "weekly_cap", _("weekly limit reached")
    SHARE_CLICK_CAP = "share_click_cap", _("click limit of the share reached")
    BOT = "bot", _("the click was reclassified as a bot")
    SELF_CLICK = "self_click", _("the click was the ambassador's own")
    WITHDRAWN = "withdrawn", _("the conversion was withdrawn")
    MANUAL = "manual", _("corrected by a manager")


class PointsEntry(models.Model):
    """One line of the ledger: who, how many points, why, for what, under which rules."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="points_entries"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="points_entries")
    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=300)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    # The objects most entries are about, for explanations and corrections.
    share = models.ForeignKey(
        Share, on_delete=models.SET_NULL, null=True, blank=True, related_name="points_entries"
    )
    click = models.ForeignKey(
        Click, on_delete=models.SET_NULL, null=True, blank=True, related_name="points_entries"
    )
    conversion = models.ForeignKey(
        Conversion, on_delete=models.SET_NULL, null=True, blank=True, related_name="points_entries"
    )
    rule_version = models.PositiveIntegerField(_("rule version"))
    note = models.CharField(
        _("note"), max_length=20, choices=EntryNote.choices, default=EntryNote.NONE, blank=True
    )
    is_correction = models.BooleanField(_("correction"), default=False)
    corrects = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="correction"
    )
    occurred_at = models.DateTimeField(
        _("earned for"), help_text=_("When the event happened; periods count by this.")
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "source_type", "source_id", "is_correction"],
                name="points_entry_once_per_event",
            ),
            models.CheckConstraint(
                condition=models.Q(is_correction=False, corrects__isnull=True)
                | models.Q(is_correction=True, corrects__isnull=False),
                name="points_entry_correction_has_original",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "occurred_at"]),
            models.Index(fields=["membership", "program", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.rule} for {self.membership_id} (#{self.pk})"


class ScoringCursor(models.Model):
    """How far the scoring job has read a table: the last id it handled."""

    name = models.CharField(max_length=30, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scoring cursor")
        verbose_name_plural = _("scoring cursors")

    def __str__(self) -> str:
        return f"{self.name} at {self.last_id}"


class AmbassadorVisitor(models.Model):
    """An ambassador's own visitor hash of a day: clicks with it on their links are theirs."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="visitor_hashes"
    )
    visitor_hash = models.CharField(max_length=32)
    day_on = models.DateField()

    class Meta:
        verbose_name = _("ambassador's own visit")
        verbose_name_plural = _("ambassadors' own visits")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "visitor_hash", "day_on"], name="ambassador_visitor_unique"
            )
        ]
        indexes = [models.Index(fields=["visitor_hash", "day_on"])]

    def __str__(self) -> str:
        return f"visitor {self.visitor_hash[:8]} of {self.membership_id} on {self.day_on}"


class RewardsProfile(models.Model):
    """A person's gratification preferences in one organization."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="rewards_profile"
    )
    anonymous = models.BooleanField(
        _("appear anonymously on leaderboards"),
        default=False,
        help_text=_("Colleagues see “Anonymous ambassador” instead of your name and department."),
    )

    class Meta:
        verbose_name = _("rewards profile")
        verbose_name_plural = _("rewards profiles")

    def __str__(self) -> str:
        return f"rewards profile of {self.membership_id}"


class CuratorPick(models.Model):
    """A share a curator singled out as exemplary (it earns the "curator's pick" badge)."""

    share = models.OneToOneField(Share, on_delete=models.CASCADE, related_name="curator_pick")
    picked_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    picked_at = models.DateTimeField(_("picked at"))

    class Meta:
        verbose_name = _("curator's pick")
        verbose_name_plural = _("curator's picks")

    def __str__(self) -> str:
        return f"pick of share {self.share_id}"


class BadgeAward(models.Model):
    """A badge earned by a person in a program (badges themselves are in ``badges.py``)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="badges")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="badge_awards")
    code = models.CharField(_("badge"), max_length=30)
    awarded_at = models.DateTimeField(_("awarded at"))

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "program", "code"], name="badge_award_once"
            )
        ]

    def __str__(self) -> str:
        return f"badge {self.code} of {self.membership_id} in {self.program_id}"

    @property
    def name(self) -> str:
        from ambassade.rewards.badges import badge_name

        return badge_name(self.code)

    @property
    def badge_name(self) -> str:
        return self.name

    @property
    def icon(self) -> str:
        from ambassade.rewards.badges import BY_CODE

        badge = BY_CODE.get(self.code)
        return badge.icon if badge else ""


class ChallengeMetric(models.TextChoices):
    SHARES = "shares", _("Shares")
    CLICKS = "clicks", _("Human clicks")
    APPLICATIONS = "applications", _("Job applications")
    POINTS = "points", _("Points")


class ChallengeScope(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    DEPARTMENT = "department", _("Team: department")
    WAVE = "wave", _("Team: wave")


class Challenge(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="challenges")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    metric = models.CharField(_("metric"), max_length=20, choices=ChallengeMetric.choices)
    threshold = models.PositiveIntegerField(
        _("threshold to qualify"), validators=[MinValueValidator(1)]
    )
    scope = models.CharField(
        _("goal"), max_length=20, choices=ChallengeScope.choices, default=ChallengeScope.INDIVIDUAL
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), help_text=_("Included."))
    closed_at = models.DateTimeField(_("winners computed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="challenge_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.program.slug})"

    @property
    def is_team(self) -> bool:
        return self.scope != ChallengeScope.INDIVIDUAL


class ChallengeWinner(models.Model):
    """Someone, or a team, who reached a challenge's threshold."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="winners")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.CharField(_("team"), max_length=150, blank=True)
    value = models.IntegerField(_("result"))

    class Meta:
        verbose_name = _("challenge winner")
        verbose_name_plural = _("challenge winners")
        ordering = ["-value", "id"]

    def __str__(self) -> str:
        return f"winner of {self.challenge_id}: {self.team or self.membership_id}"


class Reward(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rewards")
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    points_cost = models.PositiveIntegerField(
        _("cost in points"), validators=[MinValueValidator(1)]
    )
    monetary_value = models.DecimalField(
        _("monetary value"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What it costs the program's budget; 0 for a day off or a breakfast."),
    )
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["points_cost", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points_cost} pts, {self.program.slug})"


class RedemptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    FULFILLED = "fulfilled", _("Delivered")
    REFUSED = "refused", _("Refused, points returned")
    CANCELLED = "cancelled", _("Cancelled, points returned")


# Statuses whose points are spent and whose value is drawn on the budget.
HOLDING_STATUSES = (
    RedemptionStatus.REQUESTED,
    RedemptionStatus.APPROVED,
    RedemptionStatus.FULFILLED,
)
SPENT_STATUSES = (RedemptionStatus.APPROVED, RedemptionStatus.FULFILLED)


class Redemption(models.Model):
    """A request for a reward; cost and value are copied, so catalog edits don't rewrite history."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="redemptions")
    # Rewards with requests are withdrawn from the catalog, not deleted (see the admin).
    reward = models.ForeignKey(Reward, on_delete=models.CASCADE, related_name="redemptions")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="redemptions")
    points_cost = models.PositiveIntegerField(_("points"))
    monetary_value = models.DecimalField(_("monetary value"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.REQUESTED,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    fulfilled_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reward request")
        verbose_name_plural = _("reward requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"request #{self.pk} of {self.reward_id} by {self.membership_id} ({self.status})"
