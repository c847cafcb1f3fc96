"""Curator pages for feed sources: list with status, editor, test, poll now, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.content.feeds import selectors, services
from ambassade.content.feeds.errors import FeedError
from ambassade.content.feeds.forms import FeedSourceForm
from ambassade.content.models import FeedSource
from ambassade.lib.fetch import FetchError


@org_view(Role.CURATOR)
def source_list(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "content/feeds/source_list.html",
        {"sources": selectors.feed_source_list(organization=request.organization)},
    )


def _editor(request: OrgRequest, *, source: FeedSource | None) -> HttpResponse:
    now = timezone.now()
    if request.method == "POST":
        form = FeedSourceForm(request.POST, organization=request.organization)
        if form.is_valid():
            try:
                if source is None:
                    source = services.feed_source_create(
                        actor=request.membership, data=form.source_data(), now=now
                    )
                    messages.success(request, _("Feed added: it will be read within a minute."))
                else:
                    source = services.feed_source_update(
                        actor=request.membership, source=source, data=form.source_data(), now=now
                    )
                    messages.success(request, _("Feed saved."))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("content:feeds:list")
    elif source is not None:
        form = FeedSourceForm(
            initial=FeedSourceForm.initial_for(source), organization=request.organization
        )
    else:
        form = FeedSourceForm(organization=request.organization)
    return render(request, "content/feeds/source_form.html", {"form": form, "source": source})


@org_view(Role.CURATOR)
def source_create(request: OrgRequest) -> HttpResponse:
    return _editor(request, source=None)


@org_view(Role.CURATOR)
def source_update(request: OrgRequest, pk: int) -> HttpResponse:
    source = get_scoped_or_404(FeedSource.objects.all(), request.organization, pk=pk)
    return _editor(request, source=source)


@org_view(Role.CURATOR)
def source_delete(request: OrgRequest, pk: int) -> HttpResponse:
    source = get_scoped_or_404(FeedSource.objects.all(), request.organization, pk=pk)
    if request.method == "POST":
        services.feed_source_delete(actor=request.membership, source=source)
        messages.success(request, _("Feed removed. The items it brought stay."))
        return redirect("content:feeds:list")
    return render(request, "content/feeds/source_confirm_delete.html", {"source": source})


@require_POST
@org_view(Role.CURATOR)
def source_test(request: OrgRequest, pk: int) -> HttpResponse:
    """Read the feed now without saving anything: what a poll would create."""
    source = get_scoped_or_404(FeedSource.objects.all(), request.organization, pk=pk)
    report = None
    error = ""
    try:
        report = services.feed_source_test(
            actor=request.membership,
            url=source.url,
            programs=list(source.programs.all()),
            now=timezone.now(),
        )
    except (FetchError, FeedError) as exc:
        error = str(exc)
    return render(
        request,
        "content/feeds/source_test.html",
        {"source": source, "report": report, "error": error},
    )


@require_POST
@org_view(Role.CURATOR)
def source_poll(request: OrgRequest, pk: int) -> HttpResponse:
    source = get_scoped_or_404(FeedSource.objects.all(), request.organization, pk=pk)
    services.feed_source_poll_request(actor=request.membership, source=source, now=timezone.now())
    messages.success(request, _("The feed will be read in a moment; follow it in the job list."))
    return redirect("jobs:run_list")
