"""Junior/senior mentoring pairs: suggestions, confirmation by the team, sessions.

A good pair teaches both ways: the junior is strong where the senior is not (say,
a big audience on Threads or Bluesky) and the senior is strong where the junior is
not (a large LinkedIn network); sharing a specialty or a department gives them
something to talk about. Strength on a network is the order of magnitude of the
audience there (log10), so 5 000 followers against 50 is a gap of 2.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Network, Role, Seniority, SocialAccount
from ambassade.accounts.permissions import require_role
from ambassade.community.models import MentoringPair, MentoringSession, PairStatus

GAP = 0.5  # half an order of magnitude: enough of a difference to teach something
POOL = 400  # people considered on each side, the ones with the most to teach first
NETWORK_LABELS = dict(Network.choices)


@dataclass(frozen=True)
class Suggestion:
    junior: Membership
    senior: Membership
    score: float
    reasons: list[dict[str, Any]]


def _strengths(memberships: list[Membership]) -> dict[int, dict[str, tuple[float, int]]]:
    """Per user: network → (strength, audience)."""
    result: dict[int, dict[str, tuple[float, int]]] = defaultdict(dict)
    for user_id, network, audience in SocialAccount.objects.filter(
        user_id__in=[m.user_id for m in memberships]
    ).values_list("user_id", "network", "audience_size"):
        best = result[user_id].get(network)
        if best is None or audience > best[1]:
            result[user_id][network] = (math.log10(1 + audience), audience)
    return result


def pair_score(
    junior: Membership,
    senior: Membership,
    strengths: dict[int, dict[str, tuple[float, int]]],
) -> tuple[float, list[dict[str, Any]]]:
    """How well two people would coach each other, and why."""
    mine = strengths.get(junior.user_id, {})
    theirs = strengths.get(senior.user_id, {})
    reasons: list[dict[str, Any]] = []
    best_junior = best_senior = 0.0
    for network in sorted(set(mine) | set(theirs)):
        j, j_audience = mine.get(network, (0.0, 0))
        s, s_audience = theirs.get(network, (0.0, 0))
        if j - s >= GAP:
            best_junior = max(best_junior, j - s)
            reasons.append({"who": "junior", "network": network, "audience": j_audience})
        elif s - j >= GAP:
            best_senior = max(best_senior, s - j)
            reasons.append({"who": "senior", "network": network, "audience": s_audience})
    score = 2 * min(best_junior, best_senior) + 0.5 * (best_junior + best_senior)
    if junior.specialty and junior.specialty == senior.specialty:
        score += 1.0
        reasons.append({"who": "both", "specialty": junior.specialty})
    elif junior.department and junior.department == senior.department:
        score += 0.5
        reasons.append({"who": "both", "department": junior.department})
    return round(score, 3), reasons


def reason_labels(reasons: list[dict[str, Any]], junior: str, senior: str) -> list[str]:
    """The reasons of a pair, in words."""
    labels = []
    for reason in reasons:
        if "network" in reason:
            labels.append(
                _("%(person)s is strong on %(network)s (%(audience)s followers)")
                % {
                    "person": junior if reason["who"] == "junior" else senior,
                    "network": NETWORK_LABELS.get(reason["network"], reason["network"]),
                    "audience": formats.number_format(reason["audience"], force_grouping=True),
                }
            )
        elif "specialty" in reason:
            labels.append(_("Same specialty: %(value)s") % {"value": reason["specialty"]})
        elif "department" in reason:
            labels.append(_("Same department: %(value)s") % {"value": reason["department"]})
    return labels


def _paired_ids(organization_id: int) -> set[int]:
    ids: set[int] = set()
    for junior_id, senior_id in MentoringPair.objects.filter(
        organization_id=organization_id, status=PairStatus.ACTIVE
    ).values_list("junior_id", "senior_id"):
        ids.update((junior_id, senior_id))
    return ids


def pair_suggestions(*, actor: Membership, limit: int = 20) -> list[Suggestion]:
    """The best junior/senior pairs among ambassadors not paired yet, each person once."""
    require_role(actor, Role.MANAGER)
    paired = _paired_ids(actor.organization_id)
    people = list(
        Membership.objects.filter(
            organization_id=actor.organization_id,
            is_ambassador=True,
            user__is_active=True,
            seniority__in=[Seniority.JUNIOR, Seniority.SENIOR],
        )
        .exclude(pk__in=paired)
        .select_related("user")
    )
    strengths = _strengths(people)

    def reach(m: Membership) -> float:
        return sum(s for s, _a in strengths.get(m.user_id, {}).values())

    juniors = sorted(
        (m for m in people if m.seniority == Seniority.JUNIOR), key=lambda m: (-reach(m), m.pk)
    )[:POOL]
    seniors = sorted(
        (m for m in people if m.seniority == Seniority.SENIOR), key=lambda m: (-reach(m), m.pk)
    )[:POOL]
    candidates = []
    for junior in juniors:
        for senior in seniors:
            score, reasons = pair_score(junior, senior, strengths)
            if score > 0 and any("network" in r for r in reasons):
                candidates.append(Suggestion(junior, senior, score, reasons))
    candidates.sort(key=lambda s: (-s.score, s.junior.pk, s.senior.pk))
    used: set[int] = set()
    chosen: list[Suggestion] = []
    for suggestion in candidates:
        if suggestion.junior.pk in used or suggestion.senior.pk in used:
            continue
        used.update((suggestion.junior.pk, suggestion.senior.pk))
        chosen.append(suggestion)
        if len(chosen) >= limit:
            break
    return chosen


def pair_confirm(
    *, actor: Membership, junior_id: int, senior_id: int, now: datetime
) -> MentoringPair:
    """The team confirms a pair (a suggestion, or two people it chose)."""
    require_role(actor, Role.MANAGER)
    people = {
        m.pk: m
        for m in Membership.objects.filter(
            organization_id=actor.organization_id,
            pk__in=[junior_id, senior_id],
            is_ambassador=True,
        ).select_related("user")
    }
    junior, senior = people.get(junior_id), people.get(senior_id)
    if junior is None or senior is None:
        raise PermissionDenied(_("Both people must be ambassadors of your organization."))
    if junior.pk == senior.pk:
        raise ValidationError(_("A pair is two different people."))
    if junior.seniority != Seniority.JUNIOR or senior.seniority != Seniority.SENIOR:
        raise ValidationError(_("A pair is one junior and one senior."))
    if {junior.pk, senior.pk} & _paired_ids(actor.organization_id):
        raise ValidationError(_("One of them is already in an active pair."))
    score, reasons = pair_score(junior, senior, _strengths([junior, senior]))
    try:
        with transaction.atomic():
            return MentoringPair.objects.create(
                organization_id=actor.organization_id,
                junior=junior,
                senior=senior,
                score=score,
                reasons=reasons,
                confirmed_by=actor,
                confirmed_at=now,
            )
    except IntegrityError as exc:
        raise ValidationError(_("This pair already exists.")) from exc


def pair_end(*, actor: Membership, pair: MentoringPair, now: datetime) -> MentoringPair:
    require_role(actor, Role.MANAGER)
    if pair.organization_id != actor.organization_id:
        raise PermissionDenied(_("This pair belongs to another organization."))
    if not MentoringPair.objects.filter(pk=pair.pk, status=PairStatus.ACTIVE).update(
        status=PairStatus.ENDED, ended_at=now
    ):
        raise ValidationError(_("This pair has already ended."))
    pair.status, pair.ended_at = PairStatus.ENDED, now
    return pair


def pair_member_or_manager(actor: Membership, pair: MentoringPair) -> bool:
    return actor.has_role(Role.MANAGER) or actor.pk in (pair.junior_id, pair.senior_id)


def session_record(
    *,
    actor: Membership,
    pair: MentoringPair,
    held_on: date,
    topic: str,
    notes: str,
    now: datetime,
) -> MentoringSession:
    """Record a session of a pair: by one of the two, or by the program team."""
    if pair.organization_id != actor.organization_id or not pair_member_or_manager(actor, pair):
        raise PermissionDenied(_("Only the pair and the program team record its sessions."))
    if held_on > timezone.localdate(now):
        raise ValidationError({"held_on": [_("Record a session once it has taken place.")]})
    with transaction.atomic():
        return MentoringSession.objects.create(
            pair=pair,
            held_on=held_on,
            topic=topic.strip()[:200],
            notes=notes.strip(),
            recorded_by=actor,
            created_at=now,
        )


def pairs_for(*, actor: Membership) -> list[MentoringPair]:
    """All pairs for the team; one's own for an ambassador."""
    pairs = MentoringPair.objects.filter(organization_id=actor.organization_id)
    if not actor.has_role(Role.MANAGER):
        pairs = pairs.filter(Q(junior=actor) | Q(senior=actor))
    return list(
        pairs.select_related("junior__user", "senior__user").order_by("status", "-confirmed_at")
    )
