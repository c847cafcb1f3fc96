"""Remember an ambassador's own visitor hash of the day, so that their clicks on
their own links never earn them points.

The redirector hashes each reader as salt-of-the-day + IP + browser; an
ambassador using the application from the same browser and network hashes the
same. The hash is recorded at most once per day, device and network (the
session remembers what it recorded); nothing else about the visit is kept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from ambassade.accounts.models import Membership
from ambassade.tracking.cache import SaltCache, _date_of, day_number
from ambassade.tracking.fastpath import environ_client_ip
from ambassade.tracking.services import visitor_hash

logger = logging.getLogger(__name__)

SESSION_KEY = "rewards_own_visit"


class OwnVisitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.salts = SaltCache(cached=True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership: Membership | None = getattr(request, "membership", None)
        if membership is not None and membership.is_ambassador and request.method == "GET":
            self.remember(request, membership)
        return self.get_response(request)

    def remember(self, request: HttpRequest, membership: Membership) -> None:
        from ambassade.rewards.services import ambassador_visitor_record

        day = day_number(time.time())
        ip = environ_client_ip(
            request.META,
            trust_forwarded=bool(getattr(settings, "AMBASSADE_TRUST_X_FORWARDED_FOR", False)),
        )
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        try:
            digest = visitor_hash(salt=self.salts.salt(day), ip=ip, user_agent=user_agent)
            marker = f"{membership.pk}:{day}:{digest}"
            if request.session.get(SESSION_KEY) == marker:
                return
            ambassador_visitor_record(
                membership=membership, visitor_hash=digest, day_on=_date_of(day)
            )
            request.session[SESSION_KEY] = marker
        except DatabaseError:
            # Never fail a page for this; the next request tries again.
            logger.exception("Could not record an ambassador's own visit.")
