"""What curators publish for ambassadors to share."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Language, Network, Organization
from ambassade.content.models_images import image_absolute_url, image_path
from ambassade.programs.models import Program, Wave


class Family(models.TextChoices):
    COMPANY = "company", _("Company")
    MARKET = "market", _("Market")


class Kind(models.TextChoices):
    EVENT = "event", _("Event")
    JOB_OFFER = "job_offer", _("Job offer")
    AWARD = "award", _("Award")
    COMPANY_NEWS = "company_news", _("Company news")
    WHITE_PAPER = "white_paper", _("White paper")
    ANALYSIS = "analysis", _("Analysis")
    SECTOR_NEWS = "sector_news", _("Sector news")
    OTHER = "other", _("Other")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ContentItemQuerySet(models.QuerySet["ContentItem"]):
    def live(self, now: datetime) -> ContentItemQuerySet:
        """Published, already visible and not expired at ``now``."""
        return self.filter(status=ItemStatus.PUBLISHED, publish_at__lte=now).exclude(
            expires_at__lte=now
        )


class ContentItem(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="content_items"
    )
    family = models.CharField(_("family"), max_length=10, choices=Family.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("URL"), max_length=2000)
    summary = models.TextField(_("summary"), blank=True)
    image_url = models.URLField(_("image URL"), max_length=2000, blank=True)
    # The copy of ``image_url`` kept by us (see models_images): set once it is stored.
    image = models.ForeignKey(
        "content.ContentImage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        editable=False,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.FRENCH
    )
    hashtags = models.CharField(
        _("hashtags"), max_length=300, blank=True, help_text=_("Separated by spaces.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    programs = models.ManyToManyField(
        Program, verbose_name=_("programs"), related_name="content_items"
    )
    waves = models.ManyToManyField(
        Wave,
        verbose_name=_("waves"),
        related_name="content_items",
        blank=True,
        help_text=_("Leave empty for every wave of the programs."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ContentItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["organization", "status", "publish_at"])]

    def __str__(self) -> str:
        return f"{self.title} (#{self.pk})"

    @property
    def hashtag_list(self) -> list[str]:
        return [f"#{tag.lstrip('#')}" for tag in self.hashtags.split() if tag.strip("#")]

    @property
    def image_src(self) -> str:
        """The address of the item's image on our own origin, or "" (no image shown)."""
        return image_path(self.image_id) if self.image_id else ""

    @property
    def image_absolute_src(self) -> str:
        """The same, absolute, for e-mails."""
        return image_absolute_url(self.image_id) if self.image_id else ""

    def is_live(self, now: datetime) -> bool:
        return (
            self.status == ItemStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )


class SuggestedMessage(models.Model):
    """A message the curator proposes as a starting point; ambassadors rewrite it."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="suggested_messages"
    )
    network = models.CharField(
        _("network"),
        max_length=20,
        choices=Network.choices,
        blank=True,
        help_text=_("Leave empty for every network."),
    )
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("suggested message")
        verbose_name_plural = _("suggested messages")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"#{self.pk} for item {self.item_id}: {self.text[:40]}"


# Feed sources and the entries read from them, proposals and approval decisions,
# live in their own modules.
from ambassade.content.models_feeds import FeedEntry as FeedEntry  # noqa: E402
from ambassade.content.models_feeds import FeedMode as FeedMode  # noqa: E402
from ambassade.content.models_feeds import FeedSource as FeedSource  # noqa: E402
from ambassade.content.models_images import ContentImage as ContentImage  # noqa: E402
from ambassade.content.models_images import ImageStatus as ImageStatus  # noqa: E402
from ambassade.content.models_proposals import Decision as Decision  # noqa: E402
from ambassade.content.models_proposals import Proposal as Proposal  # noqa: E402
