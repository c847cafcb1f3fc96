"""Content images: fetched once, checked, stored, and served from our own origin.

When an item gets an image address (curator form, API, feed entry, link preview,
proposal), :func:`items_image_attach` links it to the organization's
:class:`ContentImage` for that address, creating it and enqueueing its fetch the
first time. :func:`content_image_fetch` (the background task) goes through the
SSRF-safe fetcher with a size and a time limit, keeps the bytes only when their
signature says JPEG, PNG, GIF or WebP (never SVG or HTML, whatever the
Content-Type said), and links every item of the organization with that address.
A failure is recorded on the image for curators to read; it never stops ingestion.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import Organization
from ambassade.content.models import ContentImage, ContentItem, ImageStatus
from ambassade.content.models_images import source_hash
from ambassade.lib.fetch import FetchError, fetch

logger = logging.getLogger(__name__)

IMAGE_TIMEOUT = 10.0
IMAGE_MAX_REDIRECTS = 5
IMAGE_ACCEPT = "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1"
# Images still pending this long after being asked for are fetched by the periodic job.
PENDING_GRACE = timedelta(minutes=5)
PENDING_BATCH = 50
# Failures worth another try when a curator saves the item again.
RETRYABLE = frozenset({"timeout", "connection", "dns", "tls", "http", "internal"})


def max_bytes() -> int:
    return int(getattr(settings, "AMBASSADE_IMAGE_MAX_BYTES", 5_000_000))


def sniff_image_type(data: bytes) -> str:
    """The image type the bytes' signature says, or "" for anything else.

    Only raster formats browsers render without running anything: no SVG (it
    can hold scripts), no HTML, whatever the server called it.
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


def _enqueue_fetch(image_id: int) -> None:
    from ambassade.content.tasks import content_image_fetch_task

    try:
        content_image_fetch_task.enqueue(image_id=image_id)
    except Exception:  # the queue being down never breaks the save
        logger.exception("Could not enqueue the fetch of image %s", image_id)


def _request(
    *, organization_id: int, url: str, now: datetime, retry: bool = False, enqueue: bool = True
) -> ContentImage:
    """The organization's image for ``url``; its fetch is enqueued the first time."""
    image, created = ContentImage.objects.defer("data").get_or_create(
        organization_id=organization_id,
        source_hash=source_hash(url),
        defaults={"source_url": url, "created_at": now},
    )
    if created and enqueue:
        transaction.on_commit(partial(_enqueue_fetch, image.pk))
    elif retry and image.status == ImageStatus.FAILED and image.error_code in RETRYABLE:
        ContentImage.objects.filter(pk=image.pk).update(
            status=ImageStatus.PENDING, error_code="", error_params={}
        )
        image.status = ImageStatus.PENDING
        transaction.on_commit(partial(_enqueue_fetch, image.pk))
    return image


def items_image_attach(*, items: Iterable[ContentItem], now: datetime, retry: bool = False) -> None:
    """Point each item at the stored copy of its ``image_url``, or at none until it is.

    Called inside the transaction that saved the items (they are already checked by
    the service that saved them). ``retry`` fetches again an image whose last fetch
    failed for a passing reason (a curator saving the item again).
    """
    with transaction.atomic():
        for item in items:
            url = item.image_url.strip()
            image_id: int | None = None
            if url:
                image = _request(
                    organization_id=item.organization_id, url=url, now=now, retry=retry
                )
                image_id = image.pk if image.status == ImageStatus.STORED else None
            if item.image_id != image_id:
                item.image_id = image_id
                ContentItem.objects.filter(pk=item.pk).update(image_id=image_id)


def content_image_status(*, item: ContentItem) -> ContentImage | None:
    """The image record of an item's ``image_url`` (without its bytes), for curators."""
    if not item.image_url.strip():
        return None
    return (
        ContentImage.objects.defer("data")
        .filter(organization_id=item.organization_id, source_hash=source_hash(item.image_url))
        .first()
    )


def _record_failure(
    image: ContentImage, *, code: str, params: dict[str, object], now: datetime
) -> None:
    ContentImage.objects.filter(pk=image.pk, status=ImageStatus.PENDING).update(
        status=ImageStatus.FAILED, error_code=code, error_params=params, fetched_at=now
    )
    image.status = ImageStatus.FAILED
    image.error_code = code
    image.error_params = params
    image.fetched_at = now


def _save_bytes(image: ContentImage, *, data: bytes, content_type: str, now: datetime) -> None:
    """Store the checked bytes and give them to every item with that address."""
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        updated = (
            ContentImage.objects.filter(pk=image.pk)
            .exclude(status=ImageStatus.STORED)
            .update(
                status=ImageStatus.STORED,
                data=data,
                content_type=content_type,
                size=len(data),
                digest=digest,
                error_code="",
                error_params={},
                fetched_at=now,
            )
        )
        if updated:
            ContentItem.objects.filter(
                organization_id=image.organization_id, image_url=image.source_url
            ).update(image=image)
    image.status = ImageStatus.STORED
    image.content_type = content_type
    image.size = len(data)
    image.digest = digest
    image.fetched_at = now


def content_image_fetch(*, image_id: int, now: datetime) -> ContentImage | None:
    """Fetch a pending image once; the outcome is recorded on it. Never raises for a
    bad image: the curator reads why on the item."""
    image = ContentImage.objects.defer("data").filter(pk=image_id).first()
    if image is None or image.status != ImageStatus.PENDING:
        return image
    limit = max_bytes()
    try:
        result = fetch(
            image.source_url,
            max_bytes=limit,
            timeout=IMAGE_TIMEOUT,
            max_redirects=IMAGE_MAX_REDIRECTS,
            accept=IMAGE_ACCEPT,
        )
    except FetchError as exc:
        params = dict(exc.params)
        if exc.code == "too_large":
            params["limit"] = limit
        _record_failure(image, code=exc.code, params=params, now=now)
        return image
    except Exception:  # one odd server never stops the queue
        logger.exception("Image %s could not be fetched", image.pk)
        _record_failure(image, code="internal", params={}, now=now)
        return image
    content_type = sniff_image_type(result.content)
    if not content_type:
        _record_failure(image, code="not_image", params={}, now=now)
        return image
    _save_bytes(image, data=result.content, content_type=content_type, now=now)
    return image


def content_images_fetch_pending(
    *, now: datetime, older_than: timedelta = PENDING_GRACE, limit: int = PENDING_BATCH
) -> int:
    """Fetch images still pending a while after they were asked for (their task was
    lost, the queue was down, or they predate the image store); return how many."""
    pending = list(
        ContentImage.objects.filter(status=ImageStatus.PENDING, created_at__lte=now - older_than)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for image_id in pending:
        content_image_fetch(image_id=image_id, now=now)
    return len(pending)


def content_image_store(
    *, organization: Organization, source_url: str, data: bytes, now: datetime
) -> ContentImage:
    """Keep image bytes obtained otherwise (the demo's generated pictures), with the
    same checks as a fetch: a raster image, within the size limit."""
    content_type = sniff_image_type(data)
    if not content_type:
        raise ValidationError(_("Only JPEG, PNG, GIF and WebP images can be kept."))
    if len(data) > max_bytes():
        raise ValidationError(_("This image is too large."))
    with transaction.atomic():
        image = _request(organization_id=organization.pk, url=source_url, now=now, enqueue=False)
        _save_bytes(image, data=data, content_type=content_type, now=now)
    return image
