"""``ambassade load_starter_modules --org SLUG``: the starter training modules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ambassade.accounts.models import Language, Organization
from ambassade.training.starter import StarterError, starter_modules_load


class Command(BaseCommand):
    help = "Load the starter training modules (French and English) into an organization."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument(
            "--language",
            action="append",
            choices=Language.values,
            help="Only this language (repeat for several); both by default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {options['org']!r}.")
        languages = tuple(options["language"]) if options["language"] else None
        try:
            result = starter_modules_load(
                organization=organization, now=timezone.now(), languages=languages
            )
        except StarterError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{organization.name}: {result.created} module(s) created, "
            f"{result.skipped} already there."
        )
