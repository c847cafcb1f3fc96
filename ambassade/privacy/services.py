"""Privacy use cases: personal data exports, consent withdrawal, the consent register.

Erasure lives in ``erasure.py``, retention in ``retention.py``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Role, User
from ambassade.accounts.permissions import require_role
from ambassade.analytics.exports import Table
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record
from ambassade.privacy import export, selectors
from ambassade.programs.models import Consent, Enrolment, Program
from ambassade.programs.services import enrolment_leave


def export_filename(day: date) -> str:
    return f"ambassade-personal-data-{day:%Y-%m-%d}.json"


def export_json(data: dict[str, Any]) -> bytes:
    """Pretty-printed UTF-8 JSON, accents as they are."""
    return json.dumps(data, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder).encode("utf-8")


def personal_data_export(*, user: User, now: datetime) -> dict[str, Any]:
    """Everything Ambassade holds about a person, in all their organizations.

    Each organization records that the person downloaded their data.
    """
    if not user.is_active:
        raise PermissionDenied(_("This account cannot export its data."))
    memberships = list(
        Membership.objects.filter(user=user).select_related("organization").order_by("pk")
    )
    with transaction.atomic():
        data = export.personal_data(user=user, memberships=memberships, now=now, whole_account=True)
        for membership in memberships:
            audit_record(
                organization=membership.organization,
                actor=membership,
                action=AuditAction.PERSONAL_DATA_EXPORTED,
                subject=membership,
                details={"by": "the person"},
                now=now,
            )
    return data


def member_data_export(
    *, actor: Membership, membership: Membership, now: datetime
) -> dict[str, Any]:
    """A manager downloads a member's data, at the member's request: their organization only."""
    require_role(actor, Role.MANAGER)
    if membership.organization_id != actor.organization_id:
        raise PermissionDenied(_("This person is not a member of your organization."))
    with transaction.atomic():
        data = export.personal_data(
            user=membership.user, memberships=[membership], now=now, whole_account=False
        )
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.PERSONAL_DATA_EXPORTED,
            subject=membership,
            details={"by": "a manager, on request"},
            now=now,
        )
    return data


def consent_withdraw(*, actor: Membership, consent_id: int, now: datetime) -> Enrolment:
    """Withdraw one's consent to a program: the person leaves it (``enrolment_leave``)."""
    consent = (
        Consent.objects.filter(
            pk=consent_id,
            enrolment__membership=actor,
            enrolment__program__organization_id=actor.organization_id,
        )
        .select_related("enrolment__program")
        .first()
    )
    if consent is None:
        raise Http404(_("Not found."))
    return enrolment_leave(actor=actor, enrolment=consent.enrolment, now=now)


def consent_register_export(*, actor: Membership, program: Program, now: datetime) -> Table:
    """The program's consent register as a table, for a spreadsheet; the export is audited."""
    require_role(actor, Role.MANAGER)
    if program.organization_id != actor.organization_id:
        raise PermissionDenied(_("This program is not in your organization."))
    rows = selectors.consent_register(program=program)
    zone = actor.organization.time_zone
    with transaction.atomic():
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.DATA_EXPORTED,
            obj=program,
            object_label=program.name,
            details={"table": "consents", "rows": len(rows)},
            now=now,
        )
    return Table(
        name=f"consents-{program.slug}-{now:%Y-%m-%d}",
        title=_("Consents"),
        headers=[
            _("Person"),
            _("E-mail address"),
            _("Version"),
            _("Given at"),
            _("Withdrawn at"),
            _("Text accepted"),
        ],
        rows=[
            [
                row.name,
                row.email,
                row.consent.version,
                selectors.local_iso(row.consent.given_at, zone),
                selectors.local_iso(row.consent.withdrawn_at, zone),
                row.consent.text,
            ]
            for row in rows
        ],
    )
