"""``ambassade seed_demo``: load the French demo (an agency and two client organizations).

The demo's console output is in French, like the demo itself.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import Organization
from ambassade.demo.generator import (
    DEMO_PASSWORD,
    DemoError,
    DemoSizes,
    DemoSummary,
    demo_flush,
    demo_generate,
    demo_logins,
)

BAR_WIDTH = 30


def seconds(elapsed: float) -> str:
    return f"{elapsed:.1f} s".replace(".", ",")


class ProgressReporter:
    """One line per phase with its counts and time; a bar while it runs on a terminal."""

    def __init__(self, out: OutputWrapper, interactive: bool) -> None:
        self.out = out
        self.interactive = interactive
        self.phase = ""
        self.total = 0
        self.started = 0.0

    def start(self, phase: str, total: int) -> None:
        self.phase, self.total, self.started = phase, max(total, 1), time.perf_counter()
        self.advance(0)

    def advance(self, done: int) -> None:
        if not self.interactive:
            return
        filled = int(BAR_WIDTH * min(done, self.total) / self.total)
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        self.out.write(f"\r  {self.phase:<28} [{bar}] {done}/{self.total}", ending="")
        self.out.flush()

    def finish(self, detail: str) -> None:
        elapsed = time.perf_counter() - self.started
        if self.interactive:
            self.out.write("\r\033[K", ending="")
        self.out.write(f"  {self.phase:<28} {detail} ({seconds(elapsed)})")


class Command(BaseCommand):
    help = (
        "Charge la démo : l'agence Rivage, Verdane Énergie et Maison Caldera, leurs programmes, "
        "ambassadeurs, contenus, partages et clics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si une organisation existe déjà.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Supprimer d'abord les données de démonstration existantes.",
        )
        parser.add_argument("--seed", type=int, default=42, help="Graine aléatoire (42).")
        parser.add_argument(
            "--ambassadors", type=int, default=40, help="Nombre d'ambassadeurs (40)."
        )
        parser.add_argument("--days", type=int, default=90, help="Jours d'historique (90).")
        parser.add_argument(
            "--items",
            type=int,
            default=None,
            help="Nombre de contenus (par défaut 0,9 par jour d'historique).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["flush"]:
            deleted = demo_flush()
            self.stdout.write(f"Données de démonstration supprimées ({deleted} lignes).")
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("Des organisations existent déjà : la démo n'est pas rechargée.")
            self._logins()
            return
        sizes = DemoSizes(
            ambassadors=options["ambassadors"], days=options["days"], items=options["items"]
        )
        self.stdout.write(
            f"Génération de la démo (graine {options['seed']}, {sizes.ambassadors} ambassadeurs, "
            f"{sizes.days} jours, {sizes.item_count()} contenus)…"
        )
        started = time.perf_counter()
        interactive = self.stdout.isatty()
        try:
            summary = demo_generate(
                seed=options["seed"],
                now=timezone.now(),
                sizes=sizes,
                reporter=ProgressReporter(self.stdout, interactive),
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        self._summary(summary, time.perf_counter() - started)
        self._logins()

    def _summary(self, summary: DemoSummary, elapsed: float) -> None:
        human = summary.clicks - summary.bot_clicks
        lines = [
            ("Organisations", f"{summary.organizations}"),
            ("Programmes", f"{summary.programs}"),
            ("Ambassadeurs", f"{summary.ambassadors}"),
            (
                "Contenus",
                f"{summary.items} ({summary.company_percent:.0f} % entreprise, "
                f"{100 - summary.company_percent:.0f} % marché)",
            ),
            ("Partages", f"{summary.shares}"),
            (
                "Clics",
                f"{summary.clicks} ({human} humains, {summary.bot_percent:.0f} % de robots)",
            ),
            ("Conversions", f"{summary.conversions}"),
        ]
        self.stdout.write(self.style.SUCCESS(f"Démo prête en {seconds(elapsed)}."))
        for label, value in lines:
            self.stdout.write(f"  {label:<14} {value}")

    def _logins(self) -> None:
        logins = demo_logins()
        if not logins or not logins[0].email:
            return
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD}) :")
        width = max(len(login.role) for login in logins)
        email_width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.role:<{width}}  {login.email:<{email_width}}  {login.where}"
            )
        self.stdout.write(f"Application : {settings.AMBASSADE_BASE_URL}/")
        self.stdout.write(f"Administration : {settings.AMBASSADE_BASE_URL}{reverse('admin:index')}")
