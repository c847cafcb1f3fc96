"""Curation pages: the item list with the content mix, the editor, the item's shares;
link previews, ambassadors' proposals and the approval queue."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ambassade.accounts.models import ApprovalPolicy, Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.content import selectors, services
from ambassade.content.forms import (
    ItemFilterForm,
    ItemForm,
    ProposalForm,
    RejectForm,
    SaveAction,
    SuggestedMessageFormSet,
    messages_from,
)
from ambassade.content.images import content_image_status
from ambassade.content.models import ContentImage, ContentItem, ImageStatus, ItemStatus
from ambassade.content.models_images import image_id_from_key
from ambassade.content.previews import Preview, PreviewError, preview_fetch
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program

ITEMS_PER_PAGE = 25


def _saved_message(action: SaveAction, item: ContentItem) -> str:
    if action in (SaveAction.PUBLISH, SaveAction.SCHEDULE) and item.status == ItemStatus.PENDING:
        return _(
            "Your organization has every item approved: your item now waits for "
            "another curator or an admin."
        )
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
    mix = selectors.content_mix(organization=request.organization, now=now)
    return render(
        request,
        "content/item_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "querystring": query.urlencode(),
            "mix": mix,
            "mix_warnings": selectors.mix_warnings(
                organization=request.organization, now=now, mix=mix
            ),
            "monthly_mix": selectors.monthly_mix(organization=request.organization, now=now),
            "pending_count": ContentItem.objects.filter(
                organization=request.organization, status=ItemStatus.PENDING
            ).count(),
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
                messages.success(request, _saved_message(action, item))
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
        {
            "form": form,
            "formset": formset,
            "item": item,
            "needs_approval": services.needs_approval(actor=request.membership, item=item),
        },
    )


def _attach_errors(form: BaseForm, exc: ValidationError) -> None:
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
            "image": content_image_status(item=item),
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


# --- Images --------------------------------------------------------------------------

IMAGE_CACHE = "public, max-age=31536000, immutable"


@require_safe
def image(request: HttpRequest, key: str) -> HttpResponse:
    """A stored content image, from our origin. No login: the unguessable key is the
    permission, so that e-mails can show it; an image's bytes never change."""
    image_id = image_id_from_key(key)
    found = (
        ContentImage.objects.filter(pk=image_id, status=ImageStatus.STORED)
        .only("content_type", "digest")
        .first()
        if image_id is not None
        else None
    )
    if found is None:
        raise Http404(_("Not found."))
    etag = f'"{found.digest}"'
    response: HttpResponse
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        data = ContentImage.objects.filter(pk=found.pk).values_list("data", flat=True).get()
        response = HttpResponse(bytes(data), content_type=found.content_type)
        response["Content-Length"] = str(len(data))
        response["Content-Disposition"] = "inline"
    response["ETag"] = etag
    response["Cache-Control"] = IMAGE_CACHE
    # Whatever the bytes could be taken for, they are an image and nothing runs.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


# --- Link previews -------------------------------------------------------------------


@require_safe
@org_view(Role.CURATOR, Role.AMBASSADOR)
def preview(request: OrgRequest) -> HttpResponse:
    """JSON: the preview of the page at ``?url=``, for the forms to fill their blanks."""
    url = request.GET.get("url", "").strip()
    if not url:
        return JsonResponse({"error": _("Paste the address of a page first.")}, status=400)
    try:
        found = preview_fetch(url)
    except PreviewError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(found.as_dict())


# --- Proposals -----------------------------------------------------------------------


def _proposal_programs(request: OrgRequest) -> list[Program]:
    return [
        enrolment.program
        for enrolment in Enrolment.objects.filter(
            membership=request.membership,
            status=EnrolmentStatus.ACTIVE,
            program__organization=request.organization,
        )
        .select_related("program")
        .order_by("program__name")
    ]


def _with_preview(data: services.ProposalData) -> tuple[services.ProposalData, str]:
    """Fill the blanks from the page itself; the reason when it cannot be read."""
    if data.title.strip() and data.summary.strip() and data.image_url.strip():
        return data, ""
    try:
        found: Preview = preview_fetch(data.url)
    except PreviewError as exc:
        return data, str(exc)
    return (
        services.ProposalData(
            url=data.url,
            note=data.note,
            program=data.program,
            family=data.family,
            title=data.title.strip() or found.title,
            summary=data.summary.strip() or found.description,
            image_url=data.image_url.strip() or found.image_url,
            language=data.language.strip() or found.language,
            suggested_message=data.suggested_message,
        ),
        "",
    )


@org_view(Role.AMBASSADOR)
def proposal_create(request: OrgRequest) -> HttpResponse:
    programs = _proposal_programs(request)
    form = ProposalForm(request.POST if request.method == "POST" else None, programs=programs)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        data, unreadable = _with_preview(
            services.ProposalData(
                url=cleaned["url"],
                note=cleaned["note"],
                program=cleaned["program"],
                family=cleaned["family"],
                title=cleaned["title"],
                summary=cleaned["summary"],
                image_url=cleaned["image_url"],
                language=cleaned["language"],
                suggested_message=cleaned["suggested_message"],
            )
        )
        try:
            proposal = services.proposal_create(
                actor=request.membership, data=data, now=timezone.now()
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
            if unreadable:
                form.add_error(None, unreadable)
        else:
            if proposal.item.status == ItemStatus.PUBLISHED:
                messages.success(request, _("Thank you! Your proposal is published."))
            else:
                messages.success(
                    request, _("Thank you! Your proposal now waits for a curator's approval.")
                )
            return redirect("content:proposal_create")
    return render(
        request,
        "content/proposal_form.html",
        {
            "form": form,
            "has_programs": bool(programs),
            "proposals": selectors.proposals_of(membership=request.membership),
            "publishes_directly": request.organization.approval_policy == ApprovalPolicy.NONE,
        },
    )


# --- Approval ------------------------------------------------------------------------


@require_safe
@org_view(Role.CURATOR)
def approval_queue(request: OrgRequest) -> HttpResponse:
    items = list(selectors.approval_queue(organization=request.organization))
    return render(
        request,
        "content/approval_queue.html",
        {
            "items": items,
            "reject_form": RejectForm(),
            "everything": request.organization.approval_policy == ApprovalPolicy.EVERYTHING,
        },
    )


def _report(request: OrgRequest, error: ValidationError | PermissionDenied) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(error)]
    for text in texts:
        messages.error(request, text)


@require_POST
@org_view(Role.CURATOR)
def item_approve(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(ContentItem.objects.all(), request.organization, pk=pk)
    try:
        services.item_approve(actor=request.membership, item=item, now=timezone.now())
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(
            request, _("“%(title)s” is approved and published.") % {"title": item.title}
        )
    return redirect("content:approval_queue")


@require_POST
@org_view(Role.CURATOR)
def item_reject(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(ContentItem.objects.all(), request.organization, pk=pk)
    form = RejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.item_reject(actor=request.membership, item=item, note=note, now=timezone.now())
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(
            request, _("“%(title)s” is turned down; its proposer is told.") % {"title": item.title}
        )
    return redirect("content:approval_queue")
