"""Template helpers of the program pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


@register.filter
def money(amount: Decimal | int | None, currency: str) -> str:
    """An amount in the reader's language: « 12 000,00 € » in French, « €12,000.00 » in English."""
    if amount is None:
        return ""
    number = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    if (get_language() or "").startswith("en"):
        return f"{symbol}{number}" if symbol else f"{currency}\u00a0{number}"
    return f"{number}\u00a0{symbol or currency}"
