"""Reading the audit log: filtered entries, and each one as a sentence a person reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambassade.accounts.models import Membership, Organization, Role, User
from ambassade.accounts.permissions import scoped
from ambassade.accounts.selectors import display_name, is_erased_email, person_name
from ambassade.audit.models import AuditAction, AuditEntry

# What the exported tables are called in the log (``details["table"]``).
TABLE_LABELS = {
    "kpis": gettext_lazy("the KPIs"),
    "targets": gettext_lazy("the KPI targets"),
    "series": gettext_lazy("the activity over time"),
    "comparison": gettext_lazy("the wave comparison"),
    "leaderboard": gettext_lazy("the leaderboard"),
    "my_impact": gettext_lazy("their own impact"),
    "audit_log": gettext_lazy("the audit log"),
}


def audit_entries(
    *,
    organization: Organization,
    action: str = "",
    person: Membership | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """The organization's log, newest first; ``person``: as actor or as the one concerned."""
    entries = scoped(AuditEntry.objects.all(), organization).select_related(
        "actor__user", "subject__user"
    )
    if action:
        entries = entries.filter(action=action)
    if person is not None:
        entries = entries.filter(Q(actor=person) | Q(subject=person))
    if start is not None:
        entries = entries.filter(created_at__gte=start)
    if end is not None:
        entries = entries.filter(created_at__lt=end)
    return entries.order_by("-created_at", "-id")


def people_in_log(*, organization: Organization) -> list[Membership]:
    """Everyone the person filter offers: the organization's members, former ones included."""
    return sorted(
        scoped(Membership.objects.select_related("user"), organization),
        key=lambda member: (is_erased_email(member.user.email), display_name(member).casefold()),
    )


# Actions about one person: without a subject, that person's membership is gone.
ABOUT_A_PERSON = {
    AuditAction.ROLES_CHANGED,
    AuditAction.MEMBER_ADDED,
    AuditAction.MEMBER_REMOVED,
    AuditAction.POINTS_CORRECTED,
    AuditAction.REWARD_APPROVED,
    AuditAction.REWARD_REFUSED,
    AuditAction.REWARD_FULFILLED,
    AuditAction.PERSONAL_DATA_EXPORTED,
    AuditAction.PERSONAL_DATA_ERASED,
}


@dataclass(frozen=True)
class LogLine:
    entry: AuditEntry
    actor: str
    subject: str
    text: str


def _roles(values: Iterable[str]) -> str:
    labels = [str(Role(value).label) if value in Role.values else value for value in values]
    return ", ".join(labels) if labels else _("no role")


def _fields(model: type[models.Model], names: Iterable[str]) -> str:
    labels = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since: its name still says something
            labels.append(name)
        else:
            labels.append(str(getattr(field, "verbose_name", name)))
    return ", ".join(labels)


def _actor_name(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return display_name(entry.actor)
    if entry.details.get("via") == "django admin":
        return _("A platform administrator (Django admin)")
    return _("Ambassade (automatic)")


def _removed_name(entry: AuditEntry, users: dict[int, User]) -> str:
    """Who a removal was about: the membership is anonymous now, the account may not be."""
    user = users.get(entry.details.get("user_id") or 0)
    if user is not None:
        return person_name(user.full_name, user.email)
    return display_name(entry.subject) if entry.subject is not None else _("Former member")


def _sentence(entry: AuditEntry, actor: str, subject: str) -> str:
    details: dict[str, Any] = entry.details or {}
    values = {"actor": actor, "subject": subject, "object": entry.object_label}
    action = entry.action
    if action == AuditAction.ROLES_CHANGED:
        return _("%(actor)s changed %(subject)s's roles: %(before)s → %(after)s") % {
            **values,
            "before": _roles(details.get("before", [])),
            "after": _roles(details.get("after", [])),
        }
    if action == AuditAction.MEMBER_ADDED:
        return _("%(actor)s added %(subject)s to the organization (%(roles)s)") % {
            **values,
            "roles": _roles(details.get("roles", [])),
        }
    if action == AuditAction.MEMBER_REMOVED:
        return _("%(actor)s removed %(subject)s from the organization (%(roles)s)") % {
            **values,
            "roles": _roles(details.get("roles", [])),
        }
    if action == AuditAction.ORGANIZATION_SETTINGS_CHANGED:
        return _("%(actor)s changed the organization's settings: %(fields)s") % {
            **values,
            "fields": _fields(Organization, details.get("fields", [])),
        }
    if action == AuditAction.PROGRAM_CREATED:
        return _("%(actor)s created the program %(object)s") % values
    if action == AuditAction.PROGRAM_SETTINGS_CHANGED:
        from ambassade.programs.models import Program

        return _("%(actor)s changed the program %(object)s: %(fields)s") % {
            **values,
            "fields": _fields(Program, details.get("fields", [])),
        }
    if action == AuditAction.POINTS_RULES_CHANGED:
        from ambassade.rewards.models import PointsRules

        return _("%(actor)s changed the points rules of %(object)s: %(fields)s") % {
            **values,
            "fields": _fields(PointsRules, details.get("fields", [])),
        }
    if action == AuditAction.POINTS_CORRECTED:
        return _("%(actor)s adjusted %(subject)s's points by %(points)s in %(object)s") % {
            **values,
            "points": f"{int(details.get('points', 0)):+d}",
        }
    if action == AuditAction.REWARD_APPROVED:
        return _("%(actor)s approved %(subject)s's request for %(object)s") % values
    if action == AuditAction.REWARD_REFUSED:
        return _("%(actor)s refused %(subject)s's request for %(object)s") % values
    if action == AuditAction.REWARD_FULFILLED:
        return _("%(actor)s marked %(subject)s's request for %(object)s as delivered") % values
    if action == AuditAction.DATA_EXPORTED:
        table = str(details.get("table", ""))
        if table in TABLE_LABELS:
            table_label = str(TABLE_LABELS[table])
        elif table:
            table_label = _("the breakdown by %(dimension)s") % {
                "dimension": table.replace("_", " ")
            }
        else:
            table_label = _("a table")
        sentence = _("%(actor)s exported %(table)s (%(format)s)") % {
            **values,
            "table": table_label,
            "format": str(details.get("format", "")).upper(),
        }
        if entry.object_label:
            sentence += " · " + entry.object_label
        return sentence
    if action == AuditAction.PERSONAL_DATA_EXPORTED:
        if entry.actor_id is not None and entry.actor_id == entry.subject_id:
            return _("%(actor)s downloaded their personal data") % values
        return _("%(actor)s downloaded %(subject)s's personal data") % values
    if action == AuditAction.PERSONAL_DATA_ERASED:
        if entry.actor_id is not None and entry.actor_id == entry.subject_id:
            return _("%(actor)s erased their personal data") % values
        return _("%(actor)s erased %(subject)s's personal data") % values
    if action == AuditAction.API_TOKEN_CREATED:
        return _("%(actor)s created an API token") % values
    if action == AuditAction.API_TOKEN_REVOKED:
        return _("%(actor)s revoked an API token") % values
    if action == AuditAction.CONVERSION_SECRET_ROTATED:
        return _("%(actor)s changed the conversion signing secret") % values
    label = str(AuditAction(action).label) if action in AuditAction.values else action
    return f"{actor}: {label}"


def log_lines(entries: Sequence[AuditEntry]) -> list[LogLine]:
    """The entries as sentences: "Alice Admin changed Amine Ambassadeur's roles: …"."""
    removed_ids = {
        entry.details.get("user_id")
        for entry in entries
        if entry.action == AuditAction.MEMBER_REMOVED and entry.details.get("user_id")
    }
    users = {user.pk: user for user in User.objects.filter(pk__in=removed_ids)}
    lines = []
    for entry in entries:
        actor = _actor_name(entry)
        if entry.action == AuditAction.MEMBER_REMOVED:
            subject = _removed_name(entry, users)
        elif entry.subject is not None:
            subject = display_name(entry.subject)
        elif entry.action in ABOUT_A_PERSON:
            subject = _("Former member")
        else:
            subject = ""
        lines.append(
            LogLine(
                entry=entry, actor=actor, subject=subject, text=_sentence(entry, actor, subject)
            )
        )
    return lines
