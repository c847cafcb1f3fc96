"""What each section of an issue shows: read once per issue, and per recipient in bulk.

Everything is read inside the issue's organization and program: one organization's
figures never reach another's e-mail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambassade.accounts.selectors import is_erased_email
from ambassade.content.models import ContentItem
from ambassade.newsletter import providers
from ambassade.newsletter.models import Issue
from ambassade.programs.models import KpiTarget, Metric, Program
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, ConversionKind
from ambassade.tracking.selectors import counted_conversions, organization_tz

TOP_POSTS = 5
TOP_AMBASSADORS = 5
EVENTS = 3
TO_SHARE = 3
# Enough to rank everybody: the rewards leaderboard takes a limit.
EVERYBODY = 1_000_000_000

DEFAULT_TIPS: list[Promise] = [
    gettext_lazy(
        "Add one sentence of your own before the link: what you learned, or who should read "
        "it. Posts with a personal comment are read far more often than bare links."
    ),
    gettext_lazy(
        "Share in the morning between 8 and 10, or at lunchtime: your contacts are reading then."
    ),
    gettext_lazy(
        "Market content interests your network as much as company news: share an analysis "
        "and say what it changes in your job."
    ),
    gettext_lazy(
        "Answer the comments on your posts within a day: the conversation is what makes "
        "them travel."
    ),
    gettext_lazy(
        "Tag the colleagues who worked on a project you share: they will be glad, and their "
        "networks will see it too."
    ),
    gettext_lazy(
        "One good post a week beats five hurried ones. Choose the item that speaks to you."
    ),
]


def default_tip(edition_on: date) -> str:
    """Ambassade's tip for a month, in the active language."""
    return str(DEFAULT_TIPS[(edition_on.year * 12 + edition_on.month) % len(DEFAULT_TIPS)])


def period_bounds(issue: Issue) -> tuple[datetime, datetime]:
    """The issue's period as instants: from its first day to the day after its last."""
    tz = organization_tz(issue.organization)
    start = datetime.combine(issue.period_start_on, time(0), tzinfo=tz)
    end = datetime.combine(issue.period_end_on + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


@dataclass(frozen=True)
class Headline:
    label: str
    value: int


@dataclass(frozen=True)
class KpiRow:
    label: str
    current: Decimal
    target: Decimal
    progress: float  # 0 to 1 and beyond
    status: str  # on_track, at_risk, off_track
    deadline_on: date | None

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    @property
    def bar(self) -> int:
        """The width of the filled part of the bar, in percent (0 to 100)."""
        return max(0, min(100, self.percent))

    @property
    def rest(self) -> int:
        return 100 - self.bar

    @property
    def status_label(self) -> str:
        labels = {
            "on_track": _("on track"),
            "at_risk": _("at risk"),
            "off_track": _("behind"),
        }
        return labels.get(self.status, "")


@dataclass(frozen=True)
class TopPost:
    item_id: int
    title: str
    shares: int
    human_clicks: int


@dataclass(frozen=True)
class TopAmbassador:
    rank: int
    name: str
    department: str
    score: int


@dataclass(frozen=True)
class BadgeLine:
    name: str
    count: int


@dataclass(frozen=True)
class EventLine:
    title: str
    starts_at: datetime | None
    location: str
    url: str


@dataclass(frozen=True)
class ShareableItem:
    item_id: int
    title: str
    summary: str
    kind: str
    # The item's image as served by us (absolute, for e-mails), or "" for none.
    image_src: str = ""


@dataclass(frozen=True)
class IssueData:
    """The sections every recipient of an issue shares, in one language."""

    headline: list[Headline]
    kpis: list[KpiRow]
    top_posts: list[TopPost]
    top_ambassadors: list[TopAmbassador]
    ranked_by_points: bool
    badges: list[BadgeLine]
    events: list[EventLine]
    to_share: list[ShareableItem]
    tip: str
    # Badges each person earned in the period: {membership id: [badge names]}.
    own_badges: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RecipientFigures:
    shares: int = 0
    human_clicks: int = 0
    unique_visitors: int = 0
    conversions: int = 0
    month_points: int | None = None
    lifetime_points: int | None = None
    rank: int | None = None
    ranked: int = 0

    @property
    def has_points(self) -> bool:
        return self.lifetime_points is not None


# --- the shared sections ----------------------------------------------------------------------


def _period_shares(program: Program, start: datetime, end: datetime) -> Any:
    return Share.objects.filter(
        organization_id=program.organization_id,
        program=program,
        created_at__gte=start,
        created_at__lt=end,
    )


def _human_clicks(program: Program, start: datetime | None, end: datetime) -> Any:
    clicks = Click.objects.filter(
        organization_id=program.organization_id,
        link__share__program=program,
        is_bot=False,
        clicked_at__lt=end,
    )
    return clicks.filter(clicked_at__gte=start) if start is not None else clicks


def _conversions(program: Program, start: datetime | None, end: datetime) -> Any:
    conversions = counted_conversions().filter(
        organization_id=program.organization_id, share__program=program, occurred_at__lt=end
    )
    return conversions.filter(occurred_at__gte=start) if start is not None else conversions


def _headline(program: Program, issue: Issue, start: datetime, end: datetime) -> list[Headline]:
    kpis = providers.program_kpis()
    if kpis is not None:
        found = kpis(program=program, start=issue.period_start_on, end=issue.period_end_on)
        return [
            Headline(_("shares"), int(found.shares)),
            Headline(_("active ambassadors"), int(found.active_ambassadors)),
            Headline(_("clicks"), int(found.human_clicks)),
            Headline(_("unique visitors"), int(found.unique_visitors)),
            Headline(_("applications and leads"), int(found.applications) + int(found.leads)),
        ]
    shares = _period_shares(program, start, end)
    clicks = _human_clicks(program, start, end).aggregate(
        total=Count("pk"), visitors=Count("visitor_hash", distinct=True)
    )
    return [
        Headline(_("shares"), shares.count()),
        Headline(_("active ambassadors"), shares.values("membership_id").distinct().count()),
        Headline(_("clicks"), clicks["total"]),
        Headline(_("unique visitors"), clicks["visitors"]),
        Headline(_("conversions"), _conversions(program, start, end).count()),
    ]


def _fallback_current(program: Program, metric: str, end: datetime) -> Decimal | None:
    """A target's current value from the tracking basics, since the program started."""
    start = datetime.combine(
        program.starts_on, time(0), tzinfo=organization_tz(program.organization)
    )
    shares = _period_shares(program, start, end)
    if metric == Metric.SHARES:
        return Decimal(shares.count())
    if metric == Metric.ACTIVE_AMBASSADORS:
        return Decimal(shares.values("membership_id").distinct().count())
    if metric == Metric.HUMAN_CLICKS:
        return Decimal(_human_clicks(program, start, end).count())
    if metric == Metric.UNIQUE_VISITORS:
        return Decimal(
            _human_clicks(program, start, end).aggregate(n=Count("visitor_hash", distinct=True))[
                "n"
            ]
        )
    if metric == Metric.APPLICATIONS:
        return Decimal(
            _conversions(program, start, end).filter(kind=ConversionKind.JOB_APPLICATION).count()
        )
    if metric == Metric.LEADS:
        return Decimal(_conversions(program, start, end).filter(kind=ConversionKind.LEAD).count())
    return None


def _fallback_status(progress: float, program: Program, target: KpiTarget, today: date) -> str:
    """On track when the progress keeps up with the time elapsed towards the deadline."""
    span = (target.deadline_on - program.starts_on).days
    elapsed = 1.0 if span <= 0 else max(0.0, min(1.0, (today - program.starts_on).days / span))
    if progress >= elapsed:
        return "on_track"
    return "at_risk" if progress >= 0.8 * elapsed else "off_track"


def _kpis(program: Program, issue: Issue, end: datetime) -> list[KpiRow]:
    progress = providers.targets_progress()
    if progress is not None:
        return [
            KpiRow(
                label=str(row.label),
                current=Decimal(str(row.current)),
                target=Decimal(str(row.target)),
                progress=float(row.progress),
                status=str(row.status),
                deadline_on=row.deadline_on,
            )
            for row in progress(program=program, today=issue.period_end_on)
        ]
    rows = []
    targets = KpiTarget.objects.filter(objective__program=program).order_by("deadline_on", "pk")
    for target in targets:
        current = _fallback_current(program, target.metric, end)
        if current is None or target.target_value <= 0:
            continue
        ratio = float(current / target.target_value)
        rows.append(
            KpiRow(
                label=str(target.get_metric_display()),
                current=current,
                target=target.target_value,
                progress=ratio,
                status=_fallback_status(ratio, program, target, issue.period_end_on),
                deadline_on=target.deadline_on,
            )
        )
    return rows


def _top_posts(program: Program, start: datetime, end: datetime) -> list[TopPost]:
    ranked = list(
        _period_shares(program, start, end)
        .values("item_id", "item__title")
        .annotate(total=Count("pk"))
        .order_by("-total", "item__title")[:TOP_POSTS]
    )
    clicks = dict(
        _human_clicks(program, start, end)
        .filter(link__share__item_id__in=[row["item_id"] for row in ranked])
        .values("link__share__item_id")
        .annotate(total=Count("pk"))
        .values_list("link__share__item_id", "total")
        .order_by()
    )
    return [
        TopPost(
            item_id=row["item_id"],
            title=row["item__title"],
            shares=row["total"],
            human_clicks=clicks.get(row["item_id"], 0),
        )
        for row in ranked
    ]


def first_name(full_name: str, email: str) -> str:
    if is_erased_email(email):
        return _("Former member")
    return full_name.split(" ")[0] if full_name.strip() else email.split("@")[0]


def _top_by_shares(program: Program, start: datetime, end: datetime) -> list[TopAmbassador]:
    """Without the rewards app: the most shares, first names and departments only."""
    rows = (
        _period_shares(program, start, end)
        .values(
            "membership_id",
            "membership__user__full_name",
            "membership__user__email",
            "membership__department",
        )
        .annotate(total=Count("pk"))
        .order_by("-total", "membership__user__full_name", "membership_id")[:TOP_AMBASSADORS]
    )
    return [
        TopAmbassador(
            rank=position,
            name=first_name(row["membership__user__full_name"], row["membership__user__email"]),
            department=row["membership__department"],
            score=row["total"],
        )
        for position, row in enumerate(rows, start=1)
    ]


def _events(program: Program, now: datetime) -> list[EventLine]:
    """The organization's next events open to this program (its own, or everybody's)."""
    upcoming = providers.upcoming_events()
    if upcoming is None:
        return []
    lines = []
    # Read a few more: some may belong to the organization's other programs.
    for event in upcoming(organization=program.organization, now=now, limit=EVENTS * 4):
        if getattr(event, "organization_id", program.organization_id) != program.organization_id:
            continue
        event_program = getattr(event, "program_id", None)
        if event_program is not None and event_program != program.pk:
            continue
        try:
            url = reverse("community:event_detail", args=[event.pk])
        except NoReverseMatch:
            url = ""
        lines.append(
            EventLine(
                title=str(getattr(event, "title", "") or event),
                starts_at=getattr(event, "starts_at", None),
                location=str(getattr(event, "place", "") or getattr(event, "location", "") or ""),
                url=url,
            )
        )
        if len(lines) == EVENTS:
            break
    return lines


def _to_share(program: Program, now: datetime) -> list[ShareableItem]:
    """The newest live items of the program that every wave may share."""
    targets_waves = Exists(
        ContentItem.waves.through.objects.filter(
            contentitem_id=OuterRef("pk"), wave__program_id=program.pk
        )
    )
    items = (
        ContentItem.objects.live(now)
        .filter(organization_id=program.organization_id, programs=program)
        .filter(~Q(targets_waves))
        .order_by("-publish_at", "-id")[:TO_SHARE]
    )
    return [
        ShareableItem(
            item_id=item.pk,
            title=item.title,
            summary=item.summary,
            kind=item.get_kind_display(),
            image_src=item.image_absolute_src,
        )
        for item in items
    ]


def issue_data(*, issue: Issue, now: datetime) -> IssueData:
    """The shared sections of an issue, in the active language, as of ``now``."""
    program = issue.program
    start, end = period_bounds(issue)
    leaderboard = providers.leaderboard()
    if leaderboard is not None:
        top = [
            TopAmbassador(
                rank=row.rank,
                name=str(row.name),
                department=str(row.department),
                score=int(row.points),
            )
            for row in leaderboard(program=program, start=start, end=end, limit=TOP_AMBASSADORS)
        ]
    else:
        top = _top_by_shares(program, start, end)
    badges: list[BadgeLine] = []
    own_badges: dict[int, list[str]] = {}
    awarded = providers.badges_awarded()
    if awarded is not None:
        names: Counter[str] = Counter()
        for award in awarded(program=program, start=start, end=end):
            name = str(award.name)
            names[name] += 1
            own_badges.setdefault(award.membership.pk, []).append(name)
        badges = [BadgeLine(name=name, count=count) for name, count in names.most_common()]
    tip = issue.tip.strip()
    if not tip:
        settings = getattr(program, "newsletter_settings", None)
        tip = settings.tip.strip() if settings is not None else ""
    return IssueData(
        headline=_headline(program, issue, start, end),
        kpis=_kpis(program, issue, end),
        top_posts=_top_posts(program, start, end),
        top_ambassadors=top,
        ranked_by_points=leaderboard is not None,
        badges=badges,
        events=_events(program, now),
        to_share=_to_share(program, now),
        tip=tip or default_tip(issue.edition_on),
        own_badges=own_badges,
    )


# --- each recipient's own figures, in bulk ------------------------------------------------------


@dataclass(frozen=True)
class PointsTable:
    """Everybody's points and rank in the program, read once per issue (rewards app)."""

    month: dict[int, int]
    lifetime: dict[int, tuple[int, int]]  # membership id: (points, rank)
    ranked: int


def points_table(*, issue: Issue) -> PointsTable | None:
    leaderboard = providers.leaderboard()
    if leaderboard is None:
        return None
    start, end = period_bounds(issue)
    program = issue.program
    month = leaderboard(program=program, start=start, end=end, limit=EVERYBODY)
    everyone = leaderboard(program=program, start=None, end=None, limit=EVERYBODY)
    return PointsTable(
        month={row.membership_id: int(row.points) for row in month},
        lifetime={row.membership_id: (int(row.points), int(row.rank)) for row in everyone},
        ranked=len(everyone),
    )


def recipients_figures(
    *,
    issue: Issue,
    membership_ids: Iterable[int],
    points: PointsTable | None,
) -> dict[int, RecipientFigures]:
    """Each person's shares, clicks, visitors, conversions, points and rank: three queries
    for the whole batch."""
    ids = list(membership_ids)
    program = issue.program
    start, end = period_bounds(issue)
    shares = dict(
        _period_shares(program, start, end)
        .filter(membership_id__in=ids)
        .values("membership_id")
        .annotate(total=Count("pk"))
        .values_list("membership_id", "total")
        .order_by()
    )
    clicks = {
        row["link__share__membership_id"]: row
        for row in _human_clicks(program, start, end)
        .filter(link__share__membership_id__in=ids)
        .values("link__share__membership_id")
        .annotate(total=Count("pk"), visitors=Count("visitor_hash", distinct=True))
        .order_by()
    }
    conversions = dict(
        _conversions(program, start, end)
        .filter(share__membership_id__in=ids)
        .values("share__membership_id")
        .annotate(total=Count("pk"))
        .values_list("share__membership_id", "total")
        .order_by()
    )
    figures = {}
    for member_id in ids:
        click_row = clicks.get(member_id)
        month_points = lifetime_points = rank = None
        if points is not None:
            month_points = points.month.get(member_id, 0)
            lifetime_points, rank = points.lifetime.get(member_id, (0, None))
        figures[member_id] = RecipientFigures(
            shares=shares.get(member_id, 0),
            human_clicks=click_row["total"] if click_row else 0,
            unique_visitors=click_row["visitors"] if click_row else 0,
            conversions=conversions.get(member_id, 0),
            month_points=month_points,
            lifetime_points=lifetime_points,
            rank=rank,
            ranked=points.ranked if points is not None else 0,
        )
    return figures
