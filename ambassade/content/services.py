"""Curation use cases: create, edit, publish, schedule and archive content items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from ambassade.accounts.models import Language, Membership, Network, Role
from ambassade.accounts.permissions import require_role
from ambassade.content.models import ContentItem, Family, ItemStatus, Kind, SuggestedMessage
from ambassade.programs.models import Program, Wave

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


def _apply(*, item: ContentItem, data: ItemData, now: datetime) -> None:
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
    with transaction.atomic():
        item = ContentItem(
            organization_id=actor.organization_id, created_by_id=actor.user_id, created_at=now
        )
        _apply(item=item, data=data, now=now)
    return item


def item_update(
    *, actor: Membership, item: ContentItem, data: ItemData, now: datetime
) -> ContentItem:
    """Replace an item's fields, targets and suggested messages."""
    _check_curator(actor, item)
    _check_tenancy(actor=actor, data=data)
    _validate(data=data, now=now)
    with transaction.atomic():
        _apply(item=item, data=data, now=now)
    return item


def item_publish(
    *,
    actor: Membership,
    item: ContentItem,
    now: datetime,
    publish_at: datetime | None = None,
) -> ContentItem:
    """Publish now, or schedule when ``publish_at`` is in the future."""
    _check_curator(actor, item)
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
