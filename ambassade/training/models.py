"""Training modules with quizzes, the versioned charter of each program and its
acknowledgements, and the organization's training settings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Language, Membership, Organization
from ambassade.programs.models import Program


class TrainingSettings(models.Model):
    """Per organization; an organization without a row has the defaults."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="training_settings"
    )
    charter_required = models.BooleanField(
        _("charter acknowledgement required before sharing"),
        default=True,
        help_text=_(
            "Ambassadors acknowledge the current version of their program's charter "
            "before their first share, and again when a new version is published."
        ),
    )

    class Meta:
        verbose_name = _("training settings")
        verbose_name_plural = _("training settings")

    def __str__(self) -> str:
        return f"training settings of {self.organization.slug}"


class Module(models.Model):
    """A short lesson written in Markdown, optionally with a quiz."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="training_modules"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_modules",
        help_text=_("Leave empty for a module open to every program of the organization."),
    )
    key = models.SlugField(
        _("key"), help_text=_("The same key links the translations of one module.")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.FRENCH
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("content (Markdown)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        ordering = ["position", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key", "language"], name="training_module_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1) & models.Q(pass_mark__lte=100),
                name="training_module_pass_mark_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}] ({self.organization.slug})"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Question(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    explanation = models.CharField(
        _("explanation"), max_length=500, blank=True, help_text=_("Shown after an attempt.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Q{self.position} of module {self.module_id}: {self.text[:60]}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.text[:60]} ({'correct' if self.is_correct else 'wrong'}, #{self.pk})"


class QuizAttempt(models.Model):
    """One submission of a module's quiz: the answers, the score, passed or not."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    answers = models.JSONField(_("answers"), default=dict)
    correct = models.PositiveSmallIntegerField(_("correct answers"))
    total = models.PositiveSmallIntegerField(_("questions"))
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["membership", "module"])]

    def __str__(self) -> str:
        return f"attempt #{self.pk} on module {self.module_id}: {self.score} %"


class ModuleCompletion(models.Model):
    """A module done: read (no quiz) or its quiz passed. Once per person and module."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="completions")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="module_completions"
    )
    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("module completion")
        verbose_name_plural = _("module completions")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "membership"], name="module_completion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"module {self.module_id} completed by membership {self.membership_id}"


class CharterVersion(models.Model):
    """One published version of a program's charter; the latest one is current."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="charter_versions")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text (Markdown)"))
    note = models.CharField(
        _("what changed"), max_length=300, blank=True, help_text=_("Shown to the ambassadors.")
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="charter_version_unique")
        ]

    def __str__(self) -> str:
        return f"charter v{self.version} of {self.program.slug}"


class CharterAcknowledgement(models.Model):
    """Who acknowledged which version of the charter, and when."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="charter_acknowledgements"
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="charter_acknowledgements"
    )
    version = models.ForeignKey(
        CharterVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="charter_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("charter acknowledgement")
        verbose_name_plural = _("charter acknowledgements")
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "membership"], name="charter_acknowledgement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version.version} of {self.program.slug} by membership {self.membership_id}"
