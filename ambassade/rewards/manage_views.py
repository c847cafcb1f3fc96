"""Managers' and curators' pages: rules, challenges, catalog, approvals, budget, picks, CSV."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, org_view
from ambassade.audit.services import export_record
from ambassade.rewards import redemptions, selectors, services
from ambassade.rewards.forms import (
    AdjustPointsForm,
    ChallengeForm,
    PointsRulesForm,
    RefuseForm,
    RewardForm,
)
from ambassade.rewards.models import Challenge, CuratorPick, Redemption, RedemptionStatus, Reward
from ambassade.rewards.views import (
    PERIOD_LABELS,
    _context,
    board_scope,
    no_program,
    program_for,
    with_program,
)
from ambassade.sharing.models import Share


def _form_errors(form: object, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)  # type: ignore[attr-defined]


@org_view(Role.MANAGER)
def rules(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    current = services.points_rules_ensure(program=program)
    form = PointsRulesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        # Re-read the row: the form wrote its fields onto the instance while validating.
        current.refresh_from_db()
        try:
            services.points_rules_update(
                actor=request.membership, program=program, values=values, now=timezone.now()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Rules saved; they apply to what is scored from now on."))
            return redirect(with_program("rewards:rules", program))
    return render(
        request, "rewards/rules.html", _context(request, program, form=form, rules=current)
    )


@org_view(Role.MANAGER)
def challenge_form(request: OrgRequest, pk: int | None = None) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    challenge = None
    if pk is not None:
        challenge = (
            Challenge.objects.filter(pk=pk, program__organization=request.organization)
            .select_related("program")
            .first()
        )
        if challenge is None:
            raise Http404(_("Not found."))
        program = challenge.program
    form = ChallengeForm(request.POST or None, instance=challenge)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if challenge is not None:
            challenge.refresh_from_db()
        try:
            services.challenge_save(
                actor=request.membership,
                program=program,
                values=values,
                now=timezone.now(),
                challenge=challenge,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Challenge saved."))
            return redirect(with_program("rewards:challenges", program))
    return render(
        request,
        "rewards/form.html",
        _context(
            request,
            program,
            form=form,
            title=_("Edit the challenge") if challenge else _("New challenge"),
            cancel_url=with_program("rewards:challenges", program),
        ),
    )


@org_view(Role.MANAGER)
def catalog_manage(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    return render(
        request,
        "rewards/catalog_manage.html",
        _context(request, program, rewards=Reward.objects.filter(program=program)),
    )


@org_view(Role.MANAGER)
def reward_form(request: OrgRequest, pk: int | None = None) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    reward = None
    if pk is not None:
        reward = (
            Reward.objects.filter(pk=pk, program__organization=request.organization)
            .select_related("program")
            .first()
        )
        if reward is None:
            raise Http404(_("Not found."))
        program = reward.program
    form = RewardForm(request.POST or None, instance=reward)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if reward is not None:
            reward.refresh_from_db()
        try:
            redemptions.reward_save(
                actor=request.membership,
                program=program,
                values=values,
                now=timezone.now(),
                reward=reward,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Reward saved."))
            return redirect(with_program("rewards:catalog_manage", program))
    return render(
        request,
        "rewards/form.html",
        _context(
            request,
            program,
            form=form,
            title=_("Edit the reward") if reward else _("New reward"),
            cancel_url=with_program("rewards:catalog_manage", program),
        ),
    )


@org_view(Role.MANAGER)
def approvals(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    queryset = Redemption.objects.filter(program=program).select_related(
        "reward", "membership__user", "decided_by__user"
    )
    return render(
        request,
        "rewards/approvals.html",
        _context(
            request,
            program,
            pending=queryset.filter(status=RedemptionStatus.REQUESTED).order_by("requested_at"),
            approved=queryset.filter(status=RedemptionStatus.APPROVED).order_by("decided_at"),
            done=queryset.filter(
                status__in=[
                    RedemptionStatus.FULFILLED,
                    RedemptionStatus.REFUSED,
                    RedemptionStatus.CANCELLED,
                ]
            ).order_by("-decided_at")[:50],
            budget=selectors.budget_of(program=program),
            refuse_form=RefuseForm(),
        ),
    )


@require_POST
@org_view(Role.MANAGER)
def decide(request: OrgRequest, pk: int, action: str) -> HttpResponse:
    now = timezone.now()
    try:
        if action == "approve":
            redemption = redemptions.redemption_approve(
                actor=request.membership, redemption_id=pk, now=now
            )
            messages.success(request, _("Request approved."))
        elif action == "fulfil":
            redemption = redemptions.redemption_fulfil(
                actor=request.membership, redemption_id=pk, now=now
            )
            messages.success(request, _("Marked delivered."))
        elif action == "refuse":
            form = RefuseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            redemption = redemptions.redemption_refuse(
                actor=request.membership, redemption_id=pk, reason=reason, now=now
            )
            messages.success(request, _("Request refused; the points are returned."))
        else:
            raise Http404(_("Not found."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        found = (
            Redemption.objects.filter(pk=pk, program__organization=request.organization)
            .select_related("program")
            .first()
        )
        return redirect(
            with_program("rewards:approvals", found.program) if found else "rewards:approvals"
        )
    return redirect(with_program("rewards:approvals", redemption.program))


@org_view(Role.MANAGER)
def budget(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    spent = (
        Redemption.objects.filter(
            program=program, status__in=[RedemptionStatus.APPROVED, RedemptionStatus.FULFILLED]
        )
        .select_related("reward", "membership__user")
        .order_by("-decided_at")
    )
    return render(
        request,
        "rewards/budget.html",
        _context(request, program, budget=selectors.budget_of(program=program), spent=spent),
    )


@org_view(Role.MANAGER)
def leaderboard_csv(request: OrgRequest) -> HttpResponse:
    """The whole board as CSV; people who chose anonymity stay anonymous here too."""
    program = program_for(request)
    if program is None:
        raise Http404(_("Not found."))
    period = request.GET.get("period", "30d")
    if period not in PERIOD_LABELS:
        period = "30d"
    start, end = selectors.period_bounds(period, program=program, now=timezone.now())
    _scope, wave, department = board_scope(request, program, request.membership)
    rows = selectors.leaderboard(
        program=program, start=start, end=end, limit=0, wave=wave, department=department
    )
    export_record(
        actor=request.membership, table="leaderboard", fmt="csv", now=timezone.now(), obj=program
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="leaderboard-{program.slug}-{period}.csv"'
    )
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Rank"), _("Name"), _("Department"), _("Points")])
    for row in rows:
        writer.writerow([row.rank, row.name, row.department, row.points])
    return response


@org_view(Role.CURATOR, Role.MANAGER)
def picks(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    shares = (
        Share.objects.filter(program=program)
        .select_related("item", "membership__user", "curator_pick")
        .order_by("-created_at", "-id")[:100]
    )
    return render(request, "rewards/picks.html", _context(request, program, shares=shares))


@require_POST
@org_view(Role.CURATOR, Role.MANAGER)
def pick(request: OrgRequest, pk: int) -> HttpResponse:
    share = services.curator_pick_set(
        actor=request.membership,
        share_id=pk,
        picked=request.POST.get("picked") == "1",
        now=timezone.now(),
    )
    if CuratorPick.objects.filter(share=share).exists():
        messages.success(request, _("Share picked: its author earns the “Curator's pick” badge."))
    return redirect(with_program("rewards:picks", share.program))


@org_view(Role.MANAGER)
def adjust(request: OrgRequest) -> HttpResponse:
    """Add or take points by hand, with a reason; the recent adjustments of the program."""
    program = program_for(request)
    if program is None:
        return no_program(request)
    members = selectors.adjustable_members(program=program, manager=request.membership)
    form = AdjustPointsForm(
        request.POST if request.method == "POST" else None,
        members=members,
        initial={"membership": request.GET.get("member")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.points_adjust(
                actor=request.membership,
                program=program,
                membership_id=form.cleaned_data["membership"],
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(points)+d points for %(name)s.")
                % {"points": entry.points, "name": entry.membership.user.full_name},
            )
            return redirect(with_program("rewards:adjust", program))
    return render(
        request,
        "rewards/adjust.html",
        _context(
            request,
            program,
            form=form,
            adjustments=selectors.adjustments(program=program),
        ),
    )
