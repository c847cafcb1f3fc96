"""What the demo generator's phases share: the organizations' specs and the plan so far."""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from ambassade.accounts.models import Membership, Organization, SocialAccount, User
from ambassade.demo import data, library, profiles
from ambassade.programs.models import EnrolmentStatus, Program, Wave

PARIS = "Europe/Paris"
CASABLANCA = "Africa/Casablanca"
AGENCY_NAME = "Agence Rivage"
AGENCY_DOMAIN = "rivage.example"
ITEMS_PER_DAY = 0.9


class DemoError(Exception):
    """The demo cannot be generated as asked."""


class Reporter(Protocol):
    """Where the generator tells how far it is, one phase after the other."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, done: int) -> None: ...

    def finish(self, detail: str) -> None: ...


class SilentReporter:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass

    def finish(self, detail: str) -> None:
        pass


@dataclass(frozen=True)
class DemoSizes:
    ambassadors: int = 40
    days: int = 90
    items: int | None = None

    def item_count(self) -> int:
        if self.items is not None:
            return self.items
        return max(2, round(self.days * ITEMS_PER_DAY))

    def check(self) -> None:
        if self.ambassadors < 2:
            raise DemoError("Il faut au moins 2 ambassadeurs (un par organisation).")
        if self.days < 7:
            raise DemoError("Il faut au moins 7 jours d'historique.")
        if self.item_count() < 2:
            raise DemoError("Il faut au moins 2 contenus (un par organisation).")


@dataclass(frozen=True)
class OrgSpec:
    name: str
    slug: str
    domain: str
    weight: float  # share of the ambassadors and of the content
    offices: tuple[tuple[str, str, int], ...]  # office, time zone, weight
    departments: Sequence[profiles.Department]
    company: Sequence[data.Entry]
    market: Sequence[data.Entry]
    jobs_prefix: str
    mission: tuple[str, str]  # in French, in English
    networks: tuple[str, ...]
    manager_name: str
    curator_name: str


VERDANE = OrgSpec(
    name="Verdane Énergie",
    slug="verdane-energie",
    domain="verdane.example",
    weight=0.7,
    offices=(("Paris", PARIS, 7), ("Casablanca", CASABLANCA, 3)),
    departments=profiles.VERDANE_DEPARTMENTS,
    company=library.VERDANE_COMPANY,
    market=library.VERDANE_MARKET,
    jobs_prefix="VE",
    mission=("la transition énergétique", "the energy transition"),
    networks=("linkedin", "x", "bluesky", "mastodon", "facebook", "whatsapp"),
    manager_name="Sophie Marchand",
    curator_name="Julien Roux",
)
CALDERA = OrgSpec(
    name="Maison Caldera",
    slug="maison-caldera",
    domain="caldera.example",
    weight=0.3,
    offices=(("Paris", PARIS, 1),),
    departments=profiles.CALDERA_DEPARTMENTS,
    company=library.CALDERA_COMPANY,
    market=library.CALDERA_MARKET,
    jobs_prefix="MC",
    mission=("l'hospitalité", "hospitality"),
    networks=("linkedin", "facebook", "threads", "x"),
    manager_name="Claire Fontaine",
    curator_name="Hugo Lemaire",
)
SPECS = (VERDANE, CALDERA)


@dataclass
class Ambassador:
    """One ambassador as planned: who they are, how active, where they can share."""

    user: User
    membership: Membership
    department: profiles.Department
    tier: str
    rate: float  # shares per day while active
    accounts: list[SocialAccount] = field(default_factory=list)
    status: str = EnrolmentStatus.ACTIVE
    wave: Wave | None = None
    invited_at: datetime | None = None
    joined_at: datetime | None = None
    left_at: datetime | None = None


@dataclass
class ItemPlan:
    """A content item as written, with what the share and click phases need to know."""

    pk: int
    title: str
    url: str
    summary: str
    family: str
    kind: str
    language: str
    hashtags: str
    status: str
    publish_at: datetime | None
    expires_at: datetime | None
    archived_at: datetime | None
    points: tuple[str, ...]
    suggestions: list[str]
    appeal: float


@dataclass
class OrgPlan:
    spec: OrgSpec
    organization: Organization
    manager: User
    curator: User
    ambassadors: list[Ambassador]
    program: Program | None = None
    items: list[ItemPlan] = field(default_factory=list)

    @property
    def the_program(self) -> Program:
        if self.program is None:
            raise DemoError(f"No program yet for {self.spec.name}.")
        return self.program


@dataclass
class Context:
    """The reference time, the random source and the sizes every phase works from."""

    rng: random.Random
    seed: int
    now: datetime
    sizes: DemoSizes
    reporter: Reporter

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(PARIS)).date()

    @property
    def window_start(self) -> datetime:
        return self.now - timedelta(days=self.sizes.days)


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "".join(c if c.isalnum() else "-" for c in plain.lower())
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.strip("-")


def weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def local_datetime(day: date, hour: float, tz: str) -> datetime:
    minutes = int(hour * 60)
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=ZoneInfo(tz))


def nice_round(value: float) -> Decimal:
    """Round to two significant digits, as people set targets (120, 6 000, 250 000)."""
    if value < 10:
        return Decimal(max(1, round(value)))
    magnitude = 10 ** (math.floor(math.log10(value)) - 1)
    return Decimal(int(round(value / magnitude) * magnitude))


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
