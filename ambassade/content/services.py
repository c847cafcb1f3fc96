"""Curation use cases: create, edit, publish, schedule and archive content items;
ambassadors' proposals and the approval of pending items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ambassade.accounts.models import ApprovalPolicy, Language, Membership, Network, Role, User
from ambassade.accounts.notifications import Message, absolute_url, notify
from ambassade.accounts.permissions import require_role
from ambassade.content.images import items_image_attach
from ambassade.content.models import (
    ContentItem,
    Decision,
    Family,
    ItemStatus,
    Kind,
    Proposal,
    SuggestedMessage,
)
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program, Wave

MAX_SUGGESTED_MESSAGES = 5
# Statuses a curator may choose when saving; archiving has its own service.
SAVE_STATUSES = (ItemStatus.DRAFT, ItemStatus.PENDING, ItemStatus.PUBLISHED)


@dataclass(frozen=True)
class ItemData:
    """Everything a curator sets on an item. ``suggested_messages`` holds (network, text)."""

    family: str
    kind: str
    title: str
    url: str
    programs: Sequence[Program]
    summary: str = ""
    image_url: str = ""
    language: str = Language.FRENCH
    hashtags: str = ""
    waves: Sequence[Wave] = ()
    status: str = ItemStatus.DRAFT
    publish_at: datetime | None = None
    expires_at: datetime | None = None
    suggested_messages: Sequence[tuple[str, str]] = field(default_factory=tuple)

    @classmethod
    def from_item(cls, item: ContentItem) -> ItemData:
        """The current state of ``item``, to apply a partial change on top of it."""
        return cls(
            family=item.family,
            kind=item.kind,
            title=item.title,
            url=item.url,
            programs=list(item.programs.all()),
            summary=item.summary,
            image_url=item.image_url,
            language=item.language,
            hashtags=item.hashtags,
            waves=list(item.waves.all()),
            status=item.status,
            publish_at=item.publish_at,
            expires_at=item.expires_at,
            suggested_messages=[(m.network, m.text) for m in item.suggested_messages.all()],
        )


def _check_web_url(value: str, field_name: str, errors: dict[str, list[str]]) -> None:
    validator = URLValidator(schemes=["http", "https"])
    try:
        validator(value)
    except ValidationError:
        errors.setdefault(field_name, []).append(
            _("Enter a web address starting with http:// or https://.")
        )


def _check_curator(actor: Membership, item: ContentItem | None = None) -> None:
    require_role(actor, Role.CURATOR)
    if item is not None and item.organization_id != actor.organization_id:
        raise PermissionDenied(_("This item belongs to another organization."))


def _check_tenancy(*, actor: Membership, data: ItemData) -> None:
    for program in data.programs:
        if program.organization_id != actor.organization_id:
            raise PermissionDenied(_("This program belongs to another organization."))
    program_orgs = (
        Program.objects.filter(pk__in=[w.program_id for w in data.waves])
        .values_list("organization_id", flat=True)
        .distinct()
    )
    if any(org_id != actor.organization_id for org_id in program_orgs):
        raise PermissionDenied(_("This wave belongs to another organization."))


def _effective_publish_at(data: ItemData, now: datetime) -> datetime | None:
    if data.status == ItemStatus.PUBLISHED and data.publish_at is None:
        return now
    return data.publish_at


def _validate(*, data: ItemData, now: datetime) -> None:
    """Collect every problem at once, keyed by field, so a form can show them all."""
    errors: dict[str, list[str]] = {}
    title = data.title.strip()
    if not title:
        errors.setdefault("title", []).append(_("Give the item a title."))
    elif len(title) > 300:
        errors.setdefault("title", []).append(_("The title is too long (300 characters at most)."))
    if data.family not in Family.values:
        errors.setdefault("family", []).append(_("Choose company or market content."))
    if data.kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of content."))
    if data.language not in Language.values:
        errors.setdefault("language", []).append(_("Choose a language."))
    if data.status not in SAVE_STATUSES:
        errors.setdefault("status", []).append(
            _("An item can be saved as a draft, pending approval or published.")
        )
    _check_web_url(data.url.strip(), "url", errors)
    if data.image_url.strip():
        _check_web_url(data.image_url.strip(), "image_url", errors)
    if not data.programs:
        errors.setdefault("programs", []).append(_("Choose at least one program."))
    program_ids = {p.pk for p in data.programs}
    if any(wave.program_id not in program_ids for wave in data.waves):
        errors.setdefault("waves", []).append(
            _("Only choose waves of the programs the item is published to.")
        )
    publish_at = _effective_publish_at(data, now)
    if data.expires_at is not None:
        if publish_at is not None and data.expires_at <= publish_at:
            errors.setdefault("expires_at", []).append(
                _("The expiry must come after the publication time.")
            )
        elif data.status == ItemStatus.PUBLISHED and data.expires_at <= now:
            errors.setdefault("expires_at", []).append(_("The expiry is already past."))
    if len(data.suggested_messages) > MAX_SUGGESTED_MESSAGES:
        errors.setdefault("suggested_messages", []).append(
            _("At most %(count)d suggested messages.") % {"count": MAX_SUGGESTED_MESSAGES}
        )
    for network, text in data.suggested_messages:
        if network and network not in Network.values:
            errors.setdefault("suggested_messages", []).append(
                _("Unknown network: %(network)s.") % {"network": network}
            )
        if not text.strip():
            errors.setdefault("suggested_messages", []).append(
                _("A suggested message cannot be empty.")
            )
    if errors:
        raise ValidationError(errors)


def _apply(*, item: ContentItem, data: ItemData, now: datetime, retry_image: bool = False) -> None:
    item.family = data.family
    item.kind = data.kind
    item.title = data.title.strip()
    item.url = data.url.strip()
    item.summary = data.summary.strip()
    item.image_url = data.image_url.strip()
    item.language = data.language
    item.hashtags = " ".join(data.hashtags.split())
    item.status = data.status
    item.publish_at = _effective_publish_at(data, now)
    item.expires_at = data.expires_at
    item.updated_at = now
    item.save()
    # The image is fetched in the background and served from our origin, never
    # from its third-party address.
    items_image_attach(items=[item], now=now, retry=retry_image)
    item.programs.set(data.programs)
    item.waves.set(data.waves)
    item.suggested_messages.all().delete()
    SuggestedMessage.objects.bulk_create(
        SuggestedMessage(item=item, network=network, text=text.strip(), position=position)
        for position, (network, text) in enumerate(data.suggested_messages)
    )


def item_create(*, actor: Membership, data: ItemData, now: datetime) -> ContentItem:
    """Create an item as a draft, pending approval, published now or scheduled."""
    _check_curator(actor)
    _check_tenancy(actor=actor, data=data)
    _validate(data=data, now=now)
    if data.status == ItemStatus.PUBLISHED and needs_approval(actor=actor, item=None):
        data = replace(data, status=ItemStatus.PENDING)
    with transaction.atomic():
        item = ContentItem(
            organization_id=actor.organization_id, created_by_id=actor.user_id, created_at=now
        )
        _apply(item=item, data=data, now=now, retry_image=True)
    return item


def item_update(
    *, actor: Membership, item: ContentItem, data: ItemData, now: datetime
) -> ContentItem:
    """Replace an item's fields, targets and suggested messages.

    Publishing a pending item this way approves it (and tells its proposer), unless
    the policy makes its author wait for someone else: it then stays pending.
    """
    _check_curator(actor, item)
    _check_tenancy(actor=actor, data=data)
    _validate(data=data, now=now)
    was_pending = item.status == ItemStatus.PENDING
    if data.status == ItemStatus.PUBLISHED and needs_approval(actor=actor, item=item):
        data = replace(data, status=ItemStatus.PENDING)
    with transaction.atomic():
        _apply(item=item, data=data, now=now, retry_image=True)
        if was_pending and item.status == ItemStatus.PUBLISHED:
            _record_decision(actor=actor, item=item, decision=Decision.APPROVED, note="", now=now)
    return item


def item_publish(
    *,
    actor: Membership,
    item: ContentItem,
    now: datetime,
    publish_at: datetime | None = None,
) -> ContentItem:
    """Publish now, or schedule when ``publish_at`` is in the future.

    A pending item is approved by this, with the same rules as :func:`item_approve`.
    """
    _check_curator(actor, item)
    if item.status == ItemStatus.PENDING:
        return item_approve(actor=actor, item=item, now=now, publish_at=publish_at)
    if needs_approval(actor=actor, item=item):
        raise ValidationError(_own_item_message())
    when = publish_at or now
    if item.expires_at is not None and item.expires_at <= when:
        raise ValidationError(
            {"expires_at": [_("This item expires before it would be published.")]}
        )
    if not item.programs.exists():
        raise ValidationError({"programs": [_("Choose at least one program.")]})
    with transaction.atomic():
        item.status = ItemStatus.PUBLISHED
        item.publish_at = when
        item.updated_at = now
        item.save(update_fields=["status", "publish_at", "updated_at"])
    return item


def item_archive(*, actor: Membership, item: ContentItem, now: datetime) -> ContentItem:
    """Withdraw an item from the feed; its shares and clicks stay counted."""
    _check_curator(actor, item)
    with transaction.atomic():
        item.status = ItemStatus.ARCHIVED
        item.updated_at = now
        item.save(update_fields=["status", "updated_at"])
    return item


# --- Approval ------------------------------------------------------------------------


def _own_item_message() -> str:
    return _(
        "Your organization has every item approved: another curator or an admin "
        "must approve your own item."
    )


def needs_approval(*, actor: Membership, item: ContentItem | None) -> bool:
    """Whether publishing ``item`` (a new one when None) must wait for someone else.

    Under the "everything" policy, an author cannot publish their own item until
    someone else approved it once; an item already published stays so when edited.
    """
    if actor.organization.approval_policy != ApprovalPolicy.EVERYTHING:
        return False
    if item is None:
        return True
    return item.status != ItemStatus.PUBLISHED and item.created_by_id == actor.user_id


def _check_pending(actor: Membership, item: ContentItem) -> None:
    _check_curator(actor, item)
    if item.status != ItemStatus.PENDING:
        raise ValidationError(_("This item is not waiting for approval."))


def item_approve(
    *,
    actor: Membership,
    item: ContentItem,
    now: datetime,
    note: str = "",
    publish_at: datetime | None = None,
) -> ContentItem:
    """Approve a pending item: it is published now (or at its planned time, if later)."""
    _check_pending(actor, item)
    if needs_approval(actor=actor, item=item):
        raise PermissionDenied(_own_item_message())
    when = publish_at or item.publish_at
    if when is None or when < now:
        when = now
    if item.expires_at is not None and item.expires_at <= when:
        raise ValidationError(
            {"expires_at": [_("This item expires before it would be published.")]}
        )
    if not item.programs.exists():
        raise ValidationError({"programs": [_("Choose at least one program.")]})
    with transaction.atomic():
        item.status = ItemStatus.PUBLISHED
        item.publish_at = when
        item.updated_at = now
        item.save(update_fields=["status", "publish_at", "updated_at"])
        _record_decision(
            actor=actor, item=item, decision=Decision.APPROVED, note=note.strip(), now=now
        )
    return item


def item_reject(*, actor: Membership, item: ContentItem, note: str, now: datetime) -> ContentItem:
    """Turn a pending item down with a note for its proposer; it leaves the queue."""
    _check_pending(actor, item)
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Tell the proposer why, in a few words.")]})
    if len(note) > 2000:
        raise ValidationError({"note": [_("The note is too long (2000 characters at most).")]})
    with transaction.atomic():
        item.status = ItemStatus.ARCHIVED
        item.publish_at = None
        item.updated_at = now
        item.save(update_fields=["status", "publish_at", "updated_at"])
        _record_decision(actor=actor, item=item, decision=Decision.REJECTED, note=note, now=now)
    return item


def _record_decision(
    *, actor: Membership, item: ContentItem, decision: str, note: str, now: datetime
) -> Proposal:
    proposal, _created = Proposal.objects.get_or_create(
        item=item,
        defaults={
            "organization_id": item.organization_id,
            "proposer_id": item.created_by_id,
            "created_at": item.created_at,
        },
    )
    proposal.decision = decision
    proposal.decided_by_id = actor.user_id
    proposal.decided_at = now
    proposal.reviewer_note = note
    proposal.save(update_fields=["decision", "decided_by", "decided_at", "reviewer_note"])
    _tell_proposer(proposal=proposal, item=item, actor=actor, now=now)
    return proposal


def _tell_proposer(
    *, proposal: Proposal, item: ContentItem, actor: Membership, now: datetime
) -> None:
    proposer: User | None = proposal.proposer
    if proposer is None or proposer.pk == actor.user_id:
        return
    membership = Membership.objects.filter(
        user=proposer, organization_id=item.organization_id
    ).first()
    if membership is None:
        return  # no longer in the organization
    approved = proposal.decision == Decision.APPROVED
    if membership.has_role(Role.CURATOR):
        url = reverse("content:item_detail", args=[item.pk])
    elif approved and item.is_live(now):
        url = reverse("sharing:share", args=[item.pk])
    else:
        url = reverse("content:proposal_create")

    def compose() -> Message:
        context = {
            "user": proposer,
            "item": item,
            "proposal": proposal,
            "approved": approved,
            "reviewer": actor.user.full_name or actor.user.email,
            "url": absolute_url(url),
        }
        if approved:
            text = _("Your proposal “%(title)s” has been approved and published.")
            subject = _("Your proposal has been approved")
        else:
            text = _("Your proposal “%(title)s” was not accepted: %(note)s")
            subject = _("Your proposal was not accepted")
        return Message(
            text=text % {"title": item.title, "note": proposal.reviewer_note},
            subject=subject,
            body=render_to_string("content/email/proposal_decided.txt", context),
        )

    notify(user=proposer, organization=actor.organization, url=url, now=now, compose=compose)


# --- Proposals -----------------------------------------------------------------------

NOTE_MAX = 2000


@dataclass(frozen=True)
class ProposalData:
    """What an ambassador proposes; title, summary, image and language come from the
    page's preview unless typed."""

    url: str
    note: str
    program: Program
    family: str = Family.MARKET
    title: str = ""
    summary: str = ""
    image_url: str = ""
    language: str = ""
    suggested_message: str = ""


def proposal_create(*, actor: Membership, data: ProposalData, now: datetime) -> Proposal:
    """An ambassador proposes a page: a pending item (published at once when the
    organization approves nothing) with who proposed it and why."""
    require_role(actor, Role.AMBASSADOR)
    if data.program.organization_id != actor.organization_id:
        raise PermissionDenied(_("This program belongs to another organization."))
    if not Enrolment.objects.filter(
        membership=actor, program=data.program, status=EnrolmentStatus.ACTIVE
    ).exists():
        raise PermissionDenied(_("You can only propose content to a program you take part in."))
    errors: dict[str, list[str]] = {}
    url = data.url.strip()
    _check_web_url(url, "url", errors)
    note = data.note.strip()
    if not note:
        errors.setdefault("note", []).append(_("Say in a few words why it matters."))
    elif len(note) > NOTE_MAX:
        errors.setdefault("note", []).append(_("Keep it under 2000 characters."))
    if not data.title.strip():
        errors.setdefault("title", []).append(
            _("We could not read this page's title: type it yourself.")
        )
    if data.family not in Family.values:
        errors.setdefault("family", []).append(_("Choose company or market content."))
    if len(data.suggested_message) > 3000:
        errors.setdefault("suggested_message", []).append(
            _("The suggested message is too long (3000 characters at most).")
        )
    if url and not errors.get("url"):
        existing = (
            ContentItem.objects.filter(organization_id=actor.organization_id, url=url)
            .exclude(status=ItemStatus.ARCHIVED)
            .first()
        )
        if existing is not None:
            errors.setdefault("url", []).append(
                _("This page is already in the curation space: “%(title)s”.")
                % {"title": existing.title}
            )
    if errors:
        raise ValidationError(errors)
    image_errors: dict[str, list[str]] = {}
    if data.image_url:
        _check_web_url(data.image_url, "image_url", image_errors)
    publish_now = actor.organization.approval_policy == ApprovalPolicy.NONE
    item_data = ItemData(
        family=data.family,
        kind=Kind.COMPANY_NEWS if data.family == Family.COMPANY else Kind.SECTOR_NEWS,
        title=data.title.strip()[:300],
        url=url,
        programs=[data.program],
        summary=data.summary,
        image_url="" if image_errors else data.image_url[:2000],
        language=data.language if data.language in Language.values else actor.user.language,
        status=ItemStatus.PUBLISHED if publish_now else ItemStatus.PENDING,
        suggested_messages=[("", data.suggested_message.strip())]
        if data.suggested_message.strip()
        else [],
    )
    with transaction.atomic():
        item = ContentItem(
            organization_id=actor.organization_id, created_by_id=actor.user_id, created_at=now
        )
        _apply(item=item, data=item_data, now=now)
        proposal = Proposal.objects.create(
            organization_id=actor.organization_id,
            item=item,
            proposer_id=actor.user_id,
            note=note,
            created_at=now,
            decision=Decision.APPROVED if publish_now else "",
            decided_at=now if publish_now else None,
        )
    return proposal
