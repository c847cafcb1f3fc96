"""Feed use cases: manage sources, test them, poll them (one, or all those due)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import Language, Membership, Role
from ambassade.accounts.permissions import require_role
from ambassade.content.feeds.errors import FeedError
from ambassade.content.feeds.ingest import IngestOptions, IngestReport, Outcome, feed_entries_ingest
from ambassade.content.feeds.parse import ParsedFeed, parse_feed
from ambassade.content.images import items_image_attach
from ambassade.content.models import ContentItem, Family, FeedMode, FeedSource, Kind
from ambassade.content.previews import PreviewError, preview_fetch
from ambassade.jobs.models import JobRun
from ambassade.jobs.services import Progress, job_run_create
from ambassade.lib.fetch import FetchError, fetch
from ambassade.programs.models import Program

logger = logging.getLogger(__name__)

FEED_MAX_BYTES = 5_000_000
FEED_TIMEOUT = 10.0
FEED_MAX_REDIRECTS = 5
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# Page fetches for og:image are slow: at most this many per poll.
MAX_IMAGE_LOOKUPS = 20
POLL_JOB_NAME = "Feed polling"


@dataclass(frozen=True)
class FeedSourceData:
    name: str
    url: str
    programs: Sequence[Program]
    family: str = Family.MARKET
    kind: str = Kind.SECTOR_NEWS
    language: str = Language.FRENCH
    mode: str = FeedMode.PUBLISH
    max_items_per_day: int = 20
    poll_interval_minutes: int = 60
    is_active: bool = True


@dataclass(frozen=True)
class FeedRead:
    """A feed fetched (or found unchanged) and parsed."""

    url: str
    feed: ParsedFeed | None  # None when not modified
    etag: str = ""
    last_modified: str = ""


def _check_source(actor: Membership, source: FeedSource | None = None) -> None:
    require_role(actor, Role.CURATOR)
    if source is not None and source.organization_id != actor.organization_id:
        raise PermissionDenied(_("This feed belongs to another organization."))


def _validate(*, actor: Membership, data: FeedSourceData, source: FeedSource | None) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors.setdefault("name", []).append(_("Give the feed a name."))
    try:
        URLValidator(schemes=["http", "https"])(data.url.strip())
    except ValidationError:
        errors.setdefault("url", []).append(
            _("Enter a web address starting with http:// or https://.")
        )
    else:
        duplicate = FeedSource.objects.filter(
            organization_id=actor.organization_id, url=data.url.strip()
        )
        if source is not None:
            duplicate = duplicate.exclude(pk=source.pk)
        if duplicate.exists():
            errors.setdefault("url", []).append(_("This feed is already in your sources."))
    if data.family not in Family.values:
        errors.setdefault("family", []).append(_("Choose company or market content."))
    if data.kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of content."))
    if data.language not in Language.values:
        errors.setdefault("language", []).append(_("Choose a language."))
    if data.mode not in FeedMode.values:
        errors.setdefault("mode", []).append(_("Choose to publish or to propose."))
    if not 1 <= data.max_items_per_day <= 1000:
        errors.setdefault("max_items_per_day", []).append(_("Between 1 and 1000 items a day."))
    if not 5 <= data.poll_interval_minutes <= 7 * 24 * 60:
        errors.setdefault("poll_interval_minutes", []).append(_("Between 5 minutes and one week."))
    if not data.programs:
        errors.setdefault("programs", []).append(_("Choose at least one program."))
    for program in data.programs:
        if program.organization_id != actor.organization_id:
            raise PermissionDenied(_("This program belongs to another organization."))
    if errors:
        raise ValidationError(errors)


def _apply(source: FeedSource, data: FeedSourceData) -> None:
    source.name = data.name.strip()
    source.url = data.url.strip()
    source.family = data.family
    source.kind = data.kind
    source.language = data.language
    source.mode = data.mode
    source.max_items_per_day = data.max_items_per_day
    source.poll_interval_minutes = data.poll_interval_minutes
    source.is_active = data.is_active
    source.save()
    source.programs.set(data.programs)


def feed_source_create(*, actor: Membership, data: FeedSourceData, now: datetime) -> FeedSource:
    """Add a feed; it is polled at the scheduler's next tick."""
    _check_source(actor)
    _validate(actor=actor, data=data, source=None)
    with transaction.atomic():
        source = FeedSource(
            organization_id=actor.organization_id,
            created_by_id=actor.user_id,
            created_at=now,
            next_poll_at=now,
        )
        _apply(source, data)
    return source


def feed_source_update(
    *, actor: Membership, source: FeedSource, data: FeedSourceData, now: datetime
) -> FeedSource:
    _check_source(actor, source)
    _validate(actor=actor, data=data, source=source)
    with transaction.atomic():
        if data.url.strip() != source.url:
            # Another address: forget what the old one said, try it soon.
            source.etag = source.last_modified = ""
            source.consecutive_failures = 0
            source.last_error = source.last_error_code = source.last_warning = ""
            source.last_error_params = {}
            source.next_poll_at = now
        if data.is_active and not source.is_active:
            source.next_poll_at = now
        _apply(source, data)
    return source


def feed_source_delete(*, actor: Membership, source: FeedSource) -> None:
    """Remove a source; its items stay, and stay de-duplicated."""
    _check_source(actor, source)
    with transaction.atomic():
        source.delete()


def feed_read(
    location: str, *, etag: str = "", last_modified: str = "", allow_files: bool = False
) -> FeedRead:
    """Fetch and parse a feed (a local file when ``allow_files``). Raises FeedError/FetchError."""
    path = Path(location)
    if allow_files and not location.startswith(("http://", "https://")):
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise FeedError("file", detail=exc.strerror or str(exc)) from exc
        return FeedRead(url=path.resolve().as_uri(), feed=parse_feed(content))
    result = fetch(
        location,
        max_bytes=FEED_MAX_BYTES,
        timeout=FEED_TIMEOUT,
        max_redirects=FEED_MAX_REDIRECTS,
        etag=etag,
        last_modified=last_modified,
        accept=FEED_ACCEPT,
    )
    if result.not_modified:
        return FeedRead(
            url=result.url, feed=None, etag=result.etag, last_modified=result.last_modified
        )
    feed = parse_feed(
        result.content, url=result.url, content_type=result.headers.get("content-type", "")
    )
    return FeedRead(url=result.url, feed=feed, etag=result.etag, last_modified=result.last_modified)


def feed_source_test(
    *, actor: Membership, url: str, programs: Sequence[Program], now: datetime
) -> IngestReport:
    """Fetch and parse without saving: what a poll would create now. Raises FeedError/FetchError."""
    require_role(actor, Role.CURATOR)
    read = feed_read(url)
    assert read.feed is not None
    return feed_entries_ingest(
        organization=actor.organization,
        source=None,
        feed=read.feed,
        options=IngestOptions(
            family=Family.MARKET,
            kind=Kind.SECTOR_NEWS,
            language=Language.FRENCH,
            mode=FeedMode.PUBLISH,
            programs=programs,
        ),
        now=now,
        dry_run=True,
    )


def _record_failure(
    source: FeedSource, *, code: str, params: dict[str, object], detail: str, now: datetime
) -> None:
    source.consecutive_failures += 1
    source.last_error_code = code
    source.last_error_params = params
    source.last_error = detail[:2000]
    source.last_polled_at = now
    source.next_poll_at = now + source.backoff_delay(source.consecutive_failures)
    source.save(
        update_fields=[
            "consecutive_failures",
            "last_error_code",
            "last_error_params",
            "last_error",
            "last_polled_at",
            "next_poll_at",
        ]
    )


def feed_source_poll(*, source: FeedSource, now: datetime) -> IngestReport | None:
    """Poll one source and record how it went on it; never raises for a broken feed.

    Returns the report, or None when the feed could not be read (the error is on the source).
    """
    try:
        read = feed_read(source.url, etag=source.etag, last_modified=source.last_modified)
    except (FetchError, FeedError) as exc:
        _record_failure(source, code=exc.code, params=dict(exc.params), detail=str(exc), now=now)
        return None
    except Exception as exc:  # one broken feed never stops the others
        logger.exception("Feed source %s could not be polled", source.pk)
        _record_failure(
            source, code="internal", params={}, detail=f"{type(exc).__name__}: {exc}", now=now
        )
        return None
    if read.feed is None:
        report = IngestReport(not_modified=True)
    else:
        report = feed_entries_ingest(
            organization=source.organization,
            source=source,
            feed=read.feed,
            options=IngestOptions.from_source(source, now=now),
            now=now,
        )
    source.etag = read.etag[:500]
    source.last_modified = read.last_modified[:100]
    source.consecutive_failures = 0
    source.last_error = source.last_error_code = ""
    source.last_error_params = {}
    if not report.not_modified:
        source.last_warning = report.warning
    source.last_polled_at = source.last_success_at = now
    source.next_poll_at = now + source.poll_interval
    source.save(
        update_fields=[
            "etag",
            "last_modified",
            "consecutive_failures",
            "last_error",
            "last_error_code",
            "last_error_params",
            "last_warning",
            "last_polled_at",
            "last_success_at",
            "next_poll_at",
        ]
    )
    feed_items_fill_images(report=report, now=now)
    return report


def feed_items_fill_images(*, report: IngestReport, now: datetime) -> int:
    """Give new items without an image the og:image of their page; return how many got one."""
    filled = 0
    lookups = 0
    for entry in report.outcomes:
        if entry.outcome != Outcome.NEW or entry.item_id is None or entry.image_url:
            continue
        if lookups >= MAX_IMAGE_LOOKUPS:
            break
        lookups += 1
        try:
            preview = preview_fetch(entry.link)
        except PreviewError as exc:
            logger.info("No image for %s: %s", entry.link, exc)
            continue
        if preview.image_url:
            with transaction.atomic():
                ContentItem.objects.filter(pk=entry.item_id, image_url="").update(
                    image_url=preview.image_url[:2000]
                )
                items_image_attach(items=ContentItem.objects.filter(pk=entry.item_id), now=now)
            entry.image_url = preview.image_url
            filled += 1
    return filled


def feed_source_claim(*, source: FeedSource, now: datetime) -> bool:
    """Take a due source for one poller: a second claim of the same due time fails.

    The claim moves the next poll one interval ahead, so the source is not handed
    out again while its poll waits in the queue; the poll then sets the real time.
    """
    claimed = FeedSource.objects.filter(
        pk=source.pk, is_active=True, next_poll_at=source.next_poll_at, next_poll_at__lte=now
    ).update(next_poll_at=now + source.poll_interval)
    return claimed == 1


def feed_sources_claim_due(*, now: datetime) -> dict[int, list[int]]:
    """Claim every due source; return their ids by organization id."""
    claimed: dict[int, list[int]] = {}
    for source in FeedSource.objects.filter(is_active=True, next_poll_at__lte=now).order_by(
        "next_poll_at", "pk"
    ):
        if feed_source_claim(source=source, now=now):
            claimed.setdefault(source.organization_id, []).append(source.pk)
    return claimed


def feed_sources_poll(
    *, sources: Sequence[FeedSource], now: datetime, progress: Progress | None = None
) -> dict[int, IngestReport | None]:
    """Poll each source, one after the other; a broken one never stops the rest."""
    if progress is not None:
        progress.set_total(len(sources))
    reports: dict[int, IngestReport | None] = {}
    for source in sources:
        reports[source.pk] = feed_source_poll(source=source, now=now)
        if progress is not None:
            report = reports[source.pk]
            if report is None:
                note = _("%(name)s: failed") % {"name": source.name}
            else:
                note = _("%(name)s: %(count)d new") % {"name": source.name, "count": report.new}
            progress.advance(message=note)
    return reports


def _enqueue_poll(*, source_ids: list[int], run_id: int) -> None:
    from ambassade.content.feeds.tasks import feed_sources_poll_task

    feed_sources_poll_task.enqueue(source_ids=source_ids, run_id=run_id)


def feed_sources_poll_dispatch(*, now: datetime) -> list[JobRun]:
    """The periodic job: claim the due sources and enqueue one poll per organization."""
    runs: list[JobRun] = []
    for organization_id, source_ids in feed_sources_claim_due(now=now).items():
        with transaction.atomic():
            run = JobRun.objects.create(
                name=POLL_JOB_NAME, organization_id=organization_id, created_at=now
            )
            transaction.on_commit(partial(_enqueue_poll, source_ids=source_ids, run_id=run.pk))
        runs.append(run)
    return runs


def feed_source_poll_request(*, actor: Membership, source: FeedSource, now: datetime) -> JobRun:
    """Poll now: enqueue the source's poll; the run shows when it is done."""

    _check_source(actor, source)
    with transaction.atomic():
        run = job_run_create(
            name=POLL_JOB_NAME, organization=actor.organization, now=now, message=source.name
        )
        transaction.on_commit(partial(_enqueue_poll, source_ids=[source.pk], run_id=run.pk))
    return run
