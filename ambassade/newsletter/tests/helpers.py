from __future__ import annotations

import re
from datetime import datetime, timedelta

from ambassade.accounts.models import Membership, Network, Organization
from ambassade.content.models import ContentItem
from ambassade.lib.codes import random_code
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click
from ambassade.tracking.services import link_create
from tests.factories import MembershipFactory, UserFactory


def member(
    org: Organization,
    name: str,
    email: str,
    *,
    language: str = "en",
    time_zone: str = "Europe/Paris",
    **roles: bool,
) -> Membership:
    user = UserFactory.create(full_name=name, email=email, language=language, time_zone=time_zone)
    roles.setdefault("is_ambassador", True)
    return MembershipFactory.create(user=user, organization=org, **roles)


def add_share(
    membership: Membership,
    program: Program,
    item: ContentItem,
    *,
    at: datetime,
    clicks: int = 0,
    bots: int = 0,
) -> Share:
    share = Share.objects.create(
        organization_id=membership.organization_id,
        program=program,
        item=item,
        ambassador_id=membership.user_id,
        membership=membership,
        network=Network.LINKEDIN,
        commentary="Mon analyse en deux mots.",
        own_words_ratio=0.8,
        created_at=at,
    )
    link = link_create(share=share)
    Click.objects.bulk_create(
        [
            Click(
                organization_id=membership.organization_id,
                link=link,
                clicked_at=at + timedelta(hours=1 + n),
                click_id=random_code(20),
                is_bot=n >= clicks,
                visitor_hash=f"visitor-{share.pk}-{n}",
            )
            for n in range(clicks + bots)
        ]
    )
    return share


def figure(html: str, name: str) -> str:
    """The value shown for one of the recipient's own figures in a newsletter's HTML."""
    found = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert found is not None, f"no {name} figure in the e-mail"
    return found.group(1).strip()
