"""The audit log: who did what, when, to whom, in one organization.

An entry names people through their membership, never by a copied name, so that
an erased person's entries read as an anonymous member without rewriting the
log. ``details`` holds what changed (roles before and after, a points amount, an
export's table); it never holds names, e-mail addresses or free text written by
a person.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Organization


class AuditAction(models.TextChoices):
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    MEMBER_ADDED = "member_added", _("Member added")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    ORGANIZATION_SETTINGS_CHANGED = (
        "organization_settings_changed",
        _("Organization settings changed"),
    )
    PROGRAM_CREATED = "program_created", _("Program created")
    PROGRAM_SETTINGS_CHANGED = "program_settings_changed", _("Program settings changed")
    POINTS_CORRECTED = "points_corrected", _("Points corrected")
    POINTS_RULES_CHANGED = "points_rules_changed", _("Points rules changed")
    REWARD_APPROVED = "reward_approved", _("Reward request approved")
    REWARD_REFUSED = "reward_refused", _("Reward request refused")
    REWARD_FULFILLED = "reward_fulfilled", _("Reward request fulfilled")
    DATA_EXPORTED = "data_exported", _("Data exported")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data downloaded")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    CONVERSION_SECRET_ROTATED = "conversion_secret_rotated", _("Conversion secret rotated")


class AuditEntry(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        Membership,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries_made",
        help_text=_("Empty for the system (a job, a command)."),
    )
    action = models.CharField(_("what"), max_length=40, choices=AuditAction.choices)
    subject = models.ForeignKey(
        Membership,
        verbose_name=_("person concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries_about",
    )
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["organization", "action", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} in organization {self.organization_id} at {self.created_at:%Y-%m-%d %H:%M:%S} (#{self.pk})"
