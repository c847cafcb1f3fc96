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
