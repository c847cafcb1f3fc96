"""Cache invalidation only: a saved or deleted link makes redirector processes reread theirs."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ambassade.tracking.models import TrackedLink
from ambassade.tracking.services import links_changed


@receiver(post_save, sender=TrackedLink)
def _link_saved(*, instance: TrackedLink, created: bool, **kwargs: Any) -> None:
    # A new code is read from the database on its first request: nothing to invalidate.
    if not created:
        links_changed()


@receiver(post_delete, sender=TrackedLink)
def _link_deleted(*, instance: TrackedLink, **kwargs: Any) -> None:
    links_changed()
