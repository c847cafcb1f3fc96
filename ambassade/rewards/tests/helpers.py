"""Helpers for the rewards tests: shares, clicks and conversions at chosen times."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ambassade.accounts.models import Membership
from ambassade.content.models import ContentItem
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion, ConversionKind, ConversionSource
from ambassade.tracking.services import click_record, link_create

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)


def make_share(
    membership: Membership,
    item: ContentItem,
    program: Program,
    *,
    at: datetime,
    network: str = "linkedin",
    own_words_ratio: float = 0.2,
) -> Share:
    share = Share.objects.create(
        organization_id=membership.organization_id,
        program=program,
        item=item,
        ambassador=membership.user,
        membership=membership,
        network=network,
        commentary="Mon avis sur ce sujet.",
        own_words_ratio=own_words_ratio,
        created_at=at,
    )
    link_create(share=share)
    return share


def make_click(
    share: Share,
    *,
    at: datetime,
    ip: str = "203.0.113.9",
    user_agent: str = CHROME,
) -> Click:
    click = click_record(
        link=share.link,
        now=at,
        method="GET",
        ip=ip,
        user_agent=user_agent,
        referrer="https://www.linkedin.com/feed/",
    ).click
    assert click is not None
    return click


def make_conversion(
    click: Click, *, at: datetime, kind: str = ConversionKind.JOB_APPLICATION, ref: str = ""
) -> Conversion:
    return Conversion.objects.create(
        organization_id=click.organization_id,
        click=click,
        share=click.link.share,
        kind=kind,
        external_id=ref or f"ext-{click.pk}-{kind}",
        value=Decimal("0"),
        occurred_at=at,
        received_at=at,
        source=ConversionSource.SERVER,
    )
