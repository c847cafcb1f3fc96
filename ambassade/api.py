"""The public API, /api/v1/: one NinjaAPI, each app adds its router.

Every endpoint needs a personal token (``Authorization: Bearer amb_…``) or a
logged-in session; ``request.auth`` is then the acting ``Membership``. Errors
are JSON: ``{"detail": …}``. Rate limits (``ambassade.lib.api_auth``) answer
429 with a ``Retry-After`` header.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Swagger
from ninja.errors import AuthenticationError, Throttled

from ambassade.analytics.api import router as analytics_router
from ambassade.community.api import router as events_router
from ambassade.content.api import router as content_router
from ambassade.lib.api_auth import (
    ApiRateThrottle,
    BearerToken,
    SessionMembership,
    TooManyRequests,
    auth_failure_count,
)
from ambassade.lib.api_errors import DeclaredErrorsAPI
from ambassade.newsletter.api import router as newsletter_router
from ambassade.rewards.api import router as rewards_router
from ambassade.sharing.api import router as sharing_router
from ambassade.tracking.api import router as conversions_router
from ambassade.training.api import router as training_router

api = DeclaredErrorsAPI(
    title="Ambassade API",
    version="1",
    description="Employee advocacy: content items, shares and their clicks.",
    urls_namespace="api",
    auth=[BearerToken(), SessionMembership()],
    throttle=[ApiRateThrottle()],
    # Served from ninja's bundled assets when "ninja" is an installed app (no CDN).
    docs=Swagger(settings={"persistAuthorization": True}),
)


def _too_many_requests(request: HttpRequest, retry_after: int | None = None) -> HttpResponse:
    response = api.create_response(
        request, {"detail": _("Too many requests: try again later.")}, status=429
    )
    if retry_after is not None:  # for Throttled, ninja sets it from the throttle
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _too_many_requests(request)


@api.exception_handler(TooManyRequests)
def on_too_many_requests(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    return _too_many_requests(request, exc.retry_after)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if "Authorization" in request.headers:  # a wrong credential, not a missing one
        failures = auth_failure_count(request)
        if failures.limited:
            return _too_many_requests(request, failures.retry_after)
    response = api.create_response(
        request,
        {"detail": _("Authentication required: send a valid API token or log in.")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("Your role does not allow this action.")
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Always the same answer: whether something exists elsewhere is nobody's business.
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": list(exc.messages)}, status=400)


api.add_router("/items", content_router)
api.add_router("/shares", sharing_router)
api.add_router("/conversions", conversions_router)
api.add_router("/training", training_router)
api.add_router("/events", events_router)
api.add_router("/rewards", rewards_router)
api.add_router("/analytics", analytics_router)
api.add_router("/newsletter", newsletter_router)
