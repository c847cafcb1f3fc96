"""Reads for the privacy pages: consents, the consent register, retention periods."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ambassade.accounts.models import Membership, Organization
from ambassade.accounts.permissions import scoped
from ambassade.accounts.selectors import is_erased_email, person_name
from ambassade.programs.models import Consent, Program

# Finished background task results are kept as long as job runs (ambassade.jobs).
TASK_RESULT_RETENTION_DAYS = 30
JOB_RUN_RETENTION_DAYS = 30


def local_iso(value: datetime | None, time_zone: str) -> str | None:
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(time_zone)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    program: Program
    name: str
    email: str

    @property
    def is_withdrawn(self) -> bool:
        return self.consent.withdrawn_at is not None


def _rows(consents: QuerySet[Consent]) -> list[ConsentRow]:
    rows = []
    for consent in consents.select_related("enrolment__program", "enrolment__membership__user"):
        user = consent.enrolment.membership.user
        rows.append(
            ConsentRow(
                consent=consent,
                program=consent.enrolment.program,
                name=person_name(user.full_name, user.email),
                email="" if is_erased_email(user.email) else user.email,
            )
        )
    return rows


def my_consents(*, membership: Membership) -> list[ConsentRow]:
    """The person's consents in their current organization, newest first."""
    return _rows(
        Consent.objects.filter(
            enrolment__membership=membership,
            enrolment__program__organization_id=membership.organization_id,
        ).order_by("-given_at", "-pk")
    )


def consent_register(*, program: Program) -> list[ConsentRow]:
    """Who consented to a program, to which version, when, and who withdrew."""
    return _rows(
        Consent.objects.filter(
            enrolment__program=program,
            enrolment__membership__organization_id=program.organization_id,
        ).order_by("enrolment__membership__user__full_name", "given_at", "pk")
    )


def program_list(*, organization: Organization) -> QuerySet[Program]:
    return scoped(Program.objects.all(), organization).order_by("name")


def member_list(*, organization: Organization) -> QuerySet[Membership]:
    """The organization's members, for the managers' privacy requests."""
    return (
        scoped(Membership.objects.all(), organization)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


@dataclass(frozen=True)
class RetentionPeriod:
    what: str | Promise
    days: int
    then: str | Promise


def retention_periods() -> list[RetentionPeriod]:
    """How long each kind of record is kept, read from the settings."""
    return [
        RetentionPeriod(
            gettext_lazy("Individual clicks on tracked links"),
            settings.AMBASSADE_CLICK_RETENTION_DAYS,
            gettext_lazy(
                "deleted; only daily totals remain (a click that brought a conversion stays "
                "with it)."
            ),
        ),
        RetentionPeriod(
            gettext_lazy("Newsletter and digest deliveries"),
            settings.AMBASSADE_DELIVERY_RETENTION_DAYS,
            gettext_lazy(
                "the e-mail address and any error message are erased from newsletter "
                "deliveries (the issue's counts stay); digest records are deleted."
            ),
        ),
        RetentionPeriod(
            gettext_lazy("Audit log of sensitive actions"),
            settings.AMBASSADE_AUDIT_RETENTION_DAYS,
            gettext_lazy("deleted."),
        ),
        RetentionPeriod(
            gettext_lazy("Notifications already read"),
            settings.AMBASSADE_NOTIFICATION_RETENTION_DAYS,
            gettext_lazy("deleted."),
        ),
        RetentionPeriod(
            gettext_lazy("Failed login attempts"),
            settings.AMBASSADE_LOGIN_ATTEMPT_RETENTION_DAYS,
            gettext_lazy("deleted."),
        ),
        RetentionPeriod(
            gettext_lazy("Background job runs and their error messages"),
            JOB_RUN_RETENTION_DAYS,
            gettext_lazy("deleted."),
        ),
    ]


def privacy_contact() -> str:
    return str(getattr(settings, "AMBASSADE_PRIVACY_CONTACT", "")).strip()
