"""In the demo, the ambassador of the walk-through downloads her data and can erase it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ambassade.accounts.models import User
from ambassade.demo.generator import DEMO_PASSWORD, demo_flush, demo_summary

pytestmark = pytest.mark.django_db

CHLOE = "chloe.clement@verdane.example"


def test_chloe_opens_her_profile_downloads_her_data_and_reaches_the_erasure_page() -> None:
    call_command("seed_demo", "--ambassadors", "12", "--days", "20", stdout=StringIO())
    client = Client()
    login = client.post(reverse("accounts:login"), {"username": CHLOE, "password": DEMO_PASSWORD})
    assert login.status_code == 302

    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    html = profile.content.decode()
    assert 'id="your-data"' in html
    assert reverse("privacy:my_data_export") in html
    assert reverse("privacy:erase") in html

    download = client.post(reverse("privacy:my_data_export"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith(
        'attachment; filename="ambassade-personal-data-'
    )
    data = json.loads(download.content)
    assert data["person"]["email"] == CHLOE
    verdane = next(m for m in data["memberships"] if m["organization"]["slug"] == "verdane-energie")
    assert verdane["shares"]
    assert verdane["points"]
    assert any(share["clicks"]["people"] for share in verdane["shares"])

    erase_page = client.get(reverse("privacy:erase"))
    assert erase_page.status_code == 200
    assert 'id="erase-my-data"' in erase_page.content.decode()

    # Erasing her changes none of the demo's totals; flushing the demo leaves nothing behind.
    before = demo_summary()
    erased = client.post(reverse("privacy:erase"), {"password": DEMO_PASSWORD, "confirm": "on"})
    assert erased.status_code == 200
    assert not User.objects.filter(email=CHLOE).exists()
    assert demo_summary() == before
    demo_flush()
    assert not User.objects.exists()
