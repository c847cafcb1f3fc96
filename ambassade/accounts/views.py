"""Pages of a person's own account: log in, language, organization, profile, tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassade.accounts import selectors, services
from ambassade.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    LocalizedPasswordResetForm,
    OrganizationSettingsForm,
    ProfileForm,
    SocialAccountForm,
)
from ambassade.accounts.middleware import SESSION_ORGANIZATION_KEY
from ambassade.accounts.models import Role, SocialAccount, User
from ambassade.accounts.notifications import notification_list as notifications_for
from ambassade.accounts.notifications import notification_open as open_notification
from ambassade.accounts.notifications import notifications_mark_read
from ambassade.accounts.permissions import OrgRequest, org_view
from ambassade.accounts.throttling import login_failures_limited, password_resets_limited
from ambassade.accounts.tokens import api_token_create, api_token_revoke

# --- Authentication: Django's views with our templates and namespaced URLs ---------

# Failed logins are also counted by django-axes (lockouts, see config/settings.py).
login = login_failures_limited(
    auth_views.LoginView.as_view(
        template_name="registration/login.html",
        authentication_form=EmailAuthenticationForm,
        redirect_authenticated_user=True,
    )
)
logout = auth_views.LogoutView.as_view()
password_reset = password_resets_limited(
    auth_views.PasswordResetView.as_view(
        template_name="registration/password_reset_form.html",
        form_class=LocalizedPasswordResetForm,
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html",
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html",
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change_form.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html",
)


# --- Language and organization -------------------------------------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Choose the interface language: a cookie for everyone, the profile when logged in."""
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return HttpResponseBadRequest(_("Unknown language."))
    user = request.user
    if isinstance(user, User):
        services.user_language_update(user=user, language=language)
        fallback = resolve_url(settings.LOGIN_REDIRECT_URL)
    else:
        fallback = resolve_url(settings.LOGIN_URL)
    response = HttpResponseRedirect(_safe_next(request, fallback))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    """Work in another of one's organizations (agency operators belong to several)."""
    user = request.user
    if not isinstance(user, User):
        return redirect_to_login(reverse("accounts:profile"))
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError as exc:
        raise Http404(_("Not found.")) from exc
    membership = services.organization_switch(user=user, organization_id=organization_id)
    request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    messages.success(
        request, _("You are now working in %(name)s.") % {"name": membership.organization.name}
    )
    return redirect(settings.LOGIN_REDIRECT_URL)


# --- Profile -------------------------------------------------------------------------


def _render_profile(
    request: OrgRequest,
    *,
    profile_form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
) -> HttpResponse:
    membership = request.membership
    context: dict[str, Any] = {
        "membership": membership,
        "roles": [role.label for role in membership.roles],
        "profile_form": profile_form or ProfileForm(initial=ProfileForm.initial_for(membership)),
        "social_accounts": selectors.social_account_list(user=request.user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": selectors.api_token_list(membership=membership, now=timezone.now()),
        "is_admin": membership.has_role(Role.ADMIN),
        "api_docs_url": reverse("api:openapi-view"),
        "api_schema_url": reverse("api:openapi-json"),
    }
    return render(request, "accounts/profile.html", context)


def _add_service_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's validation errors next to the form's fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@org_view()
def profile(request: OrgRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_profile(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.profile_update(actor=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return _render_profile(request, profile_form=form)


# --- Social accounts -----------------------------------------------------------------


def _social_account_fields(form: SocialAccountForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "network": data["network"],
        "handle": data["handle"],
        "audience_size": data["audience_size"] or 0,
        "kind": data["kind"],
        "mastodon_instance": data.get("mastodon_instance") or "",
    }


@org_view()
def social_account_create(request: OrgRequest) -> HttpResponse:
    form = SocialAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.social_account_create(
                actor=request.user, now=timezone.now(), **_social_account_fields(form)
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your %(network)s account has been added.")
                % {"network": account.get_network_display()},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/social_account_form.html", {"form": form, "account": None})


@org_view()
def social_account_update(request: OrgRequest, pk: int) -> HttpResponse:
    account = SocialAccount.objects.filter(pk=pk, user=request.user).first()
    if account is None:
        raise Http404(_("Not found."))
    form = SocialAccountForm(request.POST if request.method == "POST" else None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.social_account_update(
                actor=request.user, account_id=pk, **_social_account_fields(form)
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Your account has been updated."))
            return redirect("accounts:profile")
    return render(request, "accounts/social_account_form.html", {"form": form, "account": account})


@require_POST
@org_view()
def social_account_delete(request: OrgRequest, pk: int) -> HttpResponse:
    account = services.social_account_delete(actor=request.user, account_id=pk)
    messages.success(
        request,
        _("Your %(network)s account %(handle)s has been removed.")
        % {"network": account.get_network_display(), "handle": account.handle},
    )
    return redirect("accounts:profile")


# --- API tokens ----------------------------------------------------------------------


@require_POST
@org_view()
def token_create(request: OrgRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = api_token_create(
                actor=request.membership,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            # The raw value is shown on this response only: never in a message,
            # a session or a redirect, which would keep it somewhere.
            response = render(
                request,
                "accounts/token_created.html",
                {"token": token, "raw_token": raw, "api_docs_url": reverse("api:openapi-view")},
            )
            response["Cache-Control"] = "no-store"
            return response
    return _render_profile(request, token_form=form)


@require_POST
@org_view()
def token_revoke(request: OrgRequest, pk: int) -> HttpResponse:
    token = api_token_revoke(actor=request.membership, token_id=pk, now=timezone.now())
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return HttpResponseRedirect(_safe_next(request, reverse("accounts:profile")))


@org_view(Role.ADMIN)
def token_list(request: OrgRequest) -> HttpResponse:
    """Every API token of the organization, for its admins: who holds which, and revoke."""
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": selectors.api_token_list_for_organization(
                organization=request.organization, now=timezone.now()
            )
        },
    )


# --- Organization settings (admins) --------------------------------------------------


@org_view(Role.ADMIN)
def organization_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    if request.method == "POST":
        form = OrganizationSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.organization_settings_update(
                    actor=request.membership,
                    **{name: form.cleaned_data[name] for name in OrganizationSettingsForm.FIELDS},
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("The organization's settings have been saved."))
                return redirect("accounts:organization_settings")
    else:
        form = OrganizationSettingsForm(initial=OrganizationSettingsForm.initial_for(organization))
    return render(
        request,
        "accounts/organization_settings.html",
        {"form": form, "organization": organization},
    )


# --- Notifications -------------------------------------------------------------------


@org_view()
def notification_list(request: OrgRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(actor=request.membership, now=timezone.now())
        return redirect("accounts:notifications")
    return render(
        request,
        "accounts/notifications.html",
        {"notifications": list(notifications_for(membership=request.membership))},
    )


@require_POST
@org_view()
def notification_open(request: OrgRequest, pk: int) -> HttpResponse:
    url = open_notification(actor=request.membership, notification_id=pk, now=timezone.now())
    return redirect(url or "accounts:notifications")
