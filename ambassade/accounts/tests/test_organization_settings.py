"""The organization admin's settings page, and everyone's notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import ApprovalPolicy, Membership, Notification, Organization
from ambassade.accounts.services import organization_settings_update
from conftest import World

SETTINGS = reverse("accounts:organization_settings")
NOTIFICATIONS = reverse("accounts:notifications")


def speak_english(membership: Membership) -> None:
    membership.user.language = "en"
    membership.user.save()


def settings_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "approval_policy": "everything",
        "disclosure_text": "  #jetravaillechez   Acme ",
        "blocked_words": "confidentiel\n\nCONFIDENTIEL\n  chiffre   d'affaires \n",
        "daily_share_limit": "5",
        "sharing_start_hour": "8",
        "sharing_end_hour": "20",
        "burst_gap_minutes": "15",
    }
    data.update(overrides)
    return data


def test_an_admin_sets_the_rules(world: World) -> None:
    speak_english(world.admin)
    client = world.client_for(world.admin)
    page = client.get(SETTINGS).content.decode()
    assert "Organization settings" in page
    assert f'href="{SETTINGS}"' in page  # in the top bar
    response = client.post(SETTINGS, settings_form(), follow=True)
    assert "The organization&#x27;s settings have been saved." in response.content.decode()
    org = Organization.objects.get(pk=world.org.pk)
    assert org.approval_policy == ApprovalPolicy.EVERYTHING
    assert org.disclosure_text == "#jetravaillechez Acme"
    assert org.blocked_word_list == ["confidentiel", "chiffre d'affaires"]
    assert (org.daily_share_limit, org.sharing_start_hour, org.sharing_end_hour) == (5, 8, 20)
    assert org.burst_gap_minutes == 15
    assert (
        Organization.objects.get(pk=world.other_org.pk).approval_policy == ApprovalPolicy.PROPOSALS
    )


def test_bad_values_are_explained_and_nothing_is_lost(world: World) -> None:
    speak_english(world.admin)
    client = world.client_for(world.admin)
    response = client.post(SETTINGS, settings_form(sharing_start_hour="9", sharing_end_hour="9"))
    page = response.content.decode()
    assert "The sharing hours must end at another hour than they start." in page
    assert "chiffre   d&#x27;affaires" in page
    assert Organization.objects.get(pk=world.org.pk).sharing_start_hour == 0
    response = client.post(SETTINGS, settings_form(daily_share_limit="-1", sharing_end_hour="25"))
    assert response.status_code == 200
    assert Organization.objects.get(pk=world.org.pk).daily_share_limit == 0


def test_other_roles_cannot_change_the_rules(world: World) -> None:
    for membership in (world.manager, world.curator, world.ambassador):
        client = world.client_for(membership)
        assert client.get(SETTINGS).status_code == 403
        assert client.post(SETTINGS, settings_form()).status_code == 403
        with pytest.raises(PermissionDenied):
            organization_settings_update(
                actor=membership,
                approval_policy="none",
                disclosure_text="",
                blocked_words="",
                daily_share_limit=0,
                sharing_start_hour=0,
                sharing_end_hour=24,
                burst_gap_minutes=0,
            )
    assert Organization.objects.get(pk=world.org.pk).approval_policy == ApprovalPolicy.PROPOSALS


def test_the_stranger_only_changes_their_own_organization(world: World) -> None:
    world.client_for(world.stranger).post(SETTINGS, settings_form(approval_policy="none"))
    assert Organization.objects.get(pk=world.other_org.pk).approval_policy == ApprovalPolicy.NONE
    assert Organization.objects.get(pk=world.org.pk).approval_policy == ApprovalPolicy.PROPOSALS


def test_the_service_rejects_out_of_range_values(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        organization_settings_update(
            actor=world.admin,
            approval_policy="sometimes",
            disclosure_text="x" * 101,
            blocked_words="\n".join(f"mot{n}" for n in range(501)),
            daily_share_limit=1001,
            sharing_start_hour=24,
            sharing_end_hour=0,
            burst_gap_minutes=2000,
        )
    assert set(caught.value.message_dict) == {
        "approval_policy",
        "disclosure_text",
        "blocked_words",
        "daily_share_limit",
        "sharing_start_hour",
        "sharing_end_hour",
        "burst_gap_minutes",
    }


# Notifications


def test_notifications_are_per_person_and_organization(world: World) -> None:
    speak_english(world.ambassador)
    now = timezone.now()
    mine = Notification.objects.create(
        user=world.ambassador.user,
        organization=world.org,
        message="Pour vous",
        url="/activity/",
        created_at=now,
    )
    Notification.objects.create(
        user=world.ambassador.user, organization=world.other_org, message="Ailleurs", created_at=now
    )
    theirs = Notification.objects.create(
        user=world.stranger.user,
        organization=world.other_org,
        message="Pour Sam",
        url="https://evil.example/",
        created_at=now,
    )
    client = world.client_for(world.ambassador)
    page = client.get(NOTIFICATIONS).content.decode()
    assert "Pour vous" in page
    assert "Ailleurs" not in page
    assert "Pour Sam" not in page
    assert client.post(reverse("accounts:notification_open", args=[theirs.pk])).status_code == 404
    client.post(NOTIFICATIONS)  # mark all as read
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Links outside the site are never followed.
    stranger = world.client_for(world.stranger)
    opened = stranger.post(reverse("accounts:notification_open", args=[theirs.pk]))
    assert opened["Location"] == NOTIFICATIONS
