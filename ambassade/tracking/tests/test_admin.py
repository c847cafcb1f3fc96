from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import User
from ambassade.sharing.services import share_create
from ambassade.tracking.models import Click, DailySalt
from ambassade.tracking.services import click_record
from tests.factories import UserFactory


@pytest.fixture
def operator(db) -> Client:
    client = Client()
    operator: User = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(operator)
    return client


@pytest.fixture
def click(world) -> Click:
    share = share_create(
        actor=world.ambassador,
        item=world.item,
        network="x",
        commentary="À lire absolument.",
        now=timezone.now(),
    ).share
    recorded = click_record(
        link=share.link,
        now=timezone.now(),
        method="GET",
        ip="203.0.113.5",
        user_agent="Mozilla/5.0 Chrome/126.0",
        referrer="https://x.com/",
    ).click
    assert recorded is not None
    return recorded


def test_links_and_clicks_are_listed(operator, click) -> None:
    links = operator.get(reverse("admin:tracking_trackedlink_changelist"))
    assert links.status_code == 200
    assert click.link.code in links.content.decode()
    clicks = operator.get(reverse("admin:tracking_click_changelist"), {"is_bot__exact": "0"})
    assert clicks.status_code == 200
    assert "x.com" in clicks.content.decode()
    found = operator.get(reverse("admin:tracking_trackedlink_changelist"), {"q": click.link.code})
    assert found.context["cl"].result_count == 1


def test_clicks_are_read_only(operator, click) -> None:
    assert operator.get(reverse("admin:tracking_click_add")).status_code == 403
    url = reverse("admin:tracking_click_change", args=[click.pk])
    page = operator.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    operator.post(url, {"referrer_host": "forged.example", "is_bot": "on"})
    click.refresh_from_db()
    assert click.referrer_host == "x.com"
    assert click.is_bot is False


def test_daily_salts_are_listed_but_never_shown(operator, click) -> None:
    salt = DailySalt.objects.get()
    response = operator.get(reverse("admin:tracking_dailysalt_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert salt.salt not in page
    assert response.context["cl"].result_count == 1
    detail = operator.get(reverse("admin:tracking_dailysalt_change", args=[salt.pk]))
    assert salt.salt not in detail.content.decode()
    assert operator.get(reverse("admin:tracking_dailysalt_add")).status_code == 403


def test_people_without_staff_status_do_not_reach_the_admin(world, click) -> None:
    response = world.client_for(world.admin).get(reverse("admin:tracking_click_changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]
