"""The demo data set: an agency running two client organizations' programs.

"Agence Rivage" runs the programs of "Verdane Énergie" (Paris and Casablanca) and
"Maison Caldera" (Paris). Everything is drawn from one ``random.Random(seed)``
relative to a reference ``now``: the same seed and the same ``now`` give the
same data. Rows are written with ``bulk_create`` so that ten thousand
ambassadors over a year stay quick. Conversions (applications, leads, sign-ups,
bookings) follow some of the human clicks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q

from ambassade.accounts.models import Membership, Organization, User
from ambassade.accounts.selectors import ERASED_EMAIL_PREFIX, ERASED_EMAIL_SUFFIX
from ambassade.content.models import ContentItem, Family
from ambassade.demo.activity import activity_create
from ambassade.demo.analytics import analytics_create
from ambassade.demo.community import community_create
from ambassade.demo.content import content_create
from ambassade.demo.conversions import conversions_create
from ambassade.demo.newsletter import newsletter_create
from ambassade.demo.people import DEMO_PASSWORD, SUPERUSER_EMAIL, people_create
from ambassade.demo.plan import (
    AGENCY_DOMAIN,
    AGENCY_NAME,
    SPECS,
    Context,
    DemoError,
    DemoSizes,
    Reporter,
    SilentReporter,
)
from ambassade.demo.programs import programs_create
from ambassade.demo.rewards import rewards_create
from ambassade.demo.training import NEW_AMBASSADOR_ROLE, new_ambassador_email, training_create
from ambassade.programs.models import Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion, TrackedLink

__all__ = [
    "DEMO_PASSWORD",
    "DemoError",
    "DemoSizes",
    "DemoSummary",
    "Login",
    "demo_exists",
    "demo_flush",
    "demo_generate",
    "demo_logins",
    "demo_summary",
]

DEMO_SLUGS = tuple(spec.slug for spec in SPECS)
DEMO_DOMAINS = (AGENCY_DOMAIN, *(spec.domain for spec in SPECS))


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    where: str


@dataclass(frozen=True)
class DemoSummary:
    organizations: int
    programs: int
    ambassadors: int
    items: int
    company_items: int
    shares: int
    clicks: int
    bot_clicks: int
    conversions: int = 0

    @property
    def company_percent(self) -> float:
        return 100 * self.company_items / self.items if self.items else 0.0

    @property
    def bot_percent(self) -> float:
        return 100 * self.bot_clicks / self.clicks if self.clicks else 0.0


def _demo_users() -> Q:
    query = Q(email=SUPERUSER_EMAIL)
    for domain in DEMO_DOMAINS:
        query |= Q(email__iendswith=f"@{domain}")
    return query


def demo_exists() -> bool:
    """Whether demo organizations or demo accounts are already in the database."""
    return (
        Organization.objects.filter(slug__in=DEMO_SLUGS).exists()
        or User.objects.filter(_demo_users()).exists()
    )


def demo_flush() -> int:
    """Delete the demo organizations, everything in them, and the demo accounts."""
    organizations = Organization.objects.filter(slug__in=DEMO_SLUGS)
    with transaction.atomic():
        # The biggest tables first, each in one statement, before the cascades.
        deleted = sum(
            queryset.filter(organization__in=organizations).delete()[0]
            for queryset in (
                Conversion.objects.all(),
                Click.objects.all(),
                TrackedLink.objects.all(),
                Share.objects.all(),
            )
        )
        deleted += organizations.delete()[0]
        deleted += User.objects.filter(_demo_users()).delete()[0]
        # People erased from the demo left anonymous accounts, now without a membership.
        deleted += User.objects.filter(
            email__startswith=ERASED_EMAIL_PREFIX,
            email__endswith=ERASED_EMAIL_SUFFIX,
            memberships__isnull=True,
        ).delete()[0]
    return deleted


def demo_summary() -> DemoSummary:
    """Counts over the demo organizations only."""
    organizations = Organization.objects.filter(slug__in=DEMO_SLUGS)
    items = ContentItem.objects.filter(organization__in=organizations).aggregate(
        total=Count("id"), company=Count("id", filter=Q(family=Family.COMPANY))
    )
    clicks = Click.objects.filter(organization__in=organizations).aggregate(
        total=Count("id"), bots=Count("id", filter=Q(is_bot=True))
    )
    return DemoSummary(
        organizations=organizations.count(),
        programs=Program.objects.filter(organization__in=organizations).count(),
        ambassadors=Membership.objects.filter(
            organization__in=organizations, is_ambassador=True
        ).count(),
        items=items["total"],
        company_items=items["company"],
        shares=Share.objects.filter(organization__in=organizations).count(),
        clicks=clicks["total"],
        bot_clicks=clicks["bots"],
        conversions=Conversion.objects.filter(organization__in=organizations).count(),
    )


def demo_logins() -> list[Login]:
    """One login per role, the most active French-speaking ambassador for the ambassador's."""
    first = SPECS[0]
    organizations = Organization.objects.filter(slug__in=DEMO_SLUGS)
    logins = [
        Login(
            "Opérateur de l'agence (admin des deux organisations)",
            Membership.objects.filter(organization__in=organizations, is_admin=True)
            .values_list("user__email", flat=True)
            .first()
            or "",
            f"{AGENCY_NAME} : {', '.join(spec.name for spec in SPECS)}",
        )
    ]
    for role, flag in (("Responsable du programme", "is_manager"), ("Curateur", "is_curator")):
        email = (
            Membership.objects.filter(organization__slug=first.slug, **{flag: True})
            .exclude(is_admin=True)
            .values_list("user__email", flat=True)
            .first()
        )
        logins.append(Login(role, email or "", first.name))
    # A French-speaking champion, so that the demo walk-through is in French.
    champion = (
        Share.objects.filter(organization__slug=first.slug, ambassador__language="fr")
        .values("ambassador__email")
        .annotate(shares=Count("id"))
        .order_by("-shares", "ambassador__email")
        .first()
    )
    if champion is not None:
        logins.append(Login("Ambassadeur (très actif)", champion["ambassador__email"], first.name))
    newcomer = new_ambassador_email()
    if newcomer:
        logins.append(Login(NEW_AMBASSADOR_ROLE, newcomer, first.name))
    logins.append(Login("Super-utilisateur (/admin/)", SUPERUSER_EMAIL, "Administration Django"))
    return logins


def demo_generate(
    *,
    seed: int,
    now: datetime,
    sizes: DemoSizes | None = None,
    reporter: Reporter | None = None,
) -> DemoSummary:
    """Write the whole demo in one transaction; refuse if demo data is already there."""
    sizes = sizes or DemoSizes()
    sizes.check()
    if demo_exists():
        raise DemoError(
            "Des données de démonstration existent déjà : relancez avec --flush pour les remplacer."
        )
    ctx = Context(
        rng=random.Random(seed),
        seed=seed,
        now=now,
        sizes=sizes,
        reporter=reporter or SilentReporter(),
    )
    with transaction.atomic():
        plans = people_create(ctx)
        programs_create(ctx, plans)
        content_create(ctx, plans)
        activity_create(ctx, plans)
        conversions_create(ctx, plans)
        training_create(ctx, plans)
        community_create(ctx, plans)
        rewards_create(ctx, plans)
        analytics_create(ctx, plans)
        newsletter_create(ctx, plans)
    return demo_summary()
