"""Writing to the audit log: one call from each service that does something sensitive.

    audit_record(
        organization=actor.organization, actor=actor, action=AuditAction.ROLES_CHANGED,
        subject=member, details={"before": [...], "after": [...]}, now=now,
    )

Call it inside the service's transaction, so that the entry exists exactly when
the action does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models, transaction

from ambassade.accounts.models import Membership, Organization
from ambassade.audit.models import AuditAction, AuditEntry


def audit_record(
    *,
    organization: Organization,
    actor: Membership | None,
    action: AuditAction,
    now: datetime,
    subject: Membership | None = None,
    obj: models.Model | None = None,
    object_label: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one sensitive action. ``obj`` names the thing acted on (a program, a
    reward request…); ``object_label`` defaults to its ``str()``, cut to 200 characters."""
    if actor is not None and actor.organization_id != organization.pk:
        raise ValueError("The actor of an audit entry belongs to its organization.")
    if subject is not None and subject.organization_id != organization.pk:
        raise ValueError("The subject of an audit entry belongs to its organization.")
    return AuditEntry.objects.create(
        organization=organization,
        actor=actor,
        action=action,
        subject=subject,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        object_label=(object_label or (str(obj) if obj is not None else ""))[:200],
        details=details or {},
        created_at=now,
    )


def export_record(
    *,
    actor: Membership,
    table: str,
    fmt: str,
    now: datetime,
    obj: models.Model | None = None,
    subject: Membership | None = None,
) -> AuditEntry:
    """Record a download of a table (CSV or XLSX): which table, which format, of what."""
    with transaction.atomic():
        return audit_record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.DATA_EXPORTED,
            now=now,
            subject=subject,
            obj=obj,
            details={"table": table, "format": fmt},
        )


# --- Changes made in the Django admin ------------------------------------------------
# The back office is used by the platform's staff, who may be members of no
# organization: the entry then has no actor, and says it came from the admin.

VIA_DJANGO_ADMIN = {"via": "django admin"}


def _admin_actor(user: Any, organization_id: int) -> Membership | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return Membership.objects.filter(user_id=user.pk, organization_id=organization_id).first()


def membership_roles(membership: Membership) -> list[str]:
    return [role.value for role in membership.roles]


def admin_membership_change_record(
    *,
    admin_user: Any,
    membership: Membership,
    roles_before: list[str] | None,
    now: datetime,
    deleted: bool = False,
) -> AuditEntry | None:
    """Audit a membership added, deleted, or whose roles changed, in the Django admin.

    ``roles_before`` is None for a membership just added. A deleted membership is
    no longer there to be the entry's subject: ``user_id`` says who it was.
    """
    organization = Organization.objects.get(pk=membership.organization_id)
    actor = _admin_actor(admin_user, organization.pk)
    if actor is not None and actor.pk == membership.pk and deleted:
        actor = None
    roles_after = membership_roles(membership)
    if deleted:
        return audit_record(
            organization=organization,
            actor=actor,
            action=AuditAction.MEMBER_REMOVED,
            now=now,
            details={**VIA_DJANGO_ADMIN, "roles": roles_after, "user_id": membership.user_id},
        )
    if roles_before is None:
        return audit_record(
            organization=organization,
            actor=actor,
            action=AuditAction.MEMBER_ADDED,
            now=now,
            subject=membership,
            details={**VIA_DJANGO_ADMIN, "roles": roles_after},
        )
    if roles_before == roles_after:
        return None
    return audit_record(
        organization=organization,
        actor=actor,
        action=AuditAction.ROLES_CHANGED,
        now=now,
        subject=membership,
        details={**VIA_DJANGO_ADMIN, "before": roles_before, "after": roles_after},
    )


def admin_organization_change_record(
    *,
    admin_user: Any,
    organization: Organization,
    changed_fields: list[str],
    now: datetime,
) -> list[AuditEntry]:
    """Audit an organization edited in the Django admin: settings changed, secret rotated."""
    actor = _admin_actor(admin_user, organization.pk)
    entries = []
    settings_changed = [name for name in changed_fields if name in AUDITED_ORGANIZATION_FIELDS]
    if settings_changed:
        entries.append(
            audit_record(
                organization=organization,
                actor=actor,
                action=AuditAction.ORGANIZATION_SETTINGS_CHANGED,
                now=now,
                details={**VIA_DJANGO_ADMIN, "fields": settings_changed},
            )
        )
    if "conversion_secret" in changed_fields:
        entries.append(
            audit_record(
                organization=organization,
                actor=actor,
                action=AuditAction.CONVERSION_SECRET_ROTATED,
                now=now,
                details=dict(VIA_DJANGO_ADMIN),
            )
        )
    return entries


# What "organization settings" are, for the audit log: everything an admin sets,
# but the conversion secret, whose change has an action of its own.
AUDITED_ORGANIZATION_FIELDS = (
    "name",
    "slug",
    "time_zone",
    "attribution_window_days",
    "approval_policy",
    "disclosure_text",
    "blocked_words",
    "daily_share_limit",
    "sharing_start_hour",
    "sharing_end_hour",
    "burst_gap_minutes",
)


def changed_fields(before: models.Model, after: models.Model, names: Iterable[str]) -> list[str]:
    """The names among ``names`` whose values differ between two versions of a row
    (a foreign key by its id: related objects are not loaded)."""
    changed = []
    for name in names:
        attname = after._meta.get_field(name).attname  # type: ignore[union-attr]
        if getattr(before, attname) != getattr(after, attname):
            changed.append(name)
    return changed
