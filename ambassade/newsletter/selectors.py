"""Reads for the newsletter pages, always inside one organization."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from ambassade.accounts.models import Membership, Organization
from ambassade.newsletter.models import (
    Delivery,
    DeliveryStatus,
    Issue,
    IssueClick,
    IssueStatus,
    Section,
)
from ambassade.programs.models import EnrolmentStatus, Program


def issues_of(*, organization: Organization) -> QuerySet[Issue]:
    """Every issue of the organization with its delivery counts, newest first."""
    return (
        Issue.objects.filter(organization=organization)
        .select_related("program")
        .annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            waiting_count=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
            ),
        )
        .order_by("-edition_on", "program__name")
    )


def programs_of(*, organization: Organization) -> QuerySet[Program]:
    return Program.objects.filter(organization=organization).order_by("name")


@dataclass(frozen=True)
class DeliveryCounts:
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed + self.skipped


def delivery_counts(*, issue: Issue) -> DeliveryCounts:
    counts = dict(
        Delivery.objects.filter(issue=issue, organization_id=issue.organization_id)
        .values("status")
        .annotate(total=Count("pk"))
        .values_list("status", "total")
        .order_by()
    )
    return DeliveryCounts(**{status: counts.get(status, 0) for status in DeliveryStatus.values})


def failed_deliveries(*, issue: Issue, limit: int = 50) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        issue=issue, organization_id=issue.organization_id, status=DeliveryStatus.FAILED
    ).order_by("email")[:limit]


@dataclass(frozen=True)
class SectionClicks:
    label: str
    clicks: int


def section_clicks(*, issue: Issue) -> list[SectionClicks]:
    labels = dict(Section.choices)
    rows = IssueClick.objects.filter(issue=issue).order_by("-clicks", "section")
    return [
        SectionClicks(label=str(labels.get(row.section, row.section)), clicks=row.clicks)
        for row in rows
    ]


def preview_recipients(*, issue: Issue, limit: int = 300) -> list[Membership]:
    """The program's active ambassadors, to preview the issue as each of them sees it."""
    return list(
        Membership.objects.filter(
            organization_id=issue.organization_id,
            enrolments__program_id=issue.program_id,
            enrolments__status=EnrolmentStatus.ACTIVE,
        )
        .select_related("user")
        .order_by("user__full_name", "pk")[:limit]
    )


def archive_of(*, organization: Organization) -> QuerySet[Issue]:
    """The issues sent (or being sent) in the organization, for its members."""
    return (
        Issue.objects.filter(
            organization=organization, status__in=[IssueStatus.SENT, IssueStatus.SENDING]
        )
        .select_related("program")
        .order_by("-edition_on", "program__name")
    )
