"""Reads for the ambassador's pages: today's feed and their own activity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from django.db.models import Exists, OuterRef, Q, QuerySet

from ambassade.accounts.models import Membership, Network
from ambassade.content.models import ContentItem
from ambassade.programs.models import Enrolment
from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share
from ambassade.sharing.services import active_enrolments
from ambassade.tracking.models import Click
from ambassade.tracking.selectors import (
    shares_with_click_counts,
    shares_with_conversions,
    shares_with_verification,
    unique_visitors_count,
)
from ambassade.tracking.services import short_url

# How far back the month selector of "My activity" goes at most.
MAX_MONTHS = 36


def _visible_to(enrolment: Enrolment) -> Q:
    """Items of the enrolment's program, unless they target other waves of that program."""
    in_program = Exists(
        ContentItem.programs.through.objects.filter(
            contentitem_id=OuterRef("pk"), program_id=enrolment.program_id
        )
    )
    item_waves = ContentItem.waves.through.objects.filter(contentitem_id=OuterRef("pk"))
    targets_waves = Exists(item_waves.filter(wave__program_id=enrolment.program_id))
    condition = Q(in_program) & ~Q(targets_waves)
    if enrolment.wave_id is not None:
        condition |= Q(in_program) & Q(Exists(item_waves.filter(wave_id=enrolment.wave_id)))
    return condition


def feed_items(
    *,
    membership: Membership,
    now: datetime,
    family: str = "",
    kind: str = "",
    language: str = "",
    enrolments: list[Enrolment] | None = None,
) -> QuerySet[ContentItem]:
    """Live items of the programs the person is active in, newest first."""
    if enrolments is None:
        enrolments = active_enrolments(membership)
    if not enrolments:
        return ContentItem.objects.none()
    visible = Q()
    for enrolment in enrolments:
        visible |= _visible_to(enrolment)
    items = ContentItem.objects.live(now).filter(
        visible, organization_id=membership.organization_id
    )
    if family:
        items = items.filter(family=family)
    if kind:
        items = items.filter(kind=kind)
    if language:
        items = items.filter(language=language)
    return items.order_by("-publish_at", "-id")


def shared_networks(*, membership: Membership, item_ids: Iterable[int]) -> dict[int, list[str]]:
    """``{item id: ["X", "LinkedIn"]}``: the networks the person already shared each item on."""
    labels = dict(Network.choices)
    found: dict[int, set[str]] = defaultdict(set)
    rows = Share.objects.filter(
        membership=membership,
        organization_id=membership.organization_id,
        item_id__in=list(item_ids),
    ).values_list("item_id", "network")
    for item_id, network in rows:
        found[item_id].add(network)
    return {
        item_id: [labels.get(n, n) for n in Network.values if n in networks]
        for item_id, networks in found.items()
    }


@dataclass(frozen=True)
class FeedCard:
    item: ContentItem
    shared_on: list[str] = field(default_factory=list)


def feed_cards(*, membership: Membership, items: Iterable[ContentItem]) -> list[FeedCard]:
    items = list(items)
    shared = shared_networks(membership=membership, item_ids=[item.pk for item in items])
    return [FeedCard(item=item, shared_on=shared.get(item.pk, [])) for item in items]


@dataclass(frozen=True)
class ActivityRow:
    share: Share
    tracked_url: str
    human_clicks: int
    bot_clicks: int
    conversions: int = 0
    # The first human click from the network it was posted to: it was really posted there.
    verified_at: datetime | None = None
    link_code: str = ""

    @property
    def own_words_percent(self) -> int:
        return round(self.share.own_words_ratio * 100)


@dataclass(frozen=True)
class Activity:
    month: date
    rows: list[ActivityRow]
    shares: int
    human_clicks: int
    unique_visitors: int
    conversions: int = 0


def month_bounds(month: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The first instant of ``month`` and of the next month, in ``tz``."""
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=tz)


def activity_months(*, membership: Membership, today: date, tz: tzinfo) -> list[date]:
    """This month and the previous ones back to the person's first share, newest first."""
    current = today.replace(day=1)
    first = (
        Share.objects.filter(membership=membership, organization_id=membership.organization_id)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    oldest = first.astimezone(tz).date().replace(day=1) if first else current
    months = [current]
    while months[-1] > oldest and len(months) < MAX_MONTHS:
        previous = months[-1]
        months.append(
            date(previous.year - 1, 12, 1)
            if previous.month == 1
            else date(previous.year, previous.month - 1, 1)
        )
    return months


def activity_for_month(*, membership: Membership, month: date, tz: tzinfo) -> Activity:
    """The person's shares of one month (in their time zone) with their clicks."""
    start, end = month_bounds(month, tz)
    shares = Share.objects.filter(
        membership=membership,
        organization_id=membership.organization_id,
        created_at__gte=start,
        created_at__lt=end,
    )
    annotated = shares_with_verification(shares_with_conversions(shares_with_click_counts(shares)))
    rows = [
        ActivityRow(
            share=share,
            tracked_url=short_url(share.link.code) if hasattr(share, "link") else "",
            # Annotated by shares_with_click_counts, unknown to the type checker.
            human_clicks=share.human_clicks,  # type: ignore[attr-defined]
            bot_clicks=share.bot_clicks,  # type: ignore[attr-defined]
            conversions=share.conversion_count,  # type: ignore[attr-defined]
            verified_at=share.verified_at,  # type: ignore[attr-defined]
            link_code=share.link.code if hasattr(share, "link") else "",
        )
        for share in annotated.select_related("item", "link").order_by("-created_at", "-id")
    ]
    visitors = Click.objects.filter(
        organization_id=membership.organization_id, link__share__in=shares
    ).aggregate(visitors=unique_visitors_count())["visitors"]
    return Activity(
        month=month,
        rows=rows,
        shares=len(rows),
        human_clicks=sum(row.human_clicks for row in rows),
        unique_visitors=visitors,
        conversions=sum(row.conversions for row in rows),
    )


def scheduled_shares_of(*, membership: Membership, limit: int = 100) -> list[ScheduledShare]:
    """The person's planned shares: the open ones first (soonest first), then the latest others."""
    base = ScheduledShare.objects.filter(
        organization_id=membership.organization_id, membership=membership
    ).select_related("item")
    open_ones = list(
        base.filter(status__in=[ScheduledStatus.PENDING, ScheduledStatus.REMINDED]).order_by(
            "run_at", "id"
        )[:limit]
    )
    closed = list(
        base.filter(status__in=[ScheduledStatus.DONE, ScheduledStatus.CANCELLED]).order_by(
            "-run_at", "-id"
        )[:20]
    )
    return open_ones + closed
