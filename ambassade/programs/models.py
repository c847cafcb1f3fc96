"""Programs: objectives and KPI targets, budget, waves, voluntary enrolment."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Network, Organization


def all_networks() -> list[str]:
    return [network.value for network in Network]


class Phase(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    ROLLOUT = "rollout", _("Roll-out")


class Program(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), help_text=_("Used as utm_campaign in tracked links."))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("program manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_programs",
    )
    budget_amount = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    budget_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.PILOT)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    editorial_line = models.TextField(_("editorial line"), blank=True)
    charter_text = models.TextField(_("charter"), blank=True)
    consent_text = models.TextField(
        _("consent text"),
        default=_(
            "I join this employee-advocacy program voluntarily. I agree that my shares and "
            "the clicks on my tracked links are recorded and shown to the program team. "
            "I can leave at any time."
        ),
    )
    consent_version = models.PositiveIntegerField(_("consent text version"), default=1)
    allowed_networks = models.JSONField(_("networks allowed"), default=all_networks)
    company_share_target = models.PositiveSmallIntegerField(
        _("company content target (%)"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The rest is market content. Recommended: 20 % company, 80 % market."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="program_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.slug})"

    @property
    def market_share_target(self) -> int:
        return 100 - self.company_share_target


class ObjectiveKind(models.TextChoices):
    APPLICANTS = "applicants", _("More job applicants")
    AWARENESS = "awareness", _("Brand awareness")
    TRAFFIC = "traffic", _("Website traffic")
    CONTACTS = "contacts", _("Commercial contacts")
    CUSTOM = "custom", _("Custom")


class Objective(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="objectives")
    kind = models.CharField(_("kind"), max_length=20, choices=ObjectiveKind.choices)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.program.slug})"


class Metric(models.TextChoices):
    SHARES = "shares", _("Shares")
    ACTIVE_AMBASSADORS = "active_ambassadors", _("Active ambassadors")
    HUMAN_CLICKS = "human_clicks", _("Human clicks")
    UNIQUE_VISITORS = "unique_visitors", _("Unique visitors")
    APPLICATIONS = "applications", _("Job applications")
    LEADS = "leads", _("Leads")
    POTENTIAL_REACH = "potential_reach", _("Potential reach")


class KpiTarget(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    deadline_on = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["deadline_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.target_value} by {self.deadline_on}"


class Wave(models.Model):
    """A cohort of ambassadors: the pilot volunteers first, then the next ones."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.program.slug})"


class EnrolmentStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class Enrolment(models.Model):
    """A person's place in a program. Joining is always an explicit opt-in."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="enrolments")
    wave = models.ForeignKey(
        Wave, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.INVITED
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["program", "membership"], name="enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membership.user.email} in {self.program.slug} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == EnrolmentStatus.ACTIVE


class Consent(models.Model):
    """What a person agreed to, which version, when, and when they withdrew."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="consents")
    text = models.TextField(_("text accepted"))
    version = models.PositiveIntegerField(_("version"))
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"consent v{self.version} by enrolment {self.enrolment_id} at {self.given_at:%Y-%m-%d %H:%M}"


class ProgramCost(models.Model):
    """Money spent on a program besides rewards: a breakfast, goodies, a training day…

    With the rewards redeemed, it is the budget spent that costs per click,
    application and lead are computed against.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="costs")
    label = models.CharField(_("label"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    spent_on = models.DateField(_("spent on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("program cost")
        verbose_name_plural = _("program costs")
        ordering = ["-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="program_cost_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount} {self.currency} on {self.spent_on} (#{self.pk})"
