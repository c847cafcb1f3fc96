"""The demo's newsletter: last month's issue sent, this month's draft waiting for the
manager, and the ambassadors' e-mail preferences.

Runs after every other phase. Draws from a random source of its own, so that the
phases before it stay as they were.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from ambassade.demo.plan import Context, OrgPlan
from ambassade.newsletter.models import (
    Delivery,
    DeliveryStatus,
    DigestFrequency,
    IssueClick,
    IssueStatus,
    NewsletterSettings,
    Preference,
    Section,
)
from ambassade.newsletter.services import issue_generate, recipients_of
from ambassade.tracking.selectors import organization_tz

LAST_EDITORIAL = (
    "Merci à toutes et à tous ! Le mois dernier, vos partages ont fait découvrir nos "
    "métiers et nos analyses à des milliers de personnes.\n\n"
    "Ce mois-ci, place aux contenus de marché : ajoutez quelques mots sur ce qu'ils "
    "changent dans votre quotidien, c'est ce que vos contacts lisent le plus."
)
DRAFT_EDITORIAL = (
    "Bonjour à toutes et à tous,\n\n"
    "Voici les chiffres du mois : merci pour votre énergie ! (Brouillon à relire avant l'envoi.)"
)
DIGESTS = [
    (DigestFrequency.WEEKLY, 70),
    (DigestFrequency.DAILY, 20),
    (DigestFrequency.OFF, 10),
]
CHUNK = 2000


def _first_of_previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _preferences(rng: random.Random, plan: OrgPlan, now: datetime) -> None:
    rows = []
    for ambassador in plan.ambassadors:
        digest = rng.choices([d for d, _w in DIGESTS], weights=[w for _d, w in DIGESTS])[0]
        rows.append(
            Preference(
                organization=plan.organization,
                membership=ambassador.membership,
                # About one in twenty-five has unsubscribed from the newsletter.
                newsletter=rng.random() >= 0.04,
                digest=digest,
                updated_at=now - timedelta(days=rng.randint(1, 60)),
            )
        )
    Preference.objects.bulk_create(rows, batch_size=CHUNK)


def _last_month(rng: random.Random, plan: OrgPlan, ctx: Context) -> int:
    """Last month's issue, sent on its first day at 9:00: one delivery per recipient."""
    program = plan.the_program
    tz = organization_tz(plan.organization)
    today = ctx.now.astimezone(tz).date()
    edition_on = _first_of_previous_month(today)
    sent_at = datetime.combine(edition_on, time(9), tzinfo=tz)
    issue = issue_generate(program=program, edition_on=edition_on, now=sent_at)
    issue.editorial = LAST_EDITORIAL
    issue.status = IssueStatus.SENT
    issue.send_started_at = sent_at
    issue.sent_at = sent_at + timedelta(minutes=2)
    issue.sent_by = plan.manager
    issue.save()
    recipients = recipients_of(issue)
    for first in range(0, len(recipients), CHUNK):
        Delivery.objects.bulk_create(
            [
                Delivery(
                    organization=plan.organization,
                    issue=issue,
                    membership_id=member_id,
                    email=email,
                    status=DeliveryStatus.SENT,
                    attempts=1,
                    claimed_at=sent_at,
                    sent_at=sent_at + timedelta(seconds=n // 50),
                    created_at=sent_at,
                )
                for n, (member_id, email) in enumerate(
                    recipients[first : first + CHUNK], start=first
                )
            ]
        )
    IssueClick.objects.bulk_create(
        IssueClick(issue=issue, section=section, clicks=max(1, round(len(recipients) * share)))
        for section, share in (
            (Section.TO_SHARE, 0.3 + rng.random() * 0.1),
            (Section.TOP_POSTS, 0.1 + rng.random() * 0.05),
            (Section.MY_FIGURES, 0.15 + rng.random() * 0.05),
        )
    )
    return len(recipients)


def newsletter_create(ctx: Context, plans: list[OrgPlan]) -> int:
    """Returns how many deliveries of last month's issues were recorded."""
    rng = random.Random(ctx.seed * 7 + 6)
    ctx.reporter.start("Lettre d'information", len(plans))
    delivered = 0
    for done, plan in enumerate(plans, start=1):
        program = plan.the_program
        NewsletterSettings.objects.create(
            organization=plan.organization, program=program, day_of_month=1, hour=9
        )
        _preferences(rng, plan, ctx.now)
        delivered += _last_month(rng, plan, ctx)
        today = ctx.now.astimezone(organization_tz(plan.organization)).date()
        draft = issue_generate(program=program, edition_on=today, now=ctx.now)
        draft.editorial = DRAFT_EDITORIAL
        draft.save()
        ctx.reporter.advance(done)
    ctx.reporter.finish(f"{delivered} lettres du mois dernier envoyées, un brouillon par programme")
    return delivered
