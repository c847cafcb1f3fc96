"""Program pages: the manager's set-up and follow-up, the ambassador's opt-in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts.models import Network, Role
from ambassade.accounts.permissions import OrgRequest, org_view
from ambassade.programs import selectors, services
from ambassade.programs.forms import (
    InviteForm,
    JoinForm,
    KpiTargetForm,
    ObjectiveForm,
    ProgramForm,
    SetWaveForm,
    WaveForm,
)
from ambassade.programs.models import EnrolmentStatus, Program
from ambassade.tracking.selectors import conversion_totals, conversions_by_ambassador


def _detail_url(program: Program) -> str:
    return reverse("programs:program_detail", args=[program.slug])


def _form_page(
    request: OrgRequest,
    *,
    form: Form,
    title: str,
    program: Program,
    submit: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "programs/form.html",
        {
            "form": form,
            "title": title,
            "program": program,
            "submit": submit,
            "intro": intro,
            "cancel_url": _detail_url(program),
        },
    )


def _report(form: Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form, next to the field it is about."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@org_view(Role.MANAGER)
def program_list(request: OrgRequest) -> HttpResponse:
    programs = selectors.program_list(organization=request.organization)
    return render(request, "programs/program_list.html", {"programs": programs})


@org_view(Role.MANAGER)
def program_create(request: OrgRequest) -> HttpResponse:
    form = ProgramForm(
        request.POST or None,
        organization=request.organization,
        initial={"manager": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(
                actor=request.membership, data=form.to_settings(), now=timezone.now()
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Program created."))
            return redirect(_detail_url(program))
    return render(request, "programs/program_form.html", {"form": form, "program": None})


@org_view(Role.MANAGER)
def program_update(request: OrgRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, slug=slug)
    form = ProgramForm(
        request.POST or None,
        organization=request.organization,
        initial=ProgramForm.initial_for(program),
    )
    if request.method == "POST" and form.is_valid():
        previous_version = program.consent_version
        try:
            program = services.program_update(
                actor=request.membership,
                program=program,
                data=form.to_settings(),
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            if program.consent_version != previous_version:
                messages.success(
                    request,
                    _("Program saved. The consent text is now version %(version)d.")
                    % {"version": program.consent_version},
                )
            else:
                messages.success(request, _("Program saved."))
            return redirect(_detail_url(program))
    return render(request, "programs/program_form.html", {"form": form, "program": program})


def _targets_progress(program: Program) -> list[Any]:
    """Each KPI target's progress and projection, from the analytics roll-ups."""
    from ambassade.analytics.selectors import targets_progress
    from ambassade.tracking.selectors import organization_tz

    today = timezone.now().astimezone(organization_tz(program.organization)).date()
    return list(targets_progress(program=program, today=today))


@org_view(Role.MANAGER)
def program_detail(request: OrgRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, slug=slug)
    detail = selectors.program_detail(program=program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "detail": detail,
            "allowed_networks": [
                Network(n).label for n in program.allowed_networks if n in Network.values
            ],
            "can_invite": selectors.invitable_memberships(program=program).exists(),
            "conversions": conversion_totals(organization=request.organization, program=program),
            "top_converters": conversions_by_ambassador(program=program),
            "targets": _targets_progress(program),
        },
    )


@org_view(Role.MANAGER)
def objective_create(request: OrgRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, slug=slug)
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_create(
                actor=request.membership,
                program=program,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Objective added."))
            return redirect(_detail_url(program))
    return _form_page(
        request, form=form, title=_("New objective"), program=program, submit=_("Add")
    )


@org_view(Role.MANAGER)
@require_POST
def objective_delete(request: OrgRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(organization=request.organization, pk=pk)
    services.objective_delete(actor=request.membership, objective=objective, now=timezone.now())
    messages.success(request, _("Objective deleted."))
    return redirect(_detail_url(objective.program))


@org_view(Role.MANAGER)
def target_create(request: OrgRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(organization=request.organization, pk=pk)
    form = KpiTargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_target_create(
                actor=request.membership,
                objective=objective,
                metric=form.cleaned_data["metric"],
                target_value=form.cleaned_data["target_value"],
                deadline_on=form.cleaned_data["deadline_on"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("KPI target added."))
            return redirect(_detail_url(objective.program))
    return _form_page(
        request,
        form=form,
        title=_("New KPI target"),
        program=objective.program,
        submit=_("Add"),
        intro=_("Objective: %(title)s") % {"title": objective.title},
    )


@org_view(Role.MANAGER)
@require_POST
def target_delete(request: OrgRequest, pk: int) -> HttpResponse:
    target = selectors.kpi_target_get(organization=request.organization, pk=pk)
    services.kpi_target_delete(actor=request.membership, target=target, now=timezone.now())
    messages.success(request, _("KPI target deleted."))
    return redirect(_detail_url(target.objective.program))


@org_view(Role.MANAGER)
def wave_create(request: OrgRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, slug=slug)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wave_create(
                actor=request.membership,
                program=program,
                name=form.cleaned_data["name"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Wave added."))
            return redirect(_detail_url(program))
    return _form_page(request, form=form, title=_("New wave"), program=program, submit=_("Add"))


@org_view(Role.MANAGER)
def wave_update(request: OrgRequest, pk: int) -> HttpResponse:
    wave = selectors.wave_get(organization=request.organization, pk=pk)
    form = WaveForm(
        request.POST or None,
        initial={"name": wave.name, "starts_on": wave.starts_on, "ends_on": wave.ends_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.wave_update(
                actor=request.membership,
                wave=wave,
                name=form.cleaned_data["name"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("Wave saved."))
            return redirect(_detail_url(wave.program))
    return _form_page(
        request,
        form=form,
        title=_("Edit wave %(name)s") % {"name": wave.name},
        program=wave.program,
        submit=_("Save"),
    )


@org_view(Role.MANAGER)
def invite(request: OrgRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, slug=slug)
    form = InviteForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.enrolment_invite(
                actor=request.membership,
                program=program,
                memberships=list(form.cleaned_data["memberships"]),
                wave=form.cleaned_data["wave"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(request, _("%(count)d people invited.") % {"count": len(invited)})
            return redirect(_detail_url(program))
    return _form_page(
        request,
        form=form,
        title=_("Invite people"),
        program=program,
        submit=_("Invite"),
        intro=_(
            "Invited people see the program in their space and join only if they accept "
            "the consent text."
        ),
    )


@org_view(Role.MANAGER)
@require_POST
def enrolment_set_wave(request: OrgRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(organization=request.organization, pk=pk)
    form = SetWaveForm(request.POST, program=enrolment.program)
    if not form.is_valid():
        messages.error(request, _("Choose a wave of this program."))
    else:
        try:
            services.enrolment_set_wave(
                actor=request.membership,
                enrolment=enrolment,
                wave=form.cleaned_data["wave"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(person)s moved.") % {"person": enrolment.membership.user.get_full_name()},
            )
    return redirect(_detail_url(enrolment.program))


def _my_programs_page(
    request: OrgRequest, *, join_forms: dict[int, JoinForm] | None = None
) -> HttpResponse:
    enrolments = selectors.my_enrolments(membership=request.membership)
    join_forms = join_forms or {}
    rows: list[dict[str, Any]] = []
    for enrolment in enrolments:
        program = enrolment.program
        form = None
        if enrolment.status != EnrolmentStatus.ACTIVE:
            form = join_forms.get(program.pk) or JoinForm(
                initial={"version": program.consent_version}, prefix=program.slug
            )
        consents = list(enrolment.consents.all())
        open_consent = next((c for c in consents if c.withdrawn_at is None), None)
        rows.append(
            {
                "enrolment": enrolment,
                "program": program,
                "join_form": form,
                "consents": consents,
                "open_consent": open_consent,
                "outdated": open_consent is not None
                and open_consent.version != program.consent_version,
            }
        )
    return render(request, "programs/my_programs.html", {"rows": rows})


@org_view()
def my_programs(request: OrgRequest) -> HttpResponse:
    return _my_programs_page(request)


@org_view()
@require_POST
def join(request: OrgRequest, slug: str) -> HttpResponse:
    enrolment = selectors.my_enrolment_get(membership=request.membership, slug=slug)
    form = JoinForm(request.POST, prefix=enrolment.program.slug)
    if form.is_valid():
        try:
            services.enrolment_join(
                actor=request.membership,
                enrolment=enrolment,
                accepted=form.cleaned_data["accept"],
                accepted_version=form.cleaned_data["version"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _report(form, exc)
        else:
            messages.success(
                request,
                _("Welcome to %(program)s! Your consent is recorded.")
                % {"program": enrolment.program.name},
            )
            return redirect("programs:my_programs")
    return _my_programs_page(request, join_forms={enrolment.program_id: form})


@org_view()
@require_POST
def leave(request: OrgRequest, slug: str) -> HttpResponse:
    enrolment = selectors.my_enrolment_get(membership=request.membership, slug=slug)
    try:
        services.enrolment_leave(actor=request.membership, enrolment=enrolment, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "You have left %(program)s. Your consent is withdrawn and clicks on your "
                "links are no longer recorded."
            )
            % {"program": enrolment.program.name},
        )
    return redirect("programs:my_programs")
