"""The public privacy notice: French by default, English on request, figures from the settings."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from ambassade.accounts.tests.utils import shown
from conftest import World

pytestmark = pytest.mark.django_db


def _english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def _retention_days(html: str) -> list[int]:
    return [int(days) for days in re.findall(r'data-retention-days="(\d+)"', html)]


def test_anyone_reads_it_in_french_without_logging_in() -> None:
    response = Client().get(reverse("privacy:policy"))

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert shown("What is not collected") in html


def test_it_is_in_english_through_the_language_switch() -> None:
    client = Client()
    switched = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": reverse("privacy:policy")}
    )
    assert switched["Location"] == reverse("privacy:policy")

    html = client.get(reverse("privacy:policy")).content.decode()

    assert '<html lang="en">' in html
    for heading in (
        "What is collected, and why",
        "What is not collected",
        "Who sees what",
        "How long it is kept",
        "Your rights, and how to use them",
    ):
        assert heading in html
    assert "No IP address is ever stored" in html


def test_the_retention_periods_are_read_from_the_settings() -> None:
    html = _english().get(reverse("privacy:policy")).content.decode()
    assert _retention_days(html) == [396, 396, 1095, 365, 30, 30]
    assert "396 days" in html

    with override_settings(AMBASSADE_CLICK_RETENTION_DAYS=90, AMBASSADE_AUDIT_RETENTION_DAYS=1):
        changed = _english().get(reverse("privacy:policy")).content.decode()

    assert _retention_days(changed) == [90, 396, 1, 365, 30, 30]
    assert "90 days" in changed
    assert "1 day<" in changed


def test_the_contact_is_a_setting_or_the_organizations_administrator() -> None:
    html = _english().get(reverse("privacy:policy")).content.decode()
    assert "write to your organization's administrator" in html

    with override_settings(AMBASSADE_PRIVACY_CONTACT="dpo@verdane.example"):
        html = _english().get(reverse("privacy:policy")).content.decode()

    assert 'href="mailto:dpo@verdane.example"' in html
    assert "organization's administrator" not in html


def test_the_login_page_and_every_page_link_to_it(world: World) -> None:
    login = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("privacy:policy")}"' in login
    profile = world.client_for(world.ambassador).get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("privacy:policy")}"' in profile
    assert f'href="{reverse("privacy:erase")}"' in profile
    assert f'href="{reverse("privacy:my_data")}"' in profile
