"""Writing to the audit log: one call from each service that does something sensitive.

    audit_record(
        organization=actor.organization, actor=actor, action=AuditAction.ROLES_CHANGED,
        subject=member, details={"before": [...], "after": [...]}, now=now,
    )

Call it inside the service's transaction, so that the entry exists exactly when
the action does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

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
