"""The points and rewards endpoints of the public API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import get_scoped_or_404, require_role
from ambassade.lib.api_errors import ErrorOut
from ambassade.lib.api_inputs import MAX_OFFSET, Id, Text
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.rewards import redemptions, selectors
from ambassade.rewards.models import PointsEntry, Redemption, RedemptionStatus, Reward

router = Router(tags=["rewards"])

MAX_LEDGER_PAGE = 500


class EntryOut(Schema):
    id: int
    rule: str
    rule_label: str
    points: int
    reason: str
    note: str = Field(description="Why it is smaller than the rule's value, or was corrected.")
    is_correction: bool
    corrects_id: int | None
    rule_version: int
    occurred_at: datetime
    created_at: datetime
    share_id: int | None


class PointsOut(Schema):
    program_slug: str
    lifetime: int = Field(description="Points earned, corrections included: ranks use them.")
    spendable: int = Field(description="Lifetime points minus those spent on or held by rewards.")
    held: int
    rank: int | None
    ranked: int
    entries: list[EntryOut]


class LeaderboardRowOut(Schema):
    rank: int
    name: str
    department: str
    points: int
    is_you: bool


class LeaderboardOut(Schema):
    program_slug: str
    period: str
    rows: list[LeaderboardRowOut]
    you: LeaderboardRowOut | None
    ranked: int


class RewardOut(Schema):
    id: int
    name: str
    description: str
    points_cost: int
    monetary_value: Decimal
    stock: int | None


class RedemptionIn(Schema):
    reward_id: Id
    note: Text = Field("", max_length=500)


class RefusalIn(Schema):
    reason: Text = Field(max_length=500)


class RedemptionOut(Schema):
    id: int
    reward_id: int
    reward_name: str
    program_slug: str
    requester: str
    points_cost: int
    monetary_value: Decimal
    status: str
    note: str
    refusal_reason: str
    requested_at: datetime
    decided_at: datetime | None
    fulfilled_at: datetime | None


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.auth  # type: ignore[attr-defined]
    return membership


def _program(membership: Membership, slug: str | None) -> Program:
    programs = Program.objects.select_related("organization")
    if slug:
        return get_scoped_or_404(programs, membership.organization, slug=slug)
    enrolment = (
        Enrolment.objects.filter(membership=membership, status=EnrolmentStatus.ACTIVE)
        .select_related("program__organization")
        .order_by("program__name")
        .first()
    )
    if enrolment is None:
        raise PermissionDenied(_("Say which program: you are in none."))
    return enrolment.program


def _entry_out(entry: PointsEntry) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        rule=entry.rule,
        rule_label=str(entry.get_rule_display()),
        points=entry.points,
        reason=entry.reason,
        note=str(entry.get_note_display()) if entry.note else "",
        is_correction=entry.is_correction,
        corrects_id=entry.corrects_id,
        rule_version=entry.rule_version,
        occurred_at=entry.occurred_at,
        created_at=entry.created_at,
        share_id=entry.share_id,
    )


def _redemption_out(redemption: Redemption) -> RedemptionOut:
    return RedemptionOut(
        id=redemption.pk,
        reward_id=redemption.reward_id,
        reward_name=redemption.reward.name,
        program_slug=redemption.program.slug,
        requester=redemption.membership.user.full_name,
        points_cost=redemption.points_cost,
        monetary_value=redemption.monetary_value,
        status=redemption.status,
        note=redemption.note,
        refusal_reason=redemption.refusal_reason,
        requested_at=redemption.requested_at,
        decided_at=redemption.decided_at,
        fulfilled_at=redemption.fulfilled_at,
    )


@router.get(
    "/points",
    response={200: PointsOut, 403: ErrorOut, 404: ErrorOut},
    summary="My points in a program, and the ledger line by line",
)
def points_mine(
    request: HttpRequest,
    program: Text | None = None,
    limit: Annotated[int, Field(ge=1, le=MAX_LEDGER_PAGE)] = 100,
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0,
) -> PointsOut:
    membership = require_role(_membership(request))
    found = _program(membership, program)
    balances = selectors.member_points(membership=membership, program=found)
    entries = selectors.ledger(membership=membership, program=found)[offset : offset + limit]
    return PointsOut(
        program_slug=found.slug,
        lifetime=balances.lifetime,
        spendable=balances.spendable,
        held=balances.held,
        rank=balances.rank,
        ranked=balances.ranked,
        entries=[_entry_out(entry) for entry in entries],
    )


@router.get(
    "/leaderboard",
    response={200: LeaderboardOut, 403: ErrorOut, 404: ErrorOut},
    summary="The top 10 and your rank (period: 30d, month, quarter, all)",
)
def leaderboard(
    request: HttpRequest,
    program: Text | None = None,
    period: Literal["30d", "month", "quarter", "all"] = "30d",
    department: Text | None = None,
    wave_id: int | None = None,
) -> LeaderboardOut:
    membership = require_role(_membership(request))
    found = _program(membership, program)
    start, end = selectors.period_bounds(period, program=found, now=timezone.now())
    wave = found.waves.filter(pk=wave_id).first() if wave_id is not None else None
    board = selectors.leaderboard_with_me(
        program=found,
        membership=membership,
        start=start,
        end=end,
        wave=wave,
        department=department or None,
    )

    def row_out(row: selectors.LeaderboardRow) -> LeaderboardRowOut:
        return LeaderboardRowOut(
            rank=row.rank,
            name=row.name,
            department=row.department,
            points=row.points,
            is_you=row.membership_id == membership.pk,
        )

    return LeaderboardOut(
        program_slug=found.slug,
        period=period,
        rows=[row_out(row) for row in board.rows],
        you=row_out(board.me) if board.me else None,
        ranked=board.ranked,
    )


@router.get(
    "/catalog",
    response={200: list[RewardOut], 403: ErrorOut, 404: ErrorOut},
    summary="The rewards offered in a program",
)
def catalog(request: HttpRequest, program: Text | None = None) -> list[Reward]:
    membership = require_role(_membership(request))
    found = _program(membership, program)
    return list(Reward.objects.filter(program=found, is_active=True))


@router.get(
    "/redemptions",
    response={200: list[RedemptionOut], 403: ErrorOut, 404: ErrorOut},
    summary="Reward requests: mine, or (managers, everyone=true) the program's",
)
def redemptions_list(
    request: HttpRequest,
    program: Text | None = None,
    status: RedemptionStatus | None = None,
    everyone: bool = False,
) -> list[RedemptionOut]:
    membership = require_role(_membership(request))
    found = _program(membership, program)
    queryset = Redemption.objects.filter(program=found).select_related(
        "reward", "program", "membership__user"
    )
    if everyone:
        require_role(membership, Role.MANAGER)
    else:
        queryset = queryset.filter(membership=membership)
    if status is not None:
        queryset = queryset.filter(status=status)
    return [_redemption_out(r) for r in queryset.order_by("-requested_at", "-id")[:500]]


@router.post(
    "/redemptions",
    response={201: RedemptionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Request a reward (points are held until a manager decides)",
)
def redemption_create(request: HttpRequest, payload: RedemptionIn) -> Status[RedemptionOut]:
    redemption = redemptions.redemption_request(
        actor=_membership(request),
        reward_id=payload.reward_id,
        note=payload.note,
        now=timezone.now(),
    )
    return Status(201, _redemption_out(redemption))


@router.post(
    "/redemptions/{redemption_id}/approve",
    response={200: RedemptionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Approve a reward request (managers)",
)
def redemption_approve(request: HttpRequest, redemption_id: int) -> RedemptionOut:
    return _redemption_out(
        redemptions.redemption_approve(
            actor=_membership(request), redemption_id=redemption_id, now=timezone.now()
        )
    )


@router.post(
    "/redemptions/{redemption_id}/refuse",
    response={200: RedemptionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Refuse a reward request, giving the points back (managers)",
)
def redemption_refuse(
    request: HttpRequest, redemption_id: int, payload: RefusalIn
) -> RedemptionOut:
    return _redemption_out(
        redemptions.redemption_refuse(
            actor=_membership(request),
            redemption_id=redemption_id,
            reason=payload.reason,
            now=timezone.now(),
        )
    )


@router.post(
    "/redemptions/{redemption_id}/fulfil",
    response={200: RedemptionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Mark an approved reward delivered (managers)",
)
def redemption_fulfil(request: HttpRequest, redemption_id: int) -> RedemptionOut:
    return _redemption_out(
        redemptions.redemption_fulfil(
            actor=_membership(request), redemption_id=redemption_id, now=timezone.now()
        )
    )
