"""Choosing the interface language, and the organization one works in."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from ambassade.accounts.middleware import SESSION_ORGANIZATION_KEY
from ambassade.accounts.models import Language, Organization
from ambassade.accounts.tests.utils import shown
from conftest import World
from tests.factories import MembershipFactory, OrganizationFactory


def test_anonymous_language_choice_is_a_cookie(db: None) -> None:
    client = Client()
    login_url = reverse("accounts:login")
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": login_url})
    assert response.status_code == 302
    assert response["Location"] == login_url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(login_url).content.decode()

    client.post(reverse("accounts:set_language"), {"language": "fr", "next": login_url})
    assert '<html lang="fr">' in client.get(login_url).content.decode()


def test_logged_in_language_choice_is_saved_on_the_person(world: World) -> None:
    client = world.client_for(world.ambassador)
    profile_url = reverse("accounts:profile")
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": profile_url}
    )
    assert response["Location"] == profile_url
    world.ambassador.user.refresh_from_db()
    assert world.ambassador.user.language == Language.ENGLISH
    assert '<html lang="en">' in client.get(profile_url).content.decode()

    # It follows the person to another browser.
    other_browser = world.client_for(world.ambassador)
    assert '<html lang="en">' in other_browser.get(profile_url).content.decode()


def test_language_switch_never_redirects_elsewhere(world: World) -> None:
    response = Client().post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:login")
    response = world.client_for(world.ambassador).post(
        reverse("accounts:set_language"), {"language": "en", "next": "//evil.example/x"}
    )
    assert response["Location"] == reverse("sharing:feed")


def test_unknown_language_is_refused(world: World) -> None:
    client = world.client_for(world.ambassador)
    response = client.post(reverse("accounts:set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 400
    world.ambassador.user.refresh_from_db()
    assert world.ambassador.user.language == Language.FRENCH
    assert client.get(reverse("accounts:set_language")).status_code == 405


def test_operator_switches_to_another_of_their_organizations(world: World) -> None:
    MembershipFactory(user=world.admin.user, organization=world.other_org, is_manager=True)
    client = world.client_for(world.admin)
    # Organizations come by name: Acme Conseil first.
    assert "Acme Conseil" in client.get(reverse("accounts:profile")).content.decode()

    response = client.post(
        reverse("accounts:switch_organization"), {"organization": world.other_org.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:feed")
    assert client.session[SESSION_ORGANIZATION_KEY] == world.other_org.pk
    page = client.get(reverse("accounts:profile")).content.decode()
    assert shown("Program manager") in page
    assert f'<option value="{world.other_org.pk}" selected>Globex</option>' in page


def test_switching_to_an_organization_one_is_not_in_is_a_404(world: World) -> None:
    client = world.client_for(world.stranger)
    response = client.post(reverse("accounts:switch_organization"), {"organization": world.org.pk})
    assert response.status_code == 404
    assert SESSION_ORGANIZATION_KEY not in client.session
    elsewhere: Organization = OrganizationFactory.create()
    response = client.post(reverse("accounts:switch_organization"), {"organization": elsewhere.pk})
    assert response.status_code == 404
    response = client.post(reverse("accounts:switch_organization"), {"organization": "acme"})
    assert response.status_code == 404


def test_switching_organization_needs_a_login_and_a_post(world: World) -> None:
    response = Client().post(
        reverse("accounts:switch_organization"), {"organization": world.org.pk}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client = world.client_for(world.admin)
    assert client.get(reverse("accounts:switch_organization")).status_code == 405
