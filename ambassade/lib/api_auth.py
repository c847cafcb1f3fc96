"""Who is calling the API: a personal token, or a logged-in browser session.

Either way ``request.auth`` is the acting ``Membership`` (organization and user
loaded), so every endpoint scopes its queries to ``request.auth.organization``.

Rate limits (``ambassade.lib.ratelimit``, per minute, from the settings):
``ApiRateThrottle`` gives each token, and each logged-in person, a budget of
requests; wrong tokens are counted per client (``auth_failure_count``), and a
client past the limit has no token checked at all until the minute is over, so
that guessing tokens gets nowhere.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from ambassade.accounts.models import Membership
from ambassade.accounts.tokens import api_token_authenticate
from ambassade.lib.ratelimit import (
    RateDecision,
    client_fingerprint,
    rate_limit_hit,
    rate_limit_peek,
)

WINDOW_SECONDS = 60
AUTH_FAILURES_SCOPE = "api-auth-failed"


class TooManyRequests(Exception):
    """Answered 429 with ``Retry-After: retry_after`` by the API's handler."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests.")
        self.retry_after = retry_after


def _auth_failures(request: HttpRequest, *, count: bool) -> RateDecision:
    now = timezone.now()
    # The address only: someone guessing tokens would change user agents at will.
    client = client_fingerprint(request, now=now, with_agent=False)
    limit = settings.AMBASSADE_API_AUTH_FAILURES_PER_MINUTE
    read = rate_limit_hit if count else rate_limit_peek
    return read(AUTH_FAILURES_SCOPE, client, limit=limit, window_seconds=WINDOW_SECONDS, now=now)


def auth_failure_count(request: HttpRequest) -> RateDecision:
    """Count a wrong credential sent by this client; ``limited`` when it is one too many."""
    return _auth_failures(request, count=True)


class ApiRateThrottle(BaseThrottle):
    """A budget of requests per minute for each token, and for each logged-in person.

    Keyed by the token's id or the membership's id, never by an address: people
    behind one office address do not share a budget, two tokens do not either.
    Requests without ``request.auth`` (the signed conversions) are not counted here.
    """

    def __init__(self) -> None:
        # One instance serves every request: the decision of each thread's request.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        membership: Membership | None = getattr(request, "auth", None)
        if membership is None:
            return True
        token = getattr(request, "api_token", None)
        key = f"token:{token.pk}" if token is not None else f"member:{membership.pk}"
        decision = rate_limit_hit(
            "api",
            key,
            limit=settings.AMBASSADE_API_RATE_PER_MINUTE,
            window_seconds=WINDOW_SECONDS,
            now=timezone.now(),
        )
        self._local.retry_after = decision.retry_after
        return not decision.limited

    def wait(self) -> float | None:
        return float(getattr(self._local, "retry_after", WINDOW_SECONDS))


class BearerToken(HttpBearer):
    """``Authorization: Bearer amb_…``: a personal token, scoped to one organization."""

    openapi_bearerFormat = "amb_…"
    # The API reference is written for developers, in English, like the rest of it.
    openapi_description = (
        "A personal API token, created in your profile. It acts as you, in one organization."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        # A client that sent too many wrong tokens gets no answer about this one.
        failures = _auth_failures(request, count=False)
        if failures.count >= failures.limit:
            raise TooManyRequests(failures.retry_after)
        found = api_token_authenticate(token.strip(), now=timezone.now())
        if found is None:
            return None
        api_token, membership = found
        request.api_token = api_token  # type: ignore[attr-defined]
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
