"""The demo's people: the agency operator, each client's team and its ambassadors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from ambassade.accounts.models import (
    AccountKind,
    Language,
    Membership,
    Network,
    Organization,
    Seniority,
    SocialAccount,
    User,
)
from ambassade.demo import profiles
from ambassade.demo.plan import (
    AGENCY_DOMAIN,
    AGENCY_NAME,
    PARIS,
    SPECS,
    Ambassador,
    Context,
    OrgPlan,
    ascii_slug,
)

DEMO_PASSWORD = "ambassade-demo"
SUPERUSER_EMAIL = "admin@ambassade.example"
OPERATOR_NAME = "Camille Laurent"

# Activity tiers: share of the ambassadors, shares per day while enrolled (low, high).
TIERS: dict[str, tuple[float, float, float]] = {
    "champion": (0.10, 0.35, 0.60),
    "regular": (0.30, 0.08, 0.20),
    "occasional": (0.35, 0.015, 0.04),
    "silent": (0.25, 0.0, 0.0),
}
# The very active have grown bigger audiences.
AUDIENCE_BOOST = {"champion": 2.5, "regular": 1.2, "occasional": 1.0, "silent": 0.8}
# Network, how many people have an account there, median audience, professional account?
ACCOUNTS: tuple[tuple[str, float, int, bool], ...] = (
    (Network.LINKEDIN, 0.95, 400, True),
    (Network.X, 0.30, 250, True),
    (Network.FACEBOOK, 0.25, 300, False),
    (Network.BLUESKY, 0.14, 180, False),
    (Network.MASTODON, 0.08, 150, False),
    (Network.THREADS, 0.10, 200, False),
    (Network.WHATSAPP, 0.06, 80, False),
)


def tiers_for(count: int) -> list[str]:
    """Activity tiers for ``count`` ambassadors: a long tail, at least one champion."""
    tiers: list[str] = []
    for name in ("champion", "regular", "occasional"):
        share = TIERS[name][0]
        tiers += [name] * max(1 if name == "champion" else 0, round(share * count))
    tiers = tiers[:count]
    return tiers + ["silent"] * (count - len(tiers))


class People:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.password = make_password(DEMO_PASSWORD)
        self.emails: set[str] = set()
        self.users: list[User] = []
        self.memberships: list[Membership] = []
        self.accounts: list[SocialAccount] = []

    def user(
        self,
        full_name: str,
        domain: str,
        *,
        tz: str = PARIS,
        language: str = Language.FRENCH,
        joined: datetime | None = None,
    ) -> User:
        base = ascii_slug(full_name).replace("-", ".")
        email = f"{base}@{domain}"
        number = 1
        while email in self.emails:
            number += 1
            email = f"{base}{number}@{domain}"
        self.emails.add(email)
        user = User(
            email=email,
            full_name=full_name,
            password=self.password,
            time_zone=tz,
            language=language,
            date_joined=joined or self.ctx.window_start - timedelta(days=60),
        )
        self.users.append(user)
        return user

    def member(self, user: User, org: Organization, **fields: object) -> Membership:
        membership = Membership(user=user, organization=org, created_at=user.date_joined, **fields)
        self.memberships.append(membership)
        return membership

    def name(self, office: str) -> tuple[str, str]:
        """A full name and a language: Moroccan names in Casablanca, a few English speakers."""
        rng = self.rng
        if rng.random() < 0.05:
            first, last = rng.choice(profiles.FIRST_NAMES_EN), rng.choice(profiles.LAST_NAMES_EN)
            return f"{first} {last}", Language.ENGLISH
        if office == "Casablanca" and rng.random() < 0.85:
            first, last = rng.choice(profiles.FIRST_NAMES_MA), rng.choice(profiles.LAST_NAMES_MA)
        else:
            first, last = rng.choice(profiles.FIRST_NAMES_FR), rng.choice(profiles.LAST_NAMES_FR)
        language = Language.ENGLISH if rng.random() < 0.07 else Language.FRENCH
        return f"{first} {last}", language

    def social_accounts(self, amb: Ambassador, allowed: Sequence[str]) -> None:
        """One to three accounts, LinkedIn for almost everyone, log-normal audiences."""
        rng = self.rng
        handle = ascii_slug(amb.user.full_name)
        chosen = [spec for spec in ACCOUNTS if rng.random() < spec[1]]
        if not chosen:
            chosen = [ACCOUNTS[0]]
        # People mostly have accounts where their program lets them share.
        rng.shuffle(chosen)
        chosen.sort(key=lambda spec: (spec[0] not in allowed, spec[0] != Network.LINKEDIN))
        boost = AUDIENCE_BOOST[amb.tier]
        for network, _share, median, professional in chosen[: rng.choice((1, 2, 2, 3))]:
            audience = int(median * boost * math.exp(rng.gauss(0, 1.1)))
            kind = AccountKind.PROFESSIONAL if professional else AccountKind.PERSONAL
            instance = ""
            if network == Network.LINKEDIN:
                name = handle
            elif network == Network.BLUESKY:
                name = f"{handle.replace('-', '')}.bsky.social"
            elif network == Network.MASTODON:
                instance = rng.choice(profiles.MASTODON_INSTANCES)
                name = f"@{handle.replace('-', '_')}@{instance}"
            elif network == Network.WHATSAPP:
                # A number in the range reserved for fiction (ARCEP: 06 39 98).
                name = f"+33 6 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
                audience = min(audience, 250)
            else:
                name = f"@{handle.replace('-', '_')}"
                if network == Network.X and rng.random() < 0.4:
                    kind = AccountKind.PERSONAL
            account = SocialAccount(
                user=amb.user,
                network=network,
                handle=name,
                audience_size=max(audience, 5),
                kind=kind,
                mastodon_instance=instance,
                created_at=amb.membership.created_at,
            )
            amb.accounts.append(account)
            self.accounts.append(account)


def people_create(ctx: Context) -> list[OrgPlan]:
    """Organizations, users, memberships and social accounts."""
    rng = ctx.rng
    people = People(ctx)
    ctx.reporter.start("Organisations et personnes", ctx.sizes.ambassadors)
    operator = people.user(OPERATOR_NAME, AGENCY_DOMAIN)
    superuser = User(
        email=SUPERUSER_EMAIL,
        full_name="Administrateur Ambassade",
        password=people.password,
        is_staff=True,
        is_superuser=True,
        date_joined=operator.date_joined,
    )
    people.users.append(superuser)
    per_org = [round(ctx.sizes.ambassadors * spec.weight) for spec in SPECS]
    per_org[0] = max(1, min(per_org[0], ctx.sizes.ambassadors - 1))
    per_org[-1] = ctx.sizes.ambassadors - sum(per_org[:-1])
    plans: list[OrgPlan] = []
    done = 0
    for spec, count in zip(SPECS, per_org, strict=True):
        org = Organization.objects.create(
            name=spec.name,
            slug=spec.slug,
            time_zone=PARIS,
            created_at=ctx.window_start - timedelta(days=90),
        )
        people.member(operator, org, is_admin=True, department=AGENCY_NAME, office="Paris")
        manager = people.user(spec.manager_name, spec.domain)
        people.member(
            manager,
            org,
            is_manager=True,
            department="Communication",
            specialty="Communication interne",
            seniority=Seniority.SENIOR,
            office="Paris",
        )
        curator = people.user(spec.curator_name, spec.domain)
        people.member(
            curator,
            org,
            is_curator=True,
            department="Marketing",
            specialty="Contenu",
            seniority=Seniority.SENIOR,
            office="Paris",
        )
        ambassadors: list[Ambassador] = []
        office_weights = [office[2] for office in spec.offices]
        dept_weights = [d.weight for d in spec.departments]
        for tier in tiers_for(count):
            office, tz, _weight = rng.choices(spec.offices, office_weights)[0]
            full_name, language = people.name(office)
            department = rng.choices(spec.departments, dept_weights)[0]
            user = people.user(full_name, spec.domain, tz=tz, language=language)
            membership = people.member(
                user,
                org,
                is_ambassador=True,
                department=department.name,
                specialty=rng.choice(department.specialties),
                seniority=rng.choice((Seniority.JUNIOR, Seniority.SENIOR)),
                office=office,
            )
            _share, low, high = TIERS[tier]
            amb = Ambassador(user, membership, department, tier, rng.uniform(low, high))
            people.social_accounts(amb, spec.networks)
            ambassadors.append(amb)
            done += 1
            if done % 500 == 0:
                ctx.reporter.advance(done)
        plans.append(OrgPlan(spec, org, manager, curator, ambassadors))
    # bulk_create fills in the primary keys, which the memberships and accounts then use.
    User.objects.bulk_create(people.users, batch_size=2000)
    Membership.objects.bulk_create(people.memberships, batch_size=2000)
    SocialAccount.objects.bulk_create(people.accounts, batch_size=2000)
    ctx.reporter.advance(done)
    ctx.reporter.finish(
        f"{len(plans)} organisations, {len(people.users)} comptes, "
        f"{len(people.memberships)} rôles, {len(people.accounts)} comptes de réseaux sociaux"
    )
    return plans
