"""Periodic jobs the scheduler enqueues, and the runs of long jobs shown in the UI."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Organization


class PeriodicStatus(models.TextChoices):
    NEVER = "never", _("Never run")
    ENQUEUED = "enqueued", _("Enqueued")
    FAILED = "failed", _("Could not be enqueued")


class PeriodicJob(models.Model):
    """One row per job declared in the schedule; the scheduler claims it when due."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    last_status = models.CharField(
        _("last status"),
        max_length=10,
        choices=PeriodicStatus.choices,
        default=PeriodicStatus.NEVER,
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_result_id = models.CharField(_("last task result"), max_length=64, blank=True)
    # Set while a scheduler enqueues the job; a stale value shows a scheduler that died.
    running_since = models.DateTimeField(_("being enqueued since"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    """The state and progress of one long job, for the people who wait for it."""

    name = models.CharField(_("job"), max_length=100)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="job_runs",
        help_text=_("Empty for a job that works for every organization."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def error_summary(self) -> str:
        """The last line of the error (the exception), for people; the admin shows it all."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1].strip()[:300] if lines else ""

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}
