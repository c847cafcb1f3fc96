from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from ambassade.accounts.models import Membership

SESSION_ORGANIZATION_KEY = "organization_id"


class PreferencesMiddleware:
    """Language and time zone: the person's own, else the language cookie, else French.

    The browser's Accept-Language is deliberately ignored: Ambassade is French
    first, and English is a choice the person makes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = settings.LANGUAGE_CODE
        tz_name = settings.TIME_ZONE
        if user.is_authenticated:
            language = user.language
            tz_name = user.time_zone
        else:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if cookie in self.languages:
                language = cookie
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class OrganizationMiddleware:
    """Attach the current organization and membership to the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.organization = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            memberships = Membership.objects.filter(user=request.user).select_related(
                "organization"
            )
            wanted = request.session.get(SESSION_ORGANIZATION_KEY)
            membership = None
            if wanted is not None:
                membership = memberships.filter(organization_id=wanted).first()
            if membership is None:
                membership = memberships.order_by("organization__name").first()
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.organization = membership.organization  # type: ignore[attr-defined]
        return self.get_response(request)
