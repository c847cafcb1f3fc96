"""What other apps bring to the newsletter when they are installed.

Each function answers None when its app is not installed (or does not offer the
function yet), and the newsletter then falls back on the tracking basics or leaves
the section out. The imports are lazy: the newsletter works whatever is installed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from django.apps import apps

logger = logging.getLogger(__name__)

REWARDS = "ambassade.rewards"
ANALYTICS = "ambassade.analytics"
COMMUNITY = "ambassade.community"


def provider(app: str, module: str, name: str) -> Callable[..., Any] | None:
    """``app.module.name`` when ``app`` is installed and offers it, else None."""
    if not apps.is_installed(app):
        return None
    try:
        found = getattr(importlib.import_module(f"{app}.{module}"), name)
    except (ImportError, AttributeError):
        logger.warning(
            "%s is installed but offers no %s.%s: section left to fallback", app, module, name
        )
        return None
    return found if callable(found) else None


def leaderboard() -> Callable[..., Any] | None:
    return provider(REWARDS, "selectors", "leaderboard")


def badges_awarded() -> Callable[..., Any] | None:
    return provider(REWARDS, "selectors", "badges_awarded")


def targets_progress() -> Callable[..., Any] | None:
    return provider(ANALYTICS, "selectors", "targets_progress")


def program_kpis() -> Callable[..., Any] | None:
    return provider(ANALYTICS, "selectors", "program_kpis")


def upcoming_events() -> Callable[..., Any] | None:
    return provider(COMMUNITY, "selectors", "upcoming_events")
