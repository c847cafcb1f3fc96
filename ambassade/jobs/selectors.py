from __future__ import annotations

from django.db.models import QuerySet

from ambassade.accounts.models import Organization
from ambassade.jobs.models import JobRun

RECENT_RUNS = 50


def job_run_list(*, organization: Organization, limit: int = RECENT_RUNS) -> QuerySet[JobRun]:
    """The organization's most recent job runs, newest first."""
    return JobRun.objects.filter(organization=organization).order_by("-created_at", "-id")[:limit]
