"""Two organizations full of data, for the tenancy walk (tests/test_tenancy_walk.py).

``populate`` gives an organization at least one object of every kind a URL can
name. Every name, title and slug it writes carries the organization's *mark* (a
word found nowhere else), so that a page or an API answer that shows another
organization's data is caught by looking for that word.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ambassade.accounts.models import ApiToken, Membership, Network, Notification, Organization
from ambassade.accounts.tokens import api_token_create
from ambassade.analytics.models import NetworkRate, Rollup
from ambassade.audit.models import AuditAction
from ambassade.audit.services import audit_record
from ambassade.community.models import (
    CalendarFeed,
    Event,
    EventKind,
    MentoringPair,
    MentoringSession,
    Rsvp,
    RsvpStatus,
)
from ambassade.content.models import ContentItem, Family, ItemStatus, Kind, SuggestedMessage
from ambassade.content.models_feeds import FeedEntry, FeedSource
from ambassade.content.models_images import ContentImage, ImageStatus, source_hash
from ambassade.content.models_proposals import Proposal
from ambassade.jobs.models import JobRun, RunStatus
from ambassade.newsletter.models import (
    Delivery,
    Digest,
    IssueClick,
    IssueStatus,
    NewsletterSettings,
    Preference,
)
from ambassade.newsletter.services import issue_generate
from ambassade.programs.models import (
    Consent,
    Enrolment,
    EnrolmentStatus,
    KpiTarget,
    Objective,
    Program,
    ProgramCost,
    Wave,
)
from ambassade.rewards.models import (
    BadgeAward,
    Challenge,
    ChallengeMetric,
    ChallengeScope,
    CuratorPick,
    PointsEntry,
    Redemption,
    RedemptionStatus,
    Reward,
    RewardsProfile,
    Rule,
)
from ambassade.rewards.services import points_rules_ensure
from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share
from ambassade.tracking.models import Click, Conversion, ConversionSource, TrackedLink
from ambassade.tracking.services import link_create
from ambassade.training.models import (
    CharterAcknowledgement,
    CharterVersion,
    ModuleCompletion,
    QuizAttempt,
    TrainingSettings,
)
from ambassade.training.tests.helpers import quiz_module
from tests.factories import MembershipFactory, SocialAccountFactory, UserFactory

# A feed nobody answers: a probe that polls or tests it fails at once, offline.
DEAD_FEED = "http://127.0.0.1:9/feed.xml"


@dataclass
class Tenant:
    """One organization of the walk and the things in it the tests name."""

    mark: str
    organization: Organization
    owner: Membership  # every role
    peer: Membership  # a second ambassador (mentoring, leaderboard)
    program: Program
    item: ContentItem
    share: Share
    link: TrackedLink
    click: Click
    token: ApiToken
    raw_token: str
    strings: list[str] = field(default_factory=list)


def _member(org: Organization, mark: str, who: str, **roles: bool) -> Membership:
    user = UserFactory.create(
        full_name=f"{who} {mark}",
        email=f"{who.lower()}@{mark.lower()}.example",
        language="en",
    )
    return MembershipFactory.create(
        user=user, organization=org, department=f"{mark} Sales", **roles
    )


def populate(name: str, mark: str, *, now: dt.datetime) -> Tenant:
    """Organization ``name`` with one (or a few) of every kind of object, all marked."""
    low = mark.lower()
    org = Organization.objects.create(
        name=f"{name} {mark}", slug=f"{low}-org", conversion_secret=f"{low}-secret-" + "s" * 24
    )
    owner = _member(
        org, mark, "Owner", is_admin=True, is_manager=True, is_curator=True, is_ambassador=True
    )
    peer = _member(org, mark, "Peer", is_ambassador=True)
    peer.seniority = "junior"
    owner.seniority = "senior"
    peer.save()
    owner.save()

    # Program set-up.
    program = Program.objects.create(
        organization=org,
        name=f"{mark} Talents",
        slug=f"{low}-talents",
        manager=owner.user,
        budget_amount=Decimal("5000"),
        starts_on=now.date() - dt.timedelta(days=90),
    )
    objective = Objective.objects.create(
        program=program, kind="applicants", title=f"{mark} objective"
    )
    KpiTarget.objects.create(
        objective=objective,
        metric="shares",
        target_value=Decimal("100"),
        deadline_on=now.date() + dt.timedelta(days=90),
    )
    wave = Wave.objects.create(
        program=program, name=f"{mark} wave", starts_on=now.date() - dt.timedelta(days=90)
    )
    for person in (owner, peer):
        enrolment = Enrolment.objects.create(
            program=program,
            membership=person,
            wave=wave,
            status=EnrolmentStatus.ACTIVE,
            joined_at=now - dt.timedelta(days=80),
        )
        Consent.objects.create(
            enrolment=enrolment,
            text=program.consent_text or f"{mark} consent",
            version=program.consent_version,
            given_at=now - dt.timedelta(days=80),
        )
    ProgramCost.objects.create(
        program=program, label=f"{mark} breakfast costs", amount=Decimal("120"), spent_on=now.date()
    )
    NetworkRate.objects.create(
        program=program, network=Network.LINKEDIN, cpm=Decimal("8"), cpc=Decimal("1")
    )

    # People's own things.
    accounts = {
        person.pk: SocialAccountFactory.create(
            user=person.user, network=Network.LINKEDIN, handle=f"{low}-{person.pk}"
        )
        for person in (owner, peer)
    }
    token, raw_token = api_token_create(actor=owner, name=f"{mark} token", now=now)
    Notification.objects.create(
        user=owner.user, organization=org, message=f"{mark} notification", url="/"
    )

    # Curation.
    item = ContentItem.objects.create(
        organization=org,
        family=Family.MARKET,
        kind=Kind.ANALYSIS,
        title=f"{mark} market outlook",
        url=f"https://news.example.com/{low}/outlook",
        summary=f"{mark} summary",
        status=ItemStatus.PUBLISHED,
        publish_at=now - dt.timedelta(days=2),
        created_by=owner.user,
    )
    item.programs.set([program])
    item.waves.set([wave])
    SuggestedMessage.objects.create(item=item, text=f"{mark} suggested words")
    pending = ContentItem.objects.create(
        organization=org,
        family=Family.COMPANY,
        kind=Kind.JOB_OFFER,
        title=f"{mark} job offer",
        url=f"https://jobs.example.com/{low}/offer",
        status=ItemStatus.PENDING,
        created_by=peer.user,
    )
    pending.programs.set([program])
    Proposal.objects.create(
        organization=org, item=pending, proposer=peer.user, note=f"{mark} proposal note"
    )
    ContentItem.objects.create(
        organization=org,
        family=Family.COMPANY,
        kind=Kind.COMPANY_NEWS,
        title=f"{mark} draft news",
        url=f"https://news.example.com/{low}/draft",
        status=ItemStatus.DRAFT,
    ).programs.set([program])
    picture = b"\x89PNG\r\n\x1a\n" + mark.encode()
    ContentImage.objects.create(
        organization=org,
        source_url=f"https://img.example.com/{low}.png",
        source_hash=source_hash(f"https://img.example.com/{low}.png"),
        status=ImageStatus.STORED,
        content_type="image/png",
        size=len(picture),
        digest=hashlib.sha256(picture).hexdigest(),
        data=picture,
        fetched_at=now,
    )
    feed = FeedSource.objects.create(
        organization=org, name=f"{mark} feed", url=DEAD_FEED, created_by=owner.user
    )
    feed.programs.set([program])
    FeedEntry.objects.create(
        organization=org,
        source=feed,
        item=item,
        guid=f"{low}-guid",
        guid_hash=f"{low}-guid-hash",
        canonical_url=item.url,
        url_hash=f"{low}-url-hash",
    )

    # Sharing and tracking.
    share = Share.objects.create(
        organization=org,
        program=program,
        item=item,
        ambassador=owner.user,
        membership=owner,
        network=Network.LINKEDIN,
        social_account=accounts[owner.pk],
        commentary=f"{mark} commentary in my own words",
        own_words_ratio=0.9,
        created_at=now - dt.timedelta(days=1),
    )
    link = link_create(share=share)
    click = Click.objects.create(
        organization=org,
        link=link,
        clicked_at=now - dt.timedelta(hours=20),
        click_id=f"{low}clickid0000000000",
        referrer_host="www.linkedin.com",
        visitor_hash=f"{low}-visitor",
    )
    conversion = Conversion.objects.create(
        organization=org,
        click=click,
        share=share,
        kind="job_application",
        external_id=f"{low}-application",
        occurred_at=now - dt.timedelta(hours=10),
        received_at=now - dt.timedelta(hours=10),
        source=ConversionSource.SERVER,
    )
    ScheduledShare.objects.create(
        organization=org,
        membership=owner,
        item=item,
        network=Network.LINKEDIN,
        social_account=accounts[owner.pk],
        commentary=f"{mark} scheduled words",
        run_at=now + dt.timedelta(days=1),
        status=ScheduledStatus.PENDING,
    )

    # Training.
    TrainingSettings.objects.create(organization=org)
    module = quiz_module(org, title=f"{mark} module", language="en", published=True)
    attempt = QuizAttempt.objects.create(
        organization=org,
        module=module,
        membership=peer,
        answers={},
        correct=2,
        total=2,
        score=100,
        passed=True,
        created_at=now,
    )
    completion = ModuleCompletion.objects.create(
        organization=org, module=module, membership=peer, attempt=attempt, completed_at=now
    )
    version = CharterVersion.objects.create(
        program=program,
        version=1,
        text=f"{mark} charter text",
        published_at=now - dt.timedelta(days=30),
        published_by=owner,
    )
    CharterAcknowledgement.objects.create(
        organization=org, program=program, version=version, membership=peer, acknowledged_at=now
    )

    # Community.
    event = Event.objects.create(
        organization=org,
        program=program,
        kind=EventKind.BREAKFAST,
        title=f"{mark} breakfast",
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, hours=2),
        place=f"{mark} office",
        created_by=owner,
    )
    Rsvp.objects.create(
        organization=org,
        event=event,
        membership=peer,
        status=RsvpStatus.GOING,
        requested_at=now,
        updated_at=now,
    )
    CalendarFeed.objects.create(membership=owner, token=f"{low}calendartoken{'x' * 20}")
    pair = MentoringPair.objects.create(
        organization=org,
        junior=peer,
        senior=owner,
        confirmed_by=owner,
        confirmed_at=now - dt.timedelta(days=10),
    )
    MentoringSession.objects.create(
        pair=pair, held_on=now.date(), topic=f"{mark} mentoring topic", recorded_by=owner
    )

    # Rewards.
    points_rules_ensure(program=program)
    earned: tuple[tuple[Membership, str, Share | ModuleCompletion], ...] = (
        (owner, Rule.SHARE, share),
        (peer, Rule.TRAINING_MODULE, completion),
    )
    for person, rule, source in earned:
        PointsEntry.objects.create(
            membership=person,
            program=program,
            rule=rule,
            points=1000,
            reason=f"{mark} points",
            source_type=ContentType.objects.get_for_model(source),
            source_id=source.pk,
            rule_version=1,
            occurred_at=now - dt.timedelta(days=1),
            created_at=now - dt.timedelta(days=1),
        )
    reward = Reward.objects.create(
        program=program, name=f"{mark} reward", points_cost=10, monetary_value=Decimal("0")
    )
    for person, status in (
        (peer, RedemptionStatus.REQUESTED),
        (owner, RedemptionStatus.APPROVED),
        (owner, RedemptionStatus.REQUESTED),
    ):
        Redemption.objects.create(
            program=program,
            reward=reward,
            membership=person,
            points_cost=10,
            monetary_value=Decimal("0"),
            status=status,
            requested_at=now - dt.timedelta(days=1),
        )
    Challenge.objects.create(
        program=program,
        title=f"{mark} challenge",
        metric=ChallengeMetric.SHARES,
        threshold=5,
        scope=ChallengeScope.INDIVIDUAL,
        starts_on=now.date() - dt.timedelta(days=5),
        ends_on=now.date() + dt.timedelta(days=25),
    )
    BadgeAward.objects.create(membership=owner, program=program, code="first_share", awarded_at=now)
    CuratorPick.objects.create(share=share, picked_by=owner, picked_at=now)
    RewardsProfile.objects.create(membership=peer, anonymous=False)

    # Newsletter.
    NewsletterSettings.objects.create(organization=org, program=program, tip=f"{mark} tip")
    draft = issue_generate(program=program, edition_on=now.date(), now=now)
    draft.subject = f"{mark} newsletter draft"
    draft.save(update_fields=["subject"])
    sent = issue_generate(
        program=program, edition_on=now.date().replace(day=1) - dt.timedelta(days=1), now=now
    )
    sent.subject = f"{mark} newsletter sent"
    sent.status = IssueStatus.SENT
    sent.sent_at = now - dt.timedelta(days=20)
    sent.save(update_fields=["subject", "status", "sent_at"])
    Delivery.objects.create(
        organization=org, issue=sent, membership=peer, email=peer.user.email, status="sent"
    )
    IssueClick.objects.create(issue=sent, section="top_posts", clicks=3)
    Preference.objects.create(organization=org, membership=peer)
    Digest.objects.create(
        organization=org, membership=peer, frequency="weekly", period_key=f"{low}-w1", since=now
    )

    # Analytics, jobs, audit.
    Rollup.objects.create(
        organization=org,
        program=program,
        granularity="day",
        period_on=now.date() - dt.timedelta(days=1),
        dimension="total",
        key="",
        shares=1,
        human_clicks=1,
        applications=1,
    )
    JobRun.objects.create(
        name=f"{mark} export", organization=org, status=RunStatus.DONE, message=f"{mark} job"
    )
    audit_record(
        organization=org,
        actor=owner,
        action=next(iter(AuditAction)),
        obj=program,
        object_label=f"{mark} audited",
        now=now,
    )
    assert conversion.pk
    return Tenant(
        mark=mark,
        organization=org,
        owner=owner,
        peer=peer,
        program=program,
        item=item,
        share=share,
        link=link,
        click=click,
        token=token,
        raw_token=raw_token,
        strings=[mark, low, link.code],
    )


def build(*, now: dt.datetime | None = None) -> tuple[Tenant, Tenant]:
    """Acme (whose data must stay hidden) and Globex (the outsider's organization)."""
    now = now or timezone.now()
    return populate("Acme", "Quokka", now=now), populate("Globex", "Wombat", now=now)
