"""The demo's curated items: about 20 % company and 80 % market, published day after day."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ambassade.content.models import ContentItem, Family, ItemStatus, Kind, SuggestedMessage
from ambassade.demo import data
from ambassade.demo.images import demo_images_create
from ambassade.demo.plan import PARIS, SPECS, Context, ItemPlan, OrgPlan, OrgSpec, ascii_slug

COMPANY_SHARE = 0.2
APPEAL = {
    Kind.JOB_OFFER: 1.5,
    Kind.EVENT: 1.0,
    Kind.AWARD: 0.9,
    Kind.COMPANY_NEWS: 1.0,
    Kind.WHITE_PAPER: 1.1,
    Kind.ANALYSIS: 1.0,
    Kind.SECTOR_NEWS: 0.9,
}
SECTIONS: dict[tuple[str, str], str] = {
    ("fr", Kind.WHITE_PAPER): "livres-blancs",
    ("fr", Kind.ANALYSIS): "analyses",
    ("fr", Kind.SECTOR_NEWS): "actualites",
    ("en", Kind.WHITE_PAPER): "reports",
    ("en", Kind.ANALYSIS): "analysis",
    ("en", Kind.SECTOR_NEWS): "news",
    ("fr", Kind.EVENT): "evenements",
    ("fr", Kind.AWARD): "actualites",
    ("fr", Kind.COMPANY_NEWS): "actualites",
}


class Library:
    """Draws entries of one family in a shuffled order; a second round gets new URLs."""

    def __init__(self, rng: random.Random, entries: Sequence[data.Entry]) -> None:
        self.entries = list(entries)
        rng.shuffle(self.entries)
        self.drawn = 0

    def draw(self) -> tuple[data.Entry, int]:
        entry = self.entries[self.drawn % len(self.entries)]
        round_ = self.drawn // len(self.entries)
        self.drawn += 1
        return entry, round_


@dataclass
class Slot:
    status: str
    family: str
    publish_at: datetime | None
    created_at: datetime
    archived_at: datetime | None = None


def _url(spec: OrgSpec, entry: data.Entry, title: str, round_: int, serial: int) -> str:
    slug = ascii_slug(title)[:80].strip("-")
    if round_:
        slug = f"{slug}-{round_ + 1}"
    if entry.kind == Kind.JOB_OFFER:
        return f"https://{entry.host}/offres/{slug}-{spec.jobs_prefix}{1000 + serial}"
    section = SECTIONS.get((entry.language, entry.kind), "articles")
    return f"https://{entry.host}/{section}/{slug}"


def suggestions_for(
    spec: OrgSpec, title: str, entry: data.Entry, rng: random.Random
) -> list[tuple[str, str]]:
    """One to three suggested messages: a generic one, sometimes LinkedIn's and X's."""
    texts = data.SUGGESTIONS[entry.language]
    family = "company" if entry.kind in {Kind.EVENT, Kind.AWARD, Kind.COMPANY_NEWS} else "market"
    if entry.kind == Kind.JOB_OFFER:
        family = "job_offer"
    values = {
        "title": title,
        "summary": entry.summary,
        "org": spec.name,
        "mission": spec.mission[0],
        "mission_en": spec.mission[1],
        "hashtags": " ".join(f"#{tag}" for tag in entry.hashtags.split()),
    }
    generic = texts.get(family) or texts["market"]
    messages = [("", rng.choice(generic).format(**values))]
    if rng.random() < 0.5:
        messages.append(("linkedin", rng.choice(texts["linkedin"]).format(**values)))
    if rng.random() < 0.4 and "x" in spec.networks:
        messages.append(("x", rng.choice(texts["x"]).format(**values)))
    return messages


def _slots(ctx: Context, count: int, company: int) -> list[Slot]:
    """When each item is published and in which state, spread over the window."""
    rng = ctx.rng
    now, days = ctx.now, ctx.sizes.days

    def few(share: float) -> int:
        """A few items in a given state, none in a very small library."""
        return max(1, round(share * count)) if count >= 10 else 0

    drafts, pending, scheduled, archived = few(0.03), few(0.03), few(0.04), few(0.04)
    past = count - drafts - pending - scheduled
    tz = ZoneInfo(PARIS)
    slots: list[Slot] = []
    for k in range(past):
        moment = ctx.window_start + timedelta(days=days * (k + rng.uniform(0.1, 0.9)) / past)
        day = moment.astimezone(tz).date()
        while day.weekday() >= 5:  # curators publish on weekdays
            day -= timedelta(days=1)
        hour = rng.uniform(8.5, 11) if rng.random() < 0.7 else rng.uniform(14, 17)
        minutes = int(hour * 60)
        publish_at = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=tz)
        if publish_at > now - timedelta(hours=2):
            publish_at = now - timedelta(hours=rng.uniform(2, 20))
        created_at = publish_at - timedelta(hours=rng.uniform(2, 72))
        slots.append(Slot(ItemStatus.PUBLISHED, "", publish_at, created_at))
    for index in rng.sample(range(max(1, past // 2)), min(archived, max(1, past // 2))):
        slot = slots[index]
        if slot.publish_at is None:
            continue
        slot.status = ItemStatus.ARCHIVED
        archived_at = slot.publish_at + timedelta(days=rng.uniform(10, 30))
        slot.archived_at = max(min(archived_at, now - timedelta(days=1)), slot.publish_at)
    for _ in range(scheduled):
        day = (now + timedelta(days=rng.uniform(1, 10))).astimezone(tz).date()
        publish_at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz)
        slots.append(
            Slot(ItemStatus.PUBLISHED, "", publish_at, now - timedelta(days=rng.uniform(0.5, 5)))
        )
    for status, number in ((ItemStatus.DRAFT, drafts), (ItemStatus.PENDING, pending)):
        for _ in range(number):
            slots.append(Slot(status, "", None, now - timedelta(days=rng.uniform(0.2, 6))))
    for index in rng.sample(range(count), company):
        slots[index].family = Family.COMPANY
    for slot in slots:
        slot.family = slot.family or Family.MARKET
    return slots


def content_create(ctx: Context, plans: list[OrgPlan]) -> None:
    """Curated items with their suggested messages, for every organization's program."""
    rng = ctx.rng
    total = ctx.sizes.item_count()
    ctx.reporter.start("Contenus", total)
    per_org = [max(1, round(total * spec.weight)) for spec in SPECS]
    per_org[-1] = max(1, total - sum(per_org[:-1]))
    year = str(ctx.today.year)
    created = 0
    company_total = 0
    for plan, count in zip(plans, per_org, strict=True):
        spec = plan.spec
        company = round(COMPANY_SHARE * count)
        company_total += company
        libraries: dict[str, Library] = {
            Family.COMPANY: Library(rng, spec.company),
            Family.MARKET: Library(rng, spec.market),
        }
        pictures = demo_images_create(
            organization=plan.organization, domain=spec.domain, now=ctx.now
        )
        items: list[ContentItem] = []
        extras: list[tuple[tuple[str, ...], list[tuple[str, str]], float, datetime | None]] = []
        for serial, slot in enumerate(_slots(ctx, count, company)):
            entry, round_ = libraries[slot.family].draw()
            title = entry.title.replace("{year}", year)
            expires_at = None
            if slot.publish_at is not None and entry.kind == Kind.JOB_OFFER:
                expires_at = slot.publish_at + timedelta(days=rng.uniform(30, 50))
            elif slot.publish_at is not None and entry.kind == Kind.EVENT:
                expires_at = slot.publish_at + timedelta(days=rng.uniform(7, 21))
            items.append(
                ContentItem(
                    organization=plan.organization,
                    family=slot.family,
                    kind=entry.kind,
                    title=title,
                    url=_url(spec, entry, title, round_, serial),
                    summary=entry.summary,
                    image_url=pictures[entry.kind].source_url,
                    image=pictures[entry.kind],
                    language=entry.language,
                    hashtags=entry.hashtags,
                    status=slot.status,
                    publish_at=slot.publish_at,
                    expires_at=expires_at,
                    created_by=plan.curator,
                    created_at=slot.created_at,
                    updated_at=slot.archived_at or slot.created_at,
                )
            )
            appeal = APPEAL.get(Kind(entry.kind), 1.0) * math.exp(rng.gauss(0, 0.35))
            extras.append(
                (entry.points, suggestions_for(spec, title, entry, rng), appeal, slot.archived_at)
            )
        ContentItem.objects.bulk_create(items, batch_size=1000)
        program = plan.the_program
        through = ContentItem.programs.through
        through.objects.bulk_create(
            [through(contentitem_id=item.pk, program_id=program.pk) for item in items],
            batch_size=1000,
        )
        messages = [
            SuggestedMessage(item=item, network=network, text=text, position=position)
            for item, (_points, suggestions, _appeal, _archived) in zip(items, extras, strict=True)
            for position, (network, text) in enumerate(suggestions)
        ]
        SuggestedMessage.objects.bulk_create(messages, batch_size=1000)
        for item, (points, suggestions, appeal, archived_at) in zip(items, extras, strict=True):
            plan.items.append(
                ItemPlan(
                    pk=item.pk,
                    title=item.title,
                    url=item.url,
                    summary=item.summary,
                    family=item.family,
                    kind=item.kind,
                    language=item.language,
                    hashtags=item.hashtags,
                    status=item.status,
                    publish_at=item.publish_at,
                    expires_at=item.expires_at,
                    archived_at=archived_at,
                    points=points,
                    suggestions=[text for _network, text in suggestions],
                    appeal=appeal,
                )
            )
        created += len(items)
        ctx.reporter.advance(created)
    percent = 100 * company_total / created if created else 0
    ctx.reporter.finish(f"{created} contenus, dont {percent:.0f} % d'entreprise")
