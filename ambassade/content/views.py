"""Curation pages: the item list with the content mix, the editor, the item's shares."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.content import selectors, services
from ambassade.content.forms import (
    ItemFilterForm,
    ItemForm,
    SaveAction,
    SuggestedMessageFormSet,
    messages_from,
)
from ambassade.content.models import ContentItem, ItemStatus

ITEMS_PER_PAGE = 25


def _saved_message(action: SaveAction) -> str:
    return {
        SaveAction.DRAFT: _("Draft saved."),
        SaveAction.SUBMIT: _("Item submitted for approval."),
        SaveAction.PUBLISH: _("Item published."),
        SaveAction.SCHEDULE: _("Item scheduled."),
    }[action]


@org_view(Role.CURATOR)
def item_list(request: OrgRequest) -> HttpResponse:
    now = timezone.now()
    filter_form = ItemFilterForm(request.GET or None, organization=request.organization)
    items = selectors.item_list(organization=request.organization, filters=filter_form.filters())
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "content/item_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "querystring": query.urlencode(),
            "mix": selectors.content_mix(organization=request.organization, now=now),
            "now": now,
        },
    )


def _editor(request: OrgRequest, *, item: ContentItem | None, now: datetime) -> HttpResponse:
    organization = request.organization
    action = SaveAction.from_post(request.POST.get("action"))
    if request.method == "POST":
        form = ItemForm(request.POST, organization=organization, action=action, now=now)
        formset = SuggestedMessageFormSet(request.POST, prefix="messages")
        if form.is_valid() and formset.is_valid():
            data = form.item_data(messages_from(formset))
            try:
                if item is None:
                    item = services.item_create(actor=request.membership, data=data, now=now)
                else:
                    item = services.item_update(
                        actor=request.membership, item=item, data=data, now=now
                    )
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                messages.success(request, _saved_message(action))
                return redirect("content:item_detail", pk=item.pk)
    elif item is not None:
        form = ItemForm(
            initial=ItemForm.initial_for(item), organization=organization, action=action, now=now
        )
        formset = SuggestedMessageFormSet(
            initial=[{"network": m.network, "text": m.text} for m in item.suggested_messages.all()],
            prefix="messages",
        )
    else:
        form = ItemForm(
            initial={"language": request.user.language},
            organization=organization,
            action=action,
            now=now,
        )
        formset = SuggestedMessageFormSet(prefix="messages")
    return render(
        request,
        "content/item_form.html",
        {"form": form, "formset": formset, "item": item},
    )


def _attach_errors(form: ItemForm, exc: ValidationError) -> None:
    """Show a service's errors next to the matching fields, the others at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@org_view(Role.CURATOR)
def item_create(request: OrgRequest) -> HttpResponse:
    return _editor(request, item=None, now=timezone.now())


@org_view(Role.CURATOR)
def item_update(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(ContentItem.objects.all(), request.organization, pk=pk)
    return _editor(request, item=item, now=timezone.now())


@org_view(Role.CURATOR)
def item_detail(request: OrgRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    item = get_scoped_or_404(ContentItem.objects.all(), request.organization, pk=pk)
    return render(
        request,
        "content/item_detail.html",
        {
            "item": item,
            "programs": item.programs.order_by("name"),
            "waves": item.waves.select_related("program").order_by("program__name", "starts_on"),
            "suggested_messages": item.suggested_messages.all(),
            "shares": selectors.item_shares(item=item),
            "is_live": item.is_live(now),
            "is_scheduled": item.status == ItemStatus.PUBLISHED
            and item.publish_at is not None
            and item.publish_at > now,
        },
    )


@require_POST
@org_view(Role.CURATOR)
def item_publish(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(ContentItem.objects.all(), request.organization, pk=pk)
    try:
        services.item_publish(actor=request.membership, item=item, now=timezone.now())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Item published."))
    return redirect("content:item_detail", pk=item.pk)


@require_POST
@org_view(Role.CURATOR)
def item_archive(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(ContentItem.objects.all(), request.organization, pk=pk)
    services.item_archive(actor=request.membership, item=item, now=timezone.now())
    messages.success(request, _("Item archived: it no longer appears in the feed."))
    return redirect("content:item_detail", pk=item.pk)
