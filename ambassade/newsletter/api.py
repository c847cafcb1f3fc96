"""The newsletter endpoints of the public API: issues for managers, preferences for everyone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from ambassade.accounts.models import Membership, Role
from ambassade.accounts.permissions import get_scoped_or_404, require_role
from ambassade.lib.api_errors import ErrorOut
from ambassade.lib.api_inputs import Moment, Text
from ambassade.newsletter import selectors, services
from ambassade.newsletter.models import DigestFrequency, Issue, Section
from ambassade.newsletter.tasks import issue_deliver_enqueue

router = Router(tags=["newsletter"])

MAX_TEXT = 20_000


class SectionIn(Schema):
    key: Section
    visible: bool = True


class IssueOut(Schema):
    id: int
    program_slug: str
    edition_on: date
    period_start_on: date
    period_end_on: date
    status: str
    subject: str
    editorial: str
    tip: str
    sections: list[dict[str, Any]]
    scheduled_at: datetime | None
    sent_at: datetime | None
    sent: int = Field(0, description="Deliveries accepted by the SMTP server.")
    failed: int = 0
    waiting: int = Field(0, description="Deliveries queued or on their way.")


class IssuePatch(Schema):
    subject: Text | None = Field(None, max_length=200)
    editorial: Text | None = Field(None, max_length=MAX_TEXT)
    tip: Text | None = Field(None, max_length=MAX_TEXT)
    sections: list[SectionIn] | None = None


class SendIn(Schema):
    send_at: Moment | None = Field(None, description="Leave empty to send now.")


class PreferencesOut(Schema):
    newsletter: bool
    digest: DigestFrequency


def _out(issue: Issue) -> IssueOut:
    counts = selectors.delivery_counts(issue=issue)
    return IssueOut.model_validate(
        {
            "id": issue.pk,
            "program_slug": issue.program.slug,
            "edition_on": issue.edition_on,
            "period_start_on": issue.period_start_on,
            "period_end_on": issue.period_end_on,
            "status": issue.status,
            "subject": issue.subject,
            "editorial": issue.editorial,
            "tip": issue.tip,
            "sections": issue.sections,
            "scheduled_at": issue.scheduled_at,
            "sent_at": issue.sent_at,
            "sent": counts.sent,
            "failed": counts.failed,
            "waiting": counts.queued + counts.sending,
        }
    )


def _issue(membership: Membership, issue_id: int) -> Issue:
    return get_scoped_or_404(
        Issue.objects.select_related("program"), membership.organization, pk=issue_id
    )


@router.get(
    "/issues",
    response={200: list[IssueOut], 403: ErrorOut},
    summary="The organization's newsletter issues",
)
def list_issues(request: HttpRequest) -> list[IssueOut]:
    membership = require_role(request.auth, Role.MANAGER)  # type: ignore[attr-defined]
    return [_out(issue) for issue in selectors.issues_of(organization=membership.organization)]


@router.get(
    "/issues/{issue_id}",
    response={200: IssueOut, 403: ErrorOut, 404: ErrorOut},
    summary="One issue",
)
def get_issue(request: HttpRequest, issue_id: int) -> IssueOut:
    membership = require_role(request.auth, Role.MANAGER)  # type: ignore[attr-defined]
    return _out(_issue(membership, issue_id))


@router.patch(
    "/issues/{issue_id}",
    response={200: IssueOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Edit a draft",
)
def patch_issue(request: HttpRequest, issue_id: int, payload: IssuePatch) -> IssueOut:
    membership = require_role(request.auth, Role.MANAGER)  # type: ignore[attr-defined]
    issue = services.issue_update(
        actor=membership,
        issue=_issue(membership, issue_id),
        now=timezone.now(),
        subject=payload.subject,
        editorial=payload.editorial,
        tip=payload.tip,
        sections=[s.model_dump(mode="json") for s in payload.sections]
        if payload.sections is not None
        else None,
    )
    return _out(issue)


@router.post(
    "/issues/{issue_id}/send",
    response={200: IssueOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Send now, or schedule",
)
def send_issue(request: HttpRequest, issue_id: int, payload: SendIn) -> IssueOut:
    membership = require_role(request.auth, Role.MANAGER)  # type: ignore[attr-defined]
    issue = _issue(membership, issue_id)
    now = timezone.now()
    if payload.send_at is not None:
        issue = services.issue_schedule(
            actor=membership, issue=issue, send_at=payload.send_at, now=now
        )
    else:

        def enqueue() -> None:
            issue_deliver_enqueue(issue_id=issue.pk, now=now)

        services.issue_send(actor=membership, issue=issue, now=now, on_commit=enqueue)
    return _out(issue)


@router.get("/preferences", response=PreferencesOut, summary="My e-mail preferences")
def get_preferences(request: HttpRequest) -> PreferencesOut:
    membership = require_role(request.auth)  # type: ignore[attr-defined]
    preference = services.preference_of(membership)
    return PreferencesOut(
        newsletter=preference.newsletter, digest=DigestFrequency(preference.digest)
    )


@router.put("/preferences", response=PreferencesOut, summary="Change my e-mail preferences")
def put_preferences(request: HttpRequest, payload: PreferencesOut) -> PreferencesOut:
    membership = require_role(request.auth)  # type: ignore[attr-defined]
    preference = services.preference_update(
        actor=membership, newsletter=payload.newsletter, digest=payload.digest, now=timezone.now()
    )
    return PreferencesOut(
        newsletter=preference.newsletter, digest=DigestFrequency(preference.digest)
    )
