"""The monthly newsletter, its deliveries, the content digests and people's preferences."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Organization
from ambassade.programs.models import Program


class Section(models.TextChoices):
    EDITORIAL = "editorial", _("Editorial")
    KPIS = "kpis", _("Progress against targets")
    TOP_POSTS = "top_posts", _("Most shared posts")
    TOP_AMBASSADORS = "top_ambassadors", _("Most active ambassadors")
    MY_FIGURES = "my_figures", _("Your figures")
    BADGES = "badges", _("New badges")
    EVENTS = "events", _("Upcoming events")
    TIP = "tip", _("Tip of the month")
    TO_SHARE = "to_share", _("Worth sharing now")


def default_sections() -> list[dict[str, Any]]:
    """Every section, shown, in the recommended order."""
    return [{"key": section.value, "visible": True} for section in Section]


class NewsletterSettings(models.Model):
    """When a program's monthly newsletter is prepared, and whether it leaves on its own."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="newsletter_settings"
    )
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="newsletter_settings"
    )
    is_enabled = models.BooleanField(
        _("prepare a newsletter every month"),
        default=True,
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1 to 28; the newsletter covers the previous calendar month."),
    )
    hour = models.PositiveSmallIntegerField(
        _("hour"),
        default=9,
        validators=[MaxValueValidator(23)],
        help_text=_("In the organization's time zone."),
    )
    auto_send = models.BooleanField(
        _("send automatically"),
        default=False,
        help_text=_("Otherwise a draft waits for your review."),
    )
    open_tracking = models.BooleanField(
        _("count opens"),
        default=False,
        help_text=_(
            "Adds an invisible image counting opens per issue (never per person). "
            "Off by default: many people consider it intrusive."
        ),
    )
    tip = models.TextField(
        _("default tip of the month"),
        blank=True,
        help_text=_("Used when an issue has no tip of its own; empty for Ambassade's tips."),
    )

    class Meta:
        verbose_name = _("newsletter settings")
        verbose_name_plural = _("newsletter settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1)
                & models.Q(day_of_month__lte=28)
                & models.Q(hour__lte=23),
                name="newsletter_settings_schedule_valid",
            )
        ]

    def __str__(self) -> str:
        return f"newsletter settings of {self.program_id}"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Issue(models.Model):
    """One month's newsletter of one program."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="newsletter_issues"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="newsletter_issues")
    edition_on = models.DateField(_("edition"), help_text=_("The first day of its month."))
    period_start_on = models.DateField(_("figures from"))
    period_end_on = models.DateField(_("figures until"), help_text=_("Inclusive."))
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    subject = models.CharField(
        _("subject"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for the usual subject, in each recipient's language."),
    )
    editorial = models.TextField(_("editorial"), blank=True)
    tip = models.TextField(
        _("tip of the month"), blank=True, help_text=_("Leave empty for the default tip.")
    )
    sections = models.JSONField(_("sections"), default=default_sections)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    send_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opens = models.PositiveIntegerField(_("opens"), default=0)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-edition_on", "program__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "edition_on"], name="issue_one_per_month")
        ]
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self) -> str:
        return f"newsletter {self.edition_on:%Y-%m} of program {self.program_id}"

    @property
    def is_editable(self) -> bool:
        return self.status in (IssueStatus.DRAFT, IssueStatus.SCHEDULED)

    def visible_sections(self) -> list[str]:
        """The keys of the shown sections, in the manager's order; unknown keys ignored."""
        known = set(Section.values)
        return [
            entry["key"]
            for entry in self.sections
            if isinstance(entry, dict) and entry.get("key") in known and entry.get("visible")
        ]


class IssueClick(models.Model):
    """Clicks on one section's links of one issue, counted together: nobody is followed."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="clicks")
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("newsletter clicks")
        verbose_name_plural = _("newsletter clicks")
        constraints = [
            models.UniqueConstraint(fields=["issue", "section"], name="issue_click_unique")
        ]

    def __str__(self) -> str:
        return f"{self.clicks} clicks on {self.section} of issue {self.issue_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (unsubscribed)")


class Delivery(models.Model):
    """One issue to one person: claimed before it leaves, so that it leaves once."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="newsletter_deliveries"
    )
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="newsletter_deliveries"
    )
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Several senders share an issue's queue: each reserves a batch for a while, so
    # they do not compete for the same rows. A reservation only ever skips a row;
    # the claim (queued → sending) is what guarantees a single sending.
    reserved_by = models.CharField(_("reserved by"), max_length=32, blank=True)
    reserved_until = models.DateTimeField(_("reserved until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "membership"], name="delivery_once_per_issue")
        ]
        indexes = [models.Index(fields=["issue", "status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"issue {self.issue_id} to {self.email} ({self.status})"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Never")


class Preference(models.Model):
    """What a person wants to receive from one organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="newsletter_preferences"
    )
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="newsletter_preference"
    )
    newsletter = models.BooleanField(_("monthly newsletter"), default=True)
    digest = models.CharField(
        _("digest of new content"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"preferences of membership {self.membership_id}"


class DigestStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    EMPTY = "empty", _("Nothing new: not sent")
    FAILED = "failed", _("Failed")


class Digest(models.Model):
    """One digest due to one person for one day or week; the row is the claim."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="digests")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="digests")
    frequency = models.CharField(_("frequency"), max_length=10, choices=DigestFrequency.choices)
    period_key = models.CharField(
        _("period"), max_length=12, help_text=_("The local day (daily) or ISO week (weekly).")
    )
    since = models.DateTimeField(_("new content since"))
    item_count = models.PositiveSmallIntegerField(_("items"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=DigestStatus.choices, default=DigestStatus.SENDING
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "frequency", "period_key"], name="digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest {self.period_key} of membership {self.membership_id}"
