"""The rewards catalog and reward requests: request → approval → delivery, or refusal.

Points are held from the request on (spendable points drop at once) and come
back when a request is refused or cancelled. A request's monetary value draws
on the program's budget; stock and budget are checked under row locks when the
request is made and again when it is approved, so two people cannot take the
last unit or the last euro together.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.notifications import Message, notify
from ambassade.accounts.permissions import require_role
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record
from ambassade.programs.models import EnrolmentStatus, Program
from ambassade.rewards.models import (
    HOLDING_STATUSES,
    Redemption,
    RedemptionStatus,
    Reward,
)
from ambassade.rewards.selectors import held_points, lifetime_points, other_costs

REWARD_FIELDS = ("name", "description", "points_cost", "monetary_value", "stock", "is_active")


def reward_save(
    *,
    actor: Membership,
    program: Program,
    values: dict[str, Any],
    now: datetime,
    reward: Reward | None = None,
) -> Reward:
    require_role(actor, Role.MANAGER)
    if program.organization_id != actor.organization_id:
        raise Http404(_("Not found."))
    if reward is None:
        reward = Reward(program=program, created_at=now)
    elif reward.program_id != program.pk:
        raise Http404(_("Not found."))
    for name in REWARD_FIELDS:
        if name in values:
            setattr(reward, name, values[name])
    reward.full_clean(exclude=["program"])
    reward.save()
    return reward


def budget_available(*, program: Program, excluding: Redemption | None = None) -> Decimal:
    """The budget left for rewards: budget − other costs − requests holding money."""
    holding = Redemption.objects.filter(program=program, status__in=HOLDING_STATUSES)
    if excluding is not None:
        holding = holding.exclude(pk=excluding.pk)
    used = holding.aggregate(total=Sum("monetary_value"))["total"] or Decimal("0")
    return program.budget_amount - other_costs(program=program) - Decimal(used)


def _money(amount: Decimal, currency: str) -> str:
    return f"{number_format(amount, decimal_pos=2, use_l10n=True)} {currency}"


def _check_budget(program: Program, value: Decimal, excluding: Redemption | None = None) -> None:
    if value <= 0:
        return
    available = budget_available(program=program, excluding=excluding)
    if value > available:
        raise ValidationError(
            _(
                "The program's budget cannot cover this reward: it is worth %(value)s and "
                "%(available)s are left."
            )
            % {
                "value": _money(value, program.budget_currency),
                "available": _money(max(available, Decimal("0")), program.budget_currency),
            }
        )


def redemption_request(
    *, actor: Membership, reward_id: int, now: datetime, note: str = ""
) -> Redemption:
    """An ambassador asks for a reward; their points are held until a manager decides."""
    require_role(actor, Role.AMBASSADOR)
    with transaction.atomic():
        reward = (
            Reward.objects.select_for_update()
            .filter(pk=reward_id, program__organization_id=actor.organization_id)
            .select_related("program")
            .first()
        )
        if reward is None:
            raise Http404(_("Not found."))
        program = Program.objects.select_for_update().get(pk=reward.program_id)
        Membership.objects.select_for_update().filter(pk=actor.pk).first()
        enrolled = program.enrolments.filter(
            membership=actor, status=EnrolmentStatus.ACTIVE
        ).exists()
        if not enrolled:
            raise PermissionDenied(_("Only ambassadors of this program can request its rewards."))
        if not reward.is_active:
            raise ValidationError(_("This reward is no longer offered."))
        if reward.stock is not None and reward.stock <= 0:
            raise ValidationError(_("“%(name)s” is out of stock.") % {"name": reward.name})
        spendable = lifetime_points(membership=actor, program=program) - held_points(
            membership=actor, program=program
        )
        if spendable < reward.points_cost:
            raise ValidationError(
                _("This reward costs %(cost)d points; you have %(spendable)d to spend.")
                % {"cost": reward.points_cost, "spendable": spendable}
            )
        _check_budget(program, reward.monetary_value)
        if reward.stock is not None:
            reward.stock -= 1
            reward.save(update_fields=["stock"])
        redemption = Redemption.objects.create(
            program=program,
            reward=reward,
            membership=actor,
            points_cost=reward.points_cost,
            monetary_value=reward.monetary_value,
            note=note.strip()[:500],
            requested_at=now,
        )
    _tell_managers(redemption=redemption, now=now)
    return redemption


def _tell_managers(*, redemption: Redemption, now: datetime) -> None:
    program = redemption.program
    managers = (
        Membership.objects.filter(organization_id=program.organization_id)
        .filter(is_manager=True)
        .select_related("user")
    )
    url = reverse("rewards:approvals") + f"?program={program.slug}"
    who = redemption.membership.user.full_name
    for manager in managers:
        notify(
            user=manager.user,
            organization=program.organization,
            url=url,
            now=now,
            email=False,
            compose=lambda: Message(
                text=_("%(who)s asks for “%(reward)s”.")
                % {"who": who, "reward": redemption.reward.name},
                subject="",
                body="",
            ),
        )


def _decidable(actor: Membership, redemption_id: int) -> Redemption:
    require_role(actor, Role.MANAGER)
    redemption = (
        Redemption.objects.select_for_update()
        .filter(pk=redemption_id, program__organization_id=actor.organization_id)
        .first()
    )
    if redemption is None:
        raise Http404(_("Not found."))
    return redemption


def _audit(
    *, actor: Membership, redemption: Redemption, action: AuditAction, now: datetime
) -> None:
    """A decision on a request, in the audit log: the reason for a refusal stays out."""
    audit_record(
        organization=actor.organization,
        actor=actor,
        action=action,
        now=now,
        subject=redemption.membership,
        obj=redemption,
        object_label=redemption.reward.name,
        details={"points": redemption.points_cost, "value": str(redemption.monetary_value)},
    )


def _tell_requester(*, redemption: Redemption, now: datetime, compose_text: str) -> None:
    member = redemption.membership
    notify(
        user=member.user,
        organization=redemption.program.organization,
        url=reverse("rewards:my_requests") + f"?program={redemption.program.slug}",
        now=now,
        compose=lambda: Message(text=compose_text, subject=compose_text, body=compose_text),
        email=False,
    )


def redemption_approve(*, actor: Membership, redemption_id: int, now: datetime) -> Redemption:
    """Approve a request: its value is now spent from the budget."""
    with transaction.atomic():
        redemption = _decidable(actor, redemption_id)
        if redemption.status != RedemptionStatus.REQUESTED:
            raise ValidationError(_("Only a request awaiting approval can be approved."))
        program = Program.objects.select_for_update().get(pk=redemption.program_id)
        # The budget may have shrunk since the request (a cost recorded, a budget cut).
        _check_budget(program, redemption.monetary_value, excluding=redemption)
        redemption.status = RedemptionStatus.APPROVED
        redemption.decided_at = now
        redemption.decided_by = actor
        redemption.save(update_fields=["status", "decided_at", "decided_by"])
        _audit(actor=actor, redemption=redemption, action=AuditAction.REWARD_APPROVED, now=now)
        _tell_requester(
            redemption=redemption,
            now=now,
            compose_text=_("Your request for “%(reward)s” is approved.")
            % {"reward": redemption.reward.name},
        )
    return redemption


def redemption_refuse(
    *, actor: Membership, redemption_id: int, reason: str, now: datetime
) -> Redemption:
    """Refuse a request (awaiting approval or approved, not yet delivered): points come back."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the request is refused: the ambassador will read it."))
    with transaction.atomic():
        redemption = _decidable(actor, redemption_id)
        if redemption.status not in (RedemptionStatus.REQUESTED, RedemptionStatus.APPROVED):
            raise ValidationError(_("This request can no longer be refused."))
        _release(redemption)
        redemption.status = RedemptionStatus.REFUSED
        redemption.decided_at = now
        redemption.decided_by = actor
        redemption.refusal_reason = reason[:500]
        redemption.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
        _audit(actor=actor, redemption=redemption, action=AuditAction.REWARD_REFUSED, now=now)
        _tell_requester(
            redemption=redemption,
            now=now,
            compose_text=_(
                "Your request for “%(reward)s” is refused (%(reason)s); your %(points)d points "
                "are back."
            )
            % {
                "reward": redemption.reward.name,
                "reason": redemption.refusal_reason,
                "points": redemption.points_cost,
            },
        )
    return redemption


def _release(redemption: Redemption) -> None:
    reward = Reward.objects.select_for_update().get(pk=redemption.reward_id)
    if reward.stock is not None:
        reward.stock += 1
        reward.save(update_fields=["stock"])


def redemption_fulfil(*, actor: Membership, redemption_id: int, now: datetime) -> Redemption:
    with transaction.atomic():
        redemption = _decidable(actor, redemption_id)
        if redemption.status != RedemptionStatus.APPROVED:
            raise ValidationError(_("Only an approved request can be marked delivered."))
        redemption.status = RedemptionStatus.FULFILLED
        redemption.fulfilled_at = now
        redemption.save(update_fields=["status", "fulfilled_at"])
        _audit(actor=actor, redemption=redemption, action=AuditAction.REWARD_FULFILLED, now=now)
    return redemption


def redemption_cancel(*, actor: Membership, redemption_id: int, now: datetime) -> Redemption:
    """The requester withdraws a request not decided yet; points come back."""
    require_role(actor)
    with transaction.atomic():
        redemption = (
            Redemption.objects.select_for_update()
            .filter(pk=redemption_id, membership=actor)
            .first()
        )
        if redemption is None:
            raise Http404(_("Not found."))
        if redemption.status != RedemptionStatus.REQUESTED:
            raise ValidationError(_("Only a request awaiting approval can be cancelled."))
        _release(redemption)
        redemption.status = RedemptionStatus.CANCELLED
        redemption.decided_at = now
        redemption.save(update_fields=["status", "decided_at"])
    return redemption
