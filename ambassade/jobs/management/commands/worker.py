"""``ambassade worker``: run the task worker of the configured backend."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run background tasks: the database worker by default, a pool of RQ workers "
        "when REDIS_URL is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.AMBASSADE_WORKERS,
            help="Number of RQ workers (Redis backend only; default AMBASSADE_WORKERS).",
        )
        parser.add_argument("--burst", action="store_true", help="Run the queued tasks, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        queues = list(settings.TASKS["default"].get("QUEUES") or ["default"])
        if backend.startswith("django_tasks_rq"):
            if options["burst"]:
                call_command("rqworker", *queues, job_class="django_tasks_rq.Job", burst=True)
            else:
                call_command(
                    "rqworker-pool",
                    *queues,
                    job_class="django_tasks_rq.Job",
                    num_workers=max(1, options["workers"]),
                )
        elif backend.startswith("django_tasks_db"):
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=options["burst"],
                startup_delay=False,
                interval=1.0,
            )
        else:
            self.stdout.write(f"The task backend {backend} needs no worker.")
