"""Ambassadors' pages: my points and why, leaderboard, badges, catalog and my requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program, Wave
from ambassade.rewards import redemptions, selectors, services
from ambassade.rewards.badges import BADGES
from ambassade.rewards.challenges import challenge_standings
from ambassade.rewards.forms import ProfileForm, RedemptionRequestForm
from ambassade.rewards.models import Challenge, Redemption, Reward, RewardsProfile

PERIOD_LABELS = {
    "30d": gettext_lazy("Last 30 days"),
    "month": gettext_lazy("This month"),
    "quarter": gettext_lazy("This quarter"),
    "all": gettext_lazy("All time"),
}
SCOPE_LABELS = {
    "program": gettext_lazy("Whole program"),
    "department": gettext_lazy("My department"),
    "wave": gettext_lazy("My wave"),
}


def program_for(request: OrgRequest) -> Program | None:
    """The program asked for (``?program=<slug>``), else the person's first one."""
    slug = request.GET.get("program") or request.POST.get("program")
    programs = Program.objects.select_related("organization")
    if slug:
        return get_scoped_or_404(programs, request.organization, slug=slug)
    enrolment = (
        Enrolment.objects.filter(membership=request.membership, status=EnrolmentStatus.ACTIVE)
        .select_related("program__organization")
        .order_by("program__name")
        .first()
    )
    if enrolment is not None:
        return enrolment.program
    return programs.filter(organization=request.organization).order_by("name").first()


def programs_of(request: OrgRequest) -> QuerySet[Program]:
    return Program.objects.filter(organization=request.organization).order_by("name")


def no_program(request: OrgRequest) -> HttpResponse:
    return render(request, "rewards/no_program.html", status=200)


def with_program(url_name: str, program: Program, **query: Any) -> str:
    extra = "".join(f"&{key}={value}" for key, value in query.items())
    return f"{reverse(url_name)}?program={program.slug}{extra}"


def _context(request: OrgRequest, program: Program, **extra: Any) -> dict[str, Any]:
    return {"program": program, "programs": programs_of(request), **extra}


@org_view()
def my_points(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    membership = request.membership
    page = Paginator(selectors.ledger(membership=membership, program=program), 50).get_page(
        request.GET.get("page")
    )
    profile = RewardsProfile.objects.filter(membership=membership).first()
    return render(
        request,
        "rewards/my_points.html",
        _context(
            request,
            program,
            points=selectors.member_points(membership=membership, program=program),
            page=page,
            badges=selectors.badges_of(membership=membership, program=program),
            rules=services.points_rules_ensure(program=program),
            profile_form=ProfileForm(initial={"anonymous": bool(profile and profile.anonymous)}),
        ),
    )


@require_POST
@org_view()
def preferences(request: OrgRequest) -> HttpResponse:
    form = ProfileForm(request.POST)
    if form.is_valid():
        services.rewards_profile_update(
            actor=request.membership, anonymous=form.cleaned_data["anonymous"]
        )
        messages.success(request, _("Your preferences are saved."))
    program = program_for(request)
    return redirect(with_program("rewards:points", program) if program else "rewards:points")


def board_scope(
    request: OrgRequest, program: Program, membership: Membership
) -> tuple[str, Wave | None, str | None]:
    scope = request.GET.get("scope", "program")
    if scope == "department":
        department = request.GET.get("department") or membership.department
        return ("department", None, department) if department else ("program", None, None)
    if scope == "wave":
        wave_id = request.GET.get("wave")
        wave: Wave | None = None
        if wave_id and wave_id.isdigit():
            wave = program.waves.filter(pk=int(wave_id)).first()
        if wave is None:
            enrolment = (
                program.enrolments.filter(membership=membership).select_related("wave").first()
            )
            wave = enrolment.wave if enrolment else None
        return ("wave", wave, None) if wave else ("program", None, None)
    return "program", None, None


@org_view()
def leaderboard(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    period = request.GET.get("period", "30d")
    if period not in selectors.PERIODS:
        period = "30d"
    now = timezone.now()
    start, end = selectors.period_bounds(period, program=program, now=now)
    scope, wave, department = board_scope(request, program, request.membership)
    board = selectors.leaderboard_with_me(
        program=program,
        membership=request.membership,
        start=start,
        end=end,
        wave=wave,
        department=department,
    )
    return render(
        request,
        "rewards/leaderboard.html",
        _context(
            request,
            program,
            board=board,
            period=period,
            scope=scope,
            wave=wave,
            department=department,
            periods=PERIOD_LABELS,
            scopes=SCOPE_LABELS,
            is_manager=request.membership.has_role(Role.MANAGER),
        ),
    )


@org_view()
def badges(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    earned = {
        award.code: award
        for award in selectors.badges_of(membership=request.membership, program=program)
    }
    return render(
        request,
        "rewards/badges.html",
        _context(
            request,
            program,
            badges=[(badge, earned.get(badge.code)) for badge in BADGES],
        ),
    )


@org_view()
def catalog(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    return render(
        request,
        "rewards/catalog.html",
        _context(
            request,
            program,
            rewards=Reward.objects.filter(program=program, is_active=True),
            points=selectors.member_points(membership=request.membership, program=program),
            form=RedemptionRequestForm(),
            can_request=request.membership.has_role(Role.AMBASSADOR),
        ),
    )


@require_POST
@org_view(Role.AMBASSADOR)
def reward_request(request: OrgRequest, pk: int) -> HttpResponse:
    reward = _reward_or_404(request, pk)
    form = RedemptionRequestForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        redemptions.redemption_request(
            actor=request.membership, reward_id=reward.pk, note=note, now=timezone.now()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(with_program("rewards:catalog", reward.program))
    messages.success(
        request,
        _("Your request for “%(reward)s” is sent; the program team will answer soon.")
        % {"reward": reward.name},
    )
    return redirect(with_program("rewards:my_requests", reward.program))


def _reward_or_404(request: OrgRequest, pk: int) -> Reward:
    reward = (
        Reward.objects.select_related("program")
        .filter(pk=pk, program__organization=request.organization)
        .first()
    )
    if reward is None:
        raise Http404(_("Not found."))
    return reward


@org_view()
def my_requests(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    return render(
        request,
        "rewards/my_requests.html",
        _context(
            request,
            program,
            requests=Redemption.objects.filter(membership=request.membership, program=program)
            .select_related("reward")
            .order_by("-requested_at", "-id"),
            points=selectors.member_points(membership=request.membership, program=program),
        ),
    )


@require_POST
@org_view()
def request_cancel(request: OrgRequest, pk: int) -> HttpResponse:
    try:
        redemption = redemptions.redemption_cancel(
            actor=request.membership, redemption_id=pk, now=timezone.now()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rewards:my_requests")
    messages.success(request, _("Request cancelled; your points are back."))
    return redirect(with_program("rewards:my_requests", redemption.program))


@org_view()
def challenges(request: OrgRequest) -> HttpResponse:
    program = program_for(request)
    if program is None:
        return no_program(request)
    rows = []
    for challenge in Challenge.objects.filter(program=program).prefetch_related(
        "winners__membership__user"
    ):
        standings = challenge_standings(challenge=challenge)
        mine = next(
            (
                value
                for person, team, value in standings
                if (person is not None and person.pk == request.membership.pk)
                or (team and team == request.membership.department)
            ),
            0,
        )
        rows.append({"challenge": challenge, "mine": mine, "standings": standings[:5]})
    return render(
        request,
        "rewards/challenges.html",
        _context(
            request,
            program,
            rows=rows,
            today=timezone.localdate(),
            is_manager=request.membership.has_role(Role.MANAGER),
        ),
    )
