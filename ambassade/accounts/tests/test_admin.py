"""The back office: staff only; people by e-mail; tokens without their raw value."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import ApiToken, User
from ambassade.accounts.tokens import api_token_create
from conftest import World
from tests.factories import UserFactory


@pytest.fixture
def staff(world: World) -> Client:
    client = Client()
    user: User = UserFactory.create(email="ops@ambassade.example", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", ["user", "organization", "membership", "socialaccount", "apitoken"]
)
def test_staff_sees_every_list(staff: Client, model: str) -> None:
    assert staff.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200


def test_user_search_and_role_filters(staff: Client, world: World) -> None:
    html = staff.get(reverse("admin:accounts_user_changelist") + "?q=amine").content.decode()
    assert "amine@acme.example" in html
    assert "chloe@acme.example" not in html
    html = staff.get(
        reverse("admin:accounts_membership_changelist") + "?is_curator__exact=1"
    ).content.decode()
    assert "chloe@acme.example" in html
    assert "amine@acme.example" not in html


def test_staff_creates_a_person_by_email(staff: Client, world: World) -> None:
    response = staff.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nadia@Acme.example",
            "full_name": "Nadia Nouvelle",
            "usable_password": "true",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nadia@acme.example")
    assert user.check_password("un mot de passe solide")
    duplicate = staff.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "AMINE@acme.example",
            "full_name": "Doublon",
            "usable_password": "true",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assert duplicate.status_code == 200
    assert User.objects.filter(full_name="Doublon").count() == 0


def test_user_change_page(staff: Client, world: World) -> None:
    url = reverse("admin:accounts_user_change", args=[world.ambassador.user.pk])
    html = staff.get(url).content.decode()
    assert "amine@acme.example" in html
    assert "Acme Conseil" in html  # the membership inline


def test_token_admin_shows_the_hash_and_cannot_create(staff: Client, world: World) -> None:
    token, raw = api_token_create(actor=world.ambassador, name="CRM", now=timezone.now())
    html = staff.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.token_hash in html
    assert raw not in html
    assert staff.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_token_admin_revokes(staff: Client, world: World) -> None:
    token, _raw = api_token_create(actor=world.ambassador, name="CRM", now=timezone.now())
    staff.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0


def test_admin_is_for_staff_only(world: World) -> None:
    response = world.client_for(world.admin).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
