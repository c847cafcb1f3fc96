"""Reads for curators and the API: item lists with their counts, the content mix, shares."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Organization
from ambassade.content.models import ContentItem, Family, ItemStatus
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.sharing.models import Share

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ItemCounts(TypedDict):
    share_count: int
    human_click_count: int


MIX_WINDOW = timedelta(days=30)
MIX_MIN_ITEMS = 5
MIX_TOLERANCE_POINTS = 5


@dataclass(frozen=True)
class ItemFilters:
    status: str = ""
    family: str = ""
    kind: str = ""
    language: str = ""
    program: str = ""  # a program slug
    q: str = ""


def filter_items(queryset: QuerySet[ContentItem], filters: ItemFilters) -> QuerySet[ContentItem]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.family:
        queryset = queryset.filter(family=filters.family)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    if filters.program:
        program_items = ContentItem.programs.through.objects.filter(
            contentitem_id=OuterRef("pk"), program__slug=filters.program
        )
        queryset = queryset.filter(Exists(program_items))
    if filters.q.strip():
        queryset = queryset.filter(title__icontains=filters.q.strip())
    return queryset


def item_list(
    *, organization: Organization, filters: ItemFilters
) -> QuerySet[WithAnnotations[ContentItem, ItemCounts]]:
    """The organization's items, newest first, each with its shares and human clicks."""
    queryset = filter_items(ContentItem.objects.filter(organization=organization), filters)
    return queryset.annotate(
        share_count=Count("shares", distinct=True),
        human_click_count=Count(
            "shares__link__clicks",
            filter=Q(shares__link__clicks__is_bot=False),
            distinct=True,
        ),
    ).order_by("-created_at", "-id")


def items_visible_to(*, membership: Membership, now: datetime) -> QuerySet[ContentItem]:
    """Live items of the programs (and waves) the ambassador has actively joined."""
    enrolments = list(
        Enrolment.objects.filter(
            membership=membership,
            status=EnrolmentStatus.ACTIVE,
            program__organization_id=membership.organization_id,
        ).values_list("program_id", "wave_id")
    )
    live = ContentItem.objects.filter(organization_id=membership.organization_id).live(now)
    if not enrolments:
        return live.none()
    through_programs = ContentItem.programs.through.objects
    through_waves = ContentItem.waves.through.objects
    condition = Q()
    for program_id, wave_id in enrolments:
        in_program = Exists(
            through_programs.filter(contentitem_id=OuterRef("pk"), program_id=program_id)
        )
        # Items aimed at some waves of this program reach those waves only.
        aimed_at_waves = Exists(
            through_waves.filter(contentitem_id=OuterRef("pk"), wave__program_id=program_id)
        )
        reaches = Q(~aimed_at_waves)
        if wave_id is not None:
            in_wave = Exists(through_waves.filter(contentitem_id=OuterRef("pk"), wave_id=wave_id))
            reaches |= Q(in_wave)
        condition |= in_program & reaches
    return live.filter(condition)


class MixVerdict(enum.Enum):
    ON_TARGET = "on_target"
    TOO_MUCH_COMPANY = "too_much_company"
    TOO_MUCH_MARKET = "too_much_market"
    NOT_ENOUGH = "not_enough"


VERDICT_LABELS = {
    MixVerdict.ON_TARGET: _("On target"),
    MixVerdict.TOO_MUCH_COMPANY: _("Too much company content"),
    MixVerdict.TOO_MUCH_MARKET: _("Too much market content"),
    MixVerdict.NOT_ENOUGH: _("Not enough items yet"),
}


@dataclass(frozen=True)
class ProgramMix:
    """Company versus market content published for one program in the last 30 days."""

    program: Program
    company_count: int
    market_count: int

    @property
    def total(self) -> int:
        return self.company_count + self.market_count

    @property
    def company_percent(self) -> int:
        return round(100 * self.company_count / self.total) if self.total else 0

    @property
    def market_percent(self) -> int:
        return 100 - self.company_percent if self.total else 0

    @property
    def company_target(self) -> int:
        return self.program.company_share_target

    @property
    def market_target(self) -> int:
        return self.program.market_share_target

    @property
    def verdict(self) -> MixVerdict:
        if self.total < MIX_MIN_ITEMS:
            return MixVerdict.NOT_ENOUGH
        gap = 100 * self.company_count / self.total - self.company_target
        if abs(gap) <= MIX_TOLERANCE_POINTS:
            return MixVerdict.ON_TARGET
        return MixVerdict.TOO_MUCH_COMPANY if gap > 0 else MixVerdict.TOO_MUCH_MARKET

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])


def content_mix(*, organization: Organization, now: datetime) -> list[ProgramMix]:
    """For each program, the family split of items published within the last 30 days."""
    programs = list(Program.objects.filter(organization=organization).order_by("name"))
    rows = (
        ContentItem.objects.filter(
            organization=organization,
            status__in=[ItemStatus.PUBLISHED, ItemStatus.ARCHIVED],
            publish_at__gte=now - MIX_WINDOW,
            publish_at__lte=now,
            programs__isnull=False,
        )
        .values("programs")
        .annotate(
            company=Count("id", filter=Q(family=Family.COMPANY)),
            market=Count("id", filter=Q(family=Family.MARKET)),
        )
        .order_by()
    )
    counts = {row["programs"]: (row["company"], row["market"]) for row in rows}
    return [
        ProgramMix(
            program=program,
            company_count=counts.get(program.pk, (0, 0))[0],
            market_count=counts.get(program.pk, (0, 0))[1],
        )
        for program in programs
    ]


@dataclass(frozen=True)
class ShareRow:
    ambassador_name: str
    network: str
    network_label: str
    shared_at: datetime
    own_words_percent: int
    human_clicks: int
    bot_clicks: int


@dataclass(frozen=True)
class ItemShares:
    rows: list[ShareRow]
    human_clicks: int
    bot_clicks: int

    @property
    def count(self) -> int:
        return len(self.rows)


def item_shares(*, item: ContentItem) -> ItemShares:
    """Who shared the item where, with the clicks each share brought: one query."""
    shares = (
        Share.objects.filter(organization_id=item.organization_id, item=item)
        .select_related("ambassador")
        .annotate(
            human_clicks=Count("link__clicks", filter=Q(link__clicks__is_bot=False)),
            bot_clicks=Count("link__clicks", filter=Q(link__clicks__is_bot=True)),
        )
        .order_by("-created_at", "-id")
    )
    rows = [
        ShareRow(
            ambassador_name=share.ambassador.full_name or share.ambassador.email,
            network=share.network,
            network_label=share.get_network_display(),
            shared_at=share.created_at,
            own_words_percent=round(100 * share.own_words_ratio),
            human_clicks=share.human_clicks,
            bot_clicks=share.bot_clicks,
        )
        for share in shares
    ]
    return ItemShares(
        rows=rows,
        human_clicks=sum(row.human_clicks for row in rows),
        bot_clicks=sum(row.bot_clicks for row in rows),
    )
