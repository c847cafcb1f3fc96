"""The manager's pages, the members' archive and preferences, the pages reached from e-mails."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from ambassade.newsletter.models import (
    Delivery,
    DeliveryStatus,
    DigestFrequency,
    IssueClick,
    IssueStatus,
    NewsletterSettings,
    Preference,
    Section,
)
from ambassade.newsletter.rendering import click_url
from ambassade.newsletter.services import issue_start
from ambassade.newsletter.tests.conftest import Newsletter
from ambassade.newsletter.tests.helpers import figure
from ambassade.newsletter.tokens import MailingList, open_token, unsubscribe_token

MANAGER_PAGES = [
    ("get", "newsletter:issue_list", False),
    ("get", "newsletter:issue_detail", True),
    ("get", "newsletter:issue_preview", True),
    ("post", "newsletter:issue_send", True),
    ("post", "newsletter:issue_schedule", True),
    ("post", "newsletter:issue_unschedule", True),
]


def _url(name: str, nl: Newsletter, with_issue: bool) -> str:
    return reverse(name, args=[nl.issue.pk]) if with_issue else reverse(name)


@pytest.mark.parametrize(("method", "name", "with_issue"), MANAGER_PAGES)
def test_ambassadors_cannot_manage_the_newsletter(nl: Newsletter, method, name, with_issue) -> None:
    client = nl.world.client_for(nl.world.ambassador)
    response = getattr(client, method)(_url(name, nl, with_issue))
    assert response.status_code == 403
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(("method", "name", "with_issue"), MANAGER_PAGES)
def test_another_organization_cannot_see_or_send_the_issue(
    nl: Newsletter, method, name, with_issue
) -> None:
    # The stranger is an admin of their own organization: the issue does not exist for them.
    client = nl.world.client_for(nl.world.stranger)
    response = getattr(client, method)(_url(name, nl, with_issue))
    if with_issue:
        assert response.status_code == 404
    else:
        assert nl.issue.program.name not in response.content.decode()
    assert Delivery.objects.count() == 0


def test_settings_and_creation_refused_to_strangers_and_ambassadors(nl: Newsletter) -> None:
    slug = nl.world.program.slug
    stranger = nl.world.client_for(nl.world.stranger)
    assert stranger.get(reverse("newsletter:settings", args=[slug])).status_code == 404
    assert stranger.post(reverse("newsletter:issue_create", args=[slug])).status_code == 404
    ambassador = nl.world.client_for(nl.world.ambassador)
    assert ambassador.get(reverse("newsletter:settings", args=[slug])).status_code == 403


def test_the_manager_previews_in_french_edits_and_sends(nl: Newsletter) -> None:
    client = nl.world.client_for(nl.world.manager)
    page = client.get(reverse("newsletter:issue_detail", args=[nl.issue.pk]))
    assert page.status_code == 200
    preview = client.get(
        reverse("newsletter:issue_preview", args=[nl.issue.pk]),
        {"lang": "fr", "recipient": str(nl.world.ambassador.pk)},
    )
    assert preview.status_code == 200
    assert '<html lang="fr">' in preview.content.decode()
    text = client.get(
        reverse("newsletter:issue_preview", args=[nl.issue.pk]),
        {"lang": "en", "recipient": str(nl.bea.pk), "format": "text"},
    )
    assert "Hello Béa," in text.content.decode()
    # The person's own language was only borrowed for the preview.
    nl.world.ambassador.user.refresh_from_db()
    assert nl.world.ambassador.user.language == "en"

    form = {
        "subject": "",
        "editorial": "Un mois record : merci à toutes et à tous !",
        "tip": "",
    }
    for position, key in enumerate(Section.values, start=1):
        form[f"position_{key}"] = str(position)
        if key != Section.BADGES:
            form[f"visible_{key}"] = "on"
    form["position_editorial"] = "50"  # the editorial last
    response = client.post(reverse("newsletter:issue_detail", args=[nl.issue.pk]), form)
    assert response.status_code == 302
    nl.issue.refresh_from_db()
    assert nl.issue.editorial == "Un mois record : merci à toutes et à tous !"
    assert nl.issue.sections[-1] == {"key": "editorial", "visible": True}
    assert Section.BADGES not in nl.issue.visible_sections()
    preview = client.get(reverse("newsletter:issue_preview", args=[nl.issue.pk]))
    assert "Un mois record" in preview.content.decode()

    sent = client.post(reverse("newsletter:issue_send", args=[nl.issue.pk]))
    assert sent.status_code == 302
    nl.issue.refresh_from_db()
    assert nl.issue.status == IssueStatus.SENDING
    assert Delivery.objects.filter(issue=nl.issue, status=DeliveryStatus.QUEUED).count() == 3
    # Sending again: refused, nothing queued twice.
    again = client.post(reverse("newsletter:issue_send", args=[nl.issue.pk]), follow=True)
    assert "Cette newsletter a déjà été envoyée." in again.content.decode()  # French manager
    assert Delivery.objects.filter(issue=nl.issue).count() == 3


def test_a_sent_issue_can_no_longer_be_edited(nl: Newsletter) -> None:
    issue_start(issue=nl.issue, now=nl.now, sent_by_id=None)
    client = nl.world.client_for(nl.world.manager)
    response = client.post(
        reverse("newsletter:issue_detail", args=[nl.issue.pk]),
        {"editorial": "changed", **{f"position_{k}": "1" for k in Section.values}},
    )
    assert response.status_code == 200
    nl.issue.refresh_from_db()
    assert nl.issue.editorial == ""


def test_scheduling(nl: Newsletter) -> None:
    client = nl.world.client_for(nl.world.manager)
    past = client.post(
        reverse("newsletter:issue_schedule", args=[nl.issue.pk]), {"send_at": "2001-01-01T09:00"}
    )
    assert past.status_code == 302
    nl.issue.refresh_from_db()
    assert nl.issue.status == IssueStatus.DRAFT
    client.post(
        reverse("newsletter:issue_schedule", args=[nl.issue.pk]),
        {"send_at": (nl.now.replace(microsecond=0)).strftime("%Y-%m-%dT23:59")},
    )
    nl.issue.refresh_from_db()
    # Late in the evening of today (Paris) is still ahead, unless the test runs at midnight.
    if nl.issue.status == IssueStatus.SCHEDULED:
        client.post(reverse("newsletter:issue_unschedule", args=[nl.issue.pk]))
        nl.issue.refresh_from_db()
        assert nl.issue.status == IssueStatus.DRAFT


def test_settings_page_saves(nl: Newsletter) -> None:
    client = nl.world.client_for(nl.world.manager)
    url = reverse("newsletter:settings", args=[nl.world.program.slug])
    bad = client.post(url, {"day_of_month": "31", "hour": "9"})
    assert bad.status_code == 200
    assert not NewsletterSettings.objects.exists()
    client.post(url, {"is_enabled": "on", "day_of_month": "3", "hour": "8", "auto_send": "on"})
    row = NewsletterSettings.objects.get(program=nl.world.program)
    assert (row.day_of_month, row.hour, row.auto_send, row.open_tracking) == (3, 8, True, False)


def test_members_read_the_archive_with_their_own_figures(nl: Newsletter) -> None:
    url = reverse("newsletter:issue_archive", args=[nl.issue.pk])
    ambassador = nl.world.client_for(nl.world.ambassador)
    assert ambassador.get(url).status_code == 404  # still a draft
    issue_start(issue=nl.issue, now=nl.now, sent_by_id=None)
    page = ambassador.get(url)
    assert page.status_code == 200
    found = re.search(r'srcdoc="([^"]*)"', page.content.decode())
    assert found is not None
    email = html.unescape(found.group(1))
    assert figure(email, "human_clicks") == "7"
    assert (
        nl.issue.program.name in ambassador.get(reverse("newsletter:archive_list")).content.decode()
    )
    stranger = nl.world.client_for(nl.world.stranger)
    assert stranger.get(url).status_code == 404
    assert (
        nl.issue.program.name
        not in stranger.get(reverse("newsletter:archive_list")).content.decode()
    )
    # An anonymous visitor goes to the login page.
    assert Client().get(url).status_code == 302


def test_preferences(nl: Newsletter) -> None:
    client = nl.world.client_for(nl.world.ambassador)
    url = reverse("newsletter:preferences")
    assert client.get(url).status_code == 200
    client.post(url, {"digest": "daily"})
    preference = Preference.objects.get(membership=nl.world.ambassador)
    assert preference.newsletter is False
    assert preference.digest == DigestFrequency.DAILY
    bad = client.post(url, {"newsletter": "on", "digest": "hourly"})
    assert bad.status_code == 200
    preference.refresh_from_db()
    assert preference.digest == DigestFrequency.DAILY


def test_one_click_unsubscribe_without_login(nl: Newsletter) -> None:
    token = unsubscribe_token(
        membership_id=nl.world.ambassador.pk, mailing_list=MailingList.NEWSLETTER
    )
    url = reverse("newsletter:unsubscribe", args=[token])
    anonymous = Client(enforce_csrf_checks=True)
    # GET only asks: link scanners must not unsubscribe anyone.
    page = anonymous.get(url)
    assert page.status_code == 200
    assert not Preference.objects.filter(membership=nl.world.ambassador).exists()
    # The mail client's one-click POST (RFC 8058), no CSRF token, no session.
    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert Preference.objects.get(membership=nl.world.ambassador).newsletter is False
    assert anonymous.post(url + "x").status_code == 404
    tampered = reverse("newsletter:unsubscribe", args=[token.replace(".newsletter", ".digest")])
    assert anonymous.post(tampered).status_code == 404


def test_unsubscribing_skips_queued_deliveries(nl: Newsletter) -> None:
    issue_start(issue=nl.issue, now=nl.now, sent_by_id=None)
    token = unsubscribe_token(membership_id=nl.bea.pk, mailing_list=MailingList.NEWSLETTER)
    Client().post(reverse("newsletter:unsubscribe", args=[token]))
    delivery = Delivery.objects.get(issue=nl.issue, membership=nl.bea)
    assert delivery.status == DeliveryStatus.SKIPPED


def test_clicks_are_counted_per_issue_and_section_and_stay_on_site(nl: Newsletter) -> None:
    url = click_url(nl.issue, Section.TO_SHARE, f"/share/{nl.world.item.pk}/")
    path = url.removeprefix("http://testserver")
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/share/{nl.world.item.pk}/"
    Client().get(path)
    assert IssueClick.objects.get(issue=nl.issue, section=Section.TO_SHARE).clicks == 2
    assert Client().get(path[:-3] + "xx/").status_code == 404


def test_opens_are_counted_only_when_the_program_chose_to(nl: Newsletter) -> None:
    path = reverse("newsletter:open", args=[open_token(issue_id=nl.issue.pk)])
    assert Client().get(path)["Content-Type"] == "image/gif"
    nl.issue.refresh_from_db()
    assert nl.issue.opens == 0
    NewsletterSettings.objects.create(
        organization=nl.world.org, program=nl.world.program, open_tracking=True
    )
    Client().get(path)
    nl.issue.refresh_from_db()
    assert nl.issue.opens == 1
