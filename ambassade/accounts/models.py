"""People, organizations (tenants) and what each person may do in each."""

from __future__ import annotations

import secrets
import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone; a callable, so migrations name it instead of copying ~600 zones."""
    return TIME_ZONE_CHOICES


TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class Network(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    THREADS = "threads", "Threads"
    WHATSAPP = "whatsapp", "WhatsApp"
    XING = "xing", "XING"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.FRENCH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default="Europe/Paris"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    @property
    def is_erased(self) -> bool:
        """An anonymous stand-in holding an erased or removed member's history."""
        return self.email.startswith("erased-") and self.email.endswith("@invalid")

    @property
    def display_name(self) -> str:
        """How pages name the person: "Former member" once erased."""
        if self.is_erased:
            return str(_("Former member"))
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApprovalPolicy(models.TextChoices):
    NONE = "none", _("None: everything is published directly")
    PROPOSALS = "proposals", _("Ambassadors' proposals")
    EVERYTHING = "everything", _("Everything, curators' own items included")


class Organization(models.Model):
    """A tenant: a company running a program, or a client of an agency."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default="Europe/Paris"
    )
    conversion_secret = models.CharField(
        _("conversion signing secret"), max_length=64, default=secrets.token_hex
    )
    attribution_window_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A conversion counts for the last click within this many days before it."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Approval and compliance settings, enforced by the content and sharing services.
    approval_policy = models.CharField(
        _("items that need approval"),
        max_length=20,
        choices=ApprovalPolicy.choices,
        default=ApprovalPolicy.PROPOSALS,
    )
    disclosure_text = models.CharField(
        _("required disclosure"),
        max_length=100,
        blank=True,
        help_text=_("Added to every share unless already there, e.g. #IWorkAtAcme."),
    )
    blocked_words = models.TextField(
        _("blocked words and phrases"),
        blank=True,
        help_text=_("One per line; whole words, whatever the case and accents."),
    )
    daily_share_limit = models.PositiveSmallIntegerField(
        _("shares per ambassador per day"), default=0, help_text=_("0 for no limit.")
    )
    sharing_start_hour = models.PositiveSmallIntegerField(
        _("sharing allowed from (hour)"),
        default=0,
        validators=[MaxValueValidator(23)],
        help_text=_("In each ambassador's time zone."),
    )
    sharing_end_hour = models.PositiveSmallIntegerField(
        _("sharing allowed until (hour)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("24 for midnight; from 0 until 24 means at any time."),
    )
    burst_gap_minutes = models.PositiveSmallIntegerField(
        _("minimum gap between colleagues' shares (minutes)"),
        default=0,
        help_text=_(
            "The same item on the same network by several ambassadors is spread out; 0 for off."
        ),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sharing_start_hour__lte=23)
                & models.Q(sharing_end_hour__gte=1)
                & models.Q(sharing_end_hour__lte=24),
                name="organization_sharing_hours_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def blocked_word_list(self) -> list[str]:
        return [line.strip() for line in self.blocked_words.splitlines() if line.strip()]

    @property
    def restricts_hours(self) -> bool:
        return not (self.sharing_start_hour == 0 and self.sharing_end_hour == 24)

    def sharing_allowed_at_hour(self, hour: int) -> bool:
        """Whether a local ``hour`` (0-23) is inside the sharing hours; they may span midnight."""
        start, end = self.sharing_start_hour, self.sharing_end_hour
        if start < end:
            return start <= hour < end
        return hour >= start or hour < end


class Role(models.TextChoices):
    ADMIN = "admin", _("Organization admin")
    MANAGER = "manager", _("Program manager")
    CURATOR = "curator", _("Curator")
    AMBASSADOR = "ambassador", _("Ambassador")


class Seniority(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    SENIOR = "senior", _("Senior")


class Membership(models.Model):
    """A person inside one organization, with the roles they hold there.

    Department, specialty and seniority live here, not on the user: an agency
    operator belongs to several organizations, which must not see each other's
    view of that person.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("organization admin"), default=False)
    is_manager = models.BooleanField(_("program manager"), default=False)
    is_curator = models.BooleanField(_("curator"), default=False)
    is_ambassador = models.BooleanField(_("ambassador"), default=False)
    department = models.CharField(_("department"), max_length=100, blank=True)
    specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    seniority = models.CharField(
        _("seniority"), max_length=10, choices=Seniority.choices, blank=True
    )
    office = models.CharField(_("office"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} @ {self.organization.slug}"

    def has_role(self, role: Role) -> bool:
        # An organization admin can do everything inside their organization.
        if self.is_admin:
            return True
        return bool(getattr(self, f"is_{role.value}"))

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if getattr(self, f"is_{role.value}")]


class AccountKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    PERSONAL = "personal", _("Personal")


class SocialAccount(models.Model):
    """One of a person's accounts on a social network, for sharing and reach."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="social_accounts")
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    handle = models.CharField(_("handle or profile URL"), max_length=200)
    audience_size = models.PositiveIntegerField(
        _("audience size"), default=0, help_text=_("Followers or connections.")
    )
    kind = models.CharField(
        _("account type"),
        max_length=20,
        choices=AccountKind.choices,
        default=AccountKind.PROFESSIONAL,
    )
    mastodon_instance = models.CharField(
        _("Mastodon instance"),
        max_length=200,
        blank=True,
        help_text=_("For Mastodon only, e.g. mastodon.social."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network", "handle"], name="social_account_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.handle} ({self.user.email})"


class ApiToken(models.Model):
    """A personal API token, scoped to one organization; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.user.email})"

    def is_usable(self, now: Any) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


class Notification(models.Model):
    """A short in-app message to one person in one organization, with a link."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "organization", "read_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} to {self.user_id}: {self.message[:40]}"
