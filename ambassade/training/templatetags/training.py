"""``{% charter_banner %}`` and ``{% onboarding_widget %}`` for the ambassador's pages."""

from __future__ import annotations

from typing import Any

from django import template

from ambassade.accounts.models import Membership, Role
from ambassade.training.selectors import charters_pending, onboarding_for

register = template.Library()


def _membership(context: template.Context) -> Membership | None:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return membership if isinstance(membership, Membership) else None


@register.inclusion_tag("training/_charter_banner.html", takes_context=True)
def charter_banner(context: template.Context) -> dict[str, Any]:
    """A banner with a link while a charter waits for the person's acknowledgement."""
    membership = _membership(context)
    if membership is None or not membership.has_role(Role.AMBASSADOR):
        return {"pending": []}
    pending = charters_pending(membership=membership)
    names = ", ".join(f"“{p.name}”" for p in pending)
    return {"pending": pending, "pending_names": names}


@register.inclusion_tag("training/_onboarding_widget.html", takes_context=True)
def onboarding_widget(context: template.Context) -> dict[str, Any]:
    """A compact progress bar of the onboarding, until it is complete."""
    membership = _membership(context)
    if membership is None or not membership.has_role(Role.AMBASSADOR):
        return {"onboarding": None}
    return {"onboarding": onboarding_for(membership=membership)}
