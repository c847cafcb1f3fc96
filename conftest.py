"""Personas shared by every test: one organization with each role, and a stranger.

The stranger is an ambassador of another organization; every page, endpoint and
service has a test that they are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from ambassade.accounts.models import Membership, Network, Organization, User
from ambassade.content.models import ContentItem
from ambassade.programs.models import Program
from tests.factories import (
    ContentItemFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    SocialAccountFactory,
    SuggestedMessageFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _workers_keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database worker closes "old" connections between tasks; inside a test's
    transaction that would close the test's own connection (on PostgreSQL)."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Services, commands and tasks speak English in tests, so that assertions read
    the source text. Pages still follow each person's language (French by default)."""
    with translation.override("en"):
        yield


@dataclass
class World:
    org: Organization
    program: Program
    item: ContentItem
    admin: Membership
    manager: Membership
    curator: Membership
    ambassador: Membership
    other_org: Organization
    other_program: Program
    other_item: ContentItem
    stranger: Membership

    def client_for(self, membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client


def _member(org: Organization, name: str, email: str, **roles: bool) -> Membership:
    user: User = UserFactory.create(full_name=name, email=email)
    return MembershipFactory.create(user=user, organization=org, **roles)


@pytest.fixture
def world(db: None) -> World:
    org = OrganizationFactory.create(name="Acme Conseil", slug="acme")
    program = ProgramFactory.create(organization=org, name="Talents Acme", slug="talents-acme")
    admin = _member(org, "Alice Admin", "alice@acme.example", is_admin=True)
    manager = _member(org, "Marc Manager", "marc@acme.example", is_manager=True)
    curator = _member(org, "Chloé Curatrice", "chloe@acme.example", is_curator=True)
    ambassador = _member(org, "Amine Ambassadeur", "amine@acme.example", is_ambassador=True)
    EnrolmentFactory.create(program=program, membership=ambassador)
    SocialAccountFactory.create(user=ambassador.user, network=Network.LINKEDIN, handle="amine-pro")
    SocialAccountFactory.create(user=ambassador.user, network=Network.X, handle="@amine")
    item = ContentItemFactory.create(
        organization=org, programs=[program], title="Le marché de l'IA en 2026"
    )
    SuggestedMessageFactory.create(
        item=item, text="Une analyse claire des tendances de l'IA en 2026."
    )

    other_org = OrganizationFactory.create(name="Globex", slug="globex")
    other_program = ProgramFactory.create(
        organization=other_org, name="Globex Pilot", slug="globex-pilot"
    )
    stranger = _member(
        other_org, "Sam Stranger", "sam@globex.example", is_ambassador=True, is_admin=True
    )
    EnrolmentFactory.create(program=other_program, membership=stranger)
    SocialAccountFactory.create(user=stranger.user, network=Network.X, handle="@sam")
    other_item = ContentItemFactory.create(organization=other_org, programs=[other_program])
    return World(
        org=org,
        program=program,
        item=item,
        admin=admin,
        manager=manager,
        curator=curator,
        ambassador=ambassador,
        other_org=other_org,
        other_program=other_program,
        other_item=other_item,
        stranger=stranger,
    )
