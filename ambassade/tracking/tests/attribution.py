"""Helpers for the attribution tests: a share of the world's item and clicks on it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ambassade.accounts.models import Membership, SocialAccount
from ambassade.content.models import ContentItem
from ambassade.sharing.models import Share
from ambassade.sharing.services import share_create
from ambassade.tracking.models import Click
from ambassade.tracking.services import click_record

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


def make_share(
    ambassador: Membership,
    item: ContentItem,
    *,
    network: str = "linkedin",
    social_account: SocialAccount | None = None,
) -> Share:
    return share_create(
        actor=ambassador,
        item=item,
        network=network,
        commentary="Nous recrutons : je vous en dis plus en commentaire.",
        social_account=social_account,
        now=timezone.now(),
    ).share


def make_click(
    share: Share,
    *,
    at: datetime | None = None,
    user_agent: str = CHROME,
    referrer: str = "https://www.linkedin.com/feed/",
    ip: str = "203.0.113.9",
) -> Click:
    click = click_record(
        link=share.link,
        now=at or timezone.now(),
        method="GET",
        ip=ip,
        user_agent=user_agent,
        referrer=referrer,
    ).click
    assert click is not None
    return click
