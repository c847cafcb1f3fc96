"""Feed sources (RSS, Atom, JSON Feed) and the entries read from them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Language, Organization
from ambassade.content.models import Family, Kind
from ambassade.programs.models import Program

# Back-off after failures: the interval doubles with each failure, up to this.
MAX_BACKOFF = timedelta(hours=24)


class FeedMode(models.TextChoices):
    PUBLISH = "publish", _("Publish automatically")
    PROPOSE = "propose", _("Propose to curators")


class FeedSource(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="feed_sources"
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=2000)
    family = models.CharField(
        _("family"), max_length=10, choices=Family.choices, default=Family.MARKET
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.SECTOR_NEWS
    )
    programs = models.ManyToManyField(
        Program, verbose_name=_("programs"), related_name="feed_sources"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.FRENCH
    )
    mode = models.CharField(
        _("mode"),
        max_length=10,
        choices=FeedMode.choices,
        default=FeedMode.PUBLISH,
        help_text=_("Proposed items wait in the approval queue."),
    )
    max_items_per_day = models.PositiveIntegerField(
        _("maximum new items per day"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    poll_interval_minutes = models.PositiveIntegerField(
        _("polling interval (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last read at"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll at"), default=timezone.now)
    last_error_code = models.CharField(max_length=30, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_warning = models.TextField(_("last warning"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    items_created = models.PositiveIntegerField(_("items created"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "url"], name="feedsource_unique_url_per_organization"
            )
        ]
        indexes = [models.Index(fields=["is_active", "next_poll_at"])]

    def __str__(self) -> str:
        return f"{self.name} (#{self.pk})"

    @property
    def poll_interval(self) -> timedelta:
        return timedelta(minutes=self.poll_interval_minutes)

    def backoff_delay(self, failures: int) -> timedelta:
        """How long to wait after ``failures`` failures in a row: doubling, capped."""
        if failures <= 0:
            return self.poll_interval
        delay: timedelta = self.poll_interval * (2 ** min(failures, 16))
        return min(delay, MAX_BACKOFF)

    def is_due(self, now: datetime) -> bool:
        return self.is_active and self.next_poll_at <= now

    @property
    def error_message(self) -> str:
        """The last error, in the reader's language."""
        from ambassade.content.feeds.errors import describe_feed_error

        if not self.last_error_code:
            return self.last_error
        return describe_feed_error(self.last_error_code, self.last_error_params)


class FeedEntry(models.Model):
    """What was read from a feed, to never create the same item twice.

    Unique per organization by GUID and by canonical URL (stored as hashes so the
    unique indexes stay small on every database).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="feed_entries"
    )
    source = models.ForeignKey(
        FeedSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    item = models.ForeignKey(
        "content.ContentItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feed_entries",
    )
    guid = models.CharField(_("GUID"), max_length=1000, blank=True)
    guid_hash = models.CharField(max_length=64, blank=True)
    canonical_url = models.URLField(_("canonical URL"), max_length=2000)
    url_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "guid_hash"],
                condition=~models.Q(guid_hash=""),
                name="feedentry_unique_guid_per_organization",
            ),
            models.UniqueConstraint(
                fields=["organization", "url_hash"], name="feedentry_unique_url_per_organization"
            ),
        ]
        indexes = [models.Index(fields=["source", "created_at"])]

    def __str__(self) -> str:
        return f"{self.canonical_url} (#{self.pk})"
