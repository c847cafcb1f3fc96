"""Points: the rules, awarding and correcting, preferences, curator's picks, challenges.

``points_award`` is the one way points enter the ledger, for this app's scoring
job and for other apps (training modules, events). The reward catalog and its
requests are in ``ambassade.rewards.redemptions``.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Network, Organization, Role
from ambassade.accounts.permissions import require_role
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record
from ambassade.programs.models import Program
from ambassade.rewards.models import (
    HOLDING_STATUSES,
    AmbassadorVisitor,
    Challenge,
    ChallengeMetric,
    ChallengeScope,
    CuratorPick,
    EntryNote,
    PointsEntry,
    PointsRules,
    Redemption,
    RewardsProfile,
    Rule,
)
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion

# ---------------------------------------------------------------------------
# Local days and weeks: caps and periods follow the organization's clock.


def local_zone(organization: Organization) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(organization.time_zone or "Europe/Paris")


def day_bounds(moment: datetime, organization: Organization) -> tuple[datetime, datetime]:
    zone = local_zone(organization)
    day = moment.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def week_bounds(moment: datetime, organization: Organization) -> tuple[datetime, datetime]:
    """Monday to Monday, in the organization's time zone."""
    zone = local_zone(organization)
    day = moment.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)


def local_day_start(day: date, organization: Organization) -> datetime:
    return datetime.combine(day, time(0), tzinfo=local_zone(organization))


# ---------------------------------------------------------------------------
# Rules


def points_rules_ensure(*, program: Program) -> PointsRules:
    """The program's rules, created with the defaults the first time they are needed."""
    rules = PointsRules.objects.filter(program=program).first()
    if rules is not None:
        return rules
    try:
        with transaction.atomic():
            return PointsRules.objects.create(program=program)
    except IntegrityError:
        return PointsRules.objects.get(program=program)


RULE_FIELDS = (
    "share",
    "own_words",
    "own_words_threshold",
    "click",
    "click_cap_per_share",
    "application",
    "lead",
    "proposal_approved",
    "training_module",
    "event_attended",
    "weekly_streak",
    "streak_weeks",
    "daily_cap",
    "weekly_cap",
    "network_values",
)


def points_rules_update(
    *, actor: Membership, program: Program, values: dict[str, Any], now: datetime
) -> PointsRules:
    """Change a program's rules; a new version applies to what is scored from now on."""
    require_role(actor, Role.MANAGER)
    if program.organization_id != actor.organization_id:
        raise Http404(_("Not found."))
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown rule settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    network_values = values.get("network_values")
    if network_values is not None:
        if not isinstance(network_values, dict):
            raise ValidationError(_("Points per network must map a network to a number."))
        for network, points in network_values.items():
            if network not in Network.values:
                raise ValidationError(_("Unknown network: %(network)s.") % {"network": network})
            if not isinstance(points, int) or isinstance(points, bool) or points < 0:
                raise ValidationError(
                    _("Points for %(network)s must be a whole number, 0 or more.")
                    % {"network": network}
                )
    with transaction.atomic():
        rules = points_rules_ensure(program=program)
        rules = PointsRules.objects.select_for_update().get(pk=rules.pk)
        changed = []
        for name, value in values.items():
            if getattr(rules, name) != value:
                setattr(rules, name, value)
                changed.append(name)
        if not changed:
            return rules
        rules.full_clean(exclude=["program"])
        if not 0 <= rules.own_words_threshold <= 1:
            raise ValidationError(_("The own-words threshold is between 0 and 1."))
        rules.version += 1
        rules.updated_at = now
        rules.save()
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.POINTS_RULES_CHANGED,
            now=now,
            obj=program,
            object_label=program.name,
            details={
                "fields": [name for name in RULE_FIELDS if name in changed],
                "version": rules.version,
            },
        )
        return rules


# ---------------------------------------------------------------------------
# The ledger


def _default_reason(*, share: Share | None) -> str:
    if share is None:
        return ""
    network = Network(share.network).label if share.network in Network.values else share.network
    return f"«{share.item.title[:200]}» · {network}"


def _earned_in_day_and_week(
    membership: Membership, program: Program, occurred: datetime
) -> tuple[int, int]:
    """Points earned (corrections aside) the local day and week of ``occurred``, in one read."""
    day_start, day_end = day_bounds(occurred, program.organization)
    week_start, week_end = week_bounds(occurred, program.organization)
    totals = PointsEntry.objects.filter(
        membership=membership,
        program=program,
        is_correction=False,
        occurred_at__gte=week_start,
        occurred_at__lt=week_end,
    ).aggregate(
        week=Sum("points"),
        day=Sum("points", filter=Q(occurred_at__gte=day_start, occurred_at__lt=day_end)),
    )
    return int(totals["day"] or 0), int(totals["week"] or 0)


def points_award(
    *,
    membership: Membership,
    program: Program,
    rule: str,
    source: models.Model,
    now: datetime,
    reason: str = "",
    occurred_at: datetime | None = None,
    share: Share | None = None,
    click: Click | None = None,
    conversion: Conversion | None = None,
    rules: PointsRules | None = None,
) -> PointsEntry | None:
    """Award ``membership`` the points of ``rule`` for ``source``; None when nothing was awarded.

    Idempotent per (rule, source): the same event never scores twice. The value
    comes from the program's current rules (a share: its network's value); the
    daily and weekly caps, and for clicks the cap per share, may shrink it (the
    entry says so) or leave nothing. ``occurred_at`` (default ``now``) is when
    the event happened: caps and periods count by it. ``rules``: the program's
    rules when the caller has them already (the scoring job reads them once a run).
    """
    if membership.organization_id != program.organization_id:
        raise PermissionDenied(_("This person is not in the program's organization."))
    source_org = getattr(source, "organization_id", None)
    if source_org is not None and source_org != program.organization_id:
        raise PermissionDenied(_("This event belongs to another organization."))
    if source.pk is None:
        raise ValidationError(_("Points are awarded for a saved event."))
    try:
        code = Rule(rule)
    except ValueError as exc:
        raise ValidationError(_("Unknown points rule: %(rule)s.") % {"rule": rule}) from exc
    if code == Rule.ADJUSTMENT:
        raise ValidationError(_("Adjustments are made by a manager, with a reason."))
    if share is None and isinstance(source, Share):
        share = source
    if conversion is None and isinstance(source, Conversion):
        conversion = source
    if click is None and isinstance(source, Click):
        click = source
    occurred = occurred_at or now
    source_type = ContentType.objects.get_for_model(source)
    if rules is None or rules.program_id != program.pk:
        rules = points_rules_ensure(program=program)
    with transaction.atomic():
        # One award at a time per person, so that the caps hold under concurrency
        # (SQLite needs no lock: it lets one writer in at a time already).
        if connection.features.has_select_for_update:
            Membership.objects.select_for_update().filter(pk=membership.pk).first()
        already = PointsEntry.objects.filter(
            rule=code, source_type=source_type, source_id=source.pk, is_correction=False
        ).exists()
        if already:
            return None
        points = rules.value_of(code, network=share.network if share is not None else "")
        note = EntryNote.NONE
        limits: list[tuple[int, str]] = []
        if code == Rule.CLICK and share is not None and rules.click_cap_per_share:
            earned = PointsEntry.objects.filter(
                rule=Rule.CLICK, share=share, is_correction=False
            ).aggregate(total=Sum("points"))["total"]
            limits.append((rules.click_cap_per_share - int(earned or 0), EntryNote.SHARE_CLICK_CAP))
        if rules.daily_cap or rules.weekly_cap:
            day, week = _earned_in_day_and_week(membership, program, occurred)
            if rules.daily_cap:
                limits.append((rules.daily_cap - day, EntryNote.DAILY_CAP))
            if rules.weekly_cap:
                limits.append((rules.weekly_cap - week, EntryNote.WEEKLY_CAP))
        for room, cap_note in limits:
            if room < points:
                points, note = max(room, 0), EntryNote(cap_note)
        if points <= 0:
            return None
        try:
            with transaction.atomic():
                return PointsEntry.objects.create(
                    membership=membership,
                    program=program,
                    rule=code,
                    points=points,
                    reason=(reason or _default_reason(share=share))[:300],
                    source_type=source_type,
                    source_id=source.pk,
                    share=share,
                    click=click,
                    conversion=conversion,
                    rule_version=rules.version,
                    note=note,
                    occurred_at=occurred,
                    created_at=now,
                )
        except IntegrityError:
            return None


def points_correct(*, entry: PointsEntry, note: str, now: datetime) -> PointsEntry | None:
    """Undo an entry with a negative one pointing at it; None if it was corrected already."""
    if entry.is_correction:
        raise ValidationError(_("A correction is not corrected again."))
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(
                membership_id=entry.membership_id,
                program_id=entry.program_id,
                rule=entry.rule,
                points=-entry.points,
                reason=entry.reason,
                source_type_id=entry.source_type_id,
                source_id=entry.source_id,
                share_id=entry.share_id,
                click_id=entry.click_id,
                conversion_id=entry.conversion_id,
                rule_version=entry.rule_version,
                note=EntryNote(note),
                is_correction=True,
                corrects=entry,
                # The points leave the period they were earned in.
                occurred_at=entry.occurred_at,
                created_at=now,
            )
    except IntegrityError:
        return None


MAX_ADJUSTMENT = 10_000


def points_adjust(
    *,
    actor: Membership,
    program: Program,
    membership_id: int,
    points: int,
    reason: str,
    now: datetime,
) -> PointsEntry:
    """A manager adds points to an ambassador's, or takes some away, with a reason.

    The reason is shown to the ambassador on their points page; the audit log
    records who did it and how many points. Nobody adjusts their own points,
    and a balance never goes below zero.
    """
    require_role(actor, Role.MANAGER)
    if program.organization_id != actor.organization_id:
        raise Http404(_("Not found."))
    reason = " ".join(reason.split())
    errors: dict[str, list[str]] = {}
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        errors["points"] = [
            _("Enter a number of points other than 0, between -%(max)d and %(max)d.")
            % {"max": MAX_ADJUSTMENT}
        ]
    if not reason:
        errors["reason"] = [_("Say why: the ambassador reads it on their points page.")]
    if membership_id == actor.pk:
        errors["membership"] = [_("You cannot adjust your own points.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = (
            Membership.objects.select_for_update()
            .filter(
                pk=membership_id,
                organization_id=actor.organization_id,
                enrolments__program=program,
            )
            .first()
        )
        if member is None:
            raise ValidationError({"membership": [_("Choose a member of the program.")]})
        if points < 0:
            earned = PointsEntry.objects.filter(membership=member, program=program).aggregate(
                total=Sum("points")
            )["total"]
            held = Redemption.objects.filter(
                membership=member, program=program, status__in=HOLDING_STATUSES
            ).aggregate(total=Sum("points_cost"))["total"]
            balance = int(earned or 0) - int(held or 0)
            if balance + points < 0:
                raise ValidationError(
                    {
                        "points": [
                            _("This takes more points than they have to spend (%(balance)d).")
                            % {"balance": balance}
                        ]
                    }
                )
        record = audit_record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.POINTS_CORRECTED,
            now=now,
            subject=member,
            obj=program,
            object_label=program.name,
            details={"points": points},
        )
        # The source of hand-made points is the audit entry that records who made them.
        return PointsEntry.objects.create(
            membership=member,
            program=program,
            rule=Rule.ADJUSTMENT,
            points=points,
            reason=reason[:300],
            source_type=ContentType.objects.get_for_model(record),
            source_id=record.pk,
            rule_version=points_rules_ensure(program=program).version,
            note=EntryNote.MANUAL,
            occurred_at=now,
            created_at=now,
        )


# ---------------------------------------------------------------------------
# The ambassador's own visits, preferences, curator's picks


def ambassador_visitor_record(*, membership: Membership, visitor_hash: str, day_on: date) -> None:
    """Remember a hash as the ambassador's own that day: their clicks on their links don't score."""
    if not visitor_hash:
        return
    AmbassadorVisitor.objects.get_or_create(
        membership=membership, visitor_hash=visitor_hash[:32], day_on=day_on
    )


def rewards_profile_update(*, actor: Membership, anonymous: bool) -> RewardsProfile:
    require_role(actor)
    profile, _created = RewardsProfile.objects.update_or_create(
        membership=actor, defaults={"anonymous": anonymous}
    )
    return profile


def curator_pick_set(*, actor: Membership, share_id: int, picked: bool, now: datetime) -> Share:
    """Pick (or unpick) a share as exemplary; the badge follows at the next scoring run."""
    require_role(actor, Role.CURATOR, Role.MANAGER)
    share = Share.objects.filter(pk=share_id, organization_id=actor.organization_id).first()
    if share is None:
        raise Http404(_("Not found."))
    with transaction.atomic():
        if picked:
            CuratorPick.objects.get_or_create(
                share=share, defaults={"picked_by": actor, "picked_at": now}
            )
        else:
            CuratorPick.objects.filter(share=share).delete()
    return share


# ---------------------------------------------------------------------------
# Challenges


CHALLENGE_FIELDS = ("title", "description", "metric", "threshold", "scope", "starts_on", "ends_on")


def challenge_save(
    *,
    actor: Membership,
    program: Program,
    values: dict[str, Any],
    now: datetime,
    challenge: Challenge | None = None,
) -> Challenge:
    """Create a challenge, or change one whose winners are not computed yet."""
    require_role(actor, Role.MANAGER)
    if program.organization_id != actor.organization_id:
        raise Http404(_("Not found."))
    if challenge is not None:
        if challenge.program_id != program.pk:
            raise Http404(_("Not found."))
        if challenge.closed_at is not None:
            raise ValidationError(_("This challenge is over: its winners are already announced."))
    else:
        challenge = Challenge(program=program, created_at=now)
    for name in CHALLENGE_FIELDS:
        if name in values:
            setattr(challenge, name, values[name])
    if challenge.metric not in ChallengeMetric.values:
        raise ValidationError(_("Unknown metric."))
    if challenge.scope not in ChallengeScope.values:
        raise ValidationError(_("Unknown goal."))
    challenge.full_clean(exclude=["program"])
    if challenge.ends_on < challenge.starts_on:
        raise ValidationError(_("A challenge ends on or after its start date."))
    challenge.save()
    return challenge
