"""What Ambassade holds about one person, as one JSON-ready document (the right of access).

One reader per area (identity, programs and consents, shares and links, points,
training, events, mentoring, newsletter, proposals, notifications, tokens, audit
log). Each reads one membership, so that a manager's export stays inside their
organization and a person's own export adds up all of theirs.

Readers' data is not the ambassador's: clicks and conversions appear as counts per
link, never as rows, visitor hashes or referrers. Secrets never appear either: no
token hash, no calendar-feed token.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from ambassade.accounts.models import ApiToken, Membership, Notification, SocialAccount, User
from ambassade.accounts.selectors import display_name
from ambassade.audit.models import AuditEntry
from ambassade.community.models import CalendarFeed, MentoringPair, MentoringSession, Rsvp
from ambassade.content.models import ContentItem, Proposal
from ambassade.newsletter.models import Delivery, Digest, Preference
from ambassade.programs.models import Consent, Enrolment, Program
from ambassade.rewards.badges import badge_name
from ambassade.rewards.models import (
    BadgeAward,
    ChallengeWinner,
    PointsEntry,
    Redemption,
    RewardsProfile,
)
from ambassade.sharing.models import ScheduledShare, Share
from ambassade.tracking.models import Click, Conversion, TrackedLink
from ambassade.tracking.services import short_url
from ambassade.training.models import (
    CharterAcknowledgement,
    Choice,
    ModuleCompletion,
    Question,
    QuizAttempt,
)

FORMAT = "ambassade-personal-data"
VERSION = 1

Json = dict[str, Any]


class Clock:
    """Date-times in the person's time zone, ISO 8601 with their offset."""

    def __init__(self, time_zone: str) -> None:
        try:
            self.zone = zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.zone = zoneinfo.ZoneInfo("UTC")

    def at(self, value: datetime | None) -> str | None:
        return value.astimezone(self.zone).isoformat() if value is not None else None

    @staticmethod
    def day(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


# --- the person ---------------------------------------------------------------------------------


def identity(user: User, clock: Clock) -> Json:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "account_created_at": clock.at(user.date_joined),
        "last_login_at": clock.at(user.last_login),
        "active": user.is_active,
    }


def social_accounts(user: User, clock: Clock) -> list[Json]:
    return [
        {
            "network": account.network,
            "handle": account.handle,
            "type": account.kind,
            "audience_size": account.audience_size,
            "mastodon_instance": account.mastodon_instance,
            "added_at": clock.at(account.created_at),
        }
        for account in SocialAccount.objects.filter(user=user).order_by("created_at", "pk")
    ]


# --- one membership -----------------------------------------------------------------------------


def programs(membership: Membership, clock: Clock) -> list[Json]:
    consents: dict[int, list[Json]] = defaultdict(list)
    for consent in Consent.objects.filter(enrolment__membership=membership).order_by(
        "given_at", "pk"
    ):
        consents[consent.enrolment_id].append(
            {
                "text": consent.text,
                "version": consent.version,
                "given_at": clock.at(consent.given_at),
                "withdrawn_at": clock.at(consent.withdrawn_at),
            }
        )
    enrolments = (
        Enrolment.objects.filter(membership=membership)
        .select_related("program", "wave")
        .order_by("invited_at", "pk")
    )
    return [
        {
            "program": enrolment.program.name,
            "status": enrolment.status,
            "wave": enrolment.wave.name if enrolment.wave else None,
            "invited_at": clock.at(enrolment.invited_at),
            "joined_at": clock.at(enrolment.joined_at),
            "left_at": clock.at(enrolment.left_at),
            "consents": consents.get(enrolment.pk, []),
        }
        for enrolment in enrolments
    ]


def _click_counts(link_ids: list[int]) -> dict[int, Json]:
    counts: dict[int, Json] = {}
    for row in (
        Click.objects.filter(link_id__in=link_ids)
        .values("link_id")
        .annotate(
            people=Count("pk", filter=Q(is_bot=False)),
            bots=Count("pk", filter=Q(is_bot=True)),
            qr=Count("pk", filter=Q(is_bot=False, trigger="qr")),
        )
        .order_by()
    ):
        counts[row["link_id"]] = {"people": row["people"], "bots": row["bots"], "qr": row["qr"]}
    return counts


def _conversion_counts(share_ids: list[int]) -> dict[int, Json]:
    counts: dict[int, Json] = defaultdict(dict)
    for row in (
        Conversion.objects.filter(share_id__in=share_ids, withdrawn_at__isnull=True)
        .values("share_id", "kind")
        .annotate(total=Count("pk"))
        .order_by()
    ):
        counts[row["share_id"]][row["kind"]] = row["total"]
    return counts


def shares(membership: Membership, clock: Clock) -> list[Json]:
    rows = list(
        Share.objects.filter(membership=membership)
        .select_related("program", "item", "social_account", "curator_pick")
        .order_by("created_at", "pk")
    )
    links = {
        link.share_id: link
        for link in TrackedLink.objects.filter(share__membership=membership).order_by()
    }
    clicks = _click_counts([link.pk for link in links.values()])
    conversions = _conversion_counts([share.pk for share in rows])
    result = []
    for share in rows:
        link = links.get(share.pk)
        pick = getattr(share, "curator_pick", None)
        result.append(
            {
                "id": share.pk,
                "program": share.program.name,
                "item": {"title": share.item.title, "url": share.item.url},
                "network": share.network,
                "account": share.social_account.handle if share.social_account else None,
                "commentary": share.commentary,
                "own_words_ratio": share.own_words_ratio,
                "shared_at": clock.at(share.created_at),
                "picked_by_a_curator_at": clock.at(pick.picked_at) if pick else None,
                "tracked_link": None
                if link is None
                else {
                    "short_url": short_url(link.code),
                    "destination": link.destination,
                    "active": link.is_active,
                    "clicks_recorded": link.is_attributed,
                    "created_at": clock.at(link.created_at),
                },
                "clicks": clicks.get(link.pk, {"people": 0, "bots": 0, "qr": 0})
                if link is not None
                else {"people": 0, "bots": 0, "qr": 0},
                "conversions": conversions.get(share.pk, {}),
            }
        )
    return result


def scheduled_shares(membership: Membership, clock: Clock) -> list[Json]:
    return [
        {
            "item": scheduled.item.title,
            "network": scheduled.network,
            "commentary": scheduled.commentary,
            "planned_for": clock.at(scheduled.run_at),
            "status": scheduled.status,
            "created_at": clock.at(scheduled.created_at),
        }
        for scheduled in ScheduledShare.objects.filter(membership=membership)
        .select_related("item")
        .order_by("run_at", "pk")
    ]


def points(membership: Membership, clock: Clock) -> list[Json]:
    return [
        {
            "program": name,
            "rule": rule,
            "points": value,
            "reason": reason,
            "note": note,
            "correction": is_correction,
            "earned_for": clock.at(occurred_at),
            "recorded_at": clock.at(created_at),
        }
        for name, rule, value, reason, note, is_correction, occurred_at, created_at in (
            PointsEntry.objects.filter(membership=membership)
            .order_by("occurred_at", "pk")
            .values_list(
                "program__name",
                "rule",
                "points",
                "reason",
                "note",
                "is_correction",
                "occurred_at",
                "created_at",
            )
            .iterator()
        )
    ]


def rewards(membership: Membership, clock: Clock) -> Json:
    profile = RewardsProfile.objects.filter(membership=membership).first()
    return {
        "anonymous_on_leaderboards": bool(profile and profile.anonymous),
        "badges": [
            {
                "program": award.program.name,
                "badge": award.code,
                "name": badge_name(award.code),
                "awarded_at": clock.at(award.awarded_at),
            }
            for award in BadgeAward.objects.filter(membership=membership)
            .select_related("program")
            .order_by("awarded_at", "pk")
        ],
        "challenges_won": [
            {"challenge": winner.challenge.title, "result": winner.value}
            for winner in ChallengeWinner.objects.filter(membership=membership)
            .select_related("challenge")
            .order_by("pk")
        ],
        "requests": [
            {
                "program": redemption.program.name,
                "reward": redemption.reward.name,
                "points": redemption.points_cost,
                "monetary_value": _money(redemption.monetary_value),
                "status": redemption.status,
                "note": redemption.note,
                "requested_at": clock.at(redemption.requested_at),
                "decided_at": clock.at(redemption.decided_at),
                "reason_for_refusal": redemption.refusal_reason,
                "delivered_at": clock.at(redemption.fulfilled_at),
            }
            for redemption in Redemption.objects.filter(membership=membership)
            .select_related("program", "reward")
            .order_by("requested_at", "pk")
        ],
    }


def training(membership: Membership, clock: Clock) -> Json:
    attempts = list(
        QuizAttempt.objects.filter(membership=membership)
        .select_related("module")
        .order_by("created_at", "pk")
    )
    question_ids = {int(key) for attempt in attempts for key in attempt.answers}
    questions = dict(Question.objects.filter(pk__in=question_ids).values_list("pk", "text"))
    choices = dict(Choice.objects.filter(question_id__in=question_ids).values_list("pk", "text"))
    return {
        "quiz_attempts": [
            {
                "module": attempt.module.title,
                "answers": [
                    {
                        "question": questions.get(int(key), f"#{key}"),
                        "answers": [choices.get(c, f"#{c}") for c in chosen],
                    }
                    for key, chosen in attempt.answers.items()
                ],
                "correct": attempt.correct,
                "questions": attempt.total,
                "score_percent": attempt.score,
                "passed": attempt.passed,
                "submitted_at": clock.at(attempt.created_at),
            }
            for attempt in attempts
        ],
        "modules_completed": [
            {"module": completion.module.title, "completed_at": clock.at(completion.completed_at)}
            for completion in ModuleCompletion.objects.filter(membership=membership)
            .select_related("module")
            .order_by("completed_at", "pk")
        ],
        "charter_acknowledgements": [
            {
                "program": ack.program.name,
                "version": ack.version.version,
                "acknowledged_at": clock.at(ack.acknowledged_at),
            }
            for ack in CharterAcknowledgement.objects.filter(membership=membership)
            .select_related("program", "version")
            .order_by("acknowledged_at", "pk")
        ],
    }


def events(membership: Membership, clock: Clock) -> Json:
    feed = CalendarFeed.objects.filter(membership=membership).first()
    return {
        "answers": [
            {
                "event": rsvp.event.title,
                "starts_at": clock.at(rsvp.event.starts_at),
                "status": rsvp.status,
                "signed_up_at": clock.at(rsvp.requested_at),
                "attended": rsvp.attended,
            }
            for rsvp in Rsvp.objects.filter(membership=membership)
            .select_related("event")
            .order_by("requested_at", "pk")
        ],
        "calendar_feed": None
        if feed is None
        else {"created_at": clock.at(feed.created_at), "last_read_at": clock.at(feed.last_read_at)},
    }


def mentoring(membership: Membership, clock: Clock) -> list[Json]:
    pairs = list(
        MentoringPair.objects.filter(Q(junior=membership) | Q(senior=membership))
        .select_related("junior__user", "senior__user")
        .order_by("confirmed_at", "pk")
    )
    sessions: dict[int, list[Json]] = defaultdict(list)
    for session in MentoringSession.objects.filter(pair__in=pairs).order_by("held_on", "pk"):
        sessions[session.pair_id].append(
            {"held_on": clock.day(session.held_on), "topic": session.topic, "notes": session.notes}
        )
    return [
        {
            "role": "junior" if pair.junior_id == membership.pk else "senior",
            "partner": display_name(
                pair.senior if pair.junior_id == membership.pk else pair.junior
            ),
            "status": pair.status,
            "confirmed_at": clock.at(pair.confirmed_at),
            "ended_at": clock.at(pair.ended_at),
            "sessions": sessions.get(pair.pk, []),
        }
        for pair in pairs
    ]


def newsletter(membership: Membership, clock: Clock) -> Json:
    preference = Preference.objects.filter(membership=membership).first()
    return {
        "preferences": None
        if preference is None
        else {
            "monthly_newsletter": preference.newsletter,
            "digest": preference.digest,
            "updated_at": clock.at(preference.updated_at),
        },
        "deliveries": [
            {
                "issue": delivery.issue.edition_on.strftime("%Y-%m"),
                "program": delivery.issue.program.name,
                "email": delivery.email,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "sent_at": clock.at(delivery.sent_at),
                "error": delivery.error,
            }
            for delivery in Delivery.objects.filter(membership=membership)
            .select_related("issue__program")
            .order_by("created_at", "pk")
        ],
        "digests": [
            {
                "frequency": digest.frequency,
                "period": digest.period_key,
                "items": digest.item_count,
                "status": digest.status,
                "sent_at": clock.at(digest.sent_at),
            }
            for digest in Digest.objects.filter(membership=membership).order_by("created_at", "pk")
        ],
    }


def proposals(membership: Membership, clock: Clock) -> list[Json]:
    return [
        {
            "title": proposal.item.title,
            "url": proposal.item.url,
            "note": proposal.note,
            "proposed_at": clock.at(proposal.created_at),
            "decision": proposal.decision,
            "decided_at": clock.at(proposal.decided_at),
            "reviewer_note": proposal.reviewer_note,
        }
        for proposal in Proposal.objects.filter(
            organization_id=membership.organization_id, proposer_id=membership.user_id
        )
        .select_related("item")
        .order_by("created_at", "pk")
    ]


def authored(membership: Membership, clock: Clock) -> Json:
    """What the person did as a curator or manager, named by their account."""
    return {
        "content_items_created": [
            {"title": title, "created_at": clock.at(created_at)}
            for title, created_at in ContentItem.objects.filter(
                organization_id=membership.organization_id, created_by_id=membership.user_id
            )
            .order_by("created_at", "pk")
            .values_list("title", "created_at")
        ],
        "programs_managed": list(
            Program.objects.filter(
                organization_id=membership.organization_id, manager_id=membership.user_id
            )
            .order_by("name")
            .values_list("name", flat=True)
        ),
    }


def notifications(membership: Membership, clock: Clock) -> list[Json]:
    return [
        {
            "message": message,
            "link": url,
            "created_at": clock.at(created_at),
            "read_at": clock.at(read_at),
        }
        for message, url, created_at, read_at in Notification.objects.filter(
            user_id=membership.user_id, organization_id=membership.organization_id
        )
        .order_by("created_at", "pk")
        .values_list("message", "url", "created_at", "read_at")
    ]


def api_tokens(membership: Membership, clock: Clock) -> list[Json]:
    return [
        {
            "name": token.name,
            "starts_with": token.prefix,
            "created_at": clock.at(token.created_at),
            "expires_at": clock.at(token.expires_at),
            "last_used_at": clock.at(token.last_used_at),
            "revoked_at": clock.at(token.revoked_at),
        }
        for token in ApiToken.objects.filter(
            user_id=membership.user_id, organization_id=membership.organization_id
        ).order_by("created_at", "pk")
    ]


def audit_log(membership: Membership, clock: Clock) -> list[Json]:
    entries = AuditEntry.objects.filter(
        Q(actor=membership) | Q(subject=membership), organization_id=membership.organization_id
    ).order_by("created_at", "pk")
    return [
        {
            "action": entry.action,
            "description": str(entry.get_action_display()),
            "you_were": "actor and subject"
            if entry.actor_id == entry.subject_id
            else "actor"
            if entry.actor_id == membership.pk
            else "subject",
            "object": entry.object_label,
            "details": entry.details,
            "at": clock.at(entry.created_at),
        }
        for entry in entries
    ]


def membership_data(membership: Membership, clock: Clock) -> Json:
    return {
        "organization": {
            "name": membership.organization.name,
            "slug": membership.organization.slug,
        },
        "member_since": clock.at(membership.created_at),
        "roles": [role.value for role in membership.roles],
        "department": membership.department,
        "specialty": membership.specialty,
        "seniority": membership.seniority,
        "office": membership.office,
        "programs": programs(membership, clock),
        "shares": shares(membership, clock),
        "scheduled_shares": scheduled_shares(membership, clock),
        "points": points(membership, clock),
        "rewards": rewards(membership, clock),
        "training": training(membership, clock),
        "events": events(membership, clock),
        "mentoring": mentoring(membership, clock),
        "newsletter": newsletter(membership, clock),
        "proposals": proposals(membership, clock),
        "authored": authored(membership, clock),
        "notifications": notifications(membership, clock),
        "api_tokens": api_tokens(membership, clock),
        "audit_log": audit_log(membership, clock),
    }


NOT_INCLUDED = [
    "Clicks and conversions belong to the readers of your posts: only their counts per link "
    "are included, never the clicks themselves or their visitor hashes.",
    "Secrets are not included: your password, the hashes of your API tokens, the address "
    "of your private calendar feed.",
]


def personal_data(
    *, user: User, memberships: list[Membership], now: datetime, whole_account: bool
) -> Json:
    """The document: the person, then each membership with everything that hangs off it.

    ``whole_account`` adds what belongs to the person rather than to one organization
    (their social accounts); an organization's export on request leaves it out.
    """
    clock = Clock(user.time_zone)
    data: Json = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": clock.at(now),
        "scope": "account"
        if whole_account
        else "organization:" + ",".join(m.organization.slug for m in memberships),
        "person": identity(user, clock),
    }
    if whole_account:
        data["social_accounts"] = social_accounts(user, clock)
    data["memberships"] = [membership_data(m, clock) for m in memberships]
    data["not_included"] = NOT_INCLUDED
    return data
