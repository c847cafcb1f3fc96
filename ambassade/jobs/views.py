from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, org_view
from ambassade.jobs.selectors import job_run_list


@org_view(Role.CURATOR)
def run_list(request: OrgRequest) -> HttpResponse:
    """The organization's recent background jobs, with their progress and errors."""
    runs = list(job_run_list(organization=request.organization))
    return render(
        request,
        "jobs/run_list.html",
        {"runs": runs, "refresh": any(not run.is_finished for run in runs)},
    )
