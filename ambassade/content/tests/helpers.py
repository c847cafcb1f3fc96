"""Helpers for the content tests: real shares and real clicks through /r/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from ambassade.accounts.models import Membership, Network
from ambassade.content.models import ContentItem, ItemStatus
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.sharing.services import share_create
from tests.factories import ContentItemFactory

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)


def speak_english(*memberships: Membership) -> None:
    """Pages in English, whatever the French catalogue says."""
    for membership in memberships:
        membership.user.language = "en"
        membership.user.save(update_fields=["language"])


def share(
    membership: Membership,
    item: ContentItem,
    network: str = Network.LINKEDIN,
    commentary: str = "Mon regard sur ce sujet, en quelques mots.",
) -> Share:
    return share_create(
        actor=membership, item=item, network=network, commentary=commentary, now=timezone.now()
    ).share


def click(share: Share, *, user_agent: str = BROWSER, ip: str = "198.51.100.7") -> None:
    response = Client().get(
        f"/r/{share.link.code}",
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR=ip,
        HTTP_REFERER="https://www.linkedin.com/feed/",
    )
    assert response.status_code == 302


def published(
    program: Program,
    family: str,
    *,
    count: int = 1,
    days_ago: float = 1,
    status: str = ItemStatus.PUBLISHED,
    **kwargs: Any,
) -> list[ContentItem]:
    return [
        ContentItemFactory.create(
            organization=program.organization,
            programs=[program],
            family=family,
            status=status,
            publish_at=timezone.now() - dt.timedelta(days=days_ago),
            **kwargs,
        )
        for _ in range(count)
    ]
