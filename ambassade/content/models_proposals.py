"""Proposals and approval decisions on content items.

An ambassador's proposal is a pending content item with a ``Proposal`` saying who
proposed it and why. Every approval decision is recorded here too, also for
pending items that nobody proposed (feed items, curators' own items under the
"everything" policy): the record is then created when the decision is taken.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Organization


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Proposal(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="proposals"
    )
    item = models.OneToOneField(
        "content.ContentItem", on_delete=models.CASCADE, related_name="proposal"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    note = models.TextField(_("why it matters"), blank=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reviewer_note = models.TextField(_("reviewer's note"), blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "decision", "created_at"])]

    def __str__(self) -> str:
        return f"proposal #{self.pk} of item {self.item_id}"
