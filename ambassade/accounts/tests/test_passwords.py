"""Password rules: long passphrases, bounded length."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, World


def _codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as exc:
        return {error.code for error in exc.error_list if error.code}
    return set()


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("pain-chocolat", set()),  # 13 characters
        ("pain-choco!", {"password_too_short"}),  # 11
        ("x7-" * 42 + "x7", set()),  # 128
        ("x7-" * 43, {"password_too_long"}),  # 129
        ("314159265358979", {"password_entirely_numeric"}),
        ("ambassade-demo", set()),  # the demo's
        (PASSWORD, set()),  # the tests'
    ],
)
def test_password_rules(db: None, password: str, codes: set[str]) -> None:
    assert _codes(password) == codes


def test_the_rules_are_told_on_the_password_change_page(world: World) -> None:
    user = world.curator.user
    user.language = "en"
    user.save()
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "at least 12 characters" in page
    assert "at most 128 characters" in page

    too_long = "une phrase de passe " * 7  # 140 characters
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": too_long, "new_password2": too_long},
    )
    assert response.status_code == 200
    assert "This password is too long. It must contain at most 128 characters." in (
        response.content.decode()
    )


def test_help_texts_name_both_bounds(db: None) -> None:
    texts = " ".join(password_validators_help_texts())
    assert "12" in texts
    assert "128" in texts
