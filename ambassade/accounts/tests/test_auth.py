"""Logging in by e-mail, logging out, resetting and changing one's password."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ambassade.accounts.models import Language
from ambassade.accounts.tests.utils import shown
from conftest import PASSWORD, World

LINK = re.compile(r"http://testserver(/accounts/password/reset/[^\s]+/)")


def _logs_in(email: str, password: str) -> bool:
    """Whether the login page lets this e-mail address and password in."""
    response = Client().post(reverse("accounts:login"), {"username": email, "password": password})
    return response.status_code == 302


def test_login_page_is_french_and_says_ambassade(db: None) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Ambassade" in html
    assert 'name="username"' in html
    assert 'type="email"' in html
    assert 'name="password"' in html
    assert reverse("accounts:password_reset") in html


def test_login_by_email_lands_on_the_feed(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": "Amine@ACME.example ", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:feed")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_login_honours_a_safe_next_but_not_an_external_one(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login") + "?next=/accounts/profile/",
        {"username": "amine@acme.example", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"

    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": "amine@acme.example", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("sharing:feed")


def test_wrong_password_shows_an_error_and_keeps_the_email(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "amine@acme.example", "password": "nope"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(shown("This e-mail address and password do not match. Please try again.")) in html
    assert 'value="amine@acme.example"' in html
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_inactive_person_cannot_log_in(world: World) -> None:
    user = world.ambassador.user
    user.is_active = False
    user.save()
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logged_in_person_visiting_login_goes_to_the_feed(world: World) -> None:
    response = world.client_for(world.ambassador).get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:feed")


def test_logout_is_post_only_and_ends_the_session(world: World) -> None:
    client = world.client_for(world.ambassador)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 302
    assert profile["Location"].startswith(reverse("accounts:login"))


def test_password_reset_by_email_sets_a_new_password(world: World) -> None:
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "AMINE@acme.example"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert client.get(response["Location"]).status_code == 200

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amine@acme.example"]
    assert message.subject == shown("Reset your Ambassade password")
    assert "Amine" in message.body
    assert "amine@acme.example" in message.body
    found = LINK.search(str(message.body))
    assert found is not None

    # The link redirects to a token-less URL holding the form, as Django does.
    response = client.get(found.group(1))
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert 'name="new_password1"' in page.content.decode()

    new_password = "un nouveau mot de passe solide"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert client.get(response["Location"]).status_code == 200

    assert not _logs_in("amine@acme.example", PASSWORD)
    assert _logs_in("amine@acme.example", new_password)

    # The link works once.
    used = client.get(found.group(1), follow=True)
    assert 'name="new_password1"' not in used.content.decode()
    assert reverse("accounts:password_reset") in used.content.decode()


def test_password_reset_email_follows_the_recipients_language(world: World) -> None:
    user = world.ambassador.user
    user.language = Language.ENGLISH
    user.save()
    Client().post(reverse("accounts:password_reset"), {"email": user.email})
    assert mail.outbox[0].subject == shown("Reset your Ambassade password", "en")


def test_password_reset_for_an_unknown_address_sends_nothing_but_says_the_same(
    world: World,
) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@acme.example"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_rejects_a_mismatched_confirmation(world: World) -> None:
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "amine@acme.example"})
    found = LINK.search(str(mail.outbox[0].body))
    assert found is not None
    form_url = client.get(found.group(1))["Location"]
    response = client.post(
        form_url, {"new_password1": "un mot de passe solide", "new_password2": "autre chose 123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert _logs_in("amine@acme.example", PASSWORD)


def test_password_change_for_a_logged_in_person(world: World) -> None:
    client = world.client_for(world.curator)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    new_password = "encore un autre mot de passe"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    assert client.get(response["Location"]).status_code == 200
    assert _logs_in(world.curator.user.email, new_password)


def test_password_change_needs_the_old_password(world: World) -> None:
    client = world.client_for(world.curator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "xyz abc 12345",
            "new_password2": "xyz abc 12345",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert _logs_in(world.curator.user.email, PASSWORD)


@pytest.mark.parametrize("name", ["accounts:password_change", "accounts:password_change_done"])
def test_password_change_pages_need_a_login(db: None, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
