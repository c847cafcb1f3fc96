"""The badges and what earns each; the scoring job evaluates them (``scoring.badges_evaluate``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Badge:
    code: str
    name: Promise
    description: Promise
    icon: str


BADGES: tuple[Badge, ...] = (
    Badge("first_share", _("First share"), _("Shared a first item."), "🌱"),
    Badge("shares_10", _("10 shares"), _("Shared 10 items."), "🔟"),
    Badge("shares_50", _("50 shares"), _("Shared 50 items."), "🚀"),
    Badge("shares_100", _("100 shares"), _("Shared 100 items."), "🏆"),
    Badge(
        "first_application",
        _("First application"),
        _("A job application came through one of your links."),
        "🤝",
    ),
    Badge(
        "curators_pick", _("Curator's pick"), _("A curator singled out one of your shares."), "⭐"
    ),
    Badge("mentor", _("Mentor"), _("Coached a colleague in a mentoring session."), "🧭"),
    Badge("streak_4", _("4-week streak"), _("Shared in each of 4 weeks in a row."), "🔥"),
    Badge("streak_12", _("12-week streak"), _("Shared in each of 12 weeks in a row."), "💎"),
)

BY_CODE: dict[str, Badge] = {badge.code: badge for badge in BADGES}

# Share counts that earn a badge.
SHARE_MILESTONES: tuple[tuple[int, str], ...] = (
    (1, "first_share"),
    (10, "shares_10"),
    (50, "shares_50"),
    (100, "shares_100"),
)
STREAK_MILESTONES: tuple[tuple[int, str], ...] = ((4, "streak_4"), (12, "streak_12"))


def badge_name(code: str) -> str:
    badge = BY_CODE.get(code)
    return str(badge.name) if badge else code
