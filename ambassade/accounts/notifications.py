"""Telling a person something: an in-app notification and an e-mail, in their language.

Services of other apps call :func:`notify` with a ``compose`` function that is
run with the recipient's language active, so that the message, the subject and
the body are written in it. The e-mail leaves once the transaction commits; an
SMTP failure is logged and never undoes the work that caused the message (the
in-app notification is there anyway).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Notification, Organization, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What to tell: the in-app line, and the e-mail's subject and body."""

    text: str
    subject: str
    body: str


def absolute_url(path: str) -> str:
    """A path of this site as an address that works from an e-mail."""
    return f"{settings.AMBASSADE_BASE_URL}{path}" if path.startswith("/") else path


def _send_email(*, user: User, message: Message) -> None:
    try:
        send_mail(
            subject=message.subject,
            message=message.body,
            from_email=None,
            recipient_list=[user.email],
        )
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the e-mail %r to user %s", message.subject, user.pk)


def notify(
    *,
    user: User,
    organization: Organization,
    url: str,
    now: datetime,
    compose: Callable[[], Message],
    email: bool = True,
) -> Notification:
    """Record an in-app notification and send the e-mail, both in ``user``'s language."""
    with translation.override(user.language):
        message = compose()
    notification = Notification.objects.create(
        user=user,
        organization=organization,
        message=message.text[:500],
        url=url,
        created_at=now,
    )
    if email and user.email and user.is_active:
        transaction.on_commit(lambda: _send_email(user=user, message=message))
    return notification


def notification_list(*, membership: Membership, limit: int = 100) -> QuerySet[Notification]:
    return Notification.objects.filter(
        user_id=membership.user_id, organization_id=membership.organization_id
    ).order_by("-created_at", "-id")[:limit]


def unread_count(*, membership: Membership) -> int:
    return Notification.objects.filter(
        user_id=membership.user_id,
        organization_id=membership.organization_id,
        read_at__isnull=True,
    ).count()


def notification_open(*, actor: Membership, notification_id: int, now: datetime) -> str:
    """Mark one of one's notifications read; return where its link goes (on this site)."""
    notification = Notification.objects.filter(
        pk=notification_id, user_id=actor.user_id, organization_id=actor.organization_id
    ).first()
    if notification is None:
        raise Http404(_("Not found."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    url = notification.url
    # Links are always paths of this site; anything else is not followed.
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) and url.startswith("/"):
        return url
    return ""


def notifications_mark_read(*, actor: Membership, now: datetime) -> int:
    return Notification.objects.filter(
        user_id=actor.user_id, organization_id=actor.organization_id, read_at__isnull=True
    ).update(read_at=now)
