"""The "score activity" job: points for new shares, clicks and conversions, corrections,
badges and the end of challenges.

It reads each table past a cursor (the last id it handled), re-reading a few
ids back each time because rows can commit out of id order; awarding is
idempotent, so reading a row twice never scores it twice. Every rule against
gaming lives here or in ``services.points_award``:

- a share scores once per item and network (sharing the same thing twice earns nothing);
- a click scores when it is human, the first of its visitor on that link, not
  the ambassador's own (same visitor hash as their own visit that day), and
  the share has not reached its click cap;
- a click later reclassified as a bot, or found to be the ambassador's own, and a
  conversion withdrawn, are undone by a visible negative entry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership
from ambassade.accounts.notifications import Message, notify
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.rewards import badges
from ambassade.rewards.models import (
    AmbassadorVisitor,
    BadgeAward,
    Challenge,
    ChallengeWinner,
    CuratorPick,
    EntryNote,
    PointsEntry,
    PointsRules,
    Rule,
    ScoringCursor,
)
from ambassade.rewards.services import (
    local_zone,
    points_award,
    points_correct,
    points_rules_ensure,
    week_bounds,
)
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, Conversion, ConversionKind

logger = logging.getLogger(__name__)

BATCH = 1000
# Ids re-read behind the cursor each run, for rows that committed late.
LOOKBACK = 100
CONVERSION_RULES = {
    ConversionKind.JOB_APPLICATION: Rule.APPLICATION,
    ConversionKind.LEAD: Rule.LEAD,
}


@dataclass
class ScoringReport:
    shares: int = 0
    clicks: int = 0
    conversions: int = 0
    entries: int = 0
    corrections: int = 0
    badges: int = 0
    challenges_closed: int = 0
    touched: set[tuple[int, int]] = field(default_factory=set)  # (membership, program)
    own_visits: dict[date, set[tuple[int, str]]] = field(default_factory=dict)
    rules: dict[int, PointsRules] = field(default_factory=dict)  # by program, read once a run

    def rules_of(self, program: Program) -> PointsRules:
        if program.pk not in self.rules:
            self.rules[program.pk] = points_rules_ensure(program=program)
        return self.rules[program.pk]

    def as_dict(self) -> dict[str, int]:
        return {
            "shares": self.shares,
            "clicks": self.clicks,
            "conversions": self.conversions,
            "entries": self.entries,
            "corrections": self.corrections,
            "badges": self.badges,
            "challenges_closed": self.challenges_closed,
        }


def _cursor(name: str) -> ScoringCursor:
    cursor, _created = ScoringCursor.objects.get_or_create(name=name)
    return cursor


def _advance(cursor: ScoringCursor, last_id: int, now: datetime) -> None:
    if last_id > cursor.last_id:
        cursor.last_id = last_id
        cursor.updated_at = now
        cursor.save(update_fields=["last_id", "updated_at"])


def _utc_day(moment: datetime) -> date:
    # The redirector's salt changes at midnight UTC; so do visitor hashes.
    return moment.astimezone(UTC).date()


def _is_own_click(click: Click, membership_id: int, report: ScoringReport) -> bool:
    """Whether the click has the ambassador's own visitor hash of that (UTC) day."""
    day = _utc_day(click.clicked_at)
    own = report.own_visits.get(day)
    if own is None:
        # One read per day seen in a run: a handful of rows per ambassador and day.
        own = set(
            AmbassadorVisitor.objects.filter(day_on=day).values_list(
                "membership_id", "visitor_hash"
            )
        )
        report.own_visits[day] = own
    return (membership_id, click.visitor_hash) in own


# ---------------------------------------------------------------------------
# Shares


def _shared_weeks(share: Share, weeks: int) -> set[date]:
    """Mondays (local) of the weeks, among the ``weeks`` ending with ``share``'s, with a share."""
    organization = share.organization
    start, _end = week_bounds(share.created_at, organization)
    since = start - timedelta(weeks=weeks - 1)
    zone = local_zone(organization)
    moments = Share.objects.filter(
        membership_id=share.membership_id,
        program_id=share.program_id,
        created_at__gte=since,
        created_at__lte=share.created_at,
    ).values_list("created_at", flat=True)
    mondays = set()
    for moment in moments:
        day = moment.astimezone(zone).date()
        mondays.add(day - timedelta(days=day.weekday()))
    return mondays


def share_score(*, share: Share, now: datetime, report: ScoringReport) -> None:
    program = share.program
    membership = share.membership
    duplicate = (
        Share.objects.filter(
            membership_id=share.membership_id,
            program_id=share.program_id,
            item_id=share.item_id,
            network=share.network,
        )
        .filter(
            Q(created_at__lt=share.created_at) | Q(created_at=share.created_at, pk__lt=share.pk)
        )
        .exists()
    )
    if duplicate:
        return
    rules = report.rules_of(program)
    awarded = [
        points_award(
            membership=membership,
            program=program,
            rule=Rule.SHARE,
            source=share,
            now=now,
            occurred_at=share.created_at,
            rules=rules,
        )
    ]
    if share.own_words_ratio >= rules.own_words_threshold:
        awarded.append(
            points_award(
                membership=membership,
                program=program,
                rule=Rule.OWN_WORDS,
                source=share,
                now=now,
                occurred_at=share.created_at,
                rules=rules,
            )
        )
    start, end = week_bounds(share.created_at, share.organization)
    streak_this_week = PointsEntry.objects.filter(
        membership=membership,
        program=program,
        rule=Rule.WEEKLY_STREAK,
        is_correction=False,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).exists()
    if not streak_this_week and len(_shared_weeks(share, rules.streak_weeks)) >= rules.streak_weeks:
        awarded.append(
            points_award(
                membership=membership,
                program=program,
                rule=Rule.WEEKLY_STREAK,
                source=share,
                now=now,
                occurred_at=share.created_at,
                rules=rules,
                reason=_("%(weeks)d weeks in a row") % {"weeks": rules.streak_weeks},
            )
        )
    report.entries += sum(1 for entry in awarded if entry is not None)
    report.touched.add((membership.pk, program.pk))


# ---------------------------------------------------------------------------
# Clicks and conversions


def click_score(*, click: Click, now: datetime, report: ScoringReport) -> None:
    if click.is_bot:
        return
    share = click.link.share
    if _is_own_click(click, share.membership_id, report):
        return
    seen_before = (
        Click.objects.filter(link_id=click.link_id, visitor_hash=click.visitor_hash, is_bot=False)
        .filter(
            Q(clicked_at__lt=click.clicked_at) | Q(clicked_at=click.clicked_at, pk__lt=click.pk)
        )
        .exists()
    )
    if seen_before:
        return
    entry = points_award(
        membership=share.membership,
        program=share.program,
        rule=Rule.CLICK,
        source=click,
        now=now,
        occurred_at=click.clicked_at,
        share=share,
        rules=report.rules_of(share.program),
    )
    if entry is not None:
        report.entries += 1
        report.touched.add((share.membership_id, share.program_id))


def conversion_score(*, conversion: Conversion, now: datetime, report: ScoringReport) -> None:
    rule = CONVERSION_RULES.get(ConversionKind(conversion.kind))
    if rule is None or conversion.withdrawn_at is not None or conversion.click.is_bot:
        return
    share = conversion.share
    if _is_own_click(conversion.click, share.membership_id, report):
        return
    entry = points_award(
        membership=share.membership,
        program=share.program,
        rule=rule,
        source=conversion,
        now=now,
        occurred_at=conversion.occurred_at,
        share=share,
        click=conversion.click,
        conversion=conversion,
        rules=report.rules_of(share.program),
    )
    if entry is not None:
        report.entries += 1
        report.touched.add((share.membership_id, share.program_id))


def corrections_apply(*, now: datetime, report: ScoringReport) -> None:
    """Undo points whose reason no longer holds, with a visible negative entry."""
    open_entries = PointsEntry.objects.filter(is_correction=False, correction__isnull=True)
    for entry in open_entries.filter(rule=Rule.CLICK, click__is_bot=True):
        if points_correct(entry=entry, note=EntryNote.BOT, now=now) is not None:
            report.corrections += 1
    for entry in open_entries.filter(
        rule__in=[Rule.APPLICATION, Rule.LEAD], conversion__isnull=False
    ).filter(Q(conversion__withdrawn_at__isnull=False) | Q(conversion__click__is_bot=True)):
        assert entry.conversion is not None
        note = EntryNote.WITHDRAWN if entry.conversion.withdrawn_at else EntryNote.BOT
        if points_correct(entry=entry, note=note, now=now) is not None:
            report.corrections += 1
    # An ambassador who clicked their own link before opening the application that
    # day is recognised afterwards: look at the last two days' click points again.
    since = now - timedelta(days=2)
    own = set(
        AmbassadorVisitor.objects.filter(day_on__gte=_utc_day(since)).values_list(
            "membership_id", "visitor_hash", "day_on"
        )
    )
    if not own:
        return
    recent = open_entries.filter(
        rule=Rule.CLICK, occurred_at__gte=since, click__isnull=False
    ).select_related("click")
    for entry in recent:
        assert entry.click is not None
        key = (entry.membership_id, entry.click.visitor_hash, _utc_day(entry.click.clicked_at))
        if key in own and points_correct(entry=entry, note=EntryNote.SELF_CLICK, now=now):
            report.corrections += 1


# ---------------------------------------------------------------------------
# Badges


def _award_badge(
    membership_id: int, program_id: int, code: str, at: datetime, report: ScoringReport
) -> None:
    _award, created = BadgeAward.objects.get_or_create(
        membership_id=membership_id, program_id=program_id, code=code, defaults={"awarded_at": at}
    )
    if created:
        report.badges += 1


def _longest_streak_moments(moments: list[datetime], program: Program) -> dict[int, datetime]:
    """For each streak length, the first moment a run of that many weeks was complete."""
    zone = local_zone(program.organization)
    first_of_week: dict[date, datetime] = {}
    for moment in sorted(moments):
        day = moment.astimezone(zone).date()
        first_of_week.setdefault(day - timedelta(days=day.weekday()), moment)
    reached: dict[int, datetime] = {}
    run = 0
    previous: date | None = None
    for monday in sorted(first_of_week):
        run = run + 1 if previous is not None and monday - previous == timedelta(weeks=1) else 1
        previous = monday
        reached.setdefault(run, first_of_week[monday])
    return reached


def badges_evaluate(
    *, pairs: Iterable[tuple[int, int]], now: datetime, report: ScoringReport
) -> None:
    """Award the badges earned by these (membership, program) pairs, dated when earned."""
    for membership_id, program_id in sorted(set(pairs)):
        program = Program.objects.select_related("organization").get(pk=program_id)
        moments = list(
            Share.objects.filter(membership_id=membership_id, program_id=program_id)
            .order_by("created_at", "id")
            .values_list("created_at", flat=True)
        )
        for count, code in badges.SHARE_MILESTONES:
            if len(moments) >= count:
                _award_badge(membership_id, program_id, code, moments[count - 1], report)
        reached = _longest_streak_moments(moments, program)
        for weeks, code in badges.STREAK_MILESTONES:
            if weeks in reached:
                _award_badge(membership_id, program_id, code, reached[weeks], report)
        first_application = (
            Conversion.objects.filter(
                share__membership_id=membership_id,
                share__program_id=program_id,
                kind=ConversionKind.JOB_APPLICATION,
                withdrawn_at__isnull=True,
                click__is_bot=False,
            )
            .order_by("occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        if first_application is not None:
            _award_badge(membership_id, program_id, "first_application", first_application, report)
    picks = CuratorPick.objects.select_related("share").exclude(
        Exists(
            BadgeAward.objects.filter(
                membership_id=OuterRef("share__membership_id"),
                program_id=OuterRef("share__program_id"),
                code="curators_pick",
            )
        )
    )
    for pick in picks:
        _award_badge(
            pick.share.membership_id, pick.share.program_id, "curators_pick", pick.picked_at, report
        )
    _mentor_badges(now=now, report=report)


def _mentor_badges(*, now: datetime, report: ScoringReport) -> None:
    """Both people of a mentoring pair coach each other: a recorded session makes them mentors.

    Only when the community app, which records mentoring sessions, is installed.
    """
    from django.apps import apps

    try:
        session_model = apps.get_model("community", "MentoringSession")
    except LookupError:
        return
    first_session: dict[int, datetime] = {}
    sessions = session_model.objects.filter(created_at__lte=now).values_list(
        "pair__junior_id", "pair__senior_id", "created_at"
    )
    for junior_id, senior_id, created_at in sessions:
        for member_id in (junior_id, senior_id):
            if member_id not in first_session or created_at < first_session[member_id]:
                first_session[member_id] = created_at
    if not first_session:
        return
    badged = set(
        BadgeAward.objects.filter(code="mentor", membership_id__in=list(first_session)).values_list(
            "membership_id", "program_id"
        )
    )
    enrolments = Enrolment.objects.filter(
        membership_id__in=list(first_session), status=EnrolmentStatus.ACTIVE
    ).values_list("membership_id", "program_id")
    for membership_id, program_id in enrolments:
        if (membership_id, program_id) not in badged:
            _award_badge(membership_id, program_id, "mentor", first_session[membership_id], report)


# ---------------------------------------------------------------------------
# Challenges


def challenge_results(*, challenge: Challenge) -> list[tuple[Membership | None, str, int]]:
    """Everyone (or every team) who reached the threshold: (person, team, result), best first."""
    from ambassade.rewards.challenges import challenge_standings

    return [
        row for row in challenge_standings(challenge=challenge) if row[2] >= challenge.threshold
    ]


def challenges_close(*, now: datetime, report: ScoringReport) -> None:
    """Compute the winners of challenges that ended, and announce them in the application."""
    due = Challenge.objects.filter(closed_at__isnull=True).select_related("program__organization")
    for challenge in due:
        organization = challenge.program.organization
        today = now.astimezone(local_zone(organization)).date()
        if challenge.ends_on >= today:
            continue
        with transaction.atomic():
            locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
            if locked.closed_at is not None:
                continue
            results = challenge_results(challenge=locked)
            ChallengeWinner.objects.bulk_create(
                ChallengeWinner(challenge=locked, membership=person, team=team, value=value)
                for person, team, value in results
            )
            locked.closed_at = now
            locked.save(update_fields=["closed_at"])
            _announce(challenge=locked, results=results, now=now)
        report.challenges_closed += 1


def _announce(
    *, challenge: Challenge, results: list[tuple[Membership | None, str, int]], now: datetime
) -> None:
    from django.urls import reverse

    program = challenge.program
    url = reverse("rewards:challenges") + f"?program={program.slug}"
    winners_ids = {person.pk for person, _team, _value in results if person is not None}
    winning_teams = {team for _person, team, _value in results if team}
    enrolments = program.enrolments.filter(status=EnrolmentStatus.ACTIVE).select_related(
        "membership__user", "wave"
    )
    for enrolment in enrolments:
        member = enrolment.membership
        team = (
            enrolment.wave.name
            if challenge.scope == "wave" and enrolment.wave
            else member.department
        )
        won = member.pk in winners_ids or (challenge.is_team and team in winning_teams)
        names = ", ".join(
            sorted(
                team or (person.user.full_name if person else "") for person, team, _v in results
            )
        )

        def compose(won: bool = won, names: str = names) -> Message:
            if won:
                text = _("Challenge “%(title)s” is over: you made it! Congratulations.") % {
                    "title": challenge.title
                }
            elif names:
                text = _("Challenge “%(title)s” is over. Winners: %(names)s.") % {
                    "title": challenge.title,
                    "names": names,
                }
            else:
                text = _("Challenge “%(title)s” is over: nobody reached the goal this time.") % {
                    "title": challenge.title
                }
            return Message(text=text, subject=text, body=text)

        notify(
            user=member.user,
            organization=program.organization,
            url=url,
            now=now,
            compose=compose,
            email=False,
        )


# ---------------------------------------------------------------------------
# The job


def score_activity(
    *,
    now: datetime,
    batch: int = BATCH,
    until_done: bool = False,
    seconds: float | None = None,
) -> ScoringReport:
    """Score what happened since the last run.

    One batch per table, or with ``until_done`` everything there is (within
    ``seconds`` when given: the rest waits for the next run).
    """
    report = ScoringReport()
    deadline = time.monotonic() + seconds if seconds is not None else None
    while True:
        before = (report.shares, report.clicks, report.conversions)
        _score_shares(now=now, batch=batch, report=report)
        _score_clicks(now=now, batch=batch, report=report)
        _score_conversions(now=now, batch=batch, report=report)
        progressed = (report.shares, report.clicks, report.conversions) != before
        if not until_done or not progressed:
            break
        if deadline is not None and time.monotonic() > deadline:
            break
    corrections_apply(now=now, report=report)
    badges_evaluate(pairs=report.touched, now=now, report=report)
    challenges_close(now=now, report=report)
    return report


def _score_shares(*, now: datetime, batch: int, report: ScoringReport) -> None:
    cursor = _cursor("shares")
    rows = list(
        Share.objects.filter(pk__gt=max(cursor.last_id - LOOKBACK, 0))
        .select_related("program__organization", "membership", "organization", "item")
        .order_by("pk")[: batch + LOOKBACK]
    )
    for share in rows:
        share_score(share=share, now=now, report=report)
    fresh = [share.pk for share in rows if share.pk > cursor.last_id]
    report.shares += len(fresh)
    if fresh:
        _advance(cursor, fresh[-1], now)


def _score_clicks(*, now: datetime, batch: int, report: ScoringReport) -> None:
    cursor = _cursor("clicks")
    rows = list(
        Click.objects.filter(pk__gt=max(cursor.last_id - LOOKBACK, 0))
        .select_related(
            "link__share__program__organization", "link__share__membership", "link__share__item"
        )
        .order_by("pk")[: batch + LOOKBACK]
    )
    for click in rows:
        click_score(click=click, now=now, report=report)
    fresh = [click.pk for click in rows if click.pk > cursor.last_id]
    report.clicks += len(fresh)
    if fresh:
        _advance(cursor, fresh[-1], now)


def _score_conversions(*, now: datetime, batch: int, report: ScoringReport) -> None:
    cursor = _cursor("conversions")
    rows = list(
        Conversion.objects.filter(pk__gt=max(cursor.last_id - LOOKBACK, 0))
        .select_related("click", "share__program__organization", "share__membership", "share__item")
        .order_by("pk")[: batch + LOOKBACK]
    )
    for conversion in rows:
        conversion_score(conversion=conversion, now=now, report=report)
    fresh = [conversion.pk for conversion in rows if conversion.pk > cursor.last_id]
    report.conversions += len(fresh)
    if fresh:
        _advance(cursor, fresh[-1], now)
