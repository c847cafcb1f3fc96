"""Template filters of the curation pages."""

from __future__ import annotations

from django import template

from ambassade.content.selectors import MixCounts

register = template.Library()


@register.filter
def off_target(counts: MixCounts, target: int) -> bool:
    """Whether a month's mix is more than 10 points away from the target."""
    return counts.off_target(target)
