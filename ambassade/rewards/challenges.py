"""Where each person, or each team, stands in a challenge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, Sum

from ambassade.accounts.models import Membership
from ambassade.programs.models import Enrolment, EnrolmentStatus
from ambassade.rewards.models import Challenge, ChallengeMetric, ChallengeScope, PointsEntry
from ambassade.rewards.services import local_day_start
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion, ConversionKind


def challenge_period(*, challenge: Challenge) -> tuple[datetime, datetime]:
    """From the first day's local midnight to the midnight after the last day."""
    organization = challenge.program.organization
    return (
        local_day_start(challenge.starts_on, organization),
        local_day_start(challenge.ends_on + timedelta(days=1), organization),
    )


def _per_member(challenge: Challenge) -> dict[int, int]:
    start, end = challenge_period(challenge=challenge)
    program = challenge.program
    rows: Iterable[Mapping[str, Any]]
    if challenge.metric == ChallengeMetric.SHARES:
        rows = (
            Share.objects.filter(program=program, created_at__gte=start, created_at__lt=end)
            .values("membership_id")
            .annotate(value=Count("id"))
        )
    elif challenge.metric == ChallengeMetric.CLICKS:
        rows = (
            Click.objects.filter(
                link__share__program=program,
                is_bot=False,
                clicked_at__gte=start,
                clicked_at__lt=end,
            )
            .values(membership_id=F("link__share__membership_id"))
            .annotate(value=Count("id"))
        )
    elif challenge.metric == ChallengeMetric.APPLICATIONS:
        rows = (
            Conversion.objects.filter(
                share__program=program,
                kind=ConversionKind.JOB_APPLICATION,
                withdrawn_at__isnull=True,
                occurred_at__gte=start,
                occurred_at__lt=end,
            )
            .filter(~Q(click__is_bot=True))
            .values(membership_id=F("share__membership_id"))
            .annotate(value=Count("id"))
        )
    else:
        rows = (
            PointsEntry.objects.filter(program=program, occurred_at__gte=start, occurred_at__lt=end)
            .values("membership_id")
            .annotate(value=Sum("points"))
        )
    return {int(row["membership_id"]): int(row["value"] or 0) for row in rows}


def challenge_standings(*, challenge: Challenge) -> list[tuple[Membership | None, str, int]]:
    """(person, "", result) for individual goals, (None, team, result) for team goals; best first.

    Only people active in the program count.
    """
    values = _per_member(challenge)
    enrolments = {
        enrolment.membership_id: enrolment
        for enrolment in Enrolment.objects.filter(
            program=challenge.program, status=EnrolmentStatus.ACTIVE
        ).select_related("membership__user", "wave")
    }
    if challenge.scope == ChallengeScope.INDIVIDUAL:
        people = [
            (enrolments[member].membership, "", value)
            for member, value in values.items()
            if member in enrolments and value > 0
        ]
        return sorted(people, key=lambda row: (-row[2], row[0].user.full_name if row[0] else ""))
    teams: defaultdict[str, int] = defaultdict(int)
    for member, enrolment in enrolments.items():
        if challenge.scope == ChallengeScope.WAVE:
            team = enrolment.wave.name if enrolment.wave else ""
        else:
            team = enrolment.membership.department
        if team:
            teams[team] += values.get(member, 0)
    return sorted(
        ((None, team, value) for team, value in teams.items()), key=lambda r: (-r[2], r[1])
    )
