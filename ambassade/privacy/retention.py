"""Retention: personal traces older than their period are erased, in small batches.

The periods come from the settings (``AMBASSADE_*_RETENTION_DAYS``) and are shown on
the privacy page. Raw clicks have their own job in analytics (``clicks_purge``),
which rolls them up first; job runs are pruned by the jobs app.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction

from ambassade.accounts.models import Notification
from ambassade.audit.models import AuditEntry
from ambassade.newsletter.models import Delivery, DeliveryStatus, Digest, DigestStatus
from ambassade.privacy.selectors import TASK_RESULT_RETENTION_DAYS

BATCH = 1000


@dataclass
class RetentionReport:
    deliveries_anonymised: int = 0
    digests_deleted: int = 0
    audit_entries_deleted: int = 0
    notifications_deleted: int = 0
    sessions_deleted: int = 0
    login_attempts_deleted: int = 0
    task_results_deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())


def _batches(queryset: models.QuerySet[Any], batch: int) -> Any:
    """Primary keys of ``queryset``, ``batch`` at a time, until none is left."""
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids


def _delete(queryset: models.QuerySet[Any], batch: int) -> int:
    model = queryset.model
    deleted = 0
    for ids in _batches(queryset, batch):
        with transaction.atomic():
            _total, per_model = model.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(model._meta.label, 0)
    return deleted


def _days_ago(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _deliveries_anonymise(now: datetime, batch: int) -> int:
    """Old deliveries keep their status (the issue's counts) but lose address and error."""
    cutoff = _days_ago(now, settings.AMBASSADE_DELIVERY_RETENTION_DAYS)
    old = (
        Delivery.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])
        .exclude(email="", error="")
    )
    changed = 0
    for ids in _batches(old, batch):
        with transaction.atomic():
            changed += Delivery.objects.filter(pk__in=ids).update(email="", error="")
    return changed


def _login_attempts_delete(now: datetime, batch: int) -> int:
    if not apps.is_installed("axes"):
        return 0
    cutoff = _days_ago(now, settings.AMBASSADE_LOGIN_ATTEMPT_RETENTION_DAYS)
    deleted = 0
    for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        try:
            model = apps.get_model("axes", name)
        except LookupError:
            continue
        deleted += _delete(model.objects.filter(attempt_time__lt=cutoff), batch)
    return deleted


def _task_results_delete(now: datetime, batch: int) -> int:
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = _days_ago(now, TASK_RESULT_RETENTION_DAYS)
    return _delete(DBTaskResult.objects.finished().filter(finished_at__lt=cutoff), batch)


def retention_enforce(*, now: datetime, batch: int = BATCH) -> RetentionReport:
    """Erase what is past its retention period; each batch is its own transaction."""
    report = RetentionReport()
    report.deliveries_anonymised = _deliveries_anonymise(now, batch)
    report.digests_deleted = _delete(
        Digest.objects.filter(
            created_at__lt=_days_ago(now, settings.AMBASSADE_DELIVERY_RETENTION_DAYS)
        ).exclude(status=DigestStatus.SENDING),
        batch,
    )
    report.audit_entries_deleted = _delete(
        AuditEntry.objects.filter(
            created_at__lt=_days_ago(now, settings.AMBASSADE_AUDIT_RETENTION_DAYS)
        ),
        batch,
    )
    report.notifications_deleted = _delete(
        Notification.objects.filter(
            read_at__isnull=False,
            created_at__lt=_days_ago(now, settings.AMBASSADE_NOTIFICATION_RETENTION_DAYS),
        ),
        batch,
    )
    report.sessions_deleted = _delete(Session.objects.filter(expire_date__lt=now), batch)
    report.login_attempts_deleted = _login_attempts_delete(now, batch)
    report.task_results_deleted = _task_results_delete(now, batch)
    return report
