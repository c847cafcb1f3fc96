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
