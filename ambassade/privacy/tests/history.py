"""A person with a full history (shares, clicks, conversions, points, roll-ups and the rest),
the program totals it adds up to, and a search of every text column of the database."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, JSONField, Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ambassade.accounts.models import (
    ApiToken,
    Membership,
    Notification,
    SocialAccount,
    User,
)
from ambassade.analytics.models import Rollup
from ambassade.analytics.services import rollup_days, rollups_update
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
from ambassade.content.models import ContentItem, ItemStatus, Proposal
from ambassade.newsletter.models import Delivery, DeliveryStatus, Digest, Issue, Preference
from ambassade.programs.models import Consent, Program
from ambassade.rewards.models import PointsEntry, Redemption, Reward
from ambassade.rewards.scoring import score_activity
from ambassade.sharing.models import ScheduledShare, Share
from ambassade.tracking.conversions import ConversionReport, conversion_record
from ambassade.tracking.models import Click, Conversion, ConversionSource
from ambassade.tracking.tests.attribution import make_click, make_share
from conftest import World
from tests.factories import ContentItemFactory, EnrolmentFactory, SocialAccountFactory

NAME = "Amine Ambassadeur"
EMAIL = "amine@acme.example"
HANDLES = ["amine-pro", "@amine"]
COMMENTARY = "Nous recrutons : je vous en dis plus en commentaire."


@dataclass
class History:
    shares: list[Share]
    clicks: list[Click]
    conversion: Conversion


def build_history(world: World) -> History:
    """The world's ambassador shares, gets clicks and an application, scores, rolls up;
    and leaves traces everywhere else a person can."""
    now = timezone.now()
    amine = world.ambassador
    user = amine.user
    linkedin = SocialAccount.objects.get(user=user, handle="amine-pro")
    Consent.objects.create(
        enrolment=amine.enrolments.get(), text="J'accepte.", version=1, given_at=now
    )
    shares = [
        make_share(amine, world.item, network="linkedin", social_account=linkedin),
        make_share(amine, world.item, network="x"),
    ]
    clicks = [
        make_click(shares[0], ip="203.0.113.9"),
        make_click(shares[0], ip="203.0.113.10"),
        make_click(shares[0], user_agent="LinkedInBot/1.0 (compatible; Mozilla/5.0)"),
        make_click(shares[1], ip="203.0.113.11", referrer="https://x.com/"),
    ]
    conversion = conversion_record(
        click_id=clicks[0].click_id,
        report=ConversionReport(kind="job_application", occurred_at=now, external_id="APP-1"),
        source=ConversionSource.SERVER,
        now=now,
        organization=world.org,
    ).conversion
    # A colleague shares too: their figures must not move either.
    EnrolmentFactory.create(program=world.program, membership=world.admin)
    SocialAccountFactory.create(user=world.admin.user, handle="alice-admin")
    colleague_share = make_share(world.admin, world.item)
    make_click(colleague_share, ip="198.51.100.7")
    score_activity(now=now, until_done=True)
    rollups_update(now=now)

    ScheduledShare.objects.create(
        organization=world.org,
        membership=amine,
        item=world.item,
        network="linkedin",
        social_account=linkedin,
        commentary=f"{COMMENTARY} (planned)",
        run_at=now + dt.timedelta(days=1),
    )
    proposed = ContentItemFactory.create(
        organization=world.org, programs=[world.program], status=ItemStatus.PENDING
    )
    ContentItem.objects.filter(pk=proposed.pk).update(created_by=user)
    Proposal.objects.create(
        organization=world.org,
        item=proposed,
        proposer=user,
        note="Mon ancien collègue Amine Ambassadeur y a contribué.",
        reviewer_note="Merci Amine Ambassadeur !",
    )
    reward = Reward.objects.create(program=world.program, name="Petit-déjeuner", points_cost=1)
    Redemption.objects.create(
        program=world.program,
        reward=reward,
        membership=amine,
        points_cost=1,
        monetary_value=Decimal("0"),
        note="À livrer à Amine Ambassadeur, 3 rue des Lilas, 75020 Paris",
        requested_at=now,
    )
    pair = MentoringPair.objects.create(
        organization=world.org, junior=amine, senior=world.curator, confirmed_at=now
    )
    MentoringSession.objects.create(
        pair=pair, held_on=now.date(), topic="LinkedIn", notes="Amine prépare un déménagement."
    )
    event = Event.objects.create(
        organization=world.org,
        kind=EventKind.BREAKFAST,
        title="Petit-déjeuner",
        description="Avec le témoignage d'Amine Ambassadeur.",
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=1),
    )
    Rsvp.objects.create(
        organization=world.org,
        event=event,
        membership=amine,
        status=RsvpStatus.GOING,
        requested_at=now,
        updated_at=now,
    )
    CalendarFeed.objects.create(membership=amine)
    Notification.objects.create(user=user, organization=world.org, message="Votre partage a plu.")
    Notification.objects.create(
        user=world.manager.user,
        organization=world.org,
        message="Amine Ambassadeur demande « Petit-déjeuner ».",
    )
    ApiToken.objects.create(
        user=user, organization=world.org, name="Script", prefix="amb_abc", token_hash="f" * 64
    )
    issue = Issue.objects.create(
        organization=world.org,
        program=world.program,
        edition_on=dt.date(2026, 1, 1),
        period_start_on=dt.date(2025, 12, 1),
        period_end_on=dt.date(2025, 12, 31),
        editorial="Bravo à Amine Ambassadeur pour son premier partage !",
    )
    Delivery.objects.create(
        organization=world.org,
        issue=issue,
        membership=amine,
        email=EMAIL,
        status=DeliveryStatus.FAILED,
        error=f"550 <{EMAIL}>: mailbox full",
    )
    Digest.objects.create(
        organization=world.org,
        membership=amine,
        frequency="weekly",
        period_key="2026-W03",
        since=now,
        error=f"451 {EMAIL} later",
    )
    Preference.objects.create(organization=world.org, membership=amine, digest="daily")
    audit_record(
        organization=world.org,
        actor=world.admin,
        action=AuditAction.ROLES_CHANGED,
        subject=amine,
        obj=amine,
        details={"before": ["ambassador"], "after": ["ambassador", "curator"]},
        now=now,
    )
    LogEntry.objects.create(
        user=world.admin.user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
        change_message="",
    )
    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="fd00::1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    return History(shares=shares, clicks=clicks, conversion=conversion)


def totals(*programs: Program) -> dict[str, Any]:
    """Every figure a program shows, as one comparable value."""
    result: dict[str, Any] = {}
    for program in programs:
        membership_ids = list(
            Share.objects.filter(program=program).values_list("membership_id", flat=True)
        )
        # Recomputing from raw data must give the same roll-ups as before.
        zone = zoneinfo.ZoneInfo(program.organization.time_zone)
        days = {
            moment.astimezone(zone).date()
            for moment in Share.objects.filter(program=program).values_list("created_at", flat=True)
        }
        rollup_days(program=program, days=days)
        result[program.slug] = {
            "shares": Share.objects.filter(program=program).count(),
            "own_words": sorted(
                Share.objects.filter(program=program).values_list("own_words_ratio", flat=True)
            ),
            "reach": Share.objects.filter(program=program).aggregate(
                reach=Sum("social_account__audience_size")
            )["reach"],
            "clicks": dict(
                Click.objects.filter(link__share__program=program)
                .values_list("is_bot")
                .annotate(n=Count("pk"))
                .order_by("is_bot")
            ),
            "conversions": dict(
                Conversion.objects.filter(share__program=program)
                .values_list("kind")
                .annotate(n=Count("pk"))
                .order_by("kind")
            ),
            "points": dict(
                PointsEntry.objects.filter(program=program)
                .values_list("membership_id")
                .annotate(total=Sum("points"))
                .order_by("membership_id")
            ),
            "per_membership_shares": sorted(membership_ids),
            "rollups": sorted(
                Rollup.objects.filter(program=program).values_list(
                    "granularity",
                    "period_on",
                    "dimension",
                    "key",
                    "ref_id",
                    "shares",
                    "potential_reach",
                    "human_clicks",
                    "bot_clicks",
                    "unique_visitors",
                    "applications",
                    "leads",
                )
            ),
            "redemptions": Redemption.objects.filter(program=program).count(),
            "members": Membership.objects.filter(enrolments__program=program).count(),
        }
    return result


def text_columns_containing(*needles: str) -> list[tuple[str, str, str]]:
    """(model, field, needle) for every text column of every table holding a needle."""
    hits = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, CharField | TextField | JSONField):
                continue
            for needle in needles:
                found = (
                    model._default_manager.annotate(_text=Cast(field.attname, TextField()))
                    .filter(Q(_text__icontains=needle))
                    .exists()
                )
                if found:
                    hits.append((model._meta.label, field.name, needle))
    return hits
