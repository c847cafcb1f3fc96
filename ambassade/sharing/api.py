"""The shares endpoints of the public API: one's own shares, their clicks, sharing."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from ambassade.accounts.models import Membership, Network, Role, SocialAccount
from ambassade.accounts.permissions import get_scoped_or_404, require_role, scoped
from ambassade.content.models import ContentItem
from ambassade.lib.api_errors import ErrorOut
from ambassade.lib.api_inputs import BoundedPagination, Id, Text
from ambassade.sharing.models import Share
from ambassade.sharing.services import share_create
from ambassade.tracking.selectors import (
    share_clicks,
    shares_with_click_counts,
    shares_with_conversions,
    shares_with_verification,
)
from ambassade.tracking.services import short_url

router = Router(tags=["shares"])

# Who may read the clicks of someone else's share in their organization.
CLICK_READERS = (Role.CURATOR, Role.MANAGER, Role.ADMIN)
MAX_COMMENTARY = 3000


class ShareOut(Schema):
    id: int
    item_id: int
    item_title: str
    program_slug: str
    network: str
    commentary: str
    own_words_ratio: float
    created_at: datetime
    tracked_url: str | None = Field(description="The ambassador's personal tracked link.")
    human_clicks: int
    bot_clicks: int
    unique_visitors: int = Field(description="Distinct people, counted once per day.")
    conversions: int = Field(
        0, alias="conversion_count", description="Conversions attributed to this share."
    )
    verified_at: datetime | None = Field(
        None, description="First click by a person coming from the network it was shared to."
    )

    @staticmethod
    def resolve_item_title(obj: Share) -> str:
        return obj.item.title

    @staticmethod
    def resolve_program_slug(obj: Share) -> str:
        return obj.program.slug

    @staticmethod
    def resolve_tracked_url(obj: Share) -> str | None:
        link = getattr(obj, "link", None)
        return short_url(link.code) if link is not None else None


class ClickCountsOut(Schema):
    human_clicks: int
    bot_clicks: int
    unique_visitors: int


class DayClicksOut(ClickCountsOut):
    date: date


class ClickOut(Schema):
    clicked_at: datetime
    referrer_host: str
    user_agent_family: str
    is_bot: bool
    bot_reason: str


class ShareClicksOut(Schema):
    share_id: int
    time_zone: str = Field(description="The organization's time zone, in which days are cut.")
    totals: ClickCountsOut
    days: list[DayClicksOut] = Field(description="Days with at least one click, oldest first.")
    latest: list[ClickOut] = Field(description="The latest 100 clicks, newest first.")
    conversions: int = Field(0, description="Conversions attributed to this share.")
    verified_at: datetime | None = Field(
        None, description="First click by a person coming from the network it was shared to."
    )


class ShareIn(Schema):
    item_id: Id
    network: Network
    commentary: Text = Field(max_length=MAX_COMMENTARY, description="The ambassador's own words.")
    social_account_id: Id | None = Field(
        None, description="One of your accounts on that network; the first one if omitted."
    )


class ShareCreatedOut(Schema):
    id: int
    item_id: int
    network: str
    commentary: str
    own_words_ratio: float
    created_at: datetime
    tracked_url: str
    intent_url: str = Field(description="The network's share page, to open in a browser.")
    copy_to_clipboard: bool = Field(
        description="The network cannot pre-fill the text: paste the commentary yourself."
    )


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.auth  # type: ignore[attr-defined]
    return membership


@router.get(
    "/mine",
    response={200: list[ShareOut], 403: ErrorOut},
    summary="My shares, newest first",
)
@paginate(BoundedPagination)
def shares_mine(request: HttpRequest) -> QuerySet[Share]:
    membership = require_role(_membership(request), Role.AMBASSADOR)
    shares = scoped(Share.objects.all(), membership.organization).filter(
        ambassador_id=membership.user_id
    )
    queryset = shares_with_click_counts(
        shares.select_related("item", "program", "link").order_by("-created_at", "-id")
    )
    return shares_with_verification(shares_with_conversions(queryset))


@router.get(
    "/{share_id}/clicks",
    response={200: ShareClicksOut, 404: ErrorOut},
    summary="The clicks of one share",
)
def share_clicks_detail(request: HttpRequest, share_id: int) -> ShareClicksOut:
    membership = _membership(request)
    share = get_scoped_or_404(
        Share.objects.select_related("organization"), membership.organization, pk=share_id
    )
    is_own = share.ambassador_id == membership.user_id
    if not is_own and not any(membership.has_role(role) for role in CLICK_READERS):
        # Another ambassador's share does not exist for a plain ambassador.
        raise Http404(_("Not found."))
    report = share_clicks(share=share)
    return ShareClicksOut(
        share_id=share.pk,
        time_zone=report.time_zone,
        totals=ClickCountsOut(**asdict(report.totals)),
        days=[DayClicksOut(**asdict(day)) for day in report.days],
        latest=[ClickOut(**asdict(click)) for click in report.latest],
        conversions=report.conversions,
        verified_at=report.verified_at,
    )


@router.post(
    "",
    response={201: ShareCreatedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Share an item in your own words",
)
def shares_create(request: HttpRequest, payload: ShareIn) -> Status[ShareCreatedOut]:
    membership = _membership(request)
    item = get_scoped_or_404(ContentItem.objects.all(), membership.organization, pk=payload.item_id)
    social_account = None
    if payload.social_account_id is not None:
        social_account = SocialAccount.objects.filter(
            pk=payload.social_account_id, user_id=membership.user_id
        ).first()
        if social_account is None:
            raise ValidationError(_("This social account is not one of yours."))
    outcome = share_create(
        actor=membership,
        item=item,
        network=payload.network,
        commentary=payload.commentary,
        social_account=social_account,
        now=timezone.now(),
    )
    share = outcome.share
    return Status(
        201,
        ShareCreatedOut(
            id=share.pk,
            item_id=share.item_id,
            network=share.network,
            commentary=share.commentary,
            own_words_ratio=share.own_words_ratio,
            created_at=share.created_at,
            tracked_url=outcome.tracked_url,
            intent_url=outcome.intent_url,
            copy_to_clipboard=outcome.copy_to_clipboard,
        ),
    )
