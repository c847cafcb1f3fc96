from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ambassade.accounts.models import Membership
from ambassade.accounts.notifications import unread_count


def organization(request: HttpRequest) -> dict[str, Any]:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        return {
            "current_membership": None,
            "current_organization": None,
            "other_memberships": [],
            "unread_notifications": 0,
        }
    others = (
        Membership.objects.filter(user_id=membership.user_id)
        .exclude(pk=membership.pk)
        .select_related("organization")
        .order_by("organization__name")
    )
    return {
        "current_membership": membership,
        "current_organization": membership.organization,
        "other_memberships": list(others),
        "unread_notifications": unread_count(membership=membership),
    }
