"""Pages of the training app: modules and quizzes, the charter, the onboarding checklist."""

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
from ambassade.programs.models import Program
from ambassade.training import selectors, services
from ambassade.training.forms import CharterVersionForm, QuizForm, TrainingSettingsForm
from ambassade.training.models import Module, Question, QuizAttempt
from ambassade.training.rendering import render_markdown


def _module_or_404(request: OrgRequest, pk: int) -> Module:
    module = selectors.modules_for(membership=request.membership).filter(pk=pk).first()
    if module is None:
        raise Http404(_("Not found."))
    return module


@require_safe
@org_view()
def module_list(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    done = selectors.completed_module_ids(membership=membership)
    modules = selectors.modules_in_language(membership=membership)
    return render(
        request,
        "training/module_list.html",
        {
            "modules": [(m, m.pk in done) for m in modules],
            "done_count": sum(1 for m in modules if m.pk in done),
            "can_manage": membership.has_role(Role.MANAGER) or membership.has_role(Role.CURATOR),
        },
    )


def _answered_right(attempt: QuizAttempt, question: Question) -> bool:
    chosen = set(attempt.answers.get(str(question.pk), []))
    return chosen == {c.pk for c in question.choices.all() if c.is_correct}


@require_http_methods(["GET", "HEAD", "POST"])
@org_view()
def module_detail(request: OrgRequest, pk: int) -> HttpResponse:
    membership = request.membership
    module = _module_or_404(request, pk)
    questions = list(module.questions.prefetch_related("choices"))
    form = QuizForm(request.POST if request.method == "POST" else None, questions=questions)
    attempt = None
    if request.method == "POST" and questions and form.is_valid():
        try:
            attempt = services.quiz_submit(
                actor=membership, module=module, answers=form.answers(), now=timezone.now()
            )
        except (ValidationError, PermissionDenied) as error:
            messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
            for message in messages_:
                form.add_error(None, message)
    completed = module.pk in selectors.completed_module_ids(membership=membership)
    return render(
        request,
        "training/module_detail.html",
        {
            "module": module,
            "body": render_markdown(module.body),
            "form": form,
            "questions": questions,
            "attempt": attempt,
            "rows": [
                {
                    "question": question,
                    "field": field,
                    "right": _answered_right(attempt, question) if attempt else None,
                }
                for question, field in form.bound_questions()
            ],
            "completed": completed,
            "attempts": selectors.attempts_of(membership=membership, module=module),
        },
    )


@require_POST
@org_view()
def module_complete(request: OrgRequest, pk: int) -> HttpResponse:
    module = _module_or_404(request, pk)
    try:
        services.module_complete(actor=request.membership, module=module, now=timezone.now())
    except (ValidationError, PermissionDenied) as error:
        for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, message)
    else:
        messages.success(request, _("Module completed."))
    return redirect("training:module_detail", pk=module.pk)


@require_safe
@org_view(Role.MANAGER, Role.CURATOR)
def module_stats(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "training/module_stats.html",
        {"stats": selectors.module_stats(organization=request.organization)},
    )


# --- Charter --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@org_view()
def charter(request: OrgRequest) -> HttpResponse:
    """The charters of the person's programs, and acknowledging the current one."""
    membership = request.membership
    now = timezone.now()
    if request.method == "POST":
        program = get_scoped_or_404(
            Program.objects.all(), request.organization, pk=request.POST.get("program", "0")
        )
        raw_version = request.POST.get("version", "")
        try:
            services.charter_acknowledge(
                actor=membership,
                program=program,
                version_id=int(raw_version) if raw_version.isdigit() else 0,
                now=now,
            )
        except (ValidationError, PermissionDenied) as error:
            for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Thank you: you acknowledged the charter of “%(program)s”.")
                % {"program": program.name},
            )
        return redirect("training:charter")
    rows = []
    for program in selectors.charter_programs(membership=membership):
        version = services.charter_version_initial(program=program, now=now)
        acknowledgement = (
            selectors.acknowledgement_of(membership=membership, version=version)
            if version
            else None
        )
        rows.append(
            {
                "program": program,
                "version": version,
                "text": render_markdown(version.text) if version else "",
                "acknowledgement": acknowledgement,
                "required": selectors.charter_required(organization=request.organization),
            }
        )
    return render(request, "training/charter.html", {"rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(Role.MANAGER)
def charter_manage(request: OrgRequest, slug: str) -> HttpResponse:
    """A program's charter versions, who acknowledged the current one, a new version."""
    program = get_scoped_or_404(Program.objects.all(), request.organization, slug=slug)
    now = timezone.now()
    current = services.charter_version_initial(program=program, now=now)
    form = CharterVersionForm(
        request.POST if request.method == "POST" else None,
        initial={"text": current.text if current else program.charter_text},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.charter_version_publish(
                actor=request.membership,
                program=program,
                text=form.cleaned_data["text"],
                note=form.cleaned_data["note"],
                now=now,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Version %(version)s is published: ambassadors acknowledge it before sharing.")
                % {"version": version.version},
            )
            return redirect("training:charter_manage", slug=program.slug)
    return render(
        request,
        "training/charter_manage.html",
        {
            "program": program,
            "form": form,
            "stats": selectors.charter_stats(program=program),
            "versions": list(program.charter_versions.order_by("-version")),
            "settings_form": TrainingSettingsForm(
                initial={
                    "charter_required": selectors.charter_required(
                        organization=request.organization
                    )
                }
            ),
            "can_edit_settings": request.membership.has_role(Role.ADMIN),
        },
    )


@require_POST
@org_view(Role.ADMIN)
def training_settings(request: OrgRequest) -> HttpResponse:
    form = TrainingSettingsForm(request.POST)
    if form.is_valid():
        services.training_settings_update(
            actor=request.membership,
            charter_required=form.cleaned_data["charter_required"],
            now=timezone.now(),
        )
        messages.success(request, _("Training settings saved."))
    slug = request.POST.get("program", "")
    if Program.objects.filter(organization=request.organization, slug=slug).exists():
        return redirect("training:charter_manage", slug=slug)
    return redirect("training:onboarding_team")


# --- Onboarding -----------------------------------------------------------------------


@require_safe
@org_view()
def onboarding(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "training/onboarding.html",
        {"onboarding": selectors.onboarding_for(membership=request.membership)},
    )


@require_safe
@org_view(Role.MANAGER)
def onboarding_team(request: OrgRequest) -> HttpResponse:
    programs = list(Program.objects.filter(organization=request.organization).order_by("name"))
    selected = next((p for p in programs if p.slug == request.GET.get("program")), None)
    if selected is None and programs:
        selected = programs[0]
    return render(
        request,
        "training/onboarding_team.html",
        {
            "programs": programs,
            "program": selected,
            "waves": selectors.onboarding_team(program=selected) if selected else [],
            "step_labels": [selectors.STEP_SHORT_LABELS[code] for code in selectors.STEP_ORDER],
        },
    )
