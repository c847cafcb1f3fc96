"""The demo's gratification: points for everything the demo did, a catalog, requests, a challenge.

The points come from the real scoring job run over the generated shares,
clicks and conversions (so the demo shows exactly what production would
compute), then one scored click is reclassified as a bot and the job runs
again: the most active ambassador sees the visible correction in their ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count

from ambassade.accounts.models import Membership
from ambassade.demo.plan import Context, OrgPlan
from ambassade.programs.models import EnrolmentStatus, Program
from ambassade.rewards import redemptions
from ambassade.rewards.models import (
    Challenge,
    ChallengeMetric,
    ChallengeScope,
    CuratorPick,
    PointsEntry,
    Reward,
    RewardsProfile,
    Rule,
)
from ambassade.rewards.scoring import score_activity
from ambassade.rewards.selectors import spendable_points
from ambassade.rewards.services import points_rules_ensure
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click

# (name, description, points, monetary value, stock)
CATALOG: tuple[tuple[str, str, int, Decimal, int | None], ...] = (
    (
        "Un petit-déjeuner avec le comité de direction",
        "Un échange informel d'une heure avec l'équipe dirigeante, un vendredi matin.",
        150,
        Decimal("0"),
        8,
    ),
    (
        "Un bon d'achat de 30 € en librairie",
        "Valable dans toutes les librairies indépendantes partenaires.",
        200,
        Decimal("30"),
        None,
    ),
    (
        "Une journée de congé supplémentaire",
        "À poser avec l'accord de votre manager dans les trois mois.",
        400,
        Decimal("0"),
        4,
    ),
    (
        "Un billet pour une conférence de votre choix",
        "Une conférence professionnelle en France, jusqu'à 450 €.",
        700,
        Decimal("450"),
        3,
    ),
)


@dataclass
class RewardTotals:
    entries: int = 0
    corrections: int = 0
    badges: int = 0
    rewards: int = 0
    requests: int = 0


def _manager_membership(plan: OrgPlan) -> Membership:
    return Membership.objects.get(user=plan.manager, organization=plan.organization)


def _champion(program: Program) -> Membership | None:
    """The most active French-speaking ambassador (the demo's ambassador login)."""
    row = (
        Share.objects.filter(program=program, ambassador__language="fr")
        .values("membership_id")
        .annotate(shares=Count("id"))
        .order_by("-shares", "ambassador__email")
        .first()
    )
    return Membership.objects.get(pk=row["membership_id"]) if row else None


def _picks(ctx: Context, plan: OrgPlan, program: Program) -> None:
    curator = Membership.objects.get(user=plan.curator, organization=plan.organization)
    candidates = list(
        Share.objects.filter(program=program, own_words_ratio__gte=0.8)
        .order_by("created_at", "id")
        .values_list("pk", "created_at")
    )
    for pk, created_at in ctx.rng.sample(candidates, min(3, len(candidates))):
        CuratorPick.objects.get_or_create(
            share_id=pk,
            defaults={"picked_by": curator, "picked_at": created_at + timedelta(hours=20)},
        )


def _challenges(ctx: Context, program: Program) -> None:
    today = ctx.today
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    Challenge.objects.create(
        program=program,
        title="Le mois des candidatures",
        description="L'équipe dont les partages apportent le plus de points gagne un déjeuner.",
        metric=ChallengeMetric.POINTS,
        threshold=200,
        scope=ChallengeScope.DEPARTMENT,
        starts_on=last_month_end.replace(day=1),
        ends_on=last_month_end,
        created_at=ctx.now - timedelta(days=40),
    )
    Challenge.objects.create(
        program=program,
        title="Dix partages ce mois-ci",
        description="Partagez dix contenus avec votre propre analyse avant la fin du mois.",
        metric=ChallengeMetric.SHARES,
        threshold=10,
        scope=ChallengeScope.INDIVIDUAL,
        starts_on=month_start,
        ends_on=_month_end(today),
        created_at=ctx.now - timedelta(days=today.day - 1),
    )


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _catalog(ctx: Context, plan: OrgPlan, program: Program) -> list[Reward]:
    manager = _manager_membership(plan)
    return [
        redemptions.reward_save(
            actor=manager,
            program=program,
            values={
                "name": name,
                "description": description,
                "points_cost": cost,
                "monetary_value": value,
                "stock": stock,
            },
            now=ctx.now - timedelta(days=60),
        )
        for name, description, cost, value, stock in CATALOG
    ]


def _requests(
    ctx: Context,
    plan: OrgPlan,
    program: Program,
    catalog: list[Reward],
    champion: Membership | None,
) -> int:
    """A few requests in each state, from the ambassadors who can afford them."""
    manager = _manager_membership(plan)
    enrolled = list(
        Membership.objects.filter(
            enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE
        ).order_by("pk")
    )
    by_points = sorted(
        ((spendable_points(membership=m, program=program), m.pk, m) for m in enrolled),
        reverse=True,
    )
    # The champion keeps their points for the walk-through: they request live.
    people = [m for _points, _pk, m in by_points if champion is None or m.pk != champion.pk]
    outcomes = ("fulfilled", "approved", "refused", "requested", "requested", "fulfilled")
    made = 0
    for index, (member, outcome) in enumerate(zip(people, outcomes, strict=False)):
        affordable = [
            r
            for r in catalog
            if r.points_cost <= spendable_points(membership=member, program=program)
        ]
        if not affordable:
            continue
        reward = affordable[(index + ctx.rng.randrange(len(affordable))) % len(affordable)]
        asked = ctx.now - timedelta(days=20 - 3 * index, hours=ctx.rng.randrange(8))
        try:
            redemption = redemptions.redemption_request(
                actor=member, reward_id=reward.pk, now=asked
            )
        except ValidationError:  # out of stock or budget: the demo skips that one
            continue
        made += 1
        decided = asked + timedelta(days=1)
        if outcome in ("approved", "fulfilled"):
            redemptions.redemption_approve(actor=manager, redemption_id=redemption.pk, now=decided)
        if outcome == "fulfilled":
            redemptions.redemption_fulfil(
                actor=manager, redemption_id=redemption.pk, now=decided + timedelta(days=5)
            )
        if outcome == "refused":
            redemptions.redemption_refuse(
                actor=manager,
                redemption_id=redemption.pk,
                reason="Plus de places ce trimestre, redemandez en janvier.",
                now=decided,
            )
    return made


def _reclassify_one_click(champion: Membership | None) -> None:
    """A scored click of the champion turns out to be a bot: the next run corrects it."""
    if champion is None:
        return
    entry = (
        PointsEntry.objects.filter(
            membership=champion, rule=Rule.CLICK, is_correction=False, click__isnull=False
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    if entry is not None and entry.click_id is not None:
        Click.objects.filter(pk=entry.click_id).update(
            is_bot=True, bot_reason="reclassé : adresse d'hébergeur (centre de données)"
        )


def rewards_create(ctx: Context, plans: list[OrgPlan]) -> RewardTotals:
    totals = RewardTotals()
    champions: list[Membership | None] = []
    for plan in plans:
        program = plan.the_program
        points_rules_ensure(program=program)
        _picks(ctx, plan, program)
        _challenges(ctx, program)
        champions.append(_champion(program))
    ctx.reporter.start("Points", 1)
    report = score_activity(now=ctx.now - timedelta(hours=1), batch=5000, until_done=True)
    totals.entries += report.entries
    totals.badges += report.badges
    for champion in champions:
        _reclassify_one_click(champion)
    correction_run = score_activity(now=ctx.now - timedelta(minutes=30))
    totals.corrections = correction_run.corrections
    ctx.reporter.advance(1)
    ctx.reporter.finish(
        f"{totals.entries} lignes de points, {totals.badges} badges, "
        f"{totals.corrections} correction(s)"
    )
    for plan, champion in zip(plans, champions, strict=True):
        program = plan.the_program
        catalog = _catalog(ctx, plan, program)
        totals.rewards += len(catalog)
        totals.requests += _requests(ctx, plan, program, catalog, champion)
        # Someone prefers to stay anonymous on the leaderboards.
        shy = [a.membership for a in plan.ambassadors if a.status == EnrolmentStatus.ACTIVE]
        if len(shy) > 3:
            RewardsProfile.objects.get_or_create(
                membership=ctx.rng.choice(shy[1:]), defaults={"anonymous": True}
            )
    return totals
