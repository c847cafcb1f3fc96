"""The audit log page of organization admins: readable, filtered, in the viewer's time, exported."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from ambassade.accounts.models import Membership, User
from ambassade.accounts.people import membership_update
from ambassade.audit.models import AuditAction, AuditEntry
from ambassade.audit.services import audit_record
from conftest import World
from tests.factories import UserFactory

LOG = reverse("audit:log")
CSV = reverse("audit:log_csv")
NOW = datetime(2026, 3, 11, 9, 30, tzinfo=UTC)


def reader(membership: Membership, *, time_zone: str = "Europe/Paris") -> Client:
    user = membership.user
    user.language = "en"
    user.time_zone = time_zone
    user.save()
    client = Client()
    client.force_login(user)
    return client


def rows_of(response: object) -> list[list[str]]:
    content = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_entries_read_as_sentences(world: World) -> None:
    membership_update(
        actor=world.admin,
        membership_id=world.ambassador.pk,
        roles=["ambassador", "curator"],
        now=NOW,
    )
    audit_record(
        organization=world.org,
        actor=world.manager,
        action=AuditAction.DATA_EXPORTED,
        obj=world.program,
        object_label=world.program.name,
        details={"table": "leaderboard", "format": "csv"},
        now=NOW,
    )
    audit_record(
        organization=world.org, actor=None, action=AuditAction.CONVERSION_SECRET_ROTATED, now=NOW
    )
    page = reader(world.admin).get(LOG).content.decode()
    assert (
        "Alice Admin changed Amine Ambassadeur&#x27;s roles: Ambassador → Curator, Ambassador"
        in page
    )
    assert "Marc Manager exported the leaderboard (CSV) · Talents Acme" in page
    assert "Ambassade (automatic) changed the conversion signing secret" in page


def test_times_are_in_the_viewers_time_zone(world: World) -> None:
    audit_record(
        organization=world.org,
        actor=world.admin,
        action=AuditAction.MEMBER_ADDED,
        subject=world.ambassador,
        now=NOW,
    )
    paris = reader(world.admin).get(LOG).content.decode()
    assert 'datetime="2026-03-11T10:30:00+01:00"' in paris
    # Morocco is on UTC during Ramadan, which covers this day in 2026.
    casablanca = reader(world.admin, time_zone="Africa/Casablanca").get(LOG).content.decode()
    assert 'datetime="2026-03-11T09:30:00+00:00"' in casablanca
    assert "10:30" not in casablanca


def test_erased_people_read_as_former_members(world: World) -> None:
    audit_record(
        organization=world.org,
        actor=world.admin,
        action=AuditAction.REWARD_APPROVED,
        subject=world.ambassador,
        object_label="Book voucher",
        now=NOW,
    )
    # An erasure gives the membership an anonymous stand-in.
    stand_in: User = UserFactory.create(
        email="erased-0123456789abcdef@invalid", full_name="", is_active=False
    )
    Membership.objects.filter(pk=world.ambassador.pk).update(user=stand_in)
    page = reader(world.admin).get(LOG).content.decode()
    assert "Alice Admin approved Former member&#x27;s request for Book voucher" in page
    assert "Amine" not in page


def test_filters_by_action_person_and_dates(world: World) -> None:
    for days, action, subject in (
        (0, AuditAction.ROLES_CHANGED, world.ambassador),
        (3, AuditAction.MEMBER_ADDED, world.curator),
        (10, AuditAction.ROLES_CHANGED, world.curator),
    ):
        audit_record(
            organization=world.org,
            actor=world.admin,
            action=action,
            subject=subject,
            details={"before": [], "after": ["curator"]},
            now=NOW - timedelta(days=days),
        )
    ids = {
        key: entry.pk
        for key, entry in zip(
            ("today", "three", "ten"), AuditEntry.objects.order_by("-created_at"), strict=True
        )
    }
    client = reader(world.admin)

    def shown(**query: str) -> set[str]:
        page = client.get(LOG, query).content.decode()
        return {key for key, pk in ids.items() if f'data-entry="{pk}"' in page}

    assert shown() == {"today", "three", "ten"}
    assert shown(action="roles_changed") == {"today", "ten"}
    assert shown(person=str(world.curator.pk)) == {"three", "ten"}
    assert shown(since="2026-03-05") == {"today", "three"}
    assert shown(since="2026-03-02", until="2026-03-08") == {"three"}
    assert shown(since="2026-03-01", until="2026-03-01") == {"ten"}
    assert shown(person=str(world.admin.pk), until="2026-02-28") == set()
    page = client.get(LOG, {"since": "2026-03-10", "until": "2026-03-01"}).content.decode()
    assert "The end date must be on or after the start date." in page


def test_the_log_is_paginated(world: World) -> None:
    for minute in range(55):
        audit_record(
            organization=world.org,
            actor=world.admin,
            action=AuditAction.DATA_EXPORTED,
            details={"table": "kpis", "format": "csv"},
            now=NOW + timedelta(minutes=minute),
        )
    client = reader(world.admin)
    first = client.get(LOG).content.decode()
    assert first.count("data-entry=") == 50
    assert "Page 1 of 2" in first
    assert ">Older</a>" in first
    assert ">Newer</a>" not in first
    assert client.get(LOG, {"page": "2"}).content.decode().count("data-entry=") == 5


def test_the_csv_export_follows_the_filters_and_is_itself_recorded(world: World) -> None:
    membership_update(
        actor=world.admin, membership_id=world.ambassador.pk, roles=["curator"], now=NOW
    )
    audit_record(
        organization=world.org,
        actor=world.admin,
        action=AuditAction.PROGRAM_CREATED,
        obj=world.program,
        object_label='=HYPERLINK("http://evil.example")',
        now=NOW,
    )
    client = reader(world.admin)
    response = client.get(CSV, {"action": "roles_changed"})
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = rows_of(response)
    assert header[:3] == ["When", "Who", "Action"]
    assert len(rows) == 1
    assert rows[0][0] == "2026-03-11T10:30:00+01:00"
    assert rows[0][1] == "Alice Admin"
    assert "Ambassador → Curator" in rows[0][5]
    exported = AuditEntry.objects.get(action=AuditAction.DATA_EXPORTED)
    assert exported.actor == world.admin
    assert exported.details == {"table": "audit_log", "format": "csv"}
    # A cell that a spreadsheet would run is written as text.
    _header, *rows = rows_of(client.get(CSV, {"action": "program_created"}))
    assert rows[0][4].startswith("'=HYPERLINK")


def test_other_roles_and_strangers_are_refused(world: World) -> None:
    audit_record(
        organization=world.org,
        actor=world.admin,
        action=AuditAction.MEMBER_ADDED,
        subject=world.ambassador,
        now=NOW,
    )
    for membership in (world.manager, world.curator, world.ambassador):
        client = world.client_for(membership)
        assert client.get(LOG).status_code == 403
        assert client.get(CSV).status_code == 403
    # The stranger admins another organization: they see its log, never ours.
    stranger = reader(world.stranger)
    page = stranger.get(LOG).content.decode()
    assert "data-entry=" not in page
    assert "Amine" not in page
    _header, *rows = rows_of(stranger.get(CSV, {"person": str(world.ambassador.pk)}))
    assert rows == []
    assert not AuditEntry.objects.filter(organization=world.org, action="data_exported").exists()


@pytest.fixture
def staff(world: World) -> Client:
    client = Client()
    user: User = UserFactory.create(email="ops@ambassade.example", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_the_django_admin_shows_the_log_read_only(world: World, staff: Client) -> None:
    entry = audit_record(
        organization=world.org,
        actor=world.admin,
        action=AuditAction.MEMBER_ADDED,
        subject=world.ambassador,
        now=NOW,
    )
    assert staff.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    page = staff.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert staff.post(change, {"action": "roles_changed"}).status_code == 403
    assert staff.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert staff.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.MEMBER_ADDED
