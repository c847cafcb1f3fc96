"""The People page of organization admins: members, their roles, adding and removing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts import people, selectors
from ambassade.accounts.forms_people import ROLE_HELP, MemberAddForm, MemberForm, PeopleFilterForm
from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view

PAGE_SIZE = 50


def _add_service_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _member(request: OrgRequest, pk: int) -> Membership:
    return get_scoped_or_404(
        selectors.current_members(request.organization), request.organization, pk=pk
    )


def _is_invited(membership: Membership) -> bool:
    """Added, but has not chosen a password yet."""
    user = membership.user
    return user.last_login is None and not user.has_usable_password()


@org_view(Role.ADMIN)
def people_list(request: OrgRequest) -> HttpResponse:
    departments = selectors.department_list(organization=request.organization)
    form = PeopleFilterForm(request.GET or None, departments=departments)
    members = selectors.people_list(organization=request.organization, **form.filters())
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/people.html",
        {
            "form": form,
            "page": page,
            "rows": [(member, _is_invited(member)) for member in page.object_list],
            "query": query.urlencode(),
            "total": page.paginator.count,
        },
    )


@org_view(Role.ADMIN)
def member_add(request: OrgRequest) -> HttpResponse:
    form = MemberAddForm(request.POST or None, initial={"roles": [Role.AMBASSADOR.value]})
    if request.method == "POST" and form.is_valid():
        try:
            membership = people.membership_add(
                actor=request.membership, now=timezone.now(), **form.values()
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if _is_invited(membership):
                text = _(
                    "%(name)s has been added; an invitation to choose a password is on its way."
                )
            else:
                text = _("%(name)s has been added to the organization and told so.")
            messages.success(request, text % {"name": membership.user.full_name})
            return redirect("accounts:people")
    return render(request, "accounts/people_add.html", {"form": form, "role_help": ROLE_HELP})


@org_view(Role.ADMIN)
def member_edit(request: OrgRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk)
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                people.membership_update(
                    actor=request.membership,
                    membership_id=membership.pk,
                    now=timezone.now(),
                    **form.values(),
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s's details have been saved.") % {"name": membership.user.full_name},
                )
                return redirect("accounts:people")
    else:
        form = MemberForm(initial=MemberForm.initial_for(membership))
    return render(
        request,
        "accounts/people_edit.html",
        {
            "form": form,
            "member": membership,
            "invited": _is_invited(membership),
            "is_self": membership.pk == request.membership.pk,
            "role_help": ROLE_HELP,
        },
    )


@org_view(Role.ADMIN)
def member_remove(request: OrgRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk)
    error = ""
    if request.method == "POST":
        try:
            people.membership_remove(
                actor=request.membership, membership_id=membership.pk, now=timezone.now()
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s has been removed from the organization.")
                % {"name": membership.user.full_name},
            )
            if membership.pk != request.membership.pk:
                return redirect("accounts:people")
            # Admins who removed themselves carry on in another organization, if any.
            if not Membership.objects.filter(user=request.user).exists():
                logout(request)
                return redirect(settings.LOGIN_URL)
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/people_remove.html",
        {
            "member": membership,
            "is_self": membership.pk == request.membership.pk,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@org_view(Role.ADMIN)
def member_invitation_resend(request: OrgRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk)
    try:
        people.membership_invitation_resend(
            actor=request.membership, membership_id=membership.pk, now=timezone.now()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The invitation has been sent again to %(email)s.")
            % {"email": membership.user.email},
        )
    return redirect("accounts:person", pk=membership.pk)
