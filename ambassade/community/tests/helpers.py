from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ambassade.accounts.models import Organization
from ambassade.community.models import Event, EventKind

CASABLANCA = ZoneInfo("Africa/Casablanca")
PARIS = ZoneInfo("Europe/Paris")


def breakfast(
    organization: Organization,
    *,
    starts_at: dt.datetime,
    time_zone: str = "Europe/Paris",
    capacity: int | None = None,
    **fields: object,
) -> Event:
    return Event.objects.create(
        organization=organization,
        kind=str(fields.pop("kind", EventKind.BREAKFAST)),
        title=str(fields.pop("title", "Petit-déjeuner des ambassadeurs")),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1, minutes=30),
        time_zone=time_zone,
        place=str(fields.pop("place", "Siège, 3e étage")),
        capacity=capacity,
        **fields,
    )
