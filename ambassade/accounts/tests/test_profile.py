"""The profile page: one's details, one's details in the organization, social accounts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ambassade.accounts.models import Membership, Network, SocialAccount, User
from ambassade.accounts.services import check_mastodon_instance
from ambassade.accounts.tests.utils import shown
from conftest import World
from tests.factories import MembershipFactory, SocialAccountFactory, UserFactory

PROFILE = {
    "full_name": "Amine Benali",
    "language": "fr",
    "time_zone": "Africa/Casablanca",
    "department": "Data",
    "specialty": "Machine learning",
    "seniority": "junior",
    "office": "Casablanca",
}


def test_profile_shows_details_roles_accounts_and_api_docs(world: World) -> None:
    response = world.client_for(world.ambassador).get(reverse("accounts:profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amine Ambassadeur" in html
    assert "amine@acme.example" in html
    assert "Acme Conseil" in html
    assert shown("Ambassador") in html
    assert "amine-pro" in html
    assert "@amine" in html
    assert "@sam" not in html  # the stranger's account
    assert 'href="/api/v1/docs"' in html
    assert '<option value="Africa/Casablanca">' in html
    assert '<option value="Europe/Paris" selected>' in html


def test_profile_update_saves_person_and_membership(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(reverse("accounts:profile"), PROFILE)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = world.ambassador.user
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Amine Benali", "Africa/Casablanca")
    membership = Membership.objects.get(pk=world.ambassador.pk)
    assert (membership.department, membership.specialty) == ("Data", "Machine learning")
    assert (membership.seniority, membership.office) == ("junior", "Casablanca")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert shown("Your profile has been saved.") in page
    assert 'value="Machine learning"' in page


def test_profile_update_touches_only_the_current_organization(world: World) -> None:
    other: Membership = MembershipFactory.create(
        user=world.admin.user, organization=world.other_org, department="Ventes"
    )
    world.client_for(world.admin).post(reverse("accounts:profile"), PROFILE)
    other.refresh_from_db()
    assert other.department == "Ventes"
    assert Membership.objects.get(pk=world.admin.pk).department == "Data"


def test_profile_update_with_bad_input_keeps_what_was_typed(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(
        reverse("accounts:profile"),
        {**PROFILE, "full_name": "  ", "time_zone": "Mars/Olympus_Mons"},
    )
    assert response.status_code == 200
    errors = response.context["profile_form"].errors
    assert set(errors) == {"full_name", "time_zone"}
    assert 'value="Machine learning"' in response.content.decode()
    world.ambassador.user.refresh_from_db()
    assert world.ambassador.user.full_name == "Amine Ambassadeur"


def test_profile_needs_a_login_and_a_membership(db: None) -> None:
    response = Client().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    loner = Client()
    user: User = UserFactory.create()
    loner.force_login(user)
    assert loner.get(reverse("accounts:profile")).status_code == 403


# --- Social accounts ---------------------------------------------------------------


def test_add_a_social_account(world: World) -> None:
    client = world.client_for(world.curator)
    assert client.get(reverse("accounts:social_account_create")).status_code == 200
    response = client.post(
        reverse("accounts:social_account_create"),
        {
            "network": "linkedin",
            "handle": " chloe-c ",
            "kind": "professional",
            "audience_size": 1200,
        },
    )
    assert response["Location"] == reverse("accounts:profile")
    account = SocialAccount.objects.get(user=world.curator.user)
    assert (account.network, account.handle, account.audience_size) == ("linkedin", "chloe-c", 1200)
    assert "chloe-c" in client.get(reverse("accounts:profile")).content.decode()


def test_mastodon_needs_its_instance(world: World) -> None:
    client = world.client_for(world.curator)
    data = {"network": "mastodon", "handle": "@chloe", "kind": "personal", "audience_size": 80}
    response = client.post(reverse("accounts:social_account_create"), data)
    assert response.status_code == 200
    assert "mastodon_instance" in response.context["form"].errors
    assert 'value="@chloe"' in response.content.decode()
    assert not SocialAccount.objects.filter(user=world.curator.user).exists()

    response = client.post(
        reverse("accounts:social_account_create"),
        {**data, "mastodon_instance": "https://mastodon.social/@chloe"},
    )
    assert response.status_code == 200
    assert "mastodon_instance" in response.context["form"].errors
    assert not SocialAccount.objects.filter(user=world.curator.user).exists()

    client.post(
        reverse("accounts:social_account_create"), {**data, "mastodon_instance": "Piaille.FR"}
    )
    account = SocialAccount.objects.get(user=world.curator.user)
    assert account.mastodon_instance == "piaille.fr"


@pytest.mark.parametrize(
    "handle", ["@chloe@piaille.fr", "chloe@piaille.fr", "https://piaille.fr/@chloe"]
)
def test_mastodon_instance_is_read_from_a_full_address(world: World, handle: str) -> None:
    world.client_for(world.curator).post(
        reverse("accounts:social_account_create"),
        {"network": "mastodon", "handle": handle, "kind": "personal", "audience_size": 80},
    )
    account = SocialAccount.objects.get(user=world.curator.user)
    assert account.mastodon_instance == "piaille.fr"
    assert account.handle == handle


def test_instance_is_dropped_for_other_networks(world: World) -> None:
    client = world.client_for(world.curator)
    client.post(
        reverse("accounts:social_account_create"),
        {
            "network": "bluesky",
            "handle": "chloe.bsky.social",
            "kind": "personal",
            "audience_size": 10,
            "mastodon_instance": "mastodon.social",
        },
    )
    assert SocialAccount.objects.get(user=world.curator.user).mastodon_instance == ""


def test_handle_is_required_and_unique_per_network(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(
        reverse("accounts:social_account_create"),
        {"network": "x", "handle": "", "kind": "personal", "audience_size": 0},
    )
    assert "handle" in response.context["form"].errors
    response = client.post(
        reverse("accounts:social_account_create"),
        {"network": "linkedin", "handle": "AMINE-PRO", "kind": "professional", "audience_size": 5},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["handle"] == [
        shown("You have already added this account.")
    ]
    assert SocialAccount.objects.filter(user=world.ambassador.user).count() == 2


def test_negative_audience_is_refused(world: World) -> None:
    response = world.client_for(world.ambassador).post(
        reverse("accounts:social_account_create"),
        {"network": "threads", "handle": "amine", "kind": "personal", "audience_size": -3},
    )
    assert response.status_code == 200
    assert "audience_size" in response.context["form"].errors


def test_edit_own_social_account(world: World) -> None:
    account = SocialAccount.objects.get(user=world.ambassador.user, network=Network.X)
    client = world.client_for(world.ambassador)
    url = reverse("accounts:social_account_update", args=[account.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="@amine"' in page.content.decode()
    response = client.post(
        url,
        {"network": "x", "handle": "@amine_b", "kind": "personal", "audience_size": 340},
    )
    assert response["Location"] == reverse("accounts:profile")
    account.refresh_from_db()
    assert (account.handle, account.kind, account.audience_size) == ("@amine_b", "personal", 340)


def test_edit_keeps_the_same_handle_without_a_duplicate_error(world: World) -> None:
    account = SocialAccount.objects.get(user=world.ambassador.user, network=Network.X)
    response = world.client_for(world.ambassador).post(
        reverse("accounts:social_account_update", args=[account.pk]),
        {"network": "x", "handle": "@amine", "kind": "professional", "audience_size": 999},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.audience_size == 999


def test_someone_elses_social_account_does_not_exist(world: World) -> None:
    theirs = SocialAccount.objects.get(user=world.stranger.user)
    colleague: SocialAccount = SocialAccountFactory.create(user=world.curator.user, handle="chloe")
    client = world.client_for(world.ambassador)
    for account in (theirs, colleague):
        update = reverse("accounts:social_account_update", args=[account.pk])
        assert client.get(update).status_code == 404
        data = {"network": "x", "handle": "pwned", "kind": "personal", "audience_size": 0}
        assert client.post(update, data).status_code == 404
        delete = reverse("accounts:social_account_delete", args=[account.pk])
        assert client.post(delete).status_code == 404
        account.refresh_from_db()
        assert account.handle != "pwned"


def test_delete_own_social_account(world: World) -> None:
    account = SocialAccount.objects.get(user=world.ambassador.user, network=Network.X)
    client = world.client_for(world.ambassador)
    url = reverse("accounts:social_account_delete", args=[account.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == reverse("accounts:profile")
    assert not SocialAccount.objects.filter(pk=account.pk).exists()
    assert SocialAccount.objects.filter(user=world.ambassador.user).count() == 1


@pytest.mark.parametrize(
    "name", ["accounts:social_account_create", "accounts:social_account_update"]
)
def test_social_account_pages_need_a_login(world: World, name: str) -> None:
    account = SocialAccount.objects.filter(user=world.ambassador.user).first()
    assert account is not None
    args = [account.pk] if name.endswith("update") else []
    response = Client().get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "value", ["mastodon.social", "Piaille.FR", "fosstodon.org.", "mastodon.xn--p1ai", "éco.social"]
)
def test_valid_mastodon_instances(value: str) -> None:
    assert check_mastodon_instance(value) == value.strip().lower().rstrip(".")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "mastodon",
        "https://mastodon.social",
        "mastodon.social/@me",
        "@me@mastodon.social",
        "mastodon.social:443",
        "-bad.social",
        "mastodon social",
        "10.0.0.1",
    ],
)
def test_invalid_mastodon_instances(value: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        check_mastodon_instance(value)
