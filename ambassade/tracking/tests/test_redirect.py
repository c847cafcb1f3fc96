from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.sharing.services import share_create
from ambassade.tracking.models import Click, DailySalt, TrackedLink

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
IP = "203.0.113.42"


@pytest.fixture
def link(world) -> TrackedLink:
    world.item.url = "https://acme.example/offres/42?source=site#postuler"
    world.item.publish_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    world.item.save()
    outcome = share_create(
        actor=world.ambassador,
        item=world.item,
        network="linkedin",
        commentary="Nous recrutons : à partager autour de vous.",
        now=timezone.now(),
    )
    return outcome.share.link


def visit(link: TrackedLink, *, ua: str = CHROME, ip: str = IP, method: str = "get", **extra):
    client = Client(HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)
    return getattr(client, method)(reverse("tracking:redirect", args=[link.code]), **extra)


def test_a_click_redirects_to_the_destination_with_its_click_id(link) -> None:
    response = visit(link, HTTP_REFERER="https://www.linkedin.com/feed/update/123")

    assert response.status_code == 302
    click = Click.objects.get()
    location = response["Location"]
    assert location == (
        "https://acme.example/offres/42?source=site&utm_source=linkedin"
        f"&utm_medium=employee_advocacy&utm_campaign=talents-acme&utm_content={link.share_id}"
        f"&amb_cid={click.click_id}#postuler"
    )
    assert parse_qs(urlsplit(location).query)["amb_cid"] == [click.click_id]
    assert response["Cache-Control"] == "no-store"
    assert click.link == link
    assert click.organization == link.organization
    assert click.referrer_host == "www.linkedin.com"
    assert click.user_agent_family == "Chrome"
    assert click.is_bot is False
    assert len(click.visitor_hash) == 32


def test_no_ip_address_is_stored_anywhere_in_the_click(link) -> None:
    visit(link)
    row = Click.objects.values().get()
    assert all(IP not in str(value) for value in row.values())
    assert all(IP not in str(value) for value in DailySalt.objects.values().get().values())


@pytest.mark.parametrize(
    ("user_agent", "reason"),
    [
        (
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "LinkedIn",
        ),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Facebook"),
        ("", "empty"),
        ("curl/8.5.0", "scripted"),
    ],
)
def test_bots_and_preview_fetchers_are_told_apart(link, user_agent, reason) -> None:
    response = visit(link, ua=user_agent)
    assert response.status_code == 302
    click = Click.objects.get()
    assert click.is_bot is True
    assert reason.lower() in click.bot_reason.lower()


def test_a_prefetch_is_not_a_person(link) -> None:
    visit(link, HTTP_SEC_PURPOSE="prefetch")
    assert Click.objects.get().is_bot is True


def test_head_requests_are_answered_but_not_counted(link) -> None:
    response = visit(link, method="head")
    assert response.status_code == 302
    assert response["Location"].startswith("https://acme.example/offres/42?source=site")
    assert not Click.objects.exists()


def test_post_is_not_allowed(link) -> None:
    assert visit(link, method="post").status_code == 405
    assert not Click.objects.exists()


def test_unknown_code_is_a_404_page_not_a_redirect(db) -> None:
    response = Client().get("/r/doesnotexist")
    assert response.status_code == 404
    assert "Location" not in response
    assert b"<html" in response.content
    assert not Click.objects.exists()


def test_inactive_link_is_unknown(link) -> None:
    TrackedLink.objects.filter(pk=link.pk).update(is_active=False)
    assert visit(link).status_code == 404
    assert not Click.objects.exists()


def test_unattributed_link_sends_to_the_plain_page_without_recording(link) -> None:
    TrackedLink.objects.filter(pk=link.pk).update(is_attributed=False)
    response = visit(link)
    assert response.status_code == 302
    assert response["Location"] == "https://acme.example/offres/42?source=site#postuler"
    assert not Click.objects.exists()


@pytest.mark.parametrize(
    "suffix",
    ["?next=https://evil.example", "?url=//evil.example&to=https%3A%2F%2Fevil.example"],
)
def test_the_redirector_is_not_an_open_redirect(link, suffix) -> None:
    client = Client(HTTP_USER_AGENT=CHROME)
    response = client.get(reverse("tracking:redirect", args=[link.code]) + suffix)
    assert response.status_code == 302
    assert response["Location"].startswith(link.destination.split("#")[0])
    assert "evil" not in response["Location"]


def test_same_visitor_same_day_same_hash_next_day_another(link) -> None:
    day_one = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(day_one, tick=False):
        visit(link)
    with time_machine.travel(day_one + dt.timedelta(hours=10), tick=False):
        visit(link)
        visit(link, ip="198.51.100.1")
    with time_machine.travel(day_one + dt.timedelta(days=1), tick=False):
        visit(link)

    first, again, other, tomorrow = Click.objects.order_by("clicked_at", "id")
    assert first.visitor_hash == again.visitor_hash
    assert other.visitor_hash != first.visitor_hash
    assert tomorrow.visitor_hash != first.visitor_hash
    # Yesterday's salt is destroyed: yesterday's hashes can no longer be recomputed.
    assert list(DailySalt.objects.values_list("day_on", flat=True)) == [dt.date(2026, 3, 11)]
