"""Privacy pages: the public privacy notice, one's own data, managers' requests and register."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts.models import Membership, Role, User
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.accounts.selectors import display_name, is_erased_email
from ambassade.analytics import exports
from ambassade.privacy import erasure, selectors, services
from ambassade.privacy.forms import EraseForm, MemberEraseForm
from ambassade.programs.models import Program


def _download(data: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(
        services.export_json(data), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{services.export_filename(timezone.localdate())}"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- The privacy notice (public) ---------------------------------------------------------------


def policy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/policy.html",
        {
            "retention": selectors.retention_periods(),
            "contact": selectors.privacy_contact(),
        },
    )


# --- One's own data ------------------------------------------------------------------------------


@org_view()
def my_data(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "privacy/my_data.html",
        {"consents": selectors.my_consents(membership=request.membership)},
    )


@require_POST
@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return _download(services.personal_data_export(user=request.user, now=timezone.now()))


@org_view()
@require_POST
def consent_withdraw(request: OrgRequest, pk: int) -> HttpResponse:
    try:
        enrolment = services.consent_withdraw(
            actor=request.membership, consent_id=pk, now=timezone.now()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Your consent to %(program)s is withdrawn: you have left the program and "
                "clicks on your links are no longer recorded."
            )
            % {"program": enrolment.program.name},
        )
    return redirect("privacy:my_data")


@login_required
def erase(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.personal_data_erase(
                user=user, password=form.cleaned_data["password"], now=timezone.now()
            )
        except ValidationError as exc:
            form.add_error("password", exc.messages)
        else:
            logout(request)
            return render(request, "privacy/erased.html")
    memberships = Membership.objects.filter(user=user).select_related("organization")
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "organizations": [m.organization for m in memberships]},
    )


# --- Managers: members' requests and the consent register ------------------------------------


@org_view(Role.MANAGER)
def member_list(request: OrgRequest) -> HttpResponse:
    members = [
        {"membership": m, "name": display_name(m), "erased": is_erased_email(m.user.email)}
        for m in selectors.member_list(organization=request.organization)
    ]
    return render(request, "privacy/member_list.html", {"members": members})


def _member(request: OrgRequest, pk: int) -> Membership:
    return get_scoped_or_404(
        Membership.objects.select_related("user", "organization"), request.organization, pk=pk
    )


def _member_page(
    request: OrgRequest, member: Membership, form: MemberEraseForm | None = None
) -> HttpResponse:
    return render(
        request,
        "privacy/member_detail.html",
        {
            "member": member,
            "name": display_name(member),
            "erased": is_erased_email(member.user.email),
            "form": form or MemberEraseForm(),
        },
    )


@org_view(Role.MANAGER)
def member_detail(request: OrgRequest, pk: int) -> HttpResponse:
    return _member_page(request, _member(request, pk))


@org_view(Role.MANAGER)
@require_POST
def member_export(request: OrgRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    return _download(
        services.member_data_export(actor=request.membership, membership=member, now=timezone.now())
    )


@org_view(Role.MANAGER)
@require_POST
def member_erase(request: OrgRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = MemberEraseForm(request.POST)
    if form.is_valid():
        try:
            erasure.membership_erase(
                actor=request.membership, membership=member, now=timezone.now()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The member's data has been erased. Their history is anonymised.")
            )
            return redirect("privacy:member_list")
    return _member_page(request, member, form)


@org_view(Role.MANAGER)
def consent_register(request: OrgRequest) -> HttpResponse:
    programs = list(selectors.program_list(organization=request.organization))
    wanted = request.GET.get("program", "")
    program = next((p for p in programs if p.slug == wanted), programs[0] if programs else None)
    return render(
        request,
        "privacy/consent_register.html",
        {
            "programs": programs,
            "program": program,
            "rows": selectors.consent_register(program=program) if program else [],
        },
    )


@org_view(Role.MANAGER)
def consent_register_export(request: OrgRequest, slug: str) -> HttpResponse:
    program = get_scoped_or_404(Program.objects.all(), request.organization, slug=slug)
    table = services.consent_register_export(
        actor=request.membership, program=program, now=timezone.now()
    )
    return exports.response(table, "csv")
