"""Reads for curators and the API: item lists with their counts, the content mix, shares."""

from __future__ import annotations

import enum
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Organization
from ambassade.accounts.selectors import person_name
from ambassade.content.models import ContentItem, Family, ItemStatus, Proposal
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.sharing.models import Share
from ambassade.tracking.selectors import shares_with_conversions, shares_with_verification

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
    conversions: int = 0
    verified_at: datetime | None = None


@dataclass(frozen=True)
class ItemShares:
    rows: list[ShareRow]
    human_clicks: int
    bot_clicks: int
    conversions: int = 0

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
    # Subqueries, so they do not multiply the click counts above.
    annotated = shares_with_verification(shares_with_conversions(shares))
    rows = [
        ShareRow(
            ambassador_name=person_name(share.ambassador.full_name, share.ambassador.email),
            network=share.network,
            network_label=share.get_network_display(),
            shared_at=share.created_at,
            own_words_percent=round(100 * share.own_words_ratio),
            human_clicks=share.human_clicks,  # type: ignore[attr-defined]
            bot_clicks=share.bot_clicks,  # type: ignore[attr-defined]
            conversions=share.conversion_count,  # type: ignore[attr-defined]
            verified_at=share.verified_at,  # type: ignore[attr-defined]
        )
        for share in annotated
    ]
    return ItemShares(
        rows=rows,
        human_clicks=sum(row.human_clicks for row in rows),
        bot_clicks=sum(row.bot_clicks for row in rows),
        conversions=sum(row.conversions for row in rows),
    )


# --- The mix per month, and the warning when it drifts ------------------------------

MIX_WARNING_POINTS = 10
MIX_MONTHS = 6


@dataclass(frozen=True)
class MixCounts:
    company: int = 0
    market: int = 0

    @property
    def total(self) -> int:
        return self.company + self.market

    @property
    def company_percent(self) -> int:
        return round(100 * self.company / self.total) if self.total else 0

    @property
    def market_percent(self) -> int:
        return 100 - self.company_percent if self.total else 0

    def gap(self, target: int) -> float:
        """Points of company content above (positive) or below the target."""
        return 100 * self.company / self.total - target if self.total else 0.0

    def off_target(self, target: int) -> bool:
        """Enough to judge, and more than 10 points away from the target."""
        return self.total >= MIX_MIN_ITEMS and abs(self.gap(target)) > MIX_WARNING_POINTS


@dataclass(frozen=True)
class MonthMix:
    month: date
    items: MixCounts
    shares: MixCounts


@dataclass(frozen=True)
class ProgramMonthlyMix:
    program: Program
    months: list[MonthMix]  # newest first

    @property
    def target(self) -> int:
        return self.program.company_share_target


@dataclass(frozen=True)
class MixWarning:
    program: Program
    subject: str  # "items" or "shares"
    counts: MixCounts

    @property
    def target(self) -> int:
        return self.program.company_share_target

    @property
    def gap_points(self) -> int:
        return round(abs(self.counts.gap(self.target)))

    @property
    def too_much_company(self) -> bool:
        return self.counts.gap(self.target) > 0


def organization_tz(organization: Organization) -> tzinfo:
    try:
        return zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def month_starts(today: date, count: int) -> list[date]:
    """The first day of this month and of the ``count - 1`` previous ones, newest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        previous = months[-1]
        months.append(
            date(previous.year - 1, 12, 1)
            if previous.month == 1
            else date(previous.year, previous.month - 1, 1)
        )
    return months


def _month_of(value: Any, tz: tzinfo) -> date:
    if isinstance(value, datetime):
        moment: datetime = value.astimezone(tz) if value.tzinfo is not None else value
        return moment.date().replace(day=1)
    if not isinstance(value, date):
        raise TypeError(f"Not a month: {value!r}")
    return value.replace(day=1)


def monthly_mix(
    *, organization: Organization, now: datetime, months: int = MIX_MONTHS
) -> list[ProgramMonthlyMix]:
    """Per program and per month (in the organization's time zone), the company and
    market split of the items published and of the shares made."""
    tz = organization_tz(organization)
    starts = month_starts(now.astimezone(tz).date(), months)
    oldest = starts[-1]
    window_start = datetime(oldest.year, oldest.month, 1, tzinfo=tz)
    item_rows = (
        ContentItem.objects.filter(
            organization=organization,
            status__in=[ItemStatus.PUBLISHED, ItemStatus.ARCHIVED],
            publish_at__gte=window_start,
            publish_at__lte=now,
            programs__isnull=False,
        )
        .annotate(month=TruncMonth("publish_at", tzinfo=tz))
        .values("programs", "month", "family")
        .annotate(n=Count("id"))
        .order_by()
    )
    share_rows = (
        Share.objects.filter(
            organization=organization, created_at__gte=window_start, created_at__lte=now
        )
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("program_id", "month", "item__family")
        .annotate(n=Count("id"))
        .order_by()
    )
    items: dict[tuple[int, date], dict[str, int]] = defaultdict(dict)
    for row in item_rows:
        items[(row["programs"], _month_of(row["month"], tz))][row["family"]] = row["n"]
    shares: dict[tuple[int, date], dict[str, int]] = defaultdict(dict)
    for share_row in share_rows:
        key = (share_row["program_id"], _month_of(share_row["month"], tz))
        shares[key][share_row["item__family"]] = share_row["n"]

    def counts(found: dict[str, int]) -> MixCounts:
        return MixCounts(company=found.get(Family.COMPANY, 0), market=found.get(Family.MARKET, 0))

    programs = Program.objects.filter(organization=organization).order_by("name")
    return [
        ProgramMonthlyMix(
            program=program,
            months=[
                MonthMix(
                    month=month,
                    items=counts(items.get((program.pk, month), {})),
                    shares=counts(shares.get((program.pk, month), {})),
                )
                for month in starts
            ],
        )
        for program in programs
    ]


def mix_warnings(
    *, organization: Organization, now: datetime, mix: list[ProgramMix]
) -> list[MixWarning]:
    """Programs whose items or shares of the last 30 days are more than 10 points off."""
    rows = (
        Share.objects.filter(
            organization=organization, created_at__gte=now - MIX_WINDOW, created_at__lte=now
        )
        .values("program_id")
        .annotate(
            company=Count("id", filter=Q(item__family=Family.COMPANY)),
            market=Count("id", filter=Q(item__family=Family.MARKET)),
        )
        .order_by()
    )
    share_counts = {
        row["program_id"]: MixCounts(company=row["company"], market=row["market"]) for row in rows
    }
    warnings: list[MixWarning] = []
    for program_mix in mix:
        program = program_mix.program
        item_counts = MixCounts(company=program_mix.company_count, market=program_mix.market_count)
        if item_counts.off_target(program.company_share_target):
            warnings.append(MixWarning(program=program, subject="items", counts=item_counts))
        shared = share_counts.get(program.pk, MixCounts())
        if shared.off_target(program.company_share_target):
            warnings.append(MixWarning(program=program, subject="shares", counts=shared))
    return warnings


# --- Approval queue and proposals ----------------------------------------------------


def approval_queue(*, organization: Organization) -> QuerySet[ContentItem]:
    """Pending items, oldest first, with who proposed them and why."""
    return (
        ContentItem.objects.filter(organization=organization, status=ItemStatus.PENDING)
        .select_related("created_by", "proposal", "proposal__proposer")
        .prefetch_related("programs", "suggested_messages")
        .order_by("created_at", "id")
    )


def proposals_of(*, membership: Membership, limit: int = 20) -> list[Proposal]:
    """The person's latest proposals in their organization, with the decision taken."""
    return list(
        Proposal.objects.filter(
            organization_id=membership.organization_id, proposer_id=membership.user_id
        )
        .select_related("item")
        .order_by("-created_at", "-id")[:limit]
    )
