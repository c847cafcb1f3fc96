"""Erasure: the identity goes, the history stays anonymised, the totals do not move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import ApiToken, Membership, Notification, SocialAccount, User
from ambassade.accounts.tests.utils import shown
from ambassade.analytics.selectors import breakdown
from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.community.models import CalendarFeed, MentoringPair, PairStatus
from ambassade.newsletter.models import Delivery, Digest, Preference
from ambassade.privacy.erasure import membership_erase, personal_data_erase
from ambassade.privacy.tests.history import (
    EMAIL,
    HANDLES,
    NAME,
    build_history,
    text_columns_containing,
    totals,
)
from ambassade.programs.models import Program
from ambassade.rewards.selectors import leaderboard
from ambassade.sharing.models import ScheduledShare, ScheduledStatus, Share
from ambassade.tracking.models import TrackedLink
from conftest import PASSWORD, World
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str) -> bool:
    """Whether the login page lets this address in with the right password."""
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    return response.status_code == 302


def test_self_erasure_keeps_every_total_and_leaves_no_trace_of_the_person(world: World) -> None:
    history = build_history(world)
    Program.objects.filter(pk=world.program.pk).update(manager=world.ambassador.user)
    client = world.client_for(world.ambassador)
    before = totals(world.program, world.other_program)
    user_id = world.ambassador.user_id
    assert {hit[2] for hit in text_columns_containing(EMAIL, NAME, *HANDLES)} == {
        EMAIL,
        NAME,
        *HANDLES,
    }

    erased = personal_data_erase(user=world.ambassador.user, password=PASSWORD, now=timezone.now())

    assert [m.pk for m in erased] == [world.ambassador.pk]
    assert totals(world.program, world.other_program) == before
    assert text_columns_containing(EMAIL, NAME, *HANDLES) == []
    assert not User.objects.filter(pk=user_id).exists()
    # The history hangs off an anonymous, inactive account that cannot log in.
    membership = Membership.objects.select_related("user").get(pk=world.ambassador.pk)
    anonymous = membership.user
    assert anonymous.email.startswith("erased-")
    assert anonymous.email.endswith("@invalid")
    assert (anonymous.full_name, anonymous.is_active) == ("", False)
    assert not anonymous.has_usable_password()
    assert set(
        Share.objects.filter(pk__in=[s.pk for s in history.shares]).values_list(
            "ambassador_id", "commentary"
        )
    ) == {(anonymous.pk, "")}
    # Shares keep an account with the same network and audience, but not the person's.
    accounts = SocialAccount.objects.filter(shares__membership=membership).distinct()
    assert sorted((a.user_id, a.network, a.audience_size) for a in accounts) == [
        (anonymous.pk, "linkedin", 500),
        (anonymous.pk, "x", 500),
    ]
    assert not TrackedLink.objects.filter(share__membership=membership, is_attributed=True).exists()
    scheduled = ScheduledShare.objects.get(membership=membership)
    assert (scheduled.status, scheduled.commentary) == (ScheduledStatus.CANCELLED, "")
    assert not CalendarFeed.objects.filter(membership=membership).exists()
    assert not Digest.objects.filter(membership=membership).exists()
    assert not ApiToken.objects.filter(user=anonymous).exists()
    assert not Notification.objects.filter(user=anonymous).exists()
    assert Delivery.objects.get(membership=membership).email == anonymous.email
    preference = Preference.objects.get(membership=membership)
    assert (preference.newsletter, preference.digest) == (False, "off")
    assert MentoringPair.objects.get(junior=membership).status == PairStatus.ENDED
    assert Program.objects.get(pk=world.program.pk).manager is None
    # Colleagues' texts now name a former member.
    message = Notification.objects.get(user=world.manager.user).message
    assert message == f"{shown('Former member')} demande « Petit-déjeuner »."
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_ERASED)
    assert (entry.organization_id, entry.actor_id, entry.subject_id) == (
        world.org.pk,
        None,
        membership.pk,
    )
    # Logged out everywhere, and the address no longer logs in.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not _login(Client(), EMAIL)


def test_erased_people_read_former_member_on_leaderboards_and_dashboards(world: World) -> None:
    build_history(world)
    names_before = {
        row.membership_id: row.name
        for row in leaderboard(program=world.program, start=None, end=None)
    }
    assert names_before[world.ambassador.pk] == NAME

    personal_data_erase(user=world.ambassador.user, password=PASSWORD, now=timezone.now())

    board = leaderboard(program=world.program, start=None, end=None)
    names = {row.membership_id: row.name for row in board}
    assert names[world.ambassador.pk] == "Former member"
    assert names[world.admin.pk] == "Alice Admin"
    now = timezone.now()
    people = breakdown(
        program=world.program,
        start=now.date() - dt.timedelta(days=1),
        end=now.date() + dt.timedelta(days=1),
        dimension="ambassador",
    )
    assert "Former member" in [row.label for row in people.rows]
    assert not any("erased-" in row.label for row in people.rows)


def test_the_erasure_page_explains_and_asks_for_the_password(world: World) -> None:
    build_history(world)
    user = world.ambassador.user
    user.language = "en"
    user.save()
    client = world.client_for(world.ambassador)

    page = client.get(reverse("privacy:erase"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "What is deleted" in html
    assert "What stays, anonymised" in html
    assert "Acme Conseil" in html

    wrong = client.post(reverse("privacy:erase"), {"password": "not mine", "confirm": "on"})
    assert wrong.status_code == 200
    assert "This is not your password." in wrong.content.decode()
    unconfirmed = client.post(reverse("privacy:erase"), {"password": PASSWORD})
    assert "Tick the box to confirm." in unconfirmed.content.decode()
    assert User.objects.filter(email=EMAIL).exists()

    done = client.post(reverse("privacy:erase"), {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 200
    assert not User.objects.filter(email=EMAIL).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_person_in_two_organizations_is_erased_from_both(world: World) -> None:
    MembershipFactory.create(user=world.ambassador.user, organization=world.other_org)

    erased = personal_data_erase(user=world.ambassador.user, password=PASSWORD, now=timezone.now())

    assert {m.organization_id for m in erased} == {world.org.pk, world.other_org.pk}
    assert len({m.user_id for m in erased}) == 2  # one anonymous account per organization
    assert set(
        AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).values_list(
            "organization_id", flat=True
        )
    ) == {world.org.pk, world.other_org.pk}


def test_a_manager_erases_one_membership_and_leaves_other_organizations_alone(
    world: World,
) -> None:
    build_history(world)
    elsewhere = MembershipFactory.create(
        user=world.ambassador.user, organization=world.other_org, department="Ventes"
    )
    before = totals(world.program)

    membership_erase(actor=world.manager, membership=world.ambassador, now=timezone.now())

    assert totals(world.program) == before
    user = User.objects.get(email=EMAIL)
    assert list(user.memberships.all()) == [elsewhere]
    assert Membership.objects.get(pk=world.ambassador.pk).user.email.endswith("@invalid")
    # Still logs in, to the other organization; their own accounts stay theirs.
    assert _login(Client(), EMAIL)
    assert set(SocialAccount.objects.filter(user=user).values_list("handle", flat=True)) == {
        "amine-pro",
        "@amine",
    }
    assert not Share.objects.filter(ambassador=user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_ERASED)
    assert (entry.actor_id, entry.subject_id) == (world.manager.pk, world.ambassador.pk)


def test_a_manager_erasing_someones_only_membership_deletes_the_account(world: World) -> None:
    build_history(world)

    membership_erase(actor=world.manager, membership=world.ambassador, now=timezone.now())

    assert not User.objects.filter(email=EMAIL).exists()
    assert text_columns_containing(EMAIL, NAME, *HANDLES) == []


def test_a_manager_erases_from_the_members_page(world: World) -> None:
    client = world.client_for(world.manager)
    url = reverse("privacy:member_detail", args=[world.ambassador.pk])
    assert client.get(url).status_code == 200

    unconfirmed = client.post(reverse("privacy:member_erase", args=[world.ambassador.pk]))
    assert unconfirmed.status_code == 200
    assert User.objects.filter(email=EMAIL).exists()

    done = client.post(
        reverse("privacy:member_erase", args=[world.ambassador.pk]), {"confirm": "on"}
    )
    assert done.status_code == 302
    assert not User.objects.filter(email=EMAIL).exists()
    listing = client.get(reverse("privacy:member_list")).content.decode()
    assert shown("Former member") in listing
    assert EMAIL not in listing


def test_a_stranger_cannot_erase_a_member_of_another_organization(world: World) -> None:
    client = world.client_for(world.stranger)  # an admin of Globex
    response = client.post(
        reverse("privacy:member_erase", args=[world.ambassador.pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert (
        client.get(reverse("privacy:member_detail", args=[world.ambassador.pk])).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        membership_erase(actor=world.stranger, membership=world.ambassador, now=timezone.now())
    assert User.objects.filter(email=EMAIL).exists()


def test_an_ambassador_cannot_erase_someone_else(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(
        reverse("privacy:member_erase", args=[world.curator.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403
    assert client.get(reverse("privacy:member_list")).status_code == 403
    with pytest.raises(PermissionDenied):
        membership_erase(actor=world.ambassador, membership=world.curator, now=timezone.now())
    assert world.curator.user.email == Membership.objects.get(pk=world.curator.pk).user.email


def test_only_an_admin_erases_an_admin_and_nobody_erases_themselves_as_a_manager(
    world: World,
) -> None:
    with pytest.raises(PermissionDenied):
        membership_erase(actor=world.manager, membership=world.admin, now=timezone.now())
    with pytest.raises(PermissionDenied):
        membership_erase(actor=world.manager, membership=world.manager, now=timezone.now())

    membership_erase(actor=world.admin, membership=world.manager, now=timezone.now())

    assert not User.objects.filter(email="marc@acme.example").exists()
    with pytest.raises(ValidationError):
        membership_erase(
            actor=world.admin,
            membership=Membership.objects.get(pk=world.manager.pk),
            now=timezone.now(),
        )


def test_self_erasure_needs_the_password(world: World) -> None:
    with pytest.raises(ValidationError):
        personal_data_erase(user=world.ambassador.user, password="guess", now=timezone.now())
    assert User.objects.filter(email=EMAIL).exists()
    assert not AuditEntry.objects.exists()


def test_the_erasure_pages_need_a_login(world: World) -> None:
    response = Client().get(reverse("privacy:erase"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
