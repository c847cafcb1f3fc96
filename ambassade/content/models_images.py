"""Content images, fetched once and served from our own origin.

An item's ``image_url`` is a third-party address; putting it in an ``<img>``
would tell that third party about every ambassador and newsletter reader who
looks at the item. The image is fetched once in the background instead, checked
(size, and a JPEG, PNG, GIF or WebP signature), and kept here.

The bytes live in the database (a ``BinaryField``), not in files under ``var/``:
web processes stay stateless behind a load balancer, a database backup holds
everything, and a 5 MB limit keeps rows reasonable. Images are served at
``/curation/images/<key>``, where the key carries an HMAC of the image's id made
with ``SECRET_KEY``: the address works in e-mails without logging in, and cannot
be guessed or enumerated.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Organization
from ambassade.lib.fetch import describe_error

KEY_SALT = "ambassade.content.image"
MAC_LENGTH = 32  # hex digits: 128 bits


class ImageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be fetched")
    STORED = "stored", _("Stored")
    FAILED = "failed", _("Could not be fetched")


def source_hash(url: str) -> str:
    """A fixed-size handle on an address, for the unique constraint."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def image_key(image_id: int) -> str:
    mac = salted_hmac(KEY_SALT, str(image_id), algorithm="sha256").hexdigest()[:MAC_LENGTH]
    return f"{image_id}-{mac}"


def image_id_from_key(key: str) -> int | None:
    """The image id a key was made for, or None when it is not one of ours."""
    number, _sep, mac = key.partition("-")
    if not number.isdigit() or len(number) > 18 or len(mac) != MAC_LENGTH:
        return None
    return int(number) if constant_time_compare(key, image_key(int(number))) else None


def image_path(image_id: int) -> str:
    return reverse("content:image", args=[image_key(image_id)])


def image_absolute_url(image_id: int) -> str:
    """For e-mails: the address on ``AMBASSADE_BASE_URL``."""
    return f"{settings.AMBASSADE_BASE_URL}{image_path(image_id)}"


class ContentImage(models.Model):
    """One image address of an organization's items, and what fetching it gave."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="content_images"
    )
    source_url = models.URLField(_("original address"), max_length=2000)
    source_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImageStatus.choices, default=ImageStatus.PENDING
    )
    content_type = models.CharField(_("content type"), max_length=20, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    digest = models.CharField(_("SHA-256"), max_length=64, blank=True)
    data = models.BinaryField(default=b"", blank=True, editable=False)
    # Why the fetch failed: a code and its parameters, translated when shown.
    error_code = models.CharField(max_length=30, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("content image")
        verbose_name_plural = _("content images")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_hash"], name="content_image_unique_source"
            )
        ]

    def __str__(self) -> str:
        return f"Image #{self.pk} ({self.status}): {self.source_url[:80]}"

    @property
    def path(self) -> str:
        return image_path(self.pk) if self.status == ImageStatus.STORED else ""

    @property
    def error_message(self) -> str:
        """Why it could not be fetched, in the active language."""
        if self.status != ImageStatus.FAILED:
            return ""
        return error_text(self.error_code, self.error_params)


def error_text(code: str, params: dict[str, object] | None = None) -> str:
    if code == "not_image":
        return gettext("not a JPEG, PNG, GIF or WebP image")
    if code == "too_large":
        limit = int(str((params or {}).get("limit", 0)) or 0)
        if limit:
            return gettext("too large (more than %(size)s MB)") % {"size": f"{limit / 1_000_000:g}"}
        return gettext("too large")
    if code == "internal":
        return gettext("unexpected error")
    return describe_error(code, params)
