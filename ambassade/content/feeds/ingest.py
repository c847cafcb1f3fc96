"""Turn parsed feed entries into content items: de-duplicated, within the daily quota."""

from __future__ import annotations

import enum
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from ambassade.accounts.models import Organization
from ambassade.content.feeds.canonical import canonical_url, digest, strip_tracking
from ambassade.content.feeds.parse import ParsedEntry, ParsedFeed
from ambassade.content.images import items_image_attach
from ambassade.content.models import ContentItem, FeedEntry, FeedMode, FeedSource, ItemStatus
from ambassade.programs.models import Program

logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    ERROR = "error"
    OVER_LIMIT = "over daily limit"


@dataclass(frozen=True)
class IngestOptions:
    """What items read from a feed become: the source's settings, or the command's."""

    family: str
    kind: str
    language: str
    mode: str
    programs: Sequence[Program]
    max_new: int | None = None  # None: no daily limit

    @classmethod
    def from_source(cls, source: FeedSource, *, now: datetime) -> IngestOptions:
        return cls(
            family=source.family,
            kind=source.kind,
            language=source.language,
            mode=source.mode,
            programs=list(source.programs.all()),
            max_new=max(0, source.max_items_per_day - created_today(source=source, now=now)),
        )


@dataclass
class EntryOutcome:
    outcome: Outcome
    title: str
    link: str
    detail: str = ""
    item_id: int | None = None
    image_url: str = ""


@dataclass
class IngestReport:
    format: str = ""
    warning: str = ""
    not_modified: bool = False
    outcomes: list[EntryOutcome] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for entry in self.outcomes if entry.outcome == outcome)

    @property
    def new(self) -> int:
        return self.count(Outcome.NEW)

    @property
    def duplicates(self) -> int:
        return self.count(Outcome.DUPLICATE)

    @property
    def errors(self) -> int:
        return self.count(Outcome.ERROR)

    @property
    def over_limit(self) -> int:
        return self.count(Outcome.OVER_LIMIT)

    def summary(self) -> str:
        return f"{self.new} new, {self.duplicates} duplicates, {self.errors} errors"


def local_day_start(*, organization: Organization, now: datetime) -> datetime:
    zone = zoneinfo.ZoneInfo(organization.time_zone or "Europe/Paris")
    return datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)


def created_today(*, source: FeedSource, now: datetime) -> int:
    """Items this source created since midnight in the organization's time zone."""
    start = local_day_start(organization=source.organization, now=now)
    return FeedEntry.objects.filter(
        source=source, created_at__gte=start, item__isnull=False
    ).count()


@dataclass
class _Candidate:
    entry: ParsedEntry
    canonical: str
    url_hash: str
    guid_hash: str
    outcome: EntryOutcome


def _candidates(feed: ParsedFeed, report: IngestReport) -> list[_Candidate]:
    """Entries that may be new; errors and repeats inside the document are reported."""
    seen_guids: set[str] = set()
    seen_urls: set[str] = set()
    candidates: list[_Candidate] = []
    for entry in feed.entries:
        outcome = EntryOutcome(
            Outcome.ERROR, entry.title, entry.link, entry.error, image_url=entry.image_url
        )
        report.outcomes.append(outcome)
        if entry.error:
            continue
        canonical = canonical_url(entry.link)
        url_hash = digest(canonical)
        guid_hash = digest(entry.guid) if entry.guid else ""
        if url_hash in seen_urls or (guid_hash and guid_hash in seen_guids):
            outcome.outcome = Outcome.DUPLICATE
            continue
        seen_urls.add(url_hash)
        if guid_hash:
            seen_guids.add(guid_hash)
        candidates.append(_Candidate(entry, canonical, url_hash, guid_hash, outcome))
    return candidates


def feed_entries_ingest(
    *,
    organization: Organization,
    source: FeedSource | None,
    feed: ParsedFeed,
    options: IngestOptions,
    now: datetime,
    dry_run: bool = False,
) -> IngestReport:
    """Create an item for each entry never seen in the organization (by GUID or canonical URL)."""
    report = IngestReport(format=feed.format, warning=feed.warning)
    candidates = _candidates(feed, report)
    if not candidates:
        return report
    url_hashes = [c.url_hash for c in candidates]
    guid_hashes = [c.guid_hash for c in candidates if c.guid_hash]
    known_urls: set[str] = set()
    known_guids: set[str] = set()
    for known_guid, known_url in FeedEntry.objects.filter(
        Q(url_hash__in=url_hashes) | Q(guid_hash__in=guid_hashes), organization=organization
    ).values_list("guid_hash", "url_hash"):
        known_urls.add(known_url)
        if known_guid:
            known_guids.add(known_guid)
    fresh: list[_Candidate] = []
    for candidate in candidates:
        if candidate.url_hash in known_urls or (
            candidate.guid_hash and candidate.guid_hash in known_guids
        ):
            candidate.outcome.outcome = Outcome.DUPLICATE
        else:
            fresh.append(candidate)
    # The newest entries first when the daily quota cannot take them all.
    fresh.sort(key=lambda c: c.entry.published_at or now, reverse=True)
    if options.max_new is not None:
        for candidate in fresh[options.max_new :]:
            candidate.outcome.outcome = Outcome.OVER_LIMIT
        fresh = fresh[: options.max_new]
    for candidate in fresh:
        candidate.outcome.outcome = Outcome.NEW
    if dry_run or not fresh:
        return report
    try:
        with transaction.atomic():
            _create(organization, source, fresh, options, now)
    except IntegrityError:
        # Another poll created some of them meanwhile: one at a time, the rest are duplicates.
        for candidate in fresh:
            try:
                with transaction.atomic():
                    _create(organization, source, [candidate], options, now)
            except IntegrityError:
                candidate.outcome.outcome = Outcome.DUPLICATE
                candidate.outcome.item_id = None
    if source is not None:
        created = sum(1 for c in fresh if c.outcome.outcome == Outcome.NEW)
        if created:
            FeedSource.objects.filter(pk=source.pk).update(
                items_created=F("items_created") + created
            )
            source.items_created += created
    return report


def _create(
    organization: Organization,
    source: FeedSource | None,
    candidates: list[_Candidate],
    options: IngestOptions,
    now: datetime,
) -> None:
    publish = options.mode == FeedMode.PUBLISH
    items = ContentItem.objects.bulk_create(
        ContentItem(
            organization=organization,
            family=options.family,
            kind=options.kind,
            title=c.entry.title,
            url=strip_tracking(c.entry.link)[:2000],
            summary=c.entry.summary,
            image_url=c.entry.image_url,
            language=options.language,
            status=ItemStatus.PUBLISHED if publish else ItemStatus.PENDING,
            publish_at=now if publish else None,
            created_at=now,
            updated_at=now,
        )
        for c in candidates
    )
    through = ContentItem.programs.through
    through.objects.bulk_create(
        through(contentitem_id=item.pk, program_id=program.pk)
        for item in items
        for program in options.programs
    )
    FeedEntry.objects.bulk_create(
        FeedEntry(
            organization=organization,
            source=source,
            item=item,
            guid=c.entry.guid,
            guid_hash=c.guid_hash,
            canonical_url=c.canonical[:2000],
            url_hash=c.url_hash,
            published_at=c.entry.published_at,
            created_at=now,
        )
        for c, item in zip(candidates, items, strict=True)
    )
    for c, item in zip(candidates, items, strict=True):
        c.outcome.item_id = item.pk
    # Their images are fetched in the background, once per address.
    items_image_attach(items=[item for item in items if item.image_url], now=now)
