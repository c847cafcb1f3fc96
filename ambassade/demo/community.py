"""The demo's community phase: last months' breakfasts with their attendance, next
month's breakfasts in Paris and Casablanca and a tips exchange with their RSVPs,
and confirmed mentoring pairs with a few sessions."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ambassade.accounts.models import Membership
from ambassade.community.mentoring import pair_confirm, pair_suggestions
from ambassade.community.models import (
    Event,
    EventKind,
    MentoringSession,
    Rsvp,
    RsvpStatus,
    TipsDirection,
)
from ambassade.demo.plan import CASABLANCA, PARIS, Context, OrgPlan
from ambassade.programs.models import EnrolmentStatus

PLACES = {
    "Paris": ("Siège, salle Lumière (3e étage), 12 rue de la Paix, Paris", PARIS, 20),
    "Casablanca": ("Bureau de Casablanca, Twin Center, tour Ouest, 9e étage", CASABLANCA, 12),
}


def _first_thursday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _month(today: date, offset: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + offset
    return index // 12, index % 12 + 1


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def _event(plan: OrgPlan, manager: Membership | None, **fields: object) -> Event:
    return Event.objects.create(
        organization=plan.organization, program=plan.program, created_by=manager, **fields
    )


def _rsvps(
    rng: random.Random,
    ctx: Context,
    event: Event,
    people: list[Membership],
    share: float,
    past: bool,
) -> list[Rsvp]:
    rows: list[Rsvp] = []
    going = 0
    for membership in people:
        if rng.random() >= share:
            continue
        at = min(
            event.created_at + timedelta(hours=rng.uniform(2, 200)), ctx.now - timedelta(hours=1)
        )
        full = event.capacity is not None and going >= event.capacity
        status = RsvpStatus.WAITING if full else RsvpStatus.GOING
        going += status == RsvpStatus.GOING
        attended = (rng.random() < 0.85) if past and status == RsvpStatus.GOING else None
        rows.append(
            Rsvp(
                organization=event.organization,
                event=event,
                membership=membership,
                status=status,
                requested_at=at,
                updated_at=at,
                reminded_day_at=event.starts_at - timedelta(days=1) if past else None,
                reminded_hour_at=event.starts_at - timedelta(hours=1) if past else None,
                attended=attended,
                attendance_marked_at=event.ends_at + timedelta(hours=2)
                if attended is not None
                else None,
            )
        )
    rows.sort(key=lambda r: r.requested_at)
    return rows


def community_create(ctx: Context, plans: list[OrgPlan]) -> None:
    rng = random.Random(f"community-{ctx.seed}")
    ctx.reporter.start("Communauté", len(plans))
    events = rsvps = pairs = 0
    today = ctx.today
    for done, plan in enumerate(plans, start=1):
        manager = Membership.objects.filter(
            user=plan.manager, organization=plan.organization
        ).first()
        active = [a for a in plan.ambassadors if a.status == EnrolmentStatus.ACTIVE and a.joined_at]
        offices = sorted({a.membership.office or "Paris" for a in active} & set(PLACES)) or [
            "Paris"
        ]
        rows: list[Rsvp] = []
        for offset in (-2, -1, 1):
            year, month = _month(today, offset)
            day = _first_thursday(year, month)
            for office in offices:
                place, zone, capacity = PLACES[office]
                event = _event(
                    plan,
                    manager,
                    kind=EventKind.BREAKFAST,
                    title=f"Petit-déjeuner des ambassadeurs · {office}",
                    description=(
                        "Un café, des croissants et vos retours : ce qui marche sur vos réseaux, "
                        "les contenus à venir, vos idées pour le programme."
                    ),
                    starts_at=_at(day, 8, 30, zone),
                    ends_at=_at(day, 10, 0, zone),
                    time_zone=zone,
                    place=place,
                    capacity=capacity,
                    created_at=_at(day, 9, 0, zone) - timedelta(days=20),
                )
                events += 1
                people = [
                    a.membership for a in active if (a.membership.office or "Paris") == office
                ]
                rows += _rsvps(rng, ctx, event, people, 0.55, past=offset < 0)
        year, month = _month(today, 1)
        exchange_day = _first_thursday(year, month) + timedelta(days=13)
        exchange = _event(
            plan,
            manager,
            kind=EventKind.TIPS_EXCHANGE,
            direction=TipsDirection.JUNIORS_TO_SENIORS,
            title="Échange d'astuces : les juniors coachent les seniors",
            description=(
                "Threads, Bluesky, vidéos courtes : nos juniors montrent ce qui marche chez eux. "
                "Apportez votre téléphone."
            ),
            starts_at=_at(exchange_day, 12, 30, PARIS),
            ends_at=_at(exchange_day, 13, 30, PARIS),
            time_zone=PARIS,
            place=PLACES["Paris"][0],
            online_url="https://meet.jit.si/ambassade-echange-astuces",
            capacity=15,
            created_at=ctx.now - timedelta(days=3),
        )
        events += 1
        rows += _rsvps(rng, ctx, exchange, [a.membership for a in active], 0.3, past=False)
        Rsvp.objects.bulk_create(rows, batch_size=2000)
        rsvps += len(rows)
        if manager is not None:
            for suggestion in pair_suggestions(actor=manager, limit=3):
                pair = pair_confirm(
                    actor=manager,
                    junior_id=suggestion.junior.pk,
                    senior_id=suggestion.senior.pk,
                    now=ctx.now - timedelta(days=rng.uniform(20, 40)),
                )
                pairs += 1
                for weeks in (3, 1):
                    MentoringSession.objects.create(
                        pair=pair,
                        held_on=ctx.today - timedelta(weeks=weeks),
                        topic=rng.choice(
                            ("Bluesky en 10 minutes", "Un bon post LinkedIn", "Vidéos courtes")
                        ),
                        notes="Séance d'une demi-heure, prochaine dans deux semaines.",
                        recorded_by=manager,
                        created_at=ctx.now - timedelta(days=7 * weeks),
                    )
        ctx.reporter.advance(done)
    ctx.reporter.finish(f"{events} événements, {rsvps} inscriptions, {pairs} binômes de mentorat")
