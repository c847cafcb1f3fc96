"""The ambassador's pages: today's feed, sharing an item (now or later), their activity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ambassade.accounts.models import Network, Role, SocialAccount
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.content.models import ContentItem
from ambassade.sharing.compliance import ShareTooSoon, share_rules
from ambassade.sharing.forms import (
    DATETIME_LOCAL_FORMAT,
    FeedFilterForm,
    MonthForm,
    ScheduleForm,
    ShareForm,
)
from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share
from ambassade.sharing.networks import intent_for, text_budget
from ambassade.sharing.selectors import (
    activity_for_month,
    activity_months,
    feed_cards,
    feed_items,
    scheduled_shares_of,
)
from ambassade.sharing.services import (
    ShareOutcome,
    active_enrolments,
    networks_for,
    scheduled_share_cancel,
    scheduled_share_create,
    share_create,
    share_outcome,
    share_program,
)

FEED_PAGE_SIZE = 12


@require_safe
@org_view()
def feed(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    if not membership.has_role(Role.AMBASSADOR):
        # Curators and managers land on their own main page rather than a refusal.
        if membership.is_curator:
            return redirect("content:item_list")
        if membership.is_manager:
            return redirect("programs:program_list")
        raise PermissionDenied(_("Your role does not allow this page."))
    filter_form = FeedFilterForm(request.GET or None)
    enrolments = active_enrolments(membership)
    filters = filter_form.filters()
    items = feed_items(membership=membership, now=timezone.now(), enrolments=enrolments, **filters)
    page = Paginator(items, FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/feed.html",
        {
            "filter_form": filter_form,
            "has_programs": bool(enrolments),
            "filtered": bool(filters),
            "page": page,
            "cards": feed_cards(membership=membership, items=page.object_list),
        },
    )


def _wants_json(request: OrgRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _network_options(accounts: list[SocialAccount]) -> list[dict[str, Any]]:
    """What the page and its script need to know about each network offered."""
    options = []
    for network in Network:
        if not any(a.network == network.value for a in accounts):
            continue
        intent = intent_for(network.value)
        options.append(
            {
                "value": network.value,
                "label": network.label,
                "budget": text_budget(network.value),
                "copy": not intent.prefills_text,
                "link_in_text": intent.link_in_text,
            }
        )
    return options


def _error_messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("You are not allowed to share this item.")]


def _local_input(moment: datetime) -> str:
    """A moment as the value of a datetime-local field, in the person's time zone."""
    return timezone.localtime(moment).strftime(DATETIME_LOCAL_FORMAT)


def _open_scheduled(
    request: OrgRequest, item: ContentItem, raw: str | None
) -> ScheduledShare | None:
    """The person's planned share of this item that the page carries out, if any."""
    if not raw or not raw.isdigit():
        return None
    return ScheduledShare.objects.filter(
        pk=int(raw),
        organization=request.organization,
        membership=request.membership,
        item=item,
        status__in=[ScheduledStatus.PENDING, ScheduledStatus.REMINDED],
    ).first()


def _add_errors(form: ShareForm | ScheduleForm, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in _error_messages(error):
        form.add_error(None, message)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(Role.AMBASSADOR)
def share(request: OrgRequest, pk: int) -> HttpResponse:
    membership = request.membership
    now = timezone.now()
    item: ContentItem = get_scoped_or_404(
        ContentItem.objects.live(now), request.organization, pk=pk
    )
    program = share_program(membership=membership, item=item)
    accounts = networks_for(membership=membership, program=program) if program else []
    posted = request.method == "POST"
    scheduled = _open_scheduled(
        request, item, request.POST.get("scheduled") if posted else request.GET.get("scheduled")
    )
    initial: dict[str, Any] = {}
    if scheduled is not None:
        initial = {
            "network": scheduled.network,
            "commentary": scheduled.commentary,
            "social_account": scheduled.social_account_id,
        }
    form = ShareForm(request.POST if posted else None, accounts=accounts, initial=initial)
    wants_schedule = posted and request.POST.get("action") == "schedule"
    schedule_form = ScheduleForm(request.POST if wants_schedule else None)
    suggested_at: datetime | None = None
    if wants_schedule:
        valid = form.is_valid() and schedule_form.is_valid()
        if valid or program is None:
            data = form.cleaned_data if form.is_valid() else {}
            try:
                planned = scheduled_share_create(
                    actor=membership,
                    item=item,
                    network=data.get("network", ""),
                    commentary=data.get("commentary", ""),
                    social_account=data.get("social_account"),
                    run_at=schedule_form.cleaned_data["run_at"] if valid else now,
                    now=now,
                )
            except (ValidationError, PermissionDenied) as error:
                _add_errors(schedule_form, error)
            else:
                messages.success(
                    request,
                    _("Planned: we will remind you on %(when)s.")
                    % {"when": _format_when(planned.run_at)},
                )
                return redirect("sharing:scheduled_list")
    elif posted:
        valid = form.is_valid()
        # Outside any program the service refuses whatever was typed: let it say why.
        if valid or program is None:
            data = form.cleaned_data if valid else {}
            try:
                outcome = share_create(
                    actor=membership,
                    item=item,
                    network=data.get("network", ""),
                    commentary=data.get("commentary", ""),
                    social_account=data.get("social_account"),
                    scheduled=scheduled,
                    now=now,
                )
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, ShareTooSoon):
                    suggested_at = error.suggested_at
                for message in _error_messages(error):
                    form.add_error(None, message)
            else:
                if _wants_json(request):
                    return JsonResponse(_outcome_json(outcome))
                return redirect("sharing:shared", pk=outcome.share.pk)
        if _wants_json(request):
            payload: dict[str, Any] = {"errors": form.errors.get_json_data()}
            if suggested_at is not None:
                payload["suggested_at"] = _local_input(suggested_at)
            return JsonResponse(payload, status=400)
    if suggested_at is not None:
        schedule_form = ScheduleForm(initial={"run_at": _local_input(suggested_at)})
    suggestions = list(item.suggested_messages.all())
    # The own-words measure compares with every suggestion, the title and the summary.
    references = [s.text for s in suggestions] + [item.title, item.summary]
    return render(
        request,
        "sharing/share.html",
        {
            "item": item,
            "program": program,
            "form": form,
            "schedule_form": schedule_form,
            "schedule_open": wants_schedule or suggested_at is not None,
            "scheduled": scheduled,
            "rules": share_rules(membership=membership, now=now),
            "accounts": accounts,
            "several_accounts": len({a.network for a in accounts}) < len(accounts),
            "networks": _network_options(accounts),
            "suggestions": suggestions,
            "references": references,
            "allowed_labels": [
                label
                for value, label in Network.choices
                if program and value in program.allowed_networks
            ],
        },
    )


def _format_when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _outcome_json(outcome: ShareOutcome) -> dict[str, Any]:
    return {
        "share_id": outcome.share.pk,
        "tracked_url": outcome.tracked_url,
        "intent_url": outcome.intent_url,
        "copy_to_clipboard": outcome.copy_to_clipboard,
        "network": outcome.share.network,
        "network_label": outcome.share.get_network_display(),
        "text": clipboard_text(outcome),
    }


def clipboard_text(outcome: ShareOutcome) -> str:
    return f"{outcome.share.commentary}\n\n{outcome.tracked_url}"


@require_safe
@org_view(Role.AMBASSADOR)
def shared(request: OrgRequest, pk: int) -> HttpResponse:
    """The result of a share: the personal link and the network's share page."""
    share_row: Share = get_scoped_or_404(
        Share.objects.select_related("item", "link", "social_account"),
        request.organization,
        pk=pk,
        membership=request.membership,
    )
    outcome = share_outcome(share=share_row)
    return render(
        request,
        "sharing/shared.html",
        {"outcome": outcome, "item": share_row.item, "text": clipboard_text(outcome)},
    )


@require_safe
@org_view(Role.AMBASSADOR)
def activity(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    tz = timezone.get_current_timezone()
    months = activity_months(membership=membership, today=timezone.localdate(), tz=tz)
    month_form = MonthForm(request.GET or None, months=months)
    month = month_form.selected()
    return render(
        request,
        "sharing/activity.html",
        {
            "month_form": month_form,
            "activity": activity_for_month(membership=membership, month=month, tz=tz),
        },
    )


@require_safe
@org_view(Role.AMBASSADOR)
def scheduled_list(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "sharing/scheduled_list.html",
        {"scheduled": scheduled_shares_of(membership=request.membership)},
    )


@require_POST
@org_view(Role.AMBASSADOR)
def scheduled_cancel(request: OrgRequest, pk: int) -> HttpResponse:
    try:
        scheduled_share_cancel(actor=request.membership, scheduled_id=pk, now=timezone.now())
    except PermissionDenied as error:
        raise Http404(_("Not found.")) from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The scheduled share is cancelled."))
    return redirect("sharing:scheduled_list")
