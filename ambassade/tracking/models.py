"""Tracked links and the clicks they receive. No raw IP address is ever stored."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Organization
from ambassade.sharing.models import Share


class TrackedLink(models.Model):
    """One per share: the short code that carries the attribution."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="tracked_links"
    )
    share = models.OneToOneField(Share, on_delete=models.CASCADE, related_name="link")
    code = models.CharField(_("code"), max_length=16, unique=True)
    destination = models.URLField(
        _("destination"), max_length=4000, help_text=_("With the attribution parameters.")
    )
    plain_url = models.URLField(
        _("plain URL"),
        max_length=4000,
        help_text=_("Where to send readers once attribution stops."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_attributed = models.BooleanField(
        _("attributed"),
        default=True,
        help_text=_(
            "Off once the ambassador leaves the program: readers still reach the page, unrecorded."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")

    def __str__(self) -> str:
        return f"/r/{self.code}"


class Trigger(models.TextChoices):
    LINK = "link", _("Link")
    QR = "qr", _("QR code")


class Click(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="clicks")
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks")
    clicked_at = models.DateTimeField(_("clicked at"))
    click_id = models.CharField(_("click id"), max_length=32, unique=True)
    referrer_host = models.CharField(_("referrer host"), max_length=255, blank=True)
    user_agent_family = models.CharField(_("browser family"), max_length=50, blank=True)
    is_bot = models.BooleanField(_("bot"), default=False)
    bot_reason = models.CharField(_("bot reason"), max_length=100, blank=True)
    trigger = models.CharField(
        _("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.LINK
    )
    visitor_hash = models.CharField(
        _("visitor hash"),
        max_length=32,
        help_text=_("Salted hash of IP and user agent; the salt changes every day."),
    )

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        indexes = [
            models.Index(fields=["link", "clicked_at"]),
            models.Index(fields=["organization", "clicked_at"]),
        ]

    def __str__(self) -> str:
        return f"click {self.click_id} on {self.link_id}"


class DailySalt(models.Model):
    """The salt of one day's visitor hashes. Past days' salts are destroyed."""

    day_on = models.DateField(primary_key=True)
    salt = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("daily salt")
        verbose_name_plural = _("daily salts")

    def __str__(self) -> str:
        return f"salt of {self.day_on}"


class ConversionKind(models.TextChoices):
    JOB_APPLICATION = "job_application", _("Job application")
    LEAD = "lead", _("Lead")
    SIGN_UP = "sign_up", _("Sign-up")
    PURCHASE = "purchase", _("Purchase")
    CUSTOM = "custom", _("Other")


class ConversionSource(models.TextChoices):
    SERVER = "server", _("Reported by the site's server (signed)")
    CLIENT = "client", _("Reported by the browser")


class Conversion(models.Model):
    """Something a reader did on the destination after a click: applied, left a lead…

    Always attributed to one click (the last one, identified by its ``amb_cid``)
    within the organization's attribution window. Withdrawn rather than deleted,
    so that a correction leaves a trace.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="conversions"
    )
    click = models.ForeignKey(Click, on_delete=models.CASCADE, related_name="conversions")
    # Denormalised from the click's link, for per-share, per-item and per-program counts.
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="conversions")
    kind = models.CharField(_("type"), max_length=20, choices=ConversionKind.choices)
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("What a custom conversion is.")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=200,
        blank=True,
        help_text=_("The site's own id for it: the same id twice is one conversion."),
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    source = models.CharField(_("source"), max_length=10, choices=ConversionSource.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="conversion_external_id_unique",
            ),
            models.UniqueConstraint(
                fields=["click", "kind", "external_id"],
                condition=models.Q(source="client"),
                name="conversion_client_once_per_click",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "occurred_at"]),
            models.Index(fields=["share", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} on click {self.click_id}"

    @property
    def is_client_reported(self) -> bool:
        return self.source == ConversionSource.CLIENT

    @property
    def kind_label(self) -> str:
        if self.kind == ConversionKind.CUSTOM and self.label:
            return self.label
        return str(ConversionKind(self.kind).label)


class LinkGeneration(models.Model):
    """One row counting changes to tracked links, shared by every redirector process.

    Each process caches links in memory and rereads them when this number moves
    (see ``ambassade.tracking.cache``); ``links_changed`` bumps it.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("link generation")
        verbose_name_plural = _("link generations")

    def __str__(self) -> str:
        return f"link generation {self.value}"
