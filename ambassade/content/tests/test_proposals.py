"""Ambassadors propose content; curators approve or reject it; the proposer is told."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import ApprovalPolicy, Membership, Notification
from ambassade.content import services
from ambassade.content.models import ContentItem, Decision, ItemStatus, Proposal
from ambassade.lib.tests.http_server import LocalHTTPServer
from conftest import World
from tests.factories import ContentItemFactory, MembershipFactory

from .helpers import speak_english
from .test_views import form_data

PROPOSE = reverse("content:proposal_create")
QUEUE = reverse("content:approval_queue")

PAGE = b"""<html lang="en"><head>
<meta property="og:title" content="Storage prices fall again">
<meta property="og:description" content="Batteries got 20 % cheaper.">
<meta property="og:image" content="/battery.jpg">
</head></html>"""


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        yield running


def set_policy(world: World, policy: str) -> None:
    world.org.approval_policy = policy
    world.org.save()


def proposal_form(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "url": "https://energy.example/storage-prices",
        "title": "Storage prices fall again",
        "summary": "",
        "image_url": "https://energy.example/battery.jpg",
        "language": "en",
        "note": "Our clients ask about it every week.",
        "suggested_message": "Storage is getting cheaper: here is why it matters for us.",
        "family": "market",
        "program": world.program.pk,
    }
    data.update(overrides)
    return data


def propose(world: World, client: Client | None = None, **overrides: Any) -> ContentItem:
    client = client or world.client_for(world.ambassador)
    response = client.post(PROPOSE, proposal_form(world, **overrides))
    assert response.status_code == 302, response.content.decode()
    return ContentItem.objects.get(
        url=overrides.get("url", "https://energy.example/storage-prices")
    )


def approve(client: Client, item: ContentItem, captured: Any) -> Any:
    with captured(execute=True):
        return client.post(reverse("content:item_approve", args=[item.pk]), follow=True)


# Proposing


def test_the_feed_links_to_the_proposal_page(world: World) -> None:
    page = world.client_for(world.ambassador).get(reverse("sharing:feed")).content.decode()
    assert f'href="{PROPOSE}"' in page


def test_a_proposal_is_a_pending_item_with_who_and_why(world: World) -> None:
    speak_english(world.ambassador)
    client = world.client_for(world.ambassador)
    assert client.get(PROPOSE).status_code == 200
    response = client.post(PROPOSE, proposal_form(world), follow=True)
    assert "Thank you! Your proposal now waits for a curator&#x27;s approval." in (
        response.content.decode()
    )
    item = ContentItem.objects.get(url="https://energy.example/storage-prices")
    assert item.status == ItemStatus.PENDING
    assert item.created_by == world.ambassador.user
    assert item.family == "market"
    assert list(item.programs.all()) == [world.program]
    assert [m.text for m in item.suggested_messages.all()] == [
        "Storage is getting cheaper: here is why it matters for us."
    ]
    proposal = Proposal.objects.get(item=item)
    assert proposal.proposer == world.ambassador.user
    assert proposal.note == "Our clients ask about it every week."
    assert proposal.decision == ""
    # Pending items never reach the feed.
    feed = client.get(reverse("sharing:feed")).content.decode()
    assert "Storage prices fall again" not in feed
    # The proposer sees it waiting.
    assert "Waiting" in client.get(PROPOSE).content.decode()


def test_blanks_are_filled_from_the_page(world: World, server: LocalHTTPServer) -> None:
    server.route("/storage", body=PAGE)
    url = server.url("/storage")
    item = propose(world, url=url, title="", image_url="", language="")
    assert item.title == "Storage prices fall again"
    assert item.summary == "Batteries got 20 % cheaper."
    assert item.image_url == server.url("/battery.jpg")
    assert item.language == "en"


def test_an_unreadable_page_without_title_loses_nothing(
    world: World, server: LocalHTTPServer
) -> None:
    speak_english(world.ambassador)
    url = server.url("/gone")
    response = world.client_for(world.ambassador).post(
        PROPOSE, proposal_form(world, url=url, title="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "We could not read this page&#x27;s title: type it yourself." in page
    assert "Could not read this page: HTTP 404." in page
    assert "Our clients ask about it every week." in page  # what was typed is kept
    assert not ContentItem.objects.filter(url=url).exists()


def test_a_page_already_in_the_curation_space_is_refused(world: World) -> None:
    speak_english(world.ambassador)
    response = world.client_for(world.ambassador).post(
        PROPOSE, proposal_form(world, url=world.item.url)
    )
    assert response.status_code == 200
    assert "This page is already in the curation space" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_without_approval_a_proposal_is_published_at_once(world: World) -> None:
    set_policy(world, ApprovalPolicy.NONE)
    item = propose(world)
    assert item.status == ItemStatus.PUBLISHED
    assert item.is_live(timezone.now())
    assert Proposal.objects.get(item=item).decision == Decision.APPROVED


def test_only_ambassadors_propose_and_only_to_their_programs(world: World) -> None:
    assert world.client_for(world.manager).get(PROPOSE).status_code == 403
    assert world.client_for(world.manager).post(PROPOSE, proposal_form(world)).status_code == 403
    # The stranger cannot pick Acme's program: it is not among the choices.
    response = world.client_for(world.stranger).post(PROPOSE, proposal_form(world))
    assert response.status_code == 200
    assert response.context["form"].errors["program"]
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=world.stranger,
            data=services.ProposalData(
                url="https://x.example/a", note="Why", program=world.program, title="T"
            ),
            now=timezone.now(),
        )
    outsider = MembershipFactory.create(organization=world.org, is_ambassador=True)
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=outsider,
            data=services.ProposalData(
                url="https://x.example/a", note="Why", program=world.program, title="T"
            ),
            now=timezone.now(),
        )
    assert Proposal.objects.count() == 0


# The queue and decisions


def test_the_queue_shows_pending_items_with_proposer_and_why(world: World) -> None:
    propose(world)
    ContentItemFactory.create(
        organization=world.org,
        programs=[world.program],
        status=ItemStatus.PENDING,
        title="From a feed",
        publish_at=None,
    )
    ContentItemFactory.create(
        organization=world.other_org, status=ItemStatus.PENDING, title="Globex pending"
    )
    speak_english(world.curator)
    page = world.client_for(world.curator).get(QUEUE).content.decode()
    assert "Storage prices fall again" in page
    assert "Proposed by Amine Ambassadeur" in page
    assert "Our clients ask about it every week." in page
    assert "From a feed" in page
    assert "Globex pending" not in page
    assert world.item.title not in page  # published already
    # The curation page points to it with the count.
    listing = world.client_for(world.curator).get(reverse("content:item_list")).content.decode()
    assert 'data-approval-queue>Approval queue <span class="badge warn">2</span>' in listing


def test_approving_publishes_and_tells_the_proposer(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    speak_english(world.ambassador, world.curator)
    item = propose(world)
    response = approve(world.client_for(world.curator), item, django_capture_on_commit_callbacks)
    assert "is approved and published" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert item.is_live(timezone.now())
    proposal = Proposal.objects.get(item=item)
    assert proposal.decision == Decision.APPROVED
    assert proposal.decided_by == world.curator.user
    # By e-mail, in the proposer's language, with a link to share it…
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["amine@acme.example"]
    assert email.subject == "Your proposal has been approved"
    assert "Chloé Curatrice approved your proposal “Storage prices fall again”" in email.body
    share_path = reverse("sharing:share", args=[item.pk])
    assert f"http://testserver{share_path}" in email.body
    # …and in the application.
    notification = Notification.objects.get(user=world.ambassador.user)
    assert notification.message == (
        "Your proposal “Storage prices fall again” has been approved and published."
    )
    assert notification.url == share_path
    assert notification.organization == world.org
    client = world.client_for(world.ambassador)
    feed = client.get(reverse("sharing:feed")).content.decode()
    assert "Storage prices fall again" in feed
    assert 'Notifications <span class="badge warn" title="Unread">1</span>' in feed
    opened = client.post(reverse("accounts:notification_open", args=[notification.pk]))
    assert opened["Location"] == share_path
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'title="Unread"' not in client.get(reverse("sharing:feed")).content.decode()


def test_rejecting_needs_a_note_and_tells_the_proposer(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    speak_english(world.ambassador, world.curator)
    item = propose(world)
    client = world.client_for(world.curator)
    url = reverse("content:item_reject", args=[item.pk])
    empty = client.post(url, {"note": "  "}, follow=True)
    assert "Tell the proposer why, in a few words." in empty.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"note": "We covered this last week."})
    item.refresh_from_db()
    assert item.status == ItemStatus.ARCHIVED
    proposal = Proposal.objects.get(item=item)
    assert proposal.decision == Decision.REJECTED
    assert proposal.reviewer_note == "We covered this last week."
    assert mail.outbox[0].subject == "Your proposal was not accepted"
    assert "We covered this last week." in mail.outbox[0].body
    assert Notification.objects.get(user=world.ambassador.user).message == (
        "Your proposal “Storage prices fall again” was not accepted: We covered this last week."
    )
    assert f'data-item="{item.pk}"' not in client.get(QUEUE).content.decode()
    mine = world.client_for(world.ambassador).get(PROPOSE).content.decode()
    assert "Rejected" in mine
    assert "We covered this last week." in mine


def test_editing_then_publishing_a_proposal_approves_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    item = propose(world)
    client = world.client_for(world.curator)
    data = form_data(world, action="publish", url=item.url, title="Storage: prices fall again")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("content:item_update", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert item.title == "Storage: prices fall again"
    assert Proposal.objects.get(item=item).decision == Decision.APPROVED
    assert len(mail.outbox) == 1


def test_ambassadors_and_strangers_cannot_decide(world: World) -> None:
    item = propose(world)
    ambassador = world.client_for(world.ambassador)
    assert ambassador.get(QUEUE).status_code == 403
    assert ambassador.post(reverse("content:item_approve", args=[item.pk])).status_code == 403
    assert (
        ambassador.post(reverse("content:item_reject", args=[item.pk]), {"note": "no"}).status_code
        == 403
    )
    stranger = world.client_for(world.stranger)  # an admin of Globex
    assert stranger.post(reverse("content:item_approve", args=[item.pk])).status_code == 404
    assert (
        stranger.post(reverse("content:item_reject", args=[item.pk]), {"note": "no"}).status_code
        == 404
    )
    assert "Storage prices fall again" not in stranger.get(QUEUE).content.decode()
    with pytest.raises(PermissionDenied):
        services.item_approve(actor=world.stranger, item=item, now=timezone.now())
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING


def test_only_pending_items_are_decided(world: World) -> None:
    with pytest.raises(ValidationError, match="not waiting for approval"):
        services.item_approve(actor=world.curator, item=world.item, now=timezone.now())
    with pytest.raises(ValidationError, match="not waiting for approval"):
        services.item_reject(actor=world.curator, item=world.item, note="x", now=timezone.now())


# The "everything" policy


def second_curator(world: World) -> Membership:
    return MembershipFactory.create(organization=world.org, is_curator=True)


def test_under_everything_curators_items_wait_for_someone_else(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    set_policy(world, ApprovalPolicy.EVERYTHING)
    speak_english(world.curator)
    author = world.client_for(world.curator)
    form_page = author.get(reverse("content:item_create")).content.decode()
    assert "waits for another curator or an admin" in form_page
    response = author.post(
        reverse("content:item_create"), form_data(world, action="publish"), follow=True
    )
    assert "your item now waits for another curator or an admin" in response.content.decode()
    item = ContentItem.objects.get(title="Les tendances RH de 2026")
    assert item.status == ItemStatus.PENDING

    # Neither approving nor publishing nor editing lets the author through.
    refused = approve(author, item, django_capture_on_commit_callbacks)
    assert "another curator or an admin must approve your own item" in refused.content.decode()
    author.post(reverse("content:item_publish", args=[item.pk]))
    author.post(reverse("content:item_update", args=[item.pk]), form_data(world, action="publish"))
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.item_approve(actor=world.curator, item=item, now=timezone.now())

    # Another curator approves it; the author is told.
    colleague = second_curator(world)
    approve(world.client_for(colleague), item, django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    proposal = Proposal.objects.get(item=item)
    assert proposal.proposer == world.curator.user
    assert proposal.decided_by == colleague.user
    notification = Notification.objects.get(user=world.curator.user)
    assert notification.url == reverse("content:item_detail", args=[item.pk])
    # Once approved, editing it keeps it published.
    author.post(
        reverse("content:item_update", args=[item.pk]),
        form_data(world, action="publish", title="Retitled"),
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert item.title == "Retitled"


def test_under_everything_an_admin_approves_a_curators_item(world: World) -> None:
    set_policy(world, ApprovalPolicy.EVERYTHING)
    item = services.item_create(
        actor=world.curator,
        data=services.ItemData(
            family="market",
            kind="analysis",
            title="T",
            url="https://a.example/t",
            programs=[world.program],
            status=ItemStatus.PUBLISHED,
        ),
        now=timezone.now(),
    )
    assert item.status == ItemStatus.PENDING
    services.item_approve(actor=world.admin, item=item, now=timezone.now())
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


def test_under_proposals_policy_curators_publish_directly(world: World) -> None:
    author = world.client_for(world.curator)
    author.post(reverse("content:item_create"), form_data(world, action="publish"))
    assert ContentItem.objects.get(title="Les tendances RH de 2026").status == ItemStatus.PUBLISHED
