"""Pages of mentoring: pairs and suggestions for the team, sessions for the pair."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.community import mentoring
from ambassade.community.forms import SessionForm
from ambassade.community.models import MentoringPair


def _labelled(pair: MentoringPair) -> list[str]:
    return mentoring.reason_labels(
        pair.reasons, pair.junior.user.full_name, pair.senior.user.full_name
    )


@require_safe
@org_view()
def mentoring_home(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    is_team = membership.has_role(Role.MANAGER)
    suggestions = mentoring.pair_suggestions(actor=membership) if is_team else []
    return render(
        request,
        "community/mentoring.html",
        {
            "is_team": is_team,
            "pairs": [(p, _labelled(p)) for p in mentoring.pairs_for(actor=membership)],
            "suggestions": [
                (
                    s,
                    mentoring.reason_labels(
                        s.reasons, s.junior.user.full_name, s.senior.user.full_name
                    ),
                )
                for s in suggestions
            ],
        },
    )


@require_POST
@org_view(Role.MANAGER)
def pair_confirm(request: OrgRequest) -> HttpResponse:
    raw_junior, raw_senior = request.POST.get("junior", ""), request.POST.get("senior", "")
    if not (raw_junior.isdigit() and raw_senior.isdigit()):
        messages.error(request, _("Choose a junior and a senior."))
        return redirect("community:mentoring")
    try:
        pair = mentoring.pair_confirm(
            actor=request.membership,
            junior_id=int(raw_junior),
            senior_id=int(raw_senior),
            now=timezone.now(),
        )
    except (ValidationError, PermissionDenied) as error:
        for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, message)
        return redirect("community:mentoring")
    messages.success(
        request,
        _("Pair confirmed: %(junior)s and %(senior)s.")
        % {"junior": pair.junior.user.full_name, "senior": pair.senior.user.full_name},
    )
    return redirect("community:pair_detail", pk=pair.pk)


@require_POST
@org_view(Role.MANAGER)
def pair_end(request: OrgRequest, pk: int) -> HttpResponse:
    pair = get_scoped_or_404(MentoringPair.objects.all(), request.organization, pk=pk)
    try:
        mentoring.pair_end(actor=request.membership, pair=pair, now=timezone.now())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The pair has ended."))
    return redirect("community:mentoring")


@require_http_methods(["GET", "HEAD", "POST"])
@org_view()
def pair_detail(request: OrgRequest, pk: int) -> HttpResponse:
    pair = get_scoped_or_404(
        MentoringPair.objects.select_related("junior__user", "senior__user"),
        request.organization,
        pk=pk,
    )
    if not mentoring.pair_member_or_manager(request.membership, pair):
        raise Http404(_("Not found."))
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            mentoring.session_record(
                actor=request.membership,
                pair=pair,
                held_on=form.cleaned_data["held_on"],
                topic=form.cleaned_data["topic"],
                notes=form.cleaned_data["notes"],
                now=timezone.now(),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("community:pair_detail", pk=pair.pk)
    return render(
        request,
        "community/pair_detail.html",
        {
            "pair": pair,
            "reasons": _labelled(pair),
            "sessions": list(pair.sessions.select_related("recorded_by__user")),
            "form": form,
            "is_team": request.membership.has_role(Role.MANAGER),
        },
    )
