"""Digests of new content: daily or weekly per person, in their time zone, up to ten
items with a one-click link to each share page; nothing sent when nothing is new.

The Digest row for (person, frequency, day or week) is the claim: it is inserted
before the e-mail leaves, so two schedulers never send the same digest.
"""

from __future__ import annotations

import logging
import smtplib
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

import css_inline
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from ambassade.accounts.models import Membership
from ambassade.accounts.notifications import absolute_url
from ambassade.content.models import ContentItem
from ambassade.newsletter.models import Digest, DigestFrequency, DigestStatus, Preference
from ambassade.newsletter.rendering import (
    TOKEN_SLOT,
    NewsletterEmail,
    email_css,
    language_of,
    list_headers,
    time_zone_of,
    unsubscribe_pattern,
)
from ambassade.newsletter.sections import first_name
from ambassade.newsletter.sending import classify, smtp_close, smtp_open
from ambassade.newsletter.tokens import MailingList, unsubscribe_token
from ambassade.programs.models import EnrolmentStatus
from ambassade.sharing.models import Share
from ambassade.sharing.selectors import feed_items

logger = logging.getLogger(__name__)

MAX_ITEMS = 10
PERIOD: dict[str, timedelta] = {
    DigestFrequency.DAILY.value: timedelta(days=1),
    DigestFrequency.WEEKLY.value: timedelta(days=7),
}


def period_key(frequency: str, local: datetime) -> str | None:
    """The day or ISO week a digest due at ``local`` belongs to; None before it is due."""
    hour = settings.AMBASSADE_DIGEST_HOUR
    if frequency == DigestFrequency.DAILY:
        return local.date().isoformat() if local.hour >= hour else None
    if frequency == DigestFrequency.WEEKLY:
        if (local.weekday(), local.hour) < (settings.AMBASSADE_DIGEST_WEEKDAY, hour):
            return None
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return None


def _local(now: datetime, membership: Membership) -> datetime:
    return now.astimezone(zoneinfo.ZoneInfo(time_zone_of(membership)))


def digest_items(*, membership: Membership, since: datetime, now: datetime) -> list[ContentItem]:
    """Live items of the person's programs published since ``since`` and not shared by them."""
    shared = Share.objects.filter(membership=membership).values("item_id")
    return list(
        feed_items(membership=membership, now=now)
        .filter(publish_at__gt=since)
        .exclude(pk__in=shared)[:MAX_ITEMS]
    )


def _since(membership: Membership, frequency: str, now: datetime) -> datetime:
    last = (
        Digest.objects.filter(membership=membership, status=DigestStatus.SENT)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return last or now - PERIOD.get(frequency, timedelta(days=7))


@dataclass(frozen=True)
class DigestMail:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def digest_render(*, membership: Membership, items: list[ContentItem]) -> DigestMail:
    """The digest e-mail in the person's language."""
    language = language_of(membership)
    unsubscribe = unsubscribe_token(membership_id=membership.pk, mailing_list=MailingList.DIGEST)
    context = {
        "first_name": first_name(membership.user.full_name, membership.user.email),
        "organization": membership.organization,
        "items": [(item, absolute_url(reverse("sharing:share", args=[item.pk]))) for item in items],
        "feed_url": absolute_url(reverse("sharing:feed")),
        "unsubscribe_url": unsubscribe_pattern().replace(TOKEN_SLOT, unsubscribe),
        "preferences_url": absolute_url(reverse("newsletter:preferences")),
        "css": email_css()[0],
        "responsive_css": email_css()[1],
        "language": language,
    }
    with translation.override(language):
        subject = ngettext(
            "%(count)d new item to share", "%(count)d new items to share", len(items)
        ) % {"count": len(items)}
        context["subject"] = subject
        html = render_to_string("newsletter/email/digest.html", context)
        text = render_to_string("newsletter/email/digest.txt", context)
    inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
    return DigestMail(
        subject=subject,
        text=text,
        html=inliner.inline(html),
        headers=list_headers(
            token=unsubscribe, list_id=f"<digest.{membership.organization.slug}.ambassade>"
        ),
    )


def digest_candidates() -> list[tuple[Membership, str]]:
    """(membership, frequency) of everybody enrolled who has not turned digests off."""
    preferences = dict(Preference.objects.values_list("membership_id", "digest"))
    members = (
        Membership.objects.filter(enrolments__status=EnrolmentStatus.ACTIVE, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "organization")
        .distinct()
        .order_by("pk")
    )
    found = []
    for membership in members:
        frequency = preferences.get(membership.pk, DigestFrequency.WEEKLY)
        if frequency != DigestFrequency.OFF:
            found.append((membership, frequency))
    return found


@dataclass
class DigestReport:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    postponed: int = 0


def digests_send_due(*, now: datetime) -> DigestReport:
    """Send every digest due at ``now`` (each person's local hour), once per day or week."""
    report = DigestReport()
    connection: BaseEmailBackend | None = None
    try:
        for membership, frequency in digest_candidates():
            key = period_key(frequency, _local(now, membership))
            if key is None:
                continue
            if Digest.objects.filter(
                membership=membership, frequency=frequency, period_key=key
            ).exists():
                continue
            since = _since(membership, frequency, now)
            items = digest_items(membership=membership, since=since, now=now)
            try:
                with transaction.atomic():
                    digest = Digest.objects.create(
                        organization_id=membership.organization_id,
                        membership=membership,
                        frequency=frequency,
                        period_key=key,
                        since=since,
                        item_count=len(items),
                        status=DigestStatus.SENDING if items else DigestStatus.EMPTY,
                        created_at=now,
                    )
            except IntegrityError:
                continue  # another scheduler claimed it
            if not items:
                report.empty += 1
                continue
            if connection is None:
                connection, error = smtp_open()
                if connection is None:
                    # The server is away: forget the claim, the next run tries again.
                    digest.delete()
                    report.postponed += 1
                    logger.warning("Digests postponed: SMTP server unavailable (%s)", error)
                    break
            connection = _deliver(digest, membership, items, connection, now, report)
    finally:
        smtp_close(connection)
    return report


def _deliver(
    digest: Digest,
    membership: Membership,
    items: list[ContentItem],
    connection: BaseEmailBackend,
    now: datetime,
    report: DigestReport,
) -> BaseEmailBackend | None:
    mail = digest_render(membership=membership, items=items)
    message = NewsletterEmail(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[membership.user.email],
        headers=mail.headers,
        connection=connection,
    )
    message.attach_alternative(mail.html, "text/html")
    try:
        connection.send_messages([message])
    except Exception as exc:
        failure = classify(exc)
        refused = isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
        if failure.temporary and refused:
            # Refused outright: certainly not delivered, the next run tries again.
            digest.delete()
            report.postponed += 1
        else:
            Digest.objects.filter(pk=digest.pk).update(
                status=DigestStatus.FAILED, error=failure.error[:1000]
            )
            report.failed += 1
        if failure.reconnect:
            smtp_close(connection)
            return None
        return connection
    Digest.objects.filter(pk=digest.pk).update(status=DigestStatus.SENT, sent_at=now)
    report.sent += 1
    return connection
