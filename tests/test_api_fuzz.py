"""The whole API fuzzed from its own OpenAPI document (schemathesis), in-process.

Each operation of /api/v1/openapi.json gets a bounded, reproducible set of
generated requests, valid and invalid, four times:

- as a member of Acme holding every role: 25 generated cases per operation plus
  the coverage phase's boundary values (too long, too big, missing, wrong type…).
  Acme has a program, waves, items, shares, clicks, a conversion, an event, a
  module, a charter, rewards, a reward request and a newsletter issue, and ids in
  paths, queries and bodies are often pointed at them, so that requests get past
  the 404s to the code behind; conversions are signed with Acme's secret;
- as a plain ambassador of Acme: what needs a curator or a manager never succeeds;
- without credentials: every operation answers 401 (the conversions endpoint: its
  signature is missing);
- as a member of another organization, with every id pointed at Acme's objects:
  never a success, and no success shows anything of Acme.

Every answer must be declared in the document (status, content type, body
schema) and none may be a server error. The generation is derandomized: the same
cases run every time, here and in CI, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NotSet
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ambassade.accounts.models import Membership, Network
from ambassade.accounts.tokens import api_token_create
from ambassade.analytics.selectors import BREAKDOWNS
from ambassade.community.tests.helpers import breakfast
from ambassade.newsletter.services import issue_generate
from ambassade.programs.models import KpiTarget, Metric, Objective, ObjectiveKind, Wave
from ambassade.rewards.models import Reward
from ambassade.rewards.redemptions import redemption_request
from ambassade.rewards.scoring import score_activity
from ambassade.rewards.tests.helpers import make_click, make_conversion, make_share
from ambassade.training.services import charter_acknowledge, charter_version_publish
from ambassade.training.tests.helpers import answers, quiz_module
from config.wsgi import application
from conftest import World
from tests.factories import EnrolmentFactory, SocialAccountFactory

DOCUMENT = "/api/v1/openapi.json"
# Every generated case, and the coverage phase's boundary values of each parameter.
schema = schemathesis.openapi.from_wsgi(DOCUMENT, application)
# A refusal does not depend on the input: the generated cases are enough.
refusals = schemathesis.openapi.from_wsgi(
    DOCUMENT,
    application,
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONVERSIONS = "/conversions"
# What a plain ambassador must never succeed at: a curator's or a manager's work.
NOT_FOR_AMBASSADORS = (
    ("POST", "/api/v1/items"),
    ("PATCH", "/api/v1/items/{item_id}"),
    ("POST", "/api/v1/rewards/redemptions/{redemption_id}/"),
    ("GET", "/api/v1/analytics/programs/"),
    ("", "/api/v1/newsletter/issues"),
)


def fuzz_settings(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Bounded and reproducible: the same cases on every run and in CI."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection() -> Iterator[None]:
    """Django closes its connections at the end of each request; calling the WSGI
    application directly, that would close the test's own (on PostgreSQL). Django's
    test client turns this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Acme:
    """Acme's objects, by the names the API gives their ids, and the strings only Acme has."""

    boss: Membership
    ambassador: Membership
    conversion_secret: str
    # Ids and slugs of Acme's objects, by parameter name (path, query or body).
    refs: dict[str, list[Any]] = field(default_factory=dict)
    # Values that get a request past validation to the code behind it.
    valid: dict[str, list[Any]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)


@pytest.fixture
def acme(world: World) -> Acme:
    now = timezone.now()
    org = world.org
    boss = world.admin
    boss.is_manager = boss.is_curator = boss.is_ambassador = True
    boss.save()
    boss.user.language = "en"
    boss.user.save()
    program = world.program
    program.budget_amount = Decimal("500")
    program.save()
    pilot = Wave.objects.create(program=program, name="Pilot", starts_on=now.date())
    second = Wave.objects.create(program=program, name="Second wave", starts_on=now.date())
    EnrolmentFactory.create(program=program, membership=boss, wave=pilot)
    account = SocialAccountFactory.create(
        user=boss.user, network=Network.LINKEDIN, handle="rania-root"
    )
    objective = Objective.objects.create(
        program=program, kind=ObjectiveKind.APPLICANTS, title="Acme applicants"
    )
    KpiTarget.objects.create(
        objective=objective,
        metric=Metric.APPLICATIONS,
        target_value=Decimal("40"),
        deadline_on=now.date() + timedelta(days=90),
    )
    charter = charter_version_publish(
        actor=boss, program=program, text="Acme charter: be yourself.", note="", now=now
    )
    charter_acknowledge(actor=boss, program=program, version_id=charter.pk, now=now)

    earlier = now - timedelta(days=3)
    boss_share = make_share(boss, world.item, program, at=earlier)
    click = make_click(boss_share, at=earlier + timedelta(hours=1))
    make_conversion(click, at=earlier + timedelta(hours=2))
    amine_share = make_share(world.ambassador, world.item, program, at=earlier)
    make_click(amine_share, at=earlier + timedelta(hours=1), ip="198.51.100.4")
    score_activity(now=now)
    reward = Reward.objects.create(
        program=program, name="Acme book voucher", points_cost=1, monetary_value=Decimal("15")
    )
    redemption = redemption_request(actor=world.ambassador, reward_id=reward.pk, now=now)
    event = breakfast(org, starts_at=now + timedelta(days=7), capacity=20, title="Acme breakfast")
    module = quiz_module(org, title="Acme own words")
    issue = issue_generate(program=program, edition_on=now.date(), now=now)
    return Acme(
        boss=boss,
        ambassador=world.ambassador,
        conversion_secret=org.conversion_secret,
        refs={
            "item_id": [world.item.pk],
            "share_id": [boss_share.pk, amine_share.pk],
            "module_id": [module.pk],
            "event_id": [event.pk],
            "redemption_id": [redemption.pk],
            "issue_id": [issue.pk],
            "slug": [program.slug],
            "program_slug": [program.slug],
            "program": [program.slug],
            "programs": [[program.slug]],
            "wave_a": [pilot.pk],
            "wave_b": [second.pk],
            "wave_id": [pilot.pk],
            "waves": [[pilot.pk]],
            "reward_id": [reward.pk],
            "version_id": [charter.pk],
            "social_account_id": [account.pk],
            "click_id": [click.click_id],
        },
        valid={
            "dimension": list(BREAKDOWNS),
            "network": [Network.LINKEDIN],
            "url": ["https://acme.example/blog/ia-2026"],
            "image_url": ["", "https://acme.example/ia.png"],
            "answers": [{str(q): choices for q, choices in answers(module).items()}],
        },
        markers=[
            program.slug,
            world.item.title,
            boss.user.full_name,
            world.ambassador.user.full_name,
            event.title,
            module.title,
            reward.name,
            charter.text,
        ],
    )


def aim(case: Case[Any], values_by_name: dict[str, list[Any]], *, always: bool = False) -> set[str]:
    """Point parameters at the given values: often, or ``always``. Where it did so.

    "Often" is decided by the generated value itself, so that the same case is aimed
    the same way on every run (not with ``hypothesis.given``: it would turn off the
    coverage phase).
    """
    places = {"path": case.path_parameters, "query": case.query, "body": case.body}
    aimed = set()
    for place, values in places.items():
        if not isinstance(values, dict):
            continue
        for name, generated in list(values.items()):
            if name not in values_by_name:
                continue
            choices = values_by_name[name] if always else [*values_by_name[name], generated]
            chosen = choices[zlib.crc32(repr((name, generated)).encode()) % len(choices)]
            values[name] = chosen
            if chosen in values_by_name[name]:
                aimed.add(place)
    return aimed


def token(membership: Membership) -> dict[str, str]:
    _token, raw = api_token_create(actor=membership, name="Fuzzing", now=timezone.now())
    return {"Authorization": f"Bearer {raw}"}


def sign(case: Case[Any], secret: str, organization: str) -> bytes:
    """The conversion endpoint's own authentication: sign the exact body it will get."""
    if isinstance(case.body, NotSet):
        body = b""
    elif isinstance(case.body, bytes):
        body = case.body
    else:
        body = json.dumps(case.body).encode()
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    case.headers.update(
        {
            "X-Ambassade-Organization": organization,
            "X-Ambassade-Timestamp": timestamp,
            "X-Ambassade-Signature": "sha256=" + digest.hexdigest(),
            "Content-Type": "application/json",
        }
    )
    return body


@schema.parametrize()
@fuzz_settings(25)
def test_every_operation_as_a_member_with_every_role(case: Case[Any], acme: Acme) -> None:
    aim(case, {**acme.refs, **acme.valid})
    if case.path.endswith(CONVERSIONS):
        body = sign(case, acme.conversion_secret, acme.boss.organization.slug)
        response = case.call(data=body)
    else:
        response = case.call(headers=token(acme.boss))
    case.validate_response(response, checks=CHECKS)


@refusals.parametrize()
@fuzz_settings(10)
def test_a_plain_ambassador_never_does_a_curators_or_managers_work(
    case: Case[Any], acme: Acme
) -> None:
    aim(case, {**acme.refs, **acme.valid})
    response = case.call_and_validate(headers=token(acme.ambassador), checks=CHECKS)
    reserved = any(
        case.method.upper().startswith(method) and case.path.startswith(path)
        for method, path in NOT_FOR_AMBASSADORS
    )
    if reserved:
        assert not 200 <= response.status_code < 300, response.text


@refusals.parametrize()
@fuzz_settings(10)
def test_every_operation_refuses_a_caller_without_credentials(
    case: Case[Any], world: World
) -> None:
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 401, response.text


@refusals.parametrize()
@fuzz_settings(10)
def test_a_member_of_another_organization_never_gets_acme_data(
    case: Case[Any], acme: Acme, world: World
) -> None:
    # Queries only filter (a filter on Acme's program finds nothing): paths and bodies
    # name an object, and naming one of Acme's must fail.
    aimed = aim(case, acme.refs, always=True) & {"path", "body"}
    response: Response = case.call_and_validate(headers=token(world.stranger), checks=CHECKS)
    if 200 <= response.status_code < 300:
        assert not aimed, response.text
        shown = json.dumps(response.json(), ensure_ascii=False)
        assert not [marker for marker in acme.markers if marker in shown], shown
