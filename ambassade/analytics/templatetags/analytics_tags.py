"""Template helpers of the dashboard: numbers and rates in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value: float | int | Decimal | None, digits: int = 0) -> str:
    """« 12 345 » in French, « 12,345 » in English; a dash when there is no value."""
    if value is None:
        return "—"
    return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)


@register.filter
def percent(ratio: float | None, digits: int = 1) -> str:
    """A ratio (0.123) as « 12,3 % »; a dash when it cannot be computed."""
    if ratio is None:
        return "—"
    return f"{number_format(100 * ratio, decimal_pos=digits, use_l10n=True)}\u00a0%"


@register.filter
def status_class(status: str) -> str:
    return {"on_track": "ok", "at_risk": "warn", "off_track": "bad"}.get(status, "")
