"""Maintaining the roll-ups, purging old clicks, and the manager's KPI settings.

The roll-up job reads what is new since its last run (clicks, shares and
conversions by id, conversions withdrawn since then), adds the days flagged
dirty (clicks reclassified…) and the recent days whose raw counts no longer
match the roll-ups, and recomputes those days whole, then their months. Days
whose raw clicks were purged are final and never recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Network, Organization, Role
from ambassade.accounts.permissions import require_role
from ambassade.analytics.models import DirtyDay, Granularity, NetworkRate, Rollup, RollupState
from ambassade.analytics.rollup import daily_rows, day_start, month_rows
from ambassade.programs.models import Program, ProgramCost
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion
from ambassade.tracking.selectors import organization_tz

BATCH = 2000
PURGE_BATCH = 10_000
# Every run compares the raw counts of the last days with the roll-ups: clicks that
# arrived out of id order or were reclassified are caught there.
RECENT_DAYS = 2

Affected = dict[int, set[date]]


@dataclass(frozen=True)
class RollupReport:
    programs: int
    days: int


def _state() -> RollupState:
    state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
    return state


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _collect(
    affected: Affected,
    *,
    organizations: Iterable[Organization],
    clicks: Q | None,
    shares: Q | None,
    conversions: Q | None,
) -> None:
    """Add to ``affected`` the (program, local day) of the raw rows matching the filters."""
    for organization in organizations:
        tz = organization_tz(organization)
        if clicks is not None:
            for program_id, day in (
                Click.objects.filter(clicks, organization=organization)
                .annotate(day=TruncDate("clicked_at", tzinfo=tz))
                .values_list("link__share__program_id", "day")
                .distinct()
            ):
                affected[program_id].add(day)
        if shares is not None:
            for program_id, day in (
                Share.objects.filter(shares, organization=organization)
                .annotate(day=TruncDate("created_at", tzinfo=tz))
                .values_list("program_id", "day")
                .distinct()
            ):
                affected[program_id].add(day)
        if conversions is not None:
            for program_id, day in (
                Conversion.objects.filter(conversions, organization=organization)
                .annotate(day=TruncDate("occurred_at", tzinfo=tz))
                .values_list("share__program_id", "day")
                .distinct()
            ):
                affected[program_id].add(day)


def _organizations(ids: Iterable[int]) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=set(ids)))


def _mismatched_recent_days(affected: Affected, *, now: datetime, days: int) -> None:
    """Days of the last ``days`` whose raw click counts differ from the roll-ups."""
    since = now - timedelta(days=days + 1)
    org_ids = (
        Click.objects.filter(clicked_at__gte=since)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    for organization in _organizations(org_ids):
        tz = organization_tz(organization)
        first = (now.astimezone(tz) - timedelta(days=days)).date()
        raw = {
            (row["link__share__program_id"], row["day"]): (row["human"], row["bot"])
            for row in Click.objects.filter(
                organization=organization, clicked_at__gte=day_start(first, tz)
            )
            .annotate(day=TruncDate("clicked_at", tzinfo=tz))
            .values("link__share__program_id", "day")
            .annotate(
                human=Count("pk", filter=Q(is_bot=False)), bot=Count("pk", filter=Q(is_bot=True))
            )
            .order_by()
        }
        rolled = {
            (row["program_id"], row["period_on"]): (row["human_clicks"], row["bot_clicks"])
            for row in Rollup.objects.filter(
                organization=organization,
                granularity=Granularity.DAY,
                dimension="total",
                period_on__gte=first,
            ).values("program_id", "period_on", "human_clicks", "bot_clicks")
        }
        for key in set(raw) | set(rolled):
            if raw.get(key, (0, 0)) != rolled.get(key, (0, 0)):
                affected[key[0]].add(key[1])


def rollup_days(*, program: Program, days: Iterable[date]) -> int:
    """Recompute ``program``'s daily rows on ``days`` from raw data, then their months."""
    wanted = sorted(set(days))
    if not wanted:
        return 0
    rows = daily_rows(program=program, days=wanted)
    with transaction.atomic():
        Rollup.objects.filter(
            program=program, granularity=Granularity.DAY, period_on__in=wanted
        ).delete()
        Rollup.objects.bulk_create(rows, batch_size=BATCH)
        for month in sorted({_month_of(day) for day in wanted}):
            Rollup.objects.filter(
                program=program, granularity=Granularity.MONTH, period_on=month
            ).delete()
            Rollup.objects.bulk_create(month_rows(program=program, month=month), batch_size=BATCH)
    return len(wanted)


def rollups_update(*, now: datetime, reconcile_days: int = RECENT_DAYS) -> RollupReport:
    """Bring every program's roll-ups up to date with the raw data; safe to run at any time.

    Each program's days are rewritten in their own transaction, so that the
    redirector's writes are never held up for long; two runs at once only do
    the same work twice.
    """
    state, _created = RollupState.objects.get_or_create(pk=1)
    affected: Affected = defaultdict(set)
    top = {
        "click": Click.objects.aggregate(top=Max("pk"))["top"] or 0,
        "share": Share.objects.aggregate(top=Max("pk"))["top"] or 0,
        "conversion": Conversion.objects.aggregate(top=Max("pk"))["top"] or 0,
    }
    new_clicks = Q(pk__gt=state.last_click_id, pk__lte=top["click"])
    new_shares = Q(pk__gt=state.last_share_id, pk__lte=top["share"])
    new_conversions = Q(pk__gt=state.last_conversion_id, pk__lte=top["conversion"])
    if state.last_run_at is not None:
        # Withdrawn since the last run (a minute's overlap: clocks and transactions).
        new_conversions |= Q(withdrawn_at__gte=state.last_run_at - timedelta(minutes=1))
    org_ids: set[int] = set()
    for model, condition in (
        (Click, new_clicks),
        (Share, new_shares),
        (Conversion, new_conversions),
    ):
        org_ids |= set(
            model.objects.filter(condition).values_list("organization_id", flat=True).distinct()
        )
    _collect(
        affected,
        organizations=_organizations(org_ids),
        clicks=new_clicks,
        shares=new_shares,
        conversions=new_conversions,
    )
    dirty = list(DirtyDay.objects.values_list("pk", "program_id", "day_on"))
    for _pk, program_id, day in dirty:
        affected[program_id].add(day)
    if reconcile_days:
        _mismatched_recent_days(affected, now=now, days=reconcile_days)
    purged_before = state.clicks_purged_before
    programs = Program.objects.select_related("organization").in_bulk(list(affected))
    total_days = 0
    for program_id, days in sorted(affected.items()):
        program = programs.get(program_id)
        if program is None:
            continue
        tz = organization_tz(program.organization)
        open_days = [
            day for day in days if purged_before is None or day_start(day, tz) >= purged_before
        ]
        total_days += rollup_days(program=program, days=open_days)
    with transaction.atomic():
        DirtyDay.objects.filter(pk__in=[pk for pk, _p, _d in dirty]).delete()
        state = _state()
        state.last_click_id = max(state.last_click_id, top["click"])
        state.last_share_id = max(state.last_share_id, top["share"])
        state.last_conversion_id = max(state.last_conversion_id, top["conversion"])
        state.last_run_at = now
        state.save()
    return RollupReport(programs=len(affected), days=total_days)


def rollups_reconcile(*, now: datetime) -> RollupReport:
    """The nightly check: every day still backed by raw clicks is compared, and fixed."""
    return rollups_update(now=now, reconcile_days=settings.AMBASSADE_CLICK_RETENTION_DAYS)


def rollup_mark_dirty(*, program: Program, days: Iterable[date], now: datetime) -> None:
    """Ask the next roll-up run to recompute ``program`` on ``days``."""
    existing = set(
        DirtyDay.objects.filter(program=program, day_on__in=list(days)).values_list(
            "day_on", flat=True
        )
    )
    DirtyDay.objects.bulk_create(
        [DirtyDay(program=program, day_on=day, flagged_at=now) for day in set(days) - existing],
        ignore_conflicts=True,
    )


def clicks_reclassify(
    *,
    actor: Membership,
    click_ids: Iterable[int],
    is_bot: bool,
    reason: str,
    now: datetime,
) -> int:
    """Mark clicks of the actor's organization as bots (or people); their days are rolled up again."""
    require_role(actor, Role.ADMIN)
    ids = list(click_ids)
    tz = organization_tz(actor.organization)
    with transaction.atomic():
        clicks = Click.objects.filter(organization=actor.organization, pk__in=ids)
        found = list(clicks.values_list("link__share__program_id", "clicked_at"))
        if len(found) != len(set(ids)):
            raise ValidationError(_("Some of these clicks do not exist in your organization."))
        changed = clicks.update(is_bot=is_bot, bot_reason=reason[:100] if is_bot else "")
        by_program: dict[int, set[date]] = defaultdict(set)
        for program_id, clicked_at in found:
            by_program[program_id].add(clicked_at.astimezone(tz).date())
        for program in Program.objects.filter(pk__in=list(by_program)):
            rollup_mark_dirty(program=program, days=by_program[program.pk], now=now)
    return changed


def clicks_purge(*, now: datetime) -> int:
    """Delete raw clicks older than the retention period, once they are rolled up.

    Clicks that brought a conversion are kept with it, as its evidence. Returns
    how many clicks were deleted.
    """
    rollups_update(now=now, reconcile_days=0)
    cutoff = now - timedelta(days=settings.AMBASSADE_CLICK_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(
            Click.objects.filter(clicked_at__lt=cutoff, conversions__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not ids:
            break
        with transaction.atomic():
            deleted += Click.objects.filter(pk__in=ids).delete()[0]
    with transaction.atomic():
        state = _state()
        if state.clicks_purged_before is None or state.clicks_purged_before < cutoff:
            state.clicks_purged_before = cutoff
            state.save(update_fields=["clicks_purged_before"])
    return deleted


# --- the manager's settings -------------------------------------------------------------------


def _check_program(actor: Membership, program: Program) -> None:
    require_role(actor, Role.MANAGER)
    if program.organization_id != actor.organization_id:
        raise ValidationError(_("This program is not in your organization."))


def network_rates_set(
    *,
    actor: Membership,
    program: Program,
    rates: dict[str, tuple[Decimal | None, Decimal | None]],
) -> list[NetworkRate]:
    """Set the CPM and CPC of networks; a network given (None, None) goes back to the defaults."""
    _check_program(actor, program)
    saved: list[NetworkRate] = []
    with transaction.atomic():
        for network, (cpm, cpc) in rates.items():
            if network not in Network.values:
                raise ValidationError(_("Unknown network: %(network)s.") % {"network": network})
            if cpm is None and cpc is None:
                NetworkRate.objects.filter(program=program, network=network).delete()
                continue
            if cpm is None or cpc is None:
                raise ValidationError(
                    _("Give both the CPM and the CPC of %(network)s, or neither.")
                    % {"network": Network(network).label}
                )
            if cpm < 0 or cpc < 0:
                raise ValidationError(_("Rates cannot be negative."))
            rate, _created = NetworkRate.objects.update_or_create(
                program=program, network=network, defaults={"cpm": cpm, "cpc": cpc}
            )
            saved.append(rate)
    return saved


def program_cost_create(
    *,
    actor: Membership,
    program: Program,
    label: str,
    amount: Decimal,
    currency: str,
    spent_on: date,
    now: datetime,
) -> ProgramCost:
    _check_program(actor, program)
    label = label.strip()
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = _("Say what the money was spent on.")
    if amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if currency.upper() != program.budget_currency:
        errors["currency"] = _(
            "Costs are recorded in the program's currency (%(currency)s), so that they add up."
        ) % {"currency": program.budget_currency}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return ProgramCost.objects.create(
            program=program,
            label=label,
            amount=amount,
            currency=currency.upper(),
            spent_on=spent_on,
            created_at=now,
        )


def program_cost_delete(*, actor: Membership, cost: ProgramCost) -> None:
    _check_program(actor, cost.program)
    with transaction.atomic():
        cost.delete()
