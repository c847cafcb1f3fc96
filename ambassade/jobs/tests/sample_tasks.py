"""Tasks for the job tests (importable by path, as a worker needs)."""

from __future__ import annotations

from django_tasks import task

from ambassade.jobs.services import job_run


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def tracked_failure(run_id: int) -> None:
    with job_run(name="Import", run_id=run_id) as progress:
        progress.set_total(3)
        progress.advance(message="first")
        raise ValueError("The source file is empty")
