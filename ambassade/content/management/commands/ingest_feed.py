"""``ambassade ingest_feed SOURCE --org SLUG``: read a feed (URL or file) into content items."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ambassade.accounts.models import Language, Organization
from ambassade.content.feeds.errors import FeedError
from ambassade.content.feeds.ingest import IngestOptions, Outcome, feed_entries_ingest
from ambassade.content.feeds.services import feed_items_fill_images, feed_read
from ambassade.content.models import Family, FeedMode, Kind
from ambassade.lib.fetch import FetchError
from ambassade.programs.models import Program


class Command(BaseCommand):
    help = (
        "Read a feed (RSS, Atom or JSON Feed; a URL or a local file) into an organization's "
        "content, without duplicates. Exits 1 when nothing could be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Feed URL or local file path.")
        parser.add_argument("--org", required=True, help="Organization slug.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be created.")
        parser.add_argument(
            "--program",
            action="append",
            default=[],
            help="Program slug the items target (repeatable; default: all its programs).",
        )
        parser.add_argument(
            "--mode", choices=FeedMode.values, default=FeedMode.PUBLISH, help="publish or propose."
        )
        parser.add_argument("--family", choices=Family.values, default=Family.MARKET)
        parser.add_argument("--kind", choices=Kind.values, default=Kind.SECTOR_NEWS)
        parser.add_argument("--language", choices=Language.values, default="")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {options['org']!r}.")
        programs = Program.objects.filter(organization=organization)
        if options["program"]:
            programs = programs.filter(slug__in=options["program"])
            missing = set(options["program"]) - {p.slug for p in programs}
            if missing:
                raise CommandError(
                    f"No program {', '.join(sorted(missing))} in {organization.slug}."
                )
        program_list = list(programs.order_by("pk"))
        if not program_list:
            raise CommandError(f"{organization.slug} has no program to publish the items to.")
        try:
            read = feed_read(options["source"], allow_files=True)
        except (FetchError, FeedError) as exc:
            raise CommandError(f"Nothing could be read from {options['source']}: {exc}") from exc
        assert read.feed is not None
        language = options["language"] or read.feed.language
        report = feed_entries_ingest(
            organization=organization,
            source=None,
            feed=read.feed,
            options=IngestOptions(
                family=options["family"],
                kind=options["kind"],
                language=language if language in Language.values else Language.FRENCH,
                mode=options["mode"],
                programs=program_list,
            ),
            now=timezone.now(),
            dry_run=options["dry_run"],
        )
        if report.warning:
            self.stderr.write(f"warning: {report.warning} (what could be read is kept)")
        for entry in report.outcomes:
            line = f"{entry.outcome.value:<10} {entry.title or entry.link}"
            if entry.outcome == Outcome.ERROR and entry.detail:
                line += f" ({entry.detail})"
            self.stdout.write(line)
        if not options["dry_run"]:
            feed_items_fill_images(report=report, now=timezone.now())
        prefix = "dry run: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
