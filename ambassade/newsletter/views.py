"""Newsletter pages: the manager's drafts, preview and sending; the members' archive and
preferences; the token pages reached from e-mails (unsubscribe, clicks, opens)."""

from __future__ import annotations

import base64
import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.lib.security_headers import email_page_csp, framed_email_csp
from ambassade.newsletter import selectors, services
from ambassade.newsletter.forms import IssueForm, PreferencesForm, ScheduleForm, SettingsForm
from ambassade.newsletter.models import Issue, IssueStatus
from ambassade.newsletter.rendering import IssueRenderer
from ambassade.newsletter.tasks import issue_deliver_enqueue
from ambassade.newsletter.tokens import MailingList
from ambassade.programs.models import Program

# A transparent 1x1 GIF, for the (optional) open counter.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _issue(request: OrgRequest, pk: int) -> Issue:
    return get_scoped_or_404(
        Issue.objects.select_related("program", "organization"), request.organization, pk=pk
    )


def _program(request: OrgRequest, slug: str) -> Program:
    return get_scoped_or_404(Program.objects.all(), request.organization, slug=slug)


def _report(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- the manager's pages -------------------------------------------------------------------------


@require_safe
@org_view(Role.MANAGER)
def issue_list(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "newsletter/issue_list.html",
        {
            "issues": selectors.issues_of(organization=request.organization),
            "programs": selectors.programs_of(organization=request.organization),
        },
    )


@require_POST
@org_view(Role.MANAGER)
def issue_create(request: OrgRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    issue = services.issue_create(actor=request.membership, program=program, now=timezone.now())
    return redirect("newsletter:issue_detail", pk=issue.pk)


@require_http_methods(["GET", "POST"])
@org_view(Role.MANAGER)
def settings_edit(request: OrgRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    current = services.newsletter_settings_of(program)
    form = SettingsForm(
        request.POST or None,
        initial={
            "is_enabled": current.is_enabled,
            "day_of_month": current.day_of_month,
            "hour": current.hour,
            "auto_send": current.auto_send,
            "open_tracking": current.open_tracking,
            "tip": current.tip,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.newsletter_settings_update(
                actor=request.membership, program=program, **form.cleaned_data
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The newsletter settings have been saved."))
            return redirect("newsletter:issue_list")
    return render(request, "newsletter/settings.html", {"form": form, "program": program})


def _detail_context(request: OrgRequest, issue: Issue, form: IssueForm) -> dict[str, Any]:
    recipients = selectors.preview_recipients(issue=issue)
    return {
        "issue": issue,
        "form": form,
        "schedule_form": ScheduleForm(),
        "counts": selectors.delivery_counts(issue=issue),
        "failed": selectors.failed_deliveries(issue=issue),
        "clicks": selectors.section_clicks(issue=issue),
        "recipients": recipients,
        "preview_language": request.GET.get("lang") or request.LANGUAGE_CODE,
        "preview_recipient": request.GET.get("recipient")
        or (recipients[0].pk if recipients else ""),
    }


@require_http_methods(["GET", "POST"])
@org_view(Role.MANAGER)
def issue_detail(request: OrgRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    form = IssueForm(request.POST or None, issue=issue)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(
                actor=request.membership,
                issue=issue,
                now=timezone.now(),
                subject=form.cleaned_data["subject"],
                editorial=form.cleaned_data["editorial"],
                tip=form.cleaned_data["tip"],
                sections=form.sections(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("The newsletter has been saved."))
            return redirect("newsletter:issue_detail", pk=issue.pk)
    return render(request, "newsletter/issue_detail.html", _detail_context(request, issue, form))


@require_POST
@org_view(Role.MANAGER)
def issue_send(request: OrgRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    now = timezone.now()

    def enqueue() -> None:
        issue_deliver_enqueue(issue_id=issue.pk, now=now)

    try:
        queued = services.issue_send(
            actor=request.membership, issue=issue, now=now, on_commit=enqueue
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Sending to %(count)d ambassadors: follow it below.") % {"count": queued},
        )
    return redirect("newsletter:issue_detail", pk=issue.pk)


@require_POST
@org_view(Role.MANAGER)
def issue_schedule(request: OrgRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.issue_schedule(
                actor=request.membership,
                issue=issue,
                send_at=form.cleaned_data["send_at"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The newsletter is scheduled."))
    else:
        messages.error(request, _("Choose the date and time of sending."))
    return redirect("newsletter:issue_detail", pk=issue.pk)


@require_POST
@org_view(Role.MANAGER)
def issue_unschedule(request: OrgRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    try:
        services.issue_unschedule(actor=request.membership, issue=issue, now=timezone.now())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The newsletter is back to draft."))
    return redirect("newsletter:issue_detail", pk=issue.pk)


@require_safe
@xframe_options_sameorigin
@framed_email_csp
@org_view(Role.MANAGER)
def issue_preview(request: OrgRequest, pk: int) -> HttpResponse:
    """The e-mail as one recipient will get it, in the language asked (or theirs)."""
    issue = _issue(request, pk)
    recipient: Membership = request.membership
    raw = request.GET.get("recipient", "")
    if raw.isdigit():
        recipient = get_scoped_or_404(
            Membership.objects.select_related("user"), request.organization, pk=int(raw)
        )
    language = request.GET.get("lang", "")
    if language in {"fr", "en"}:
        # Previewing in another language than the person's: a copy, never saved.
        recipient = copy.copy(recipient)
        recipient.user = copy.copy(recipient.user)
        recipient.user.language = language
    rendered = IssueRenderer(issue, now=timezone.now()).render_one(recipient)
    if request.GET.get("format") == "text":
        return HttpResponse(rendered.text, content_type="text/plain; charset=utf-8")
    return HttpResponse(rendered.html)


# --- the members' pages ------------------------------------------------------------------------


@require_safe
@org_view()
def archive_list(request: OrgRequest) -> HttpResponse:
    issues = selectors.archive_of(organization=request.organization)
    return render(request, "newsletter/archive_list.html", {"issues": issues})


@require_safe
@email_page_csp
@org_view()
def issue_archive(request: OrgRequest, pk: int) -> HttpResponse:
    """The web version of a sent issue, with the reader's own figures."""
    issue = _issue(request, pk)
    if issue.status not in (IssueStatus.SENT, IssueStatus.SENDING):
        raise Http404(_("Not found."))
    rendered = IssueRenderer(issue, now=issue.send_started_at or timezone.now()).render_one(
        request.membership
    )
    return render(
        request,
        "newsletter/issue_archive.html",
        {"issue": issue, "subject": rendered.subject, "html": rendered.html},
    )


@require_http_methods(["GET", "POST"])
@org_view()
def preferences(request: OrgRequest) -> HttpResponse:
    current = services.preference_of(request.membership)
    form = PreferencesForm(
        request.POST or None, initial={"newsletter": current.newsletter, "digest": current.digest}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(
                actor=request.membership,
                newsletter=form.cleaned_data["newsletter"],
                digest=form.cleaned_data["digest"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Your e-mail preferences have been saved."))
            return redirect("newsletter:preferences")
    return render(request, "newsletter/preferences.html", {"form": form})


# --- reached from the e-mails, without logging in ----------------------------------------------


@csrf_exempt  # the signed token is the authority; mail clients POST without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST, from
    the button or a mail client's one-click (RFC 8058), unsubscribes."""
    try:
        found = services.unsubscribe_check(token=token)
    except ValidationError as exc:
        return render(
            request, "newsletter/unsubscribe.html", {"error": exc.messages[0]}, status=404
        )
    context = {
        "token": token,
        "organization": found.membership.organization,
        "list_label": MailingList(found.mailing_list).label,
        "done": False,
    }
    if request.method == "POST":
        services.unsubscribe(token=token, now=timezone.now())
        context["done"] = True
    return render(request, "newsletter/unsubscribe.html", context)


@require_safe
def click(request: HttpRequest, token: str) -> HttpResponse:
    """Count a click on a newsletter link (per issue and section) and go on to the page."""
    try:
        path = services.issue_click_record(token=token)
    except ValidationError as exc:
        raise Http404(_("Not found.")) from exc
    return HttpResponseRedirect(path)


@require_safe
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    services.issue_open_record(token=token)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response
