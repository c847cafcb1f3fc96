"""Building shares, clicks and conversions directly, at chosen moments."""

from __future__ import annotations

import itertools
from datetime import datetime

from ambassade.accounts.models import Membership, SocialAccount
from ambassade.content.models import ContentItem
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion, ConversionSource, TrackedLink

_numbers = itertools.count(1)


def share_make(
    *,
    program: Program,
    membership: Membership,
    item: ContentItem,
    network: str,
    at: datetime,
    account: SocialAccount | None = None,
) -> Share:
    share = Share.objects.create(
        organization_id=program.organization_id,
        program=program,
        item=item,
        ambassador=membership.user,
        membership=membership,
        network=network,
        social_account=account,
        commentary="Mon avis sur ce sujet.",
        own_words_ratio=1.0,
        created_at=at,
    )
    number = next(_numbers)
    TrackedLink.objects.create(
        organization_id=program.organization_id,
        share=share,
        code=f"t{number:08d}",
        destination="https://acme.example/offre?utm_source=x",
        plain_url="https://acme.example/offre",
    )
    return share


def click_make(
    *,
    share: Share,
    at: datetime,
    visitor: str = "v1",
    is_bot: bool = False,
    referrer: str = "",
) -> Click:
    number = next(_numbers)
    return Click.objects.create(
        organization_id=share.organization_id,
        link=share.link,
        clicked_at=at,
        click_id=f"c{number:020d}",
        referrer_host=referrer,
        is_bot=is_bot,
        bot_reason="test" if is_bot else "",
        visitor_hash=visitor,
    )


def conversion_make(
    *, click: Click, kind: str, at: datetime, withdrawn_at: datetime | None = None
) -> Conversion:
    return Conversion.objects.create(
        organization_id=click.organization_id,
        click=click,
        share=click.link.share,
        kind=kind,
        occurred_at=at,
        received_at=at,
        source=ConversionSource.SERVER,
        withdrawn_at=withdrawn_at,
    )
