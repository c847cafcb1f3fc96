"""Content tasks: thin wrappers around the services, and the periodic
"fetch pending images" job."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from ambassade.content import images
from ambassade.jobs import schedule


@task()
def content_image_fetch_task(*, image_id: int) -> str:
    """Fetch one item image once; return what became of it."""
    image = images.content_image_fetch(image_id=image_id, now=timezone.now())
    return image.status if image is not None else "missing"


@task()
def content_images_fetch_pending_task() -> int:
    """Fetch the images whose own task never ran; return how many were tried."""
    return images.content_images_fetch_pending(now=timezone.now())


schedule.register(
    "fetch pending images", content_images_fetch_pending_task, every=timedelta(minutes=5)
)
