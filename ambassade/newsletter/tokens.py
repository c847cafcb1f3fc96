"""Signed tokens in the e-mails: unsubscribing without logging in, counting clicks.

Unsubscribe tokens never expire (an old e-mail's link must still work) and name one
person and one list; click tokens name an issue, a section and a path of this site,
never a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _

from ambassade.newsletter.models import Section

UNSUBSCRIBE_SALT = "ambassade.newsletter.unsubscribe"
CLICK_SALT = "ambassade.newsletter.click"
OPEN_SALT = "ambassade.newsletter.open"


class MailingList(models.TextChoices):
    NEWSLETTER = "newsletter", _("the monthly newsletter")
    DIGEST = "digest", _("the digest of new content")


class InvalidToken(Exception):
    """A token that was not signed here, or was altered."""


def unsubscribe_token(*, membership_id: int, mailing_list: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{membership_id}.{mailing_list}")


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """(membership id, list) of a valid token; InvalidToken otherwise."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidToken(token) from exc
    member, _dot, mailing_list = value.partition(".")
    if not member.isdigit() or mailing_list not in MailingList.values:
        raise InvalidToken(token)
    return int(member), mailing_list


@dataclass(frozen=True)
class ClickTarget:
    issue_id: int
    section: str
    path: str


def click_token(*, issue_id: int, section: str, path: str) -> str:
    return signing.Signer(salt=CLICK_SALT).sign_object([issue_id, section, path])


def click_token_read(token: str) -> ClickTarget:
    """The click's issue, section and path of this site; InvalidToken otherwise."""
    try:
        issue_id, section, path = signing.Signer(salt=CLICK_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidToken(token) from exc
    # Only paths of this site: the redirect can never send anyone elsewhere.
    if (
        not isinstance(issue_id, int)
        or section not in Section.values
        or not isinstance(path, str)
        or not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
    ):
        raise InvalidToken(token)
    return ClickTarget(issue_id=issue_id, section=section, path=path)


def open_token(*, issue_id: int) -> str:
    return signing.Signer(salt=OPEN_SALT).sign(str(issue_id))


def open_token_read(token: str) -> int:
    try:
        value = signing.Signer(salt=OPEN_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidToken(token) from exc
    if not value.isdigit():
        raise InvalidToken(token)
    return int(value)
