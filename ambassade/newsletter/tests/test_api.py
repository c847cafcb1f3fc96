"""The newsletter endpoints of the API: same permissions as the pages."""

from __future__ import annotations

import json

from django.test import Client
from django.utils import timezone

from ambassade.accounts.tokens import api_token_create
from ambassade.newsletter.models import Delivery, IssueStatus
from ambassade.newsletter.tests.conftest import Newsletter


def _bearer(membership) -> str:
    _token, raw = api_token_create(actor=membership, name="test", now=timezone.now())
    return f"Bearer {raw}"


def test_manager_lists_edits_and_sends(nl: Newsletter) -> None:
    client = nl.world.client_for(nl.world.manager)
    listed = client.get("/api/v1/newsletter/issues").json()
    assert [row["id"] for row in listed] == [nl.issue.pk]
    patched = client.patch(
        f"/api/v1/newsletter/issues/{nl.issue.pk}",
        data=json.dumps({"editorial": "Bravo à tous", "sections": [{"key": "tip"}]}),
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["editorial"] == "Bravo à tous"
    sent = client.post(
        f"/api/v1/newsletter/issues/{nl.issue.pk}/send",
        data="{}",
        content_type="application/json",
    )
    assert sent.status_code == 200
    nl.issue.refresh_from_db()
    assert nl.issue.status == IssueStatus.SENDING
    again = client.post(
        f"/api/v1/newsletter/issues/{nl.issue.pk}/send",
        data="{}",
        content_type="application/json",
    )
    assert again.status_code == 400
    assert Delivery.objects.filter(issue=nl.issue).count() == 3


def test_strangers_and_ambassadors_are_refused(nl: Newsletter) -> None:
    stranger = nl.world.client_for(nl.world.stranger)
    assert stranger.get(f"/api/v1/newsletter/issues/{nl.issue.pk}").status_code == 404
    assert (
        stranger.post(
            f"/api/v1/newsletter/issues/{nl.issue.pk}/send",
            data="{}",
            content_type="application/json",
        ).status_code
        == 404
    )
    assert nl.issue.pk not in [r["id"] for r in stranger.get("/api/v1/newsletter/issues").json()]
    with_token = Client().get(
        f"/api/v1/newsletter/issues/{nl.issue.pk}",
        headers={"Authorization": _bearer(nl.world.stranger)},
    )
    assert with_token.status_code == 404
    ambassador = nl.world.client_for(nl.world.ambassador)
    assert ambassador.get("/api/v1/newsletter/issues").status_code == 403
    assert (
        ambassador.patch(
            f"/api/v1/newsletter/issues/{nl.issue.pk}",
            data=json.dumps({"editorial": "x"}),
            content_type="application/json",
        ).status_code
        == 403
    )
    assert not Delivery.objects.exists()


def test_everyone_manages_their_own_preferences(nl: Newsletter) -> None:
    client = nl.world.client_for(nl.world.ambassador)
    assert client.get("/api/v1/newsletter/preferences").json() == {
        "newsletter": True,
        "digest": "weekly",
    }
    changed = client.put(
        "/api/v1/newsletter/preferences",
        data=json.dumps({"newsletter": False, "digest": "daily"}),
        content_type="application/json",
    )
    assert changed.json() == {"newsletter": False, "digest": "daily"}
    bad = client.put(
        "/api/v1/newsletter/preferences",
        data=json.dumps({"newsletter": False, "digest": "hourly"}),
        content_type="application/json",
    )
    # An unknown frequency is refused by the schema, which lists the frequencies.
    assert bad.status_code == 422
    # Somebody else's organization keeps its own preferences.
    other = nl.world.client_for(nl.world.stranger)
    assert other.get("/api/v1/newsletter/preferences").json()["digest"] == "weekly"


def test_a_schedule_without_a_time_zone_is_refused_not_a_server_error(nl: Newsletter) -> None:
    # Compared with the aware "now", a naive time used to raise a TypeError (500).
    client = nl.world.client_for(nl.world.manager)
    response = client.post(
        f"/api/v1/newsletter/issues/{nl.issue.pk}/send",
        data=json.dumps({"send_at": "2099-01-01T09:00:00"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "send_at"]
    nl.issue.refresh_from_db()
    assert nl.issue.scheduled_at is None
    assert not Delivery.objects.exists()


def test_an_editorial_with_a_nul_character_is_refused_and_the_draft_kept(nl: Newsletter) -> None:
    # PostgreSQL cannot store a NUL character: it used to be a server error there.
    client = nl.world.client_for(nl.world.manager)
    before = nl.issue.editorial
    response = client.patch(
        f"/api/v1/newsletter/issues/{nl.issue.pk}",
        data=json.dumps({"editorial": "Bonjour\u0000", "subject": "Mars"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    nl.issue.refresh_from_db()
    assert (nl.issue.editorial, nl.issue.subject) == (before, "")
