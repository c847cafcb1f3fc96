"""Login throttling: lockouts (django-axes), failed-login and password-reset rate limits."""

from __future__ import annotations

import io
import ipaddress
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from ambassade.accounts.throttling import client_pseudonym
from conftest import PASSWORD, World
from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
# 10:00 in Paris.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _client(address: str = "203.0.113.7", agent: str = FIREFOX, language: str = "fr") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _login(client: Client, email: str, password: str, url: str = LOGIN):
    return client.post(url, {"username": email, "password": password})


def _fail(client: Client, email: str, times: int, url: str = LOGIN) -> None:
    for _ in range(times):
        _login(client, email, "not the password at all", url)


def _logged_in(client: Client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def test_five_failures_lock_the_account_until_the_cool_off_ends(
    world: World, clock: time_machine.Traveller
) -> None:
    email = world.ambassador.user.email
    client = _client(language="en")
    _fail(client, email, 4)
    fifth = _login(client, email, "still not it")
    assert fifth.status_code == 429

    # The right password is refused now, with the time to try again.
    sixth = _login(client, email, PASSWORD)
    assert sixth.status_code == 429
    assert sixth["Retry-After"] == "900"
    page = sixth.content.decode()
    assert 'id="lockout"' in page
    assert "Try again after 10:15 (in 15 minutes)." in page
    assert "administrator" in page
    assert not _logged_in(client)

    clock.shift(timedelta(minutes=14))
    assert _login(client, email, PASSWORD).status_code == 429
    clock.shift(timedelta(minutes=1, seconds=1))
    assert _login(client, email, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_lockout_page_is_french_by_default(world: World, clock: object) -> None:
    client = _client()
    _fail(client, world.ambassador.user.email, 5)
    response = _login(client, world.ambassador.user.email, PASSWORD)
    assert response.status_code == 429
    assert '<html lang="fr">' in response.content.decode()
    assert 'id="lockout"' in response.content.decode()


def test_a_locked_account_is_locked_from_everywhere_but_colleagues_behind_the_same_address_are_not(
    world: World, clock: object
) -> None:
    email = world.ambassador.user.email
    _fail(_client("203.0.113.7", FIREFOX), email, 5)

    # The account: from another address and browser too.
    assert _login(_client("198.51.100.9", CHROME), email, PASSWORD).status_code == 429
    # A colleague behind the same company address, in another browser: not locked.
    colleague = _client("203.0.113.7", CHROME)
    assert _login(colleague, world.manager.user.email, PASSWORD).status_code == 302
    # The client that failed five times is locked for every account.
    same_client = _client("203.0.113.7", FIREFOX)
    assert _login(same_client, world.curator.user.email, PASSWORD).status_code == 429


def test_a_client_trying_many_accounts_is_locked_out(world: World, clock: object) -> None:
    sprayer = _client("192.0.2.66", FIREFOX)
    for number in range(5):
        _login(sprayer, f"person{number}@acme.example", "Printemps2026!")
    assert _login(sprayer, world.manager.user.email, PASSWORD).status_code == 429
    # Those accounts are not locked for their owners elsewhere.
    assert _login(_client("203.0.113.7"), world.manager.user.email, PASSWORD).status_code == 302


def test_e_mail_case_does_not_give_more_tries(world: World, clock: object) -> None:
    variants = ["amine@acme.example", "AMINE@acme.example", "Amine@Acme.Example "]
    for number in range(5):
        _login(_client(agent=f"Browser/{number}"), variants[number % 3], "wrong")
    assert _login(_client("198.51.100.9"), "amine@acme.example", PASSWORD).status_code == 429


def test_a_success_forgets_ones_own_failures(world: World, clock: object) -> None:
    email = world.ambassador.user.email
    client = _client()
    _fail(client, email, 4)
    assert _login(client, email, PASSWORD).status_code == 302
    client = _client()
    _fail(client, email, 4)
    assert _login(client, email, PASSWORD).status_code == 302


def test_logging_in_as_oneself_does_not_forget_failures_on_a_colleagues_account(
    world: World, clock: object
) -> None:
    """Otherwise an employee could guess a colleague's password four tries at a time."""
    colleague = world.manager.user.email
    insider = _client()
    _fail(insider, colleague, 4)
    assert _login(insider, world.ambassador.user.email, PASSWORD).status_code == 302
    _fail(_client(), colleague, 1)
    assert _login(_client("198.51.100.9", CHROME), colleague, PASSWORD).status_code == 429


def test_nothing_stored_holds_the_clients_address(world: World, clock: object) -> None:
    address = "198.51.100.23"
    client = _client(address)
    _fail(client, world.ambassador.user.email, 5)
    _login(client, world.ambassador.user.email, PASSWORD)
    _login(_client(address, CHROME), world.manager.user.email, PASSWORD)  # a success

    attempts = list(AccessAttempt.objects.values())
    assert attempts
    for row in attempts:
        assert address not in repr(row)
        assert ipaddress.ip_address(row["ip_address"]) in ipaddress.ip_network("fd00::/8")
        assert "not the password" not in row["post_data"]
    # No log of logins and no permanent log of failures.
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_the_pseudonym_follows_the_address_the_rate_limits_use(
    settings, rf: RequestFactory
) -> None:
    behind_proxy = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    other_proxy = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    direct = rf.get("/", REMOTE_ADDR="203.0.113.7")

    settings.AMBASSADE_TRUST_X_FORWARDED_FOR = False
    assert client_pseudonym(behind_proxy) != client_pseudonym(other_proxy)
    settings.AMBASSADE_TRUST_X_FORWARDED_FOR = True
    assert client_pseudonym(behind_proxy) == client_pseudonym(other_proxy)
    assert client_pseudonym(behind_proxy) == client_pseudonym(direct)


def test_an_administrator_unlocks_an_account(world: World, clock: object) -> None:
    email = world.ambassador.user.email
    _fail(_client(), email, 5)
    assert _login(_client("198.51.100.9", CHROME), email, PASSWORD).status_code == 429
    output = io.StringIO()
    call_command("axes_reset_username", email, stdout=output)
    assert "attempts removed" in output.getvalue()
    assert _login(_client("198.51.100.9", CHROME), email, PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_too(world: World, clock: object) -> None:
    staff = UserFactory.create(email="root@acme.example", is_staff=True, is_superuser=True)
    client = _client()
    _fail(client, staff.email, 5, url=ADMIN_LOGIN)
    response = _login(client, staff.email, PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert 'id="lockout"' in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not logged in
    # Locked on our own login page as well: one account, one count.
    assert _login(_client("198.51.100.9", CHROME), staff.email, PASSWORD).status_code == 429


def test_failed_logins_are_limited_per_address_whatever_the_browser(
    world: World, settings, clock: time_machine.Traveller
) -> None:
    settings.AMBASSADE_LOGIN_FAILURES_PER_5_MINUTES = 3
    address = "192.0.2.99"
    # A new user agent each time, and a new account: axes alone would not stop this.
    for number in range(3):
        _login(_client(address, f"Bot/{number}"), f"person{number}@acme.example", "guess")
    refused = _login(_client(address, "Bot/9"), world.ambassador.user.email, PASSWORD)
    assert refused.status_code == 429
    assert 'id="too-many-requests"' in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 300
    # The admin's login counts the same way.
    assert _login(_client(address, "Bot/10"), "x@acme.example", "y", ADMIN_LOGIN).status_code == 429
    # Another address is not concerned; the window passes.
    assert _login(_client("192.0.2.100"), world.ambassador.user.email, PASSWORD).status_code == 302
    clock.shift(timedelta(minutes=5))
    assert (
        _login(_client(address, "Bot/11"), world.ambassador.user.email, PASSWORD).status_code == 302
    )


def test_successful_logins_from_one_address_are_never_limited(world: World, settings) -> None:
    """A whole office behind one address logs in on launch day."""
    settings.AMBASSADE_LOGIN_FAILURES_PER_5_MINUTES = 2
    for _ in range(5):
        assert (
            _login(_client("203.0.113.7"), world.ambassador.user.email, PASSWORD).status_code == 302
        )


def test_password_reset_requests_are_limited_per_address(
    world: World, settings, clock: time_machine.Traveller
) -> None:
    settings.AMBASSADE_PASSWORD_RESETS_PER_HOUR = 2
    reset = reverse("accounts:password_reset")
    email = world.ambassador.user.email
    for address in ("198.51.100.1", "198.51.100.2"):
        response = _client(address).post(reset, {"email": email})
        assert response.status_code == 302
    refused = _client("198.51.100.3").post(reset, {"email": email})
    assert refused.status_code == 429
    assert 'id="too-many-requests"' in refused.content.decode()
    assert int(refused["Retry-After"]) <= 3600
    assert len(mail.outbox) == 2
    # Another person is not concerned.
    assert (
        _client("198.51.100.4").post(reset, {"email": world.manager.user.email}).status_code == 302
    )

    clock.shift(timedelta(hours=1))
    assert _client("198.51.100.5").post(reset, {"email": email}).status_code == 302
    assert len(mail.outbox) == 4


def test_password_reset_requests_are_limited_per_client(
    world: World, settings, clock: object
) -> None:
    settings.AMBASSADE_PASSWORD_RESETS_PER_HOUR = 2
    reset = reverse("accounts:password_reset")
    client = _client("192.0.2.50")
    assert client.post(reset, {"email": world.ambassador.user.email}).status_code == 302
    assert client.post(reset, {"email": world.manager.user.email}).status_code == 302
    assert client.post(reset, {"email": world.curator.user.email}).status_code == 429
    assert len(mail.outbox) == 2
    # The form itself is not limited.
    assert client.get(reset).status_code == 200
