"""The audit log page of organization admins, and its CSV export."""

from __future__ import annotations

import csv
import io
import json

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, org_view
from ambassade.audit import selectors
from ambassade.audit.forms import AuditFilterForm
from ambassade.audit.models import AuditEntry
from ambassade.audit.services import export_record

PAGE_SIZE = 50


def _entries(request: OrgRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry], str]:
    form = AuditFilterForm(
        request.GET or None, people=selectors.people_in_log(organization=request.organization)
    )
    filters = form.filters()
    query = request.GET.copy()
    query.pop("page", None)
    entries = selectors.audit_entries(
        organization=request.organization,
        action=filters.action,
        person=filters.person,
        start=filters.start,
        end=filters.end,
    )
    return form, entries, query.urlencode()


@org_view(Role.ADMIN)
def audit_log(request: OrgRequest) -> HttpResponse:
    form, entries, query = _entries(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "lines": selectors.log_lines(list(page.object_list)),
            "query": query,
        },
    )


def _safe_cell(value: str) -> str:
    """A spreadsheet never runs a cell: formulas are written as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@org_view(Role.ADMIN)
def audit_log_csv(request: OrgRequest) -> HttpResponse:
    _form, entries, _query = _entries(request)
    lines = selectors.log_lines(list(entries))
    export_record(actor=request.membership, table="audit_log", fmt="csv", now=timezone.now())
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM and semicolons: what spreadsheets expect from a French CSV
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("When"),
            _("Who"),
            _("Action"),
            _("Person concerned"),
            _("Object"),
            _("Description"),
            _("Details"),
        ]
    )
    for line in lines:
        entry = line.entry
        writer.writerow(
            [
                timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                _safe_cell(line.actor),
                entry.get_action_display(),
                _safe_cell(line.subject),
                _safe_cell(entry.object_label),
                _safe_cell(line.text),
                json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
            ]
        )
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="audit-log-{request.organization.slug}-{day}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
