"""Downloading one's data (and a member's, at their request) as one JSON file."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.privacy.services import member_data_export, personal_data_export
from ambassade.privacy.tests.history import COMMENTARY, EMAIL, NAME, build_history
from conftest import World
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# An ISO 8601 date-time with its offset (the person's time zone).
WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def _download(client: Client, url: str) -> tuple[Any, dict[str, Any]]:
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response, json.loads(response.content.decode("utf-8"))


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [item for child in value.values() for item in _walk(child)]
    if isinstance(value, list):
        return [item for child in value for item in _walk(child)]
    return [value]


def test_an_ambassador_downloads_everything_from_their_profile(world: World) -> None:
    history = build_history(world)
    MembershipFactory.create(user=world.ambassador.user, organization=world.other_org)
    client = world.client_for(world.ambassador)
    assert (
        reverse("privacy:my_data_export")
        in client.get(reverse("accounts:profile")).content.decode()
    )

    # Late in the evening in UTC, already the next day in Paris.
    with time_machine.travel(dt.datetime(2026, 3, 16, 23, 30, tzinfo=dt.UTC), tick=False):
        response, data = _download(client, reverse("privacy:my_data_export"))

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="ambassade-personal-data-2026-03-17.json"'
    )
    assert b'\n  "format": "ambassade-personal-data"' in response.content  # pretty-printed
    assert "Chloé Curatrice" in response.content.decode("utf-8")  # UTF-8, not \u escapes
    assert data["person"]["email"] == EMAIL
    assert data["person"]["full_name"] == NAME
    assert data["exported_at"] == "2026-03-17T00:30:00+01:00"  # Paris time
    assert {a["handle"] for a in data["social_accounts"]} == {"amine-pro", "@amine"}
    assert [m["organization"]["slug"] for m in data["memberships"]] == ["acme", "globex"]
    acme = data["memberships"][0]
    assert acme["roles"] == ["ambassador"]
    consent = acme["programs"][0]["consents"][0]
    assert (consent["text"], consent["version"], consent["withdrawn_at"]) == ("J'accepte.", 1, None)
    first = acme["shares"][0]
    assert first["commentary"].startswith(COMMENTARY)
    assert (
        first["tracked_link"]["short_url"] == f"http://testserver/r/{history.shares[0].link.code}"
    )
    assert first["clicks"] == {"people": 2, "bots": 1, "qr": 0}
    assert first["conversions"] == {"job_application": 1}
    assert sum(entry["points"] for entry in acme["points"]) > 0
    assert acme["rewards"]["requests"][0]["note"].startswith("À livrer")
    assert acme["mentoring"][0]["partner"] == "Chloé Curatrice"
    assert acme["mentoring"][0]["sessions"][0]["notes"] == "Amine prépare un déménagement."
    assert acme["newsletter"]["deliveries"][0]["email"] == EMAIL
    assert acme["proposals"][0]["note"].startswith("Mon ancien collègue")
    assert acme["api_tokens"][0] == {
        "name": "Script",
        "starts_with": "amb_abc",
        "created_at": acme["api_tokens"][0]["created_at"],
        "expires_at": None,
        "last_used_at": None,
        "revoked_at": None,
    }
    assert {n["message"] for n in acme["notifications"]} == {"Votre partage a plu."}
    assert "roles_changed" in {e["action"] for e in acme["audit_log"]}
    # Readers' data and secrets stay out.
    values = [str(v) for v in _walk(data)]
    assert not any(click.visitor_hash in values for click in history.clicks)
    assert not any(click.click_id in values for click in history.clicks)
    assert "f" * 64 not in values
    assert "203.0.113.9" not in response.content.decode()
    dates = [v for v in values if re.match(r"^\d{4}-\d\d-\d\dT", v)]
    assert dates
    assert all(WITH_OFFSET.match(v) for v in dates), dates
    # Each organization records the download.
    entries = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED)
    rows = entries.values_list("organization__slug", "actor__user_id", "subject__user_id")
    assert set(rows) == {
        ("acme", world.ambassador.user_id, world.ambassador.user_id),
        ("globex", world.ambassador.user_id, world.ambassador.user_id),
    }


def test_the_download_is_a_post(world: World) -> None:
    client = world.client_for(world.ambassador)
    assert client.get(reverse("privacy:my_data_export")).status_code == 405
    assert Client().post(reverse("privacy:my_data_export")).status_code == 302  # log in first


def test_a_manager_downloads_a_members_data_for_their_organization_only(world: World) -> None:
    build_history(world)
    MembershipFactory.create(
        user=world.ambassador.user, organization=world.other_org, department="Ventes secrètes"
    )
    client = world.client_for(world.manager)
    page = client.get(reverse("privacy:member_detail", args=[world.ambassador.pk]))
    assert page.status_code == 200

    _response, data = _download(
        client, reverse("privacy:member_export", args=[world.ambassador.pk])
    )

    assert data["scope"] == "organization:acme"
    assert [m["organization"]["slug"] for m in data["memberships"]] == ["acme"]
    assert "social_accounts" not in data
    assert "Ventes secrètes" not in json.dumps(data, ensure_ascii=False)
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_EXPORTED)
    assert (entry.organization_id, entry.actor_id, entry.subject_id) == (
        world.org.pk,
        world.manager.pk,
        world.ambassador.pk,
    )


def test_a_stranger_cannot_download_a_member_of_another_organization(world: World) -> None:
    client = world.client_for(world.stranger)  # an admin of Globex
    response = client.post(reverse("privacy:member_export", args=[world.ambassador.pk]))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        member_data_export(actor=world.stranger, membership=world.ambassador, now=timezone.now())
    assert not AuditEntry.objects.exists()


def test_an_ambassador_cannot_download_someone_elses_data(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(reverse("privacy:member_export", args=[world.curator.pk]))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        member_data_export(actor=world.ambassador, membership=world.curator, now=timezone.now())


def test_the_export_of_a_person_with_nothing_yet_is_still_complete(world: World) -> None:
    data = personal_data_export(user=world.curator.user, now=timezone.now())
    membership = data["memberships"][0]
    assert membership["shares"] == []
    assert membership["newsletter"] == {"preferences": None, "deliveries": [], "digests": []}
    assert data["not_included"]
