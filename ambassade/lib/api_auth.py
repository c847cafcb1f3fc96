"""Who is calling the API: a personal token, or a logged-in browser session.

Either way ``request.auth`` is the acting ``Membership`` (organization and user
loaded), so every endpoint scopes its queries to ``request.auth.organization``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.security import HttpBearer, SessionAuth

from ambassade.accounts.models import Membership
from ambassade.accounts.tokens import api_token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer amb_…``: a personal token, scoped to one organization."""

    openapi_bearerFormat = "amb_…"
    # The API reference is written for developers, in English, like the rest of it.
    openapi_description = (
        "A personal API token, created in your profile. It acts as you, in one organization."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        found = api_token_authenticate(token.strip(), now=timezone.now())
        if found is None:
            return None
        _token, membership = found
        # No session means the middleware could not know whose language to speak.
        translation.activate(membership.user.language)
        request.LANGUAGE_CODE = membership.user.language
        request.membership = membership  # type: ignore[attr-defined]
        request.organization = membership.organization  # type: ignore[attr-defined]
        return membership


class SessionMembership(SessionAuth):
    """The browser session of a logged-in person (the interactive docs use it).

    CSRF is checked on unsafe methods. A request without a session is not this
    scheme's business: it returns early so that a token client with a bad token
    gets a 401, not a CSRF failure.
    """

    openapi_description = "The session of a person logged in to Ambassade (CSRF checked)."

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Membership | None:
        membership: Membership | None = getattr(request, "membership", None)
        if membership is None or not request.user.is_authenticated:
            return None
        # The middleware loaded the organization; reuse the user it already has.
        membership.user = request.user
        return membership
