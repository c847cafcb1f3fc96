"""The content items endpoints of the public API, mounted at /api/v1/items.

Curators (and admins) read and write every item of their organization;
ambassadors read the live items of the programs and waves they have joined.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ambassade.accounts.models import Language, Membership, Network, Role
from ambassade.accounts.permissions import get_scoped_or_404, require_role
from ambassade.content import selectors, services
from ambassade.content.models import ContentItem, Family, ItemStatus, Kind
from ambassade.content.services import MAX_SUGGESTED_MESSAGES, ItemData
from ambassade.lib.api_errors import ErrorOut
from ambassade.lib.api_inputs import MAX_OFFSET, Id, Moment, Text
from ambassade.programs.models import Program, Wave

router = Router(tags=["items"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_SUMMARY = 10_000
# Programs or waves one item is for.
MAX_LINKED = 100

T = TypeVar("T")
SaveStatus = Literal["draft", "pending", "published"]


class SuggestedMessageSchema(Schema):
    network: Network | Literal[""] = Field("", description="A network, or empty for every network.")
    text: str = Field(min_length=1, max_length=3000)


class SuggestedMessageIn(SuggestedMessageSchema):
    text: Text = Field(min_length=1, max_length=3000)


class ItemOut(Schema):
    id: int
    family: Family
    kind: Kind
    title: str
    url: str
    summary: str
    image_url: str
    language: Language
    hashtags: list[str]
    status: ItemStatus
    publish_at: datetime | None
    expires_at: datetime | None
    programs: list[str] = Field(description="Program slugs.")
    waves: list[int] = Field(description="Wave ids; empty for every wave of the programs.")
    suggested_messages: list[SuggestedMessageSchema]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_hashtags(obj: ContentItem) -> list[str]:
        return obj.hashtag_list

    @staticmethod
    def resolve_programs(obj: ContentItem) -> list[str]:
        return [program.slug for program in obj.programs.all()]

    @staticmethod
    def resolve_waves(obj: ContentItem) -> list[int]:
        return [wave.pk for wave in obj.waves.all()]

    @staticmethod
    def resolve_suggested_messages(obj: ContentItem) -> list[SuggestedMessageSchema]:
        return [
            SuggestedMessageSchema(network=m.network or "", text=m.text)  # type: ignore[arg-type]
            for m in obj.suggested_messages.all()
        ]


class ItemIn(Schema):
    family: Family
    kind: Kind
    title: Text = Field(min_length=1, max_length=300)
    url: Text = Field(max_length=2000, description="http or https only.")
    summary: Text = Field("", max_length=MAX_SUMMARY)
    image_url: Text = Field("", max_length=2000)
    language: Language = Language.FRENCH
    hashtags: Text = Field("", max_length=300, description="Separated by spaces.")
    status: SaveStatus = Field(
        "draft", description="published with a future publish_at schedules the item."
    )
    publish_at: Moment | None = Field(
        None, description="When the item enters the feed; now if published without it."
    )
    expires_at: Moment | None = None
    programs: list[Text] = Field(min_length=1, max_length=MAX_LINKED, description="Program slugs.")
    waves: list[Id] = Field(
        default_factory=list, max_length=MAX_LINKED, description="Wave ids of those programs."
    )
    suggested_messages: list[SuggestedMessageIn] = Field(
        default_factory=list, max_length=MAX_SUGGESTED_MESSAGES
    )


class ItemPatch(Schema):
    family: Family | None = None
    kind: Kind | None = None
    title: Text | None = Field(None, min_length=1, max_length=300)
    url: Text | None = Field(None, max_length=2000)
    summary: Text | None = Field(None, max_length=MAX_SUMMARY)
    image_url: Text | None = Field(None, max_length=2000)
    language: Language | None = None
    hashtags: Text | None = Field(None, max_length=300)
    status: SaveStatus | None = None
    publish_at: Moment | None = None
    expires_at: Moment | None = None
    programs: list[Text] | None = Field(None, min_length=1, max_length=MAX_LINKED)
    waves: list[Id] | None = Field(None, max_length=MAX_LINKED)
    suggested_messages: list[SuggestedMessageIn] | None = Field(
        None, max_length=MAX_SUGGESTED_MESSAGES
    )


class ItemFilterIn(Schema):
    status: ItemStatus | None = None
    family: Family | None = None
    kind: Kind | None = None
    language: Language | None = None
    program: Text | None = Field(None, max_length=100, description="A program slug.")
    q: Text | None = Field(None, max_length=300, description="Text searched in titles.")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ItemPageOut(Schema):
    items: list[ItemOut]
    count: int = Field(description="How many items match, over all pages.")


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.auth  # type: ignore[attr-defined]
    return membership


def _is_curator(membership: Membership) -> bool:
    return membership.has_role(Role.CURATOR)


def _readable_items(membership: Membership) -> QuerySet[ContentItem]:
    """Everything for curators; the live items of their programs for ambassadors."""
    if _is_curator(membership):
        return ContentItem.objects.filter(organization_id=membership.organization_id)
    require_role(membership, Role.AMBASSADOR)
    return selectors.items_visible_to(membership=membership, now=timezone.now())


def _with_relations(queryset: QuerySet[ContentItem]) -> QuerySet[ContentItem]:
    return queryset.prefetch_related("programs", "waves", "suggested_messages")


def _programs(membership: Membership, slugs: list[str]) -> list[Program]:
    found = {
        p.slug: p
        for p in Program.objects.filter(organization_id=membership.organization_id, slug__in=slugs)
    }
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError(_("Unknown program: %(slugs)s.") % {"slugs": ", ".join(unknown)})
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _waves(membership: Membership, ids: list[int]) -> list[Wave]:
    found = {
        w.pk: w
        for w in Wave.objects.filter(
            program__organization_id=membership.organization_id, pk__in=ids
        )
    }
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ValidationError(_("Unknown wave: %(ids)s.") % {"ids": ", ".join(unknown)})
    return [found[pk] for pk in dict.fromkeys(ids)]


def _messages(messages: list[SuggestedMessageIn]) -> list[tuple[str, str]]:
    return [(str(m.network), m.text) for m in messages]


def _labelled(call: Callable[[], T]) -> T:
    """Run a service; name the field in each of its validation messages."""
    try:
        return call()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            [
                f"{field}: {message}"
                for field, errors in exc.message_dict.items()
                for message in errors
            ]
        ) from exc


@router.get("", response={200: ItemPageOut, 403: ErrorOut}, summary="Content items, newest first")
def items_list(request: HttpRequest, filters: Query[ItemFilterIn]) -> dict[str, Any]:
    membership = _membership(request)
    queryset = selectors.filter_items(
        _readable_items(membership),
        selectors.ItemFilters(
            status=filters.status or "",
            family=filters.family or "",
            kind=filters.kind or "",
            language=filters.language or "",
            program=filters.program or "",
            q=filters.q or "",
        ),
    )
    page = queryset.order_by("-created_at", "-id")[filters.offset : filters.offset + filters.limit]
    # Ninja serialises the items through ItemOut, resolvers included.
    return {"items": list(_with_relations(page)), "count": queryset.count()}


@router.get(
    "/{item_id}",
    response={200: ItemOut, 403: ErrorOut, 404: ErrorOut},
    summary="One content item",
)
def items_detail(request: HttpRequest, item_id: int) -> ContentItem:
    membership = _membership(request)
    return get_scoped_or_404(
        _with_relations(_readable_items(membership)), membership.organization, pk=item_id
    )


@router.post(
    "",
    response={201: ItemOut, 400: ErrorOut, 403: ErrorOut},
    summary="Create a content item (curators)",
)
def items_create(request: HttpRequest, payload: ItemIn) -> Status[ContentItem]:
    membership = require_role(_membership(request), Role.CURATOR)
    now = timezone.now()
    data = ItemData(
        family=payload.family,
        kind=payload.kind,
        title=payload.title,
        url=payload.url,
        summary=payload.summary,
        image_url=payload.image_url,
        language=payload.language,
        hashtags=payload.hashtags,
        programs=_programs(membership, payload.programs),
        waves=_waves(membership, payload.waves),
        status=payload.status,
        publish_at=payload.publish_at,
        expires_at=payload.expires_at,
        suggested_messages=_messages(payload.suggested_messages),
    )
    item = _labelled(lambda: services.item_create(actor=membership, data=data, now=now))
    return Status(201, _with_relations(ContentItem.objects.filter(pk=item.pk)).get())


@router.patch(
    "/{item_id}",
    response={200: ItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Change a content item (curators); omitted fields keep their value",
)
def items_update(request: HttpRequest, item_id: int, payload: ItemPatch) -> ContentItem:
    membership = require_role(_membership(request), Role.CURATOR)
    now = timezone.now()
    item = get_scoped_or_404(ContentItem.objects.all(), membership.organization, pk=item_id)
    if item.status == ItemStatus.ARCHIVED and payload.status is None:
        raise ValidationError(_("This item is archived: set a status to bring it back."))
    changes = payload.dict(exclude_unset=True)
    current = ItemData.from_item(item)
    data = ItemData(
        family=changes.get("family") or current.family,
        kind=changes.get("kind") or current.kind,
        title=changes.get("title") or current.title,
        url=changes.get("url") or current.url,
        summary=changes["summary"] if changes.get("summary") is not None else current.summary,
        image_url=changes["image_url"]
        if changes.get("image_url") is not None
        else current.image_url,
        language=changes.get("language") or current.language,
        hashtags=changes["hashtags"] if changes.get("hashtags") is not None else current.hashtags,
        programs=_programs(membership, payload.programs)
        if payload.programs is not None
        else current.programs,
        waves=_waves(membership, payload.waves) if payload.waves is not None else current.waves,
        status=payload.status or current.status,
        # An explicit null clears the time; omitting the field keeps it.
        publish_at=changes.get("publish_at", current.publish_at),
        expires_at=changes.get("expires_at", current.expires_at),
        suggested_messages=_messages(payload.suggested_messages)
        if payload.suggested_messages is not None
        else current.suggested_messages,
    )
    _labelled(lambda: services.item_update(actor=membership, item=item, data=data, now=now))
    return _with_relations(ContentItem.objects.filter(pk=item.pk)).get()
