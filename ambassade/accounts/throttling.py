"""Login throttling: django-axes' hooks, and rate limits on login failures and password resets.

django-axes counts failed logins in its tables and refuses a locked-out login
(``AXES_*`` in config/settings.py). It never sees a raw address: ``client_pseudonym``
gives it a keyed hash instead. On top of it, failed login posts per client address
and password-reset requests are limited with ``ambassade.lib.ratelimit``.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ambassade.lib.ratelimit import client_fingerprint, rate_limit_hit, rate_limit_peek
from ambassade.tracking.views import client_ip

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

LOGIN_FAILURES_WINDOW_SECONDS = 5 * 60
PASSWORD_RESETS_WINDOW_SECONDS = 3600


# --- django-axes hooks ---------------------------------------------------------------


def client_pseudonym(request: HttpRequest) -> str:
    """The client's address as axes stores it: HMAC-SHA256 under the secret key, written
    as an IPv6 unique-local address (fd00::/8) so that it fits axes' address column
    (``inet`` on PostgreSQL). The same client gets the same pseudonym, and nothing
    stored turns back into its address."""
    digest = salted_hmac("ambassade.axes.client", client_ip(request), algorithm="sha256").digest()
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The e-mail address tried, as the user manager stores it (lower case): "Alice@X"
    and "alice@x" count as one account."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username")
    if value is None:
        return None
    return str(value).strip().lower()


class LoginAttemptHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, except that a successful login only forgets the failures
    of that person from that client.

    axes would delete every failure matching any lockout parameter, including other
    accounts' failures from the same client: someone with an account of their own
    could then guess a colleague's password four tries at a time, logging in as
    themselves in between.
    """

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        count: int
        count, _deleted = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            user_agent=request.axes_user_agent,  # type: ignore[attr-defined]
        ).delete()
        return count


def lockout_ends_at(request: HttpRequest, credentials: dict[str, Any] | None = None) -> datetime:
    """When a locked-out login may be tried again, at the latest: the last failure that
    counts towards a lockout, plus the cool-off."""
    handler = AxesProxyHandler.get_implementation()
    limit = get_failure_limit(request, credentials)
    latest: list[datetime] = []
    for attempts in handler.get_user_attempts(request, credentials):
        totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (totals["failures"] or 0) >= limit and totals["last"] is not None:
            latest.append(totals["last"])
    cool_off = get_cool_off(request) or settings.AXES_COOLOFF_TIME
    started = max(latest) if latest else timezone.now()
    return started + cool_off


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out login gets (429), with the time to try again."""
    ends_at = lockout_ends_at(request, credentials)
    seconds = max(1, math.ceil((ends_at - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/lockout.html",
        {
            "retry_at": ends_at,
            "retry_minutes": math.ceil(seconds / 60),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


# --- Rate limits -----------------------------------------------------------------------


def too_many_requests(request: HttpRequest, *, retry_after: int, message: str) -> HttpResponse:
    response = render(
        request,
        "registration/too_many_requests.html",
        {"message": message, "retry_minutes": math.ceil(retry_after / 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def login_failures_limited(view: View) -> View:
    """Refuse login posts from a client address that failed too often lately.

    Counted per address, whatever the user agent: changing it is free for someone
    trying passwords. Only failures count, so that a whole office logging in at
    once from one address is never refused.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        now = timezone.now()
        key = client_fingerprint(request, now=now, with_agent=False)
        limit = settings.AMBASSADE_LOGIN_FAILURES_PER_5_MINUTES
        window = LOGIN_FAILURES_WINDOW_SECONDS
        seen = rate_limit_peek("login-failures", key, limit=limit, window_seconds=window, now=now)
        if seen.count >= limit:
            return too_many_requests(
                request,
                retry_after=seen.retry_after,
                message=_("Too many failed logins from your connection."),
            )
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            rate_limit_hit("login-failures", key, limit=limit, window_seconds=window, now=now)
        return response

    return cast(View, wrapped)


def _email_key(email: str) -> str:
    return salted_hmac("ambassade.password-reset", email, algorithm="sha256").hexdigest()[:32]


def password_resets_limited(view: View) -> View:
    """Limit password-reset requests per e-mail address (nobody's mailbox gets flooded)
    and per client (nobody sends them to every address in turn)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        now = timezone.now()
        limit = settings.AMBASSADE_PASSWORD_RESETS_PER_HOUR
        window = PASSWORD_RESETS_WINDOW_SECONDS
        decisions = [
            rate_limit_hit(
                "password-reset-client",
                client_fingerprint(request, now=now),
                limit=limit,
                window_seconds=window,
                now=now,
            )
        ]
        email = str(request.POST.get("email", "")).strip().lower()
        if email:
            decisions.append(
                rate_limit_hit(
                    "password-reset-email",
                    _email_key(email),
                    limit=limit,
                    window_seconds=window,
                    now=now,
                )
            )
        over = [decision for decision in decisions if decision.limited]
        if over:
            return too_many_requests(
                request,
                retry_after=max(decision.retry_after for decision in over),
                message=_("Too many password reset requests."),
            )
        return view(request, *args, **kwargs)

    return cast(View, wrapped)
