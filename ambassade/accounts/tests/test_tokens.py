"""API tokens on the profile: created and shown once, stored as a hash, revoked."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import ApiToken, Membership
from ambassade.accounts.tokens import api_token_authenticate, api_token_create, hash_token
from conftest import World
from tests.factories import MembershipFactory


def test_create_token_shows_the_raw_value_once_and_stores_its_hash(world: World) -> None:
    client = world.client_for(world.manager)
    response = client.post(reverse("accounts:token_create"), {"name": "Site carrière"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw_token"]
    assert raw.startswith("amb_")
    assert raw in response.content.decode()

    token = ApiToken.objects.get(user=world.manager.user)
    assert token.name == "Site carrière"
    assert token.organization == world.org
    assert token.token_hash == hash_token(raw)
    assert raw not in (token.token_hash, token.prefix)
    assert raw.startswith(token.prefix)

    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Site carrière" in profile
    assert token.prefix in profile
    assert raw not in profile

    found = api_token_authenticate(raw, now=timezone.now())
    assert found is not None
    assert found[1] == world.manager


def test_create_token_with_an_expiry_date(world: World) -> None:
    client = world.client_for(world.ambassador)
    day = timezone.localdate() + dt.timedelta(days=30)
    client.post(reverse("accounts:token_create"), {"name": "Script", "expires_on": day.isoformat()})
    token = ApiToken.objects.get(user=world.ambassador.user)
    assert token.expires_at is not None
    assert timezone.localtime(token.expires_at).date() == day


def test_create_token_refuses_a_past_expiry_or_no_name(world: World) -> None:
    client = world.client_for(world.ambassador)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        reverse("accounts:token_create"), {"name": "Vieux", "expires_on": yesterday.isoformat()}
    )
    assert response.status_code == 200
    assert "expires_on" in response.context["token_form"].errors
    assert 'value="Vieux"' in response.content.decode()
    response = client.post(reverse("accounts:token_create"), {"name": "   "})
    assert "name" in response.context["token_form"].errors
    assert not ApiToken.objects.filter(user=world.ambassador.user).exists()


def test_token_list_shows_only_ones_own_tokens_in_the_current_organization(
    world: World,
) -> None:
    now = timezone.now()
    api_token_create(actor=world.admin, name="Jeton Acme", now=now)
    api_token_create(actor=world.curator, name="Jeton de Chloé", now=now)
    elsewhere: Membership = MembershipFactory.create(
        user=world.admin.user, organization=world.other_org
    )
    api_token_create(actor=elsewhere, name="Jeton Globex", now=now)
    html = world.client_for(world.admin).get(reverse("accounts:profile")).content.decode()
    assert "Jeton Acme" in html
    assert "Jeton de Chloé" not in html
    assert "Jeton Globex" not in html


def test_revoke_own_token(world: World) -> None:
    token, raw = api_token_create(actor=world.ambassador, name="CRM", now=timezone.now())
    client = world.client_for(world.ambassador)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(raw, now=timezone.now()) is None
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:token_revoke", args=[token.pk]) not in html


def test_revoking_someone_elses_token_is_refused(world: World) -> None:
    now = timezone.now()
    colleague_token, _raw = api_token_create(actor=world.curator, name="Chloé", now=now)
    stranger_token, _raw = api_token_create(actor=world.stranger, name="Sam", now=now)
    client = world.client_for(world.ambassador)
    for token in (colleague_token, stranger_token):
        response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
        assert response.status_code == 403
        token.refresh_from_db()
        assert token.revoked_at is None
    # The stranger cannot revoke an Acme token either, even their own from another org.
    own = world.client_for(world.stranger)
    assert own.post(reverse("accounts:token_revoke", args=[colleague_token.pk])).status_code == 403


def test_token_endpoints_need_a_login(world: World) -> None:
    token, _raw = api_token_create(actor=world.ambassador, name="CRM", now=timezone.now())
    for url in (
        reverse("accounts:token_create"),
        reverse("accounts:token_revoke", args=[token.pk]),
    ):
        response = Client().post(url, {"name": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not ApiToken.objects.filter(name="x").exists()
    token.refresh_from_db()
    assert token.revoked_at is None
