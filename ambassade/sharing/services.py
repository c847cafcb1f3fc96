"""Sharing an item: the core of the loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership, Network, Role, SocialAccount
from ambassade.accounts.permissions import require_role
from ambassade.content.models import ContentItem
from ambassade.lib.own_words import own_words_ratio
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
from ambassade.sharing.models import Share
from ambassade.sharing.networks import intent_for, text_budget
from ambassade.tracking.services import link_create, short_url


@dataclass(frozen=True)
class ShareOutcome:
    share: Share
    tracked_url: str
    intent_url: str
    copy_to_clipboard: bool


def active_enrolments(membership: Membership) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(membership=membership, status=EnrolmentStatus.ACTIVE)
        .select_related("program", "wave")
        .order_by("program__name")
    )


def share_program(*, membership: Membership, item: ContentItem) -> Program | None:
    """The program under which the ambassador may share this item, if any."""
    for enrolment in active_enrolments(membership):
        if not item.programs.filter(pk=enrolment.program_id).exists():
            continue
        waves = list(item.waves.filter(program_id=enrolment.program_id))
        if waves and enrolment.wave_id not in {w.pk for w in waves}:
            continue
        return enrolment.program
    return None


def networks_for(*, membership: Membership, program: Program) -> list[SocialAccount]:
    """The ambassador's accounts on networks the program allows."""
    return list(
        SocialAccount.objects.filter(
            user_id=membership.user_id, network__in=program.allowed_networks
        ).order_by("network", "handle")
    )


def share_create(
    *,
    actor: Membership,
    item: ContentItem,
    network: str,
    commentary: str,
    now: datetime,
    social_account: SocialAccount | None = None,
) -> ShareOutcome:
    """Record a share, create its tracked link and build the network's share page."""
    require_role(actor, Role.AMBASSADOR)
    if item.organization_id != actor.organization_id:
        raise PermissionDenied(_("This item belongs to another organization."))
    if not item.is_live(now):
        raise ValidationError(_("This item is not available for sharing."))
    program = share_program(membership=actor, item=item)
    if program is None:
        raise PermissionDenied(
            _("You must have joined a program this item is published to before sharing it.")
        )
    if network not in Network.values or network not in program.allowed_networks:
        raise ValidationError(_("This network is not allowed by the program."))
    accounts = [a for a in networks_for(membership=actor, program=program) if a.network == network]
    if social_account is None and accounts:
        social_account = accounts[0]
    if social_account is None or social_account not in accounts:
        raise ValidationError(_("Add your account on this network to your profile first."))
    commentary = commentary.strip()
    if not commentary:
        raise ValidationError(_("Write a commentary in your own words."))
    budget = text_budget(network)
    if budget is not None and len(commentary) > budget:
        raise ValidationError(
            _(
                "The commentary is too long for this network: %(length)d characters, %(budget)d at most."
            )
            % {"length": len(commentary), "budget": budget}
        )
    suggestions = [m.text for m in item.suggested_messages.all()] + [item.title, item.summary]
    with transaction.atomic():
        share = Share.objects.create(
            organization_id=actor.organization_id,
            program=program,
            item=item,
            ambassador_id=actor.user_id,
            membership=actor,
            network=network,
            social_account=social_account,
            commentary=commentary,
            own_words_ratio=own_words_ratio(commentary, suggestions),
            created_at=now,
        )
        link_create(share=share)
    return share_outcome(share=share)


def share_outcome(*, share: Share) -> ShareOutcome:
    """The tracked link and the network's share page of a recorded share."""
    tracked = short_url(share.link.code)
    intent = intent_for(share.network)
    instance = share.social_account.mastodon_instance if share.social_account else ""
    return ShareOutcome(
        share=share,
        tracked_url=tracked,
        intent_url=intent.share_url(text=share.commentary, url=tracked, instance=instance),
        copy_to_clipboard=not intent.prefills_text,
    )
