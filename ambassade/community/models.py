"""Moments together: events with RSVPs and a waiting list, private calendar feeds,
and junior/senior mentoring pairs with their sessions."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Membership, Organization, time_zone_choices
from ambassade.programs.models import Program


class EventKind(models.TextChoices):
    BREAKFAST = "breakfast", _("Monthly breakfast")
    TIPS_EXCHANGE = "tips_exchange", _("Tips exchange")
    WEBINAR = "webinar", _("Webinar")
    OTHER = "other", _("Other")


class TipsDirection(models.TextChoices):
    NONE = "", _("—")
    JUNIORS_TO_SENIORS = "juniors_to_seniors", _("Juniors coach seniors")
    SENIORS_TO_JUNIORS = "seniors_to_juniors", _("Seniors coach juniors")


class Event(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Leave empty for an event open to the whole organization."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    direction = models.CharField(
        _("who coaches whom"),
        max_length=20,
        choices=TipsDirection.choices,
        blank=True,
        default=TipsDirection.NONE,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default="Europe/Paris"
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["organization", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M} UTC, #{self.pk})"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class RsvpStatus(models.TextChoices):
    GOING = "going", _("Going")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Rsvp(models.Model):
    """A person's answer to an event; the waiting list is in ``requested_at`` order."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rsvps")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(_("status"), max_length=10, choices=RsvpStatus.choices)
    requested_at = models.DateTimeField(_("signed up at"))
    updated_at = models.DateTimeField(_("updated at"))
    reminded_day_at = models.DateTimeField(_("day-before reminder sent at"), null=True, blank=True)
    reminded_hour_at = models.DateTimeField(
        _("hour-before reminder sent at"), null=True, blank=True
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_marked_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "membership"], name="rsvp_unique")]
        indexes = [models.Index(fields=["event", "status", "requested_at"])]

    def __str__(self) -> str:
        return f"RSVP #{self.pk}: membership {self.membership_id} to event {self.event_id} ({self.status})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar address: whoever has the token reads their events."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of membership {self.membership_id}"


class PairStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class MentoringPair(models.Model):
    """A junior and a senior who coach each other, confirmed by the program team."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mentoring_pairs"
    )
    junior = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    senior = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.ACTIVE
    )
    score = models.FloatField(_("match score"), default=0)
    reasons = models.JSONField(_("why this pair"), default=list)
    confirmed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["junior", "senior"],
                condition=models.Q(status="active"),
                name="mentoring_pair_active_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(junior=models.F("senior")), name="mentoring_pair_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"pair #{self.pk}: {self.junior_id} (junior) & {self.senior_id} (senior)"


class MentoringSession(models.Model):
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"session of pair {self.pair_id} on {self.held_on}"
