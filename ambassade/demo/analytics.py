"""The demo's analytics: the manager's own LinkedIn rates, a few costs, then the roll-ups.

Runs last, once every share, click and conversion is written, so that the
dashboard opens on realistic figures. The other networks keep the default rates
(the dashboard says so). Draws nothing from the random source: the phases before
it stay as they were.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Max, Min

from ambassade.analytics.models import NetworkRate, RollupState
from ambassade.analytics.services import rollup_days
from ambassade.demo.plan import Context, OrgPlan
from ambassade.programs.models import ProgramCost
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion

# (label, amount, days before now)
COSTS = (
    ("Petit-déjeuner des ambassadeurs", Decimal("480.00"), 40),
    ("Atelier « bien écrire sur LinkedIn »", Decimal("1200.00"), 20),
)


def analytics_create(ctx: Context, plans: list[OrgPlan]) -> int:
    """Returns how many program days were rolled up."""
    ctx.reporter.start("Tableaux de bord", len(plans))
    today = ctx.now.date()
    for done, plan in enumerate(plans, start=1):
        program = plan.the_program
        NetworkRate.objects.update_or_create(
            program=program,
            network="linkedin",
            defaults={"cpm": Decimal("28.00"), "cpc": Decimal("4.50")},
        )
        ProgramCost.objects.bulk_create(
            ProgramCost(
                program=program,
                label=label,
                amount=amount,
                currency=program.budget_currency,
                spent_on=today - timedelta(days=days),
                created_at=ctx.now,
            )
            for label, amount, days in COSTS
        )
        ctx.reporter.advance(done)
    # Every day of every program, whatever the roll-up job read before (a flushed and
    # regenerated demo reuses ids on SQLite); then the job carries on from here.
    days = 0
    for plan in plans:
        program = plan.the_program
        first = Share.objects.filter(program=program).aggregate(first=Min("created_at"))["first"]
        start = (
            min(program.starts_on, first.date() - timedelta(days=1)) if first else program.starts_on
        )
        days += rollup_days(
            program=program,
            days=[start + timedelta(days=n) for n in range((today - start).days + 2)],
        )
    RollupState.objects.update_or_create(
        pk=1,
        defaults={
            "last_click_id": Click.objects.aggregate(top=Max("pk"))["top"] or 0,
            "last_share_id": Share.objects.aggregate(top=Max("pk"))["top"] or 0,
            "last_conversion_id": Conversion.objects.aggregate(top=Max("pk"))["top"] or 0,
            "last_run_at": ctx.now,
        },
    )
    ctx.reporter.finish(f"{days} jours de programme agrégés")
    return days
