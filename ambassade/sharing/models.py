"""Shares: an ambassador's own post of a content item on one network."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Network, Organization, SocialAccount
from ambassade.content.models import ContentItem
from ambassade.programs.models import Program


class Share(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="shares")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="shares")
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="shares")
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="shares")
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    social_account = models.ForeignKey(
        SocialAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    commentary = models.TextField(_("commentary"))
    own_words_ratio = models.FloatField(
        _("own words"), help_text=_("Share of the commentary written by the ambassador (0 to 1).")
    )
    created_at = models.DateTimeField(_("shared at"), default=timezone.now)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["ambassador", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"share #{self.pk}: item {self.item_id} on {self.network} by {self.ambassador_id}"


class ScheduledStatus(models.TextChoices):
    PENDING = "pending", _("Planned")
    REMINDED = "reminded", _("Reminder sent")
    DONE = "done", _("Shared")
    CANCELLED = "cancelled", _("Cancelled")


class ScheduledShare(models.Model):
    """A share an ambassador prepared for later; at ``run_at`` they get a reminder
    with a link that opens the share page ready to go (sharing needs the person)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scheduled_shares"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="scheduled_shares"
    )
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="scheduled_shares")
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    social_account = models.ForeignKey(
        SocialAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commentary = models.TextField(_("commentary"))
    run_at = models.DateTimeField(_("planned for"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ScheduledStatus.choices,
        default=ScheduledStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    share = models.ForeignKey(
        Share, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scheduled share")
        verbose_name_plural = _("scheduled shares")
        ordering = ["run_at", "id"]
        indexes = [models.Index(fields=["status", "run_at"])]

    def __str__(self) -> str:
        return f"scheduled share #{self.pk}: item {self.item_id} on {self.network} at {self.run_at}"

    @property
    def is_open(self) -> bool:
        return self.status in (ScheduledStatus.PENDING, ScheduledStatus.REMINDED)
