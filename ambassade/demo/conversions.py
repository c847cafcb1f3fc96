"""The demo's conversions: applications, leads, sign-ups and bookings after human clicks.

Each human click may convert, with a chance that depends on what was shared
(a job offer brings applications, a white paper leads, an event sign-ups), a
little later, within the attribution window and before "now". Most are reported
by the sites' servers (signed), some by the browser script; a few applications
are withdrawn afterwards. Bot clicks never convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from ambassade.demo.plan import Context, OrgPlan
from ambassade.tracking.models import Click, Conversion, ConversionKind, ConversionSource

BATCH = 5000
# (kind, chance per human click) by the kind of item shared.
RATES: dict[str, tuple[str, float]] = {
    "job_offer": (ConversionKind.JOB_APPLICATION, 0.08),
    "white_paper": (ConversionKind.LEAD, 0.06),
    "event": (ConversionKind.SIGN_UP, 0.08),
    "analysis": (ConversionKind.LEAD, 0.008),
    "sector_news": (ConversionKind.LEAD, 0.004),
    "company_news": (ConversionKind.LEAD, 0.006),
    "award": (ConversionKind.LEAD, 0.004),
}
# Maison Caldera's company news also brings bookings (a hotel group's own site).
BOOKING_CHANCE = 0.01
CLIENT_SHARE = 0.3
WITHDRAWN_SHARE = 0.04
PREFIX: dict[str, str] = {
    ConversionKind.JOB_APPLICATION: "CAND",
    ConversionKind.LEAD: "LEAD",
    ConversionKind.SIGN_UP: "INSC",
    ConversionKind.PURCHASE: "RESA",
}


@dataclass
class ConversionTotals:
    conversions: int = 0


def conversions_create(ctx: Context, plans: list[OrgPlan]) -> ConversionTotals:
    rng = ctx.rng
    totals = ConversionTotals()
    organizations = {plan.organization.pk: plan for plan in plans}
    clicks = (
        Click.objects.filter(organization_id__in=list(organizations), is_bot=False)
        .order_by("clicked_at", "click_id")
        .values_list(
            "pk", "organization_id", "clicked_at", "link__share_id", "link__share__item__kind"
        )
    )
    ctx.reporter.start("Conversions", clicks.count())
    pending: list[Conversion] = []
    numbers: dict[tuple[int, str], int] = {}
    done = 0
    for click_pk, organization_id, clicked_at, share_id, item_kind in clicks.iterator(
        chunk_size=BATCH
    ):
        done += 1
        plan = organizations[organization_id]
        kind, chance = RATES.get(item_kind, (ConversionKind.LEAD, 0.0))
        value: Decimal | None = None
        if rng.random() >= chance:
            if plan.spec.slug != "maison-caldera" or item_kind != "company_news":
                continue
            if rng.random() >= BOOKING_CHANCE:
                continue
            kind = ConversionKind.PURCHASE
            value = Decimal(rng.randrange(180, 900, 10))
        occurred_at = clicked_at + timedelta(minutes=rng.uniform(3, 60 * 24 * 3))
        if occurred_at >= ctx.now:
            continue
        number = numbers[(organization_id, kind)] = numbers.get((organization_id, kind), 0) + 1
        withdrawn_at = None
        if kind == ConversionKind.JOB_APPLICATION and rng.random() < WITHDRAWN_SHARE:
            withdrawn_at = min(occurred_at + timedelta(days=rng.uniform(1, 10)), ctx.now)
        pending.append(
            Conversion(
                organization_id=organization_id,
                click_id=click_pk,
                share_id=share_id,
                kind=kind,
                value=value,
                currency="EUR" if value is not None else "",
                external_id=f"{plan.spec.jobs_prefix}-{PREFIX[kind]}-{number:05d}",
                occurred_at=occurred_at,
                received_at=occurred_at + timedelta(seconds=rng.uniform(1, 30)),
                source=ConversionSource.CLIENT
                if rng.random() < CLIENT_SHARE
                else ConversionSource.SERVER,
                withdrawn_at=withdrawn_at,
            )
        )
        if len(pending) >= BATCH:
            Conversion.objects.bulk_create(pending, batch_size=BATCH)
            totals.conversions += len(pending)
            pending = []
            ctx.reporter.advance(done)
    if pending:
        Conversion.objects.bulk_create(pending, batch_size=BATCH)
        totals.conversions += len(pending)
    ctx.reporter.advance(done)
    ctx.reporter.finish(f"{totals.conversions} conversions")
    return totals
