"""Tenancy and roles, in one place: every page, endpoint and service uses these.

A request acts inside one organization (the *current* one, chosen by the person
when they belong to several). Everything a person reads or writes is scoped to
that organization; anything else answers 404 (it does not exist for them) or 403
(it exists but their role does not allow the action).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Organization, Role

if TYPE_CHECKING:
    from ambassade.accounts.models import User

M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")


class OrgRequest(HttpRequest):
    """An authenticated request acting inside an organization (for typing)."""

    user: User
    membership: Membership
    organization: Organization


def require_role(membership: Membership | None, *roles: Role) -> Membership:
    """Raise PermissionDenied unless the membership holds one of ``roles``."""
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    if roles and not any(membership.has_role(role) for role in roles):
        raise PermissionDenied(_("Your role does not allow this action."))
    return membership


def scoped(queryset: models.QuerySet[M], organization: Organization) -> models.QuerySet[M]:
    """Restrict a queryset of a tenant model to one organization."""
    return queryset.filter(organization=organization)


def get_scoped_or_404(queryset: models.QuerySet[M], organization: Organization, **lookup: Any) -> M:
    try:
        return scoped(queryset, organization).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404(_("Not found.")) from exc


def org_view(
    *roles: Role,
) -> Callable[
    [Callable[Concatenate[OrgRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """Decorate a view: logged in, member of the current organization, holding a role."""

    def decorator(
        view: Callable[Concatenate[OrgRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(getattr(request, "membership", None), *roles)
            return view(request, *args, **kwargs)  # type: ignore[arg-type]

        return cast("Callable[Concatenate[HttpRequest, P], HttpResponse]", wrapper)

    return decorator
