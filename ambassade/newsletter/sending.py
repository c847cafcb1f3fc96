"""Delivering an issue over SMTP: batched, paced, retried, and never twice to anyone.

Each delivery is claimed with a conditional UPDATE (queued → sending) just before its
message goes to the SMTP server, and marked sent as soon as the server has accepted
it. A crash between the two leaves the row "sending": the sweep later marks it
failed rather than sending it again, because nobody can tell whether the server
took it. Temporary failures (4xx answers, dropped connections, timeouts) go back to
the queue with an exponential back-off; permanent ones (5xx) are recorded as failed.
Running the send again only picks up what is queued and due.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q

from ambassade.accounts.models import Membership
from ambassade.jobs.services import Progress
from ambassade.newsletter.models import Delivery, DeliveryStatus, Issue, IssueStatus
from ambassade.newsletter.rendering import IssueRenderer

logger = logging.getLogger(__name__)

# A delivery left "sending" this long was interrupted (the worker died).
CLAIM_LEASE = timedelta(minutes=15)
# How long a sender keeps a batch for itself, at least.
RESERVATION = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
ERROR_LENGTH = 1000


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    # Why the run stopped before the end of the queue (the SMTP server unreachable…).
    stopped: str = ""


@dataclass(frozen=True)
class Failure:
    temporary: bool
    reconnect: bool
    error: str


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def classify(exc: BaseException) -> Failure:
    """Whether a failure is worth another attempt, and whether the connection is lost."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(exc.recipients.values()), (0, b""))
        return Failure(400 <= code < 500, False, f"{code} {_decode(message)}".strip())
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Failure(True, True, f"connection lost: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        # 421: the server is closing the connection.
        return Failure(400 <= code < 500, code == 421, f"{code} {_decode(exc.smtp_error)}")
    if isinstance(exc, OSError | smtplib.SMTPException):
        return Failure(True, True, f"{type(exc).__name__}: {exc}")
    return Failure(False, False, f"{type(exc).__name__}: {exc}")


def backoff(attempts: int) -> timedelta:
    """60 s, 2 min, 4 min… (from AMBASSADE_NEWSLETTER_RETRY_SECONDS), at most six hours."""
    seconds = max(1, int(settings.AMBASSADE_NEWSLETTER_RETRY_SECONDS)) * 2 ** max(0, attempts - 1)
    return min(MAX_BACKOFF, timedelta(seconds=seconds))


def _record_failure(pk: int, failure: Failure, moment: datetime, report: SendReport) -> None:
    attempts = Delivery.objects.filter(pk=pk).values_list("attempts", flat=True).first() or 1
    error = failure.error[:ERROR_LENGTH]
    if failure.temporary and attempts < settings.AMBASSADE_NEWSLETTER_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.QUEUED,
            next_attempt_at=moment + backoff(attempts),
            error=error,
            reserved_by="",
            reserved_until=None,
        )
        report.retrying += 1
    else:
        Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED, error=error
        )
        report.failed += 1


def smtp_close(connection: BaseEmailBackend | None) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        # Closing a connection the server already dropped: nothing left to do.
        logger.debug("Ignoring an error while closing the SMTP connection", exc_info=True)


def smtp_open() -> tuple[BaseEmailBackend | None, str]:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        smtp_close(connection)
        return None, classify(exc).error
    return connection, ""


class Pace:
    """At most ``rate`` messages per second (0: as fast as the server takes them)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.started = time.monotonic()
        self.count = 0

    def wait(self) -> None:
        if self.rate > 0:
            delay = self.started + self.count / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self.count += 1


def issue_deliver(
    *,
    issue_id: int,
    now: datetime,
    progress: Progress | None = None,
    limit: int | None = None,
    senders: int = 1,
) -> SendReport:
    """Send the queued, due deliveries of an issue being sent; finish it when none is left.

    ``senders`` is how many runs share the issue at once (each keeps to its share of
    the rate limit); they reserve batches in turn and never claim the same delivery.
    """
    report = SendReport()
    issue = (
        Issue.objects.select_related("organization", "program__organization")
        .filter(pk=issue_id, status=IssueStatus.SENDING)
        .first()
    )
    if issue is None:
        return report
    renderer = IssueRenderer(issue, now=now)
    started = time.monotonic()

    def moment() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    due_filter = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    queue = Delivery.objects.filter(issue_id=issue.pk, status=DeliveryStatus.QUEUED).filter(
        due_filter
    )
    if progress is not None:
        progress.set_total(queue.count() if limit is None else min(limit, queue.count()))
    batch_size = max(1, settings.AMBASSADE_NEWSLETTER_BATCH)
    pace = Pace(settings.AMBASSADE_NEWSLETTER_RATE / max(1, senders))
    sender = secrets.token_hex(8)
    lease = max(RESERVATION, timedelta(seconds=2 * batch_size / max(pace.rate, 0.01)))
    last_pk = 0
    handled = 0
    while limit is None or handled < limit:
        size = batch_size if limit is None else min(batch_size, limit - handled)
        free = Q(reserved_until__isnull=True) | Q(reserved_until__lt=moment())
        candidates = list(
            queue.filter(free, pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not candidates:
            break
        last_pk = candidates[-1]
        Delivery.objects.filter(free, pk__in=candidates, status=DeliveryStatus.QUEUED).update(
            reserved_by=sender, reserved_until=moment() + lease
        )
        due = list(
            Delivery.objects.filter(
                pk__in=candidates, reserved_by=sender, status=DeliveryStatus.QUEUED
            )
            .order_by("pk")
            .values_list("pk", "membership_id", "email")
        )
        if not due:
            continue  # another sender took this batch
        member_ids = [member_id for _pk, member_id, _email in due]
        members = Membership.objects.select_related("user").in_bulk(member_ids)
        figures = renderer.figures(member_ids)
        connection, error = smtp_open()
        if connection is None:
            # Nothing of this batch was claimed: it waits for the next run.
            report.stopped = error
            logger.warning("Newsletter %s: SMTP server unavailable (%s)", issue.pk, error)
            break
        try:
            for pk, member_id, email in due:
                handled += 1
                pace.wait()
                claimed = Delivery.objects.filter(pk=pk, status=DeliveryStatus.QUEUED).update(
                    status=DeliveryStatus.SENDING, claimed_at=moment(), attempts=F("attempts") + 1
                )
                if not claimed:
                    continue  # another worker took it, or the person unsubscribed
                if progress is not None:
                    progress.advance()
                membership = members.get(member_id)
                try:
                    if membership is None:
                        raise LookupError(f"membership {member_id} is gone")
                    message = renderer.message(
                        membership, figures[member_id], email=email, connection=connection
                    )
                except Exception as exc:
                    logger.exception("Newsletter %s: could not prepare delivery %s", issue.pk, pk)
                    _record_failure(
                        pk, Failure(False, False, f"not prepared: {exc}"), moment(), report
                    )
                    continue
                try:
                    accepted = connection.send_messages([message])
                except Exception as exc:
                    failure = classify(exc)
                    _record_failure(pk, failure, moment(), report)
                    if failure.reconnect:
                        smtp_close(connection)
                        connection, error = smtp_open()
                        if connection is None:
                            report.stopped = error
                            break
                    continue
                if not accepted:
                    _record_failure(pk, Failure(True, True, "not accepted"), moment(), report)
                    continue
                Delivery.objects.filter(pk=pk).update(
                    status=DeliveryStatus.SENT, sent_at=moment(), error=""
                )
                report.sent += 1
        finally:
            smtp_close(connection)
        if report.stopped:
            break
    # Whatever this run reserved and did not claim is free again for the next one.
    Delivery.objects.filter(
        issue_id=issue.pk, reserved_by=sender, status=DeliveryStatus.QUEUED
    ).update(reserved_by="", reserved_until=None)
    issue_finish_if_done(issue_id=issue.pk, now=moment())
    return report


def issue_finish_if_done(*, issue_id: int, now: datetime) -> bool:
    """Mark an issue sent once no delivery is queued or on its way."""
    pending = Delivery.objects.filter(
        issue_id=issue_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    ).exists()
    if pending:
        return False
    return bool(
        Issue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).update(
            status=IssueStatus.SENT, sent_at=now
        )
    )


def deliveries_sweep_stale(*, now: datetime) -> int:
    """Deliveries claimed long ago and never confirmed: failed, never sent again blindly."""
    stale = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    ).update(
        status=DeliveryStatus.FAILED,
        error=(
            "Interrupted while being sent: the SMTP server may or may not have received it. "
            "Not sent again, so that nobody receives it twice; try it again from the admin."
        ),
    )
    return stale


def issues_to_deliver(*, now: datetime) -> list[int]:
    """Issues being sent that have deliveries due, or nothing left (to be marked sent)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ids = []
    for issue_id in Issue.objects.filter(status=IssueStatus.SENDING).values_list("pk", flat=True):
        deliveries = Delivery.objects.filter(issue_id=issue_id)
        has_due = deliveries.filter(due, status=DeliveryStatus.QUEUED).exists()
        if has_due:
            ids.append(issue_id)
        else:
            issue_finish_if_done(issue_id=issue_id, now=now)
    return ids
