"""Reads of the gratification scheme: balances, leaderboards, badges, budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership
from ambassade.accounts.selectors import display_name, former_members_q
from ambassade.programs.models import EnrolmentStatus, Program, Wave
from ambassade.rewards.models import (
    HOLDING_STATUSES,
    SPENT_STATUSES,
    BadgeAward,
    PointsEntry,
    Redemption,
    RewardsProfile,
    Rule,
)
from ambassade.rewards.services import local_day_start, local_zone


@dataclass(frozen=True)
class MemberPoints:
    lifetime: int
    spendable: int
    rank: int | None
    ranked: int
    held: int = 0  # points held by requests not yet decided or delivered


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    name: str
    department: str
    points: int
    membership_id: int
    anonymous: bool = False


def lifetime_points(*, membership: Membership, program: Program) -> int:
    total = PointsEntry.objects.filter(membership=membership, program=program).aggregate(
        total=Sum("points")
    )["total"]
    return int(total or 0)


def held_points(*, membership: Membership, program: Program) -> int:
    total = Redemption.objects.filter(
        membership=membership, program=program, status__in=HOLDING_STATUSES
    ).aggregate(total=Sum("points_cost"))["total"]
    return int(total or 0)


def spendable_points(*, membership: Membership, program: Program) -> int:
    """Lifetime points minus those spent on (or held by) reward requests; refusals give back."""
    return lifetime_points(membership=membership, program=program) - held_points(
        membership=membership, program=program
    )


def _standings(
    *,
    program: Program,
    start: datetime | None,
    end: datetime | None,
    wave: Wave | None = None,
    department: str | None = None,
) -> list[tuple[int, int]]:
    """(membership id, points) of everyone ranked, best first; ties: who got there first."""
    entries = PointsEntry.objects.filter(
        program=program,
        membership__enrolments__program=program,
        membership__enrolments__status=EnrolmentStatus.ACTIVE,
    )
    if start is not None:
        entries = entries.filter(occurred_at__gte=start)
    if end is not None:
        entries = entries.filter(occurred_at__lt=end)
    if wave is not None:
        entries = entries.filter(membership__enrolments__wave=wave)
    if department is not None:
        entries = entries.filter(membership__department=department)
    rows = (
        entries.values("membership_id")
        .annotate(
            total=Sum("points"),
            reached_at=Max("occurred_at", filter=Q(is_correction=False)),
        )
        .filter(total__gt=0)
    )
    ordered = sorted(rows, key=lambda row: (-row["total"], row["reached_at"], row["membership_id"]))
    return [(row["membership_id"], int(row["total"])) for row in ordered]


def _rank_of(standings: list[tuple[int, int]], membership_id: int) -> int | None:
    for position, (member, _points) in enumerate(standings, start=1):
        if member == membership_id:
            return position
    return None


def member_points(*, membership: Membership, program: Program) -> MemberPoints:
    """Lifetime and spendable balances, and the all-time rank in the program."""
    standings = _standings(program=program, start=None, end=None)
    lifetime = lifetime_points(membership=membership, program=program)
    held = held_points(membership=membership, program=program)
    return MemberPoints(
        lifetime=lifetime,
        spendable=lifetime - held,
        rank=_rank_of(standings, membership.pk),
        ranked=len(standings),
        held=held,
    )


def _rows(standings: list[tuple[int, int]], *, only: set[int]) -> list[LeaderboardRow]:
    members = {m.pk: m for m in Membership.objects.filter(pk__in=only).select_related("user")}
    anonymous = set(
        RewardsProfile.objects.filter(membership_id__in=only, anonymous=True).values_list(
            "membership_id", flat=True
        )
    )
    rows = []
    for position, (member_id, points) in enumerate(standings, start=1):
        if member_id not in only:
            continue
        member = members[member_id]
        hidden = member_id in anonymous
        rows.append(
            LeaderboardRow(
                rank=position,
                name=_("Anonymous ambassador") if hidden else display_name(member),
                department="" if hidden else member.department,
                points=points,
                membership_id=member_id,
                anonymous=hidden,
            )
        )
    return rows


def leaderboard(
    *,
    program: Program,
    start: datetime | None,
    end: datetime | None,
    limit: int = 10,
    wave: Wave | None = None,
    department: str | None = None,
) -> list[LeaderboardRow]:
    """The top ``limit`` of a program (or one wave or department of it) over a period."""
    standings = _standings(program=program, start=start, end=end, wave=wave, department=department)
    top = standings[:limit] if limit else standings
    return _rows(top, only={member for member, _points in top})


@dataclass(frozen=True)
class Board:
    rows: list[LeaderboardRow]
    me: LeaderboardRow | None
    ranked: int


def leaderboard_with_me(
    *,
    program: Program,
    membership: Membership,
    start: datetime | None,
    end: datetime | None,
    limit: int = 10,
    wave: Wave | None = None,
    department: str | None = None,
) -> Board:
    """The top of the board, plus the asking person's own row wherever they are."""
    standings = _standings(program=program, start=start, end=end, wave=wave, department=department)
    shown = {member for member, _points in standings[:limit]} | {membership.pk}
    rows = _rows(standings, only=shown)
    me = next((row for row in rows if row.membership_id == membership.pk), None)
    return Board(rows=[row for row in rows if row.rank <= limit], me=me, ranked=len(standings))


PERIODS = ("30d", "month", "quarter", "all")


def period_bounds(
    period: str, *, program: Program, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """Rolling 30 days, this calendar month, this quarter, or all time (local calendar)."""
    organization = program.organization
    today = now.astimezone(local_zone(organization)).date()
    if period == "30d":
        return now - timedelta(days=30), None
    if period == "month":
        return local_day_start(today.replace(day=1), organization), None
    if period == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return local_day_start(date(today.year, first_month, 1), organization), None
    return None, None


def ledger(*, membership: Membership, program: Program) -> QuerySet[PointsEntry]:
    """The person's ledger in a program, newest first, with what each line is about."""
    return (
        PointsEntry.objects.filter(membership=membership, program=program)
        .select_related("share__item", "corrects")
        .order_by("-created_at", "-id")
    )


def badges_of(*, membership: Membership, program: Program) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(membership=membership, program=program).order_by(
        "awarded_at", "id"
    )


def badges_awarded(*, program: Program, start: datetime, end: datetime) -> list[BadgeAward]:
    """Badges earned in a program between ``start`` (included) and ``end`` (excluded).

    Each has ``membership`` (user loaded), ``name`` (translated) and ``awarded_at``.
    """
    return list(
        BadgeAward.objects.filter(program=program, awarded_at__gte=start, awarded_at__lt=end)
        .select_related("membership__user")
        .order_by("awarded_at", "id")
    )


def rewards_spent(
    *, program: Program, start: date | None = None, end: date | None = None
) -> Decimal:
    """Monetary value of approved or delivered requests, decided between the dates (included)."""
    redemptions = Redemption.objects.filter(program=program, status__in=SPENT_STATUSES)
    organization = program.organization
    if start is not None:
        redemptions = redemptions.filter(decided_at__gte=local_day_start(start, organization))
    if end is not None:
        redemptions = redemptions.filter(
            decided_at__lt=local_day_start(end + timedelta(days=1), organization)
        )
    total = redemptions.aggregate(total=Sum("monetary_value"))["total"]
    return Decimal(total or 0)


@dataclass(frozen=True)
class Budget:
    budget: Decimal
    other_costs: Decimal  # spent on the program besides rewards
    spent: Decimal  # approved or delivered
    committed: Decimal  # requested, awaiting a decision
    currency: str
    requests: dict[str, int]

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.other_costs - self.spent - self.committed

    @property
    def spent_percent(self) -> int:
        if self.budget <= 0:
            return 0
        return min(100, int(self.spent * 100 / self.budget))


def other_costs(*, program: Program) -> Decimal:
    """Money the program spent besides rewards, when the programs app records it."""
    try:
        cost_model = apps.get_model("programs", "ProgramCost")
    except LookupError:
        return Decimal("0")
    total = cost_model.objects.filter(program=program).aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0)


def budget_of(*, program: Program) -> Budget:
    redemptions = Redemption.objects.filter(program=program)
    sums = redemptions.aggregate(
        spent=Sum("monetary_value", filter=Q(status__in=SPENT_STATUSES)),
        committed=Sum("monetary_value", filter=Q(status="requested")),
    )
    counts = dict(
        redemptions.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return Budget(
        budget=program.budget_amount,
        other_costs=other_costs(program=program),
        spent=Decimal(sums["spent"] or 0),
        committed=Decimal(sums["committed"] or 0),
        currency=program.budget_currency,
        requests={str(k): int(v) for k, v in counts.items()},
    )


def adjustable_members(*, program: Program, manager: Membership) -> list[tuple[int, str]]:
    """(membership id, name) of the program's ambassadors a manager may adjust: not themselves."""
    members = (
        Membership.objects.filter(enrolments__program=program)
        .exclude(pk=manager.pk)
        .exclude(former_members_q())
        .select_related("user")
        .order_by("user__full_name", "pk")
        .distinct()
    )
    return [(member.pk, member.user.full_name or member.user.email) for member in members]


def adjustments(*, program: Program, limit: int = 50) -> QuerySet[PointsEntry]:
    """The latest points added or taken by hand in a program."""
    return (
        PointsEntry.objects.filter(program=program, rule=Rule.ADJUSTMENT)
        .select_related("membership__user")
        .order_by("-created_at", "-id")[:limit]
    )
