"""API tokens on the profile: created and shown once, stored as a hash, expiring, revoked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import ApiToken, Membership
from ambassade.accounts.tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    hash_token,
)
from ambassade.audit.models import AuditAction, AuditEntry
from conftest import World
from tests.factories import MembershipFactory

NOW = dt.datetime(2026, 3, 16, 9, 30, tzinfo=dt.UTC)


def test_create_token_shows_the_raw_value_once_and_stores_its_hash(world: World) -> None:
    client = world.client_for(world.manager)
    response = client.post(
        reverse("accounts:token_create"), {"name": "Site carrière", "expires_in_days": "90"}
    )
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


@pytest.mark.parametrize("days", [30, 90, 180, 365])
def test_create_token_with_a_chosen_lifetime(world: World, days: int) -> None:
    client = world.client_for(world.ambassador)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("accounts:token_create"), {"name": "Script", "expires_in_days": str(days)}
        )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.ambassador.user)
    assert token.expires_at == NOW + dt.timedelta(days=days)


def test_the_form_offers_90_days_first(world: World) -> None:
    form = world.client_for(world.ambassador).get(reverse("accounts:profile")).context["token_form"]
    assert form["expires_in_days"].value() == 90
    assert [value for value, _label in form.fields["expires_in_days"].choices] == [
        30,
        90,
        180,
        365,
    ]


def test_create_token_refuses_another_lifetime_or_no_name(world: World) -> None:
    client = world.client_for(world.ambassador)
    for days in ("", "0", "3650", "never"):
        response = client.post(
            reverse("accounts:token_create"), {"name": "Vieux", "expires_in_days": days}
        )
        assert response.status_code == 200
        assert "expires_in_days" in response.context["token_form"].errors
        assert 'value="Vieux"' in response.content.decode()
    response = client.post(
        reverse("accounts:token_create"), {"name": "   ", "expires_in_days": "90"}
    )
    assert "name" in response.context["token_form"].errors
    assert not ApiToken.objects.filter(user=world.ambassador.user).exists()


def test_the_service_refuses_a_token_without_expiry_or_beyond_a_year(world: World) -> None:
    for bad in (
        {"expires_in_days": None},
        {"expires_in_days": 0},
        {"expires_in_days": 366},
        {"expires_at": NOW - dt.timedelta(seconds=1)},
        {"expires_at": NOW + dt.timedelta(days=365, seconds=1)},
    ):
        with pytest.raises(ValidationError):
            api_token_create(actor=world.ambassador, name="CRM", now=NOW, **bad)
    token, _raw = api_token_create(actor=world.ambassador, name="CRM", now=NOW)
    assert token.expires_at == NOW + dt.timedelta(days=90)
    assert ApiToken.objects.count() == 1


def test_an_expired_token_is_refused_and_shown_expired(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        _token, raw = api_token_create(
            actor=world.ambassador, name="CRM", expires_in_days=30, now=timezone.now()
        )
    headers = {"Authorization": f"Bearer {raw}"}
    with time_machine.travel(NOW + dt.timedelta(days=29, hours=23), tick=False):
        assert Client().get("/api/v1/shares/mine", headers=headers).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        assert Client().get("/api/v1/shares/mine", headers=headers).status_code == 401
        page = world.client_for(world.ambassador).get(reverse("accounts:profile"))
    assert [row.status for row in page.context["tokens"]] == ["expired"]


def test_creating_and_revoking_are_in_the_audit_log(world: World) -> None:
    token, _raw = api_token_create(actor=world.curator, name="Agenda", now=NOW)
    api_token_revoke(actor=world.curator, token_id=token.pk, now=NOW + dt.timedelta(hours=1))
    api_token_revoke(actor=world.curator, token_id=token.pk, now=NOW + dt.timedelta(hours=2))
    entries = list(AuditEntry.objects.order_by("created_at"))
    assert [(e.action, e.actor, e.subject, e.object_id) for e in entries] == [
        (AuditAction.API_TOKEN_CREATED, world.curator, world.curator, token.pk),
        (AuditAction.API_TOKEN_REVOKED, world.curator, world.curator, token.pk),
    ]
    assert all(e.organization == world.org for e in entries)
    # The entry names the token by its prefix: no name, no address.
    assert entries[0].object_label == f"{token.prefix}…"
    assert world.curator.user.email not in str(list(AuditEntry.objects.values()))


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


# --- The organization's tokens, for its admins ---------------------------------------------


def test_an_admin_sees_every_token_of_the_organization_and_who_holds_it(world: World) -> None:
    api_token_create(actor=world.curator, name="Agenda de Chloé", now=NOW)
    api_token_create(actor=world.ambassador, name="CRM d'Amine", now=NOW)
    api_token_create(actor=world.stranger, name="Jeton Globex", now=NOW)
    client = world.client_for(world.admin)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("accounts:tokens")}" id="all-tokens"' in profile

    html = client.get(reverse("accounts:tokens")).content.decode()
    assert "Agenda de Chloé" in html
    assert "Chloé Curatrice" in html
    assert "CRM d&#x27;Amine" in html
    assert "Amine Ambassadeur" in html
    assert "Jeton Globex" not in html


def test_the_tokens_page_needs_the_admin_role(world: World) -> None:
    api_token_create(actor=world.curator, name="Agenda", now=NOW)
    for member in (world.ambassador, world.manager, world.curator):
        client = world.client_for(member)
        assert client.get(reverse("accounts:tokens")).status_code == 403
        profile = client.get(reverse("accounts:profile")).content.decode()
        assert 'id="all-tokens"' not in profile
    response = Client().get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_strangers_admin_sees_and_revokes_no_token_of_acme(world: World) -> None:
    token, raw = api_token_create(actor=world.curator, name="Agenda de Chloé", now=NOW)
    client = world.client_for(world.stranger)  # an admin, of Globex
    html = client.get(reverse("accounts:tokens")).content.decode()
    assert "Agenda de Chloé" not in html
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=world.stranger, token_id=token.pk, now=NOW)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_token_authenticate(raw, now=NOW) is not None
    assert not AuditEntry.objects.filter(action=AuditAction.API_TOKEN_REVOKED).exists()


def test_an_admin_revokes_a_colleagues_token(world: World) -> None:
    token, raw = api_token_create(actor=world.curator, name="Agenda", now=NOW)
    client = world.client_for(world.admin)
    here = reverse("accounts:tokens")
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), {"next": here})
    assert response.status_code == 302
    assert response["Location"] == here
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(raw, now=timezone.now()) is None
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert (entry.actor, entry.subject) == (world.admin, world.curator)
    # Back to the page it came from, never to another site.
    other, _raw = api_token_create(actor=world.curator, name="Autre", now=NOW)
    response = client.post(
        reverse("accounts:token_revoke", args=[other.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:profile")
