"""Issue 6, done when: in the demo, the manager previews this month's newsletter in French,
edits the editorial, sends it; a local mail catcher shows each ambassador their own
figures; sending again sends nothing; an ambassador unsubscribes in one click."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassade.accounts.models import Membership, Organization
from ambassade.demo.generator import DemoSizes, demo_generate
from ambassade.newsletter.models import (
    Delivery,
    DeliveryStatus,
    Issue,
    IssueStatus,
    Preference,
    Section,
)
from ambassade.newsletter.sections import recipients_figures
from ambassade.newsletter.sending import issue_deliver
from ambassade.newsletter.tests.helpers import figure
from ambassade.newsletter.tests.smtp import html_part, smtp_server

pytestmark = pytest.mark.django_db


def test_the_monthly_newsletter_from_draft_to_one_click_unsubscribe() -> None:
    now = timezone.now()
    demo_generate(seed=42, now=now, sizes=DemoSizes(ambassadors=16, days=70))
    organization = Organization.objects.get(slug="verdane-energie")
    manager = Membership.objects.get(
        organization=organization,
        is_manager=True,
        is_admin=False,
        user__full_name="Sophie Marchand",
    )
    draft = Issue.objects.get(organization=organization, status=IssueStatus.DRAFT)
    last = Issue.objects.get(organization=organization, status=IssueStatus.SENT)
    assert Delivery.objects.filter(issue=last, status=DeliveryStatus.SENT).exists()

    browser = Client()
    browser.force_login(manager.user)
    page = browser.get(reverse("newsletter:issue_detail", args=[draft.pk]))
    assert page.status_code == 200
    preview = browser.get(reverse("newsletter:issue_preview", args=[draft.pk]), {"lang": "fr"})
    assert '<html lang="fr">' in preview.content.decode()

    editorial = "Un grand merci : record de partages ce mois-ci !"
    form = {"subject": "", "editorial": editorial, "tip": ""}
    for position, key in enumerate(Section.values, start=1):
        form[f"position_{key}"] = str(position)
        form[f"visible_{key}"] = "on"
    assert (
        browser.post(reverse("newsletter:issue_detail", args=[draft.pk]), form).status_code == 302
    )

    with smtp_server() as catcher:
        assert browser.post(reverse("newsletter:issue_send", args=[draft.pk])).status_code == 302
        # What the background worker does with the queued deliveries.
        issue_deliver(issue_id=draft.pk, now=timezone.now())
        deliveries = list(Delivery.objects.filter(issue=draft).select_related("membership"))
        assert deliveries
        assert {d.status for d in deliveries} == {DeliveryStatus.SENT}
        assert len(catcher.messages) == len(deliveries)
        figures = recipients_figures(
            issue=draft, membership_ids=[d.membership_id for d in deliveries], points=None
        )
        for delivery in deliveries:
            [message] = catcher.to(delivery.email)
            html = html_part(message)
            assert editorial in html
            own = figures[delivery.membership_id]
            assert figure(html, "shares") == str(own.shares)
            assert figure(html, "conversions") == str(own.conversions)
        # Sending again sends nothing.
        again = browser.post(reverse("newsletter:issue_send", args=[draft.pk]), follow=True)
        assert again.status_code == 200
        assert issue_deliver(issue_id=draft.pk, now=timezone.now()).sent == 0
        assert len(catcher.messages) == len(deliveries)

    # One click in the mail client: the RFC 8058 POST to the List-Unsubscribe address.
    message = catcher.messages[0]
    url = re.search(r"<(https?://[^>]+)>", str(message["List-Unsubscribe"]))
    assert url is not None
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url.group(1).removeprefix("http://testserver")
    assert Client().post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    address = str(message["To"])
    assert (
        Preference.objects.get(
            membership__user__email=address, membership__organization=organization
        ).newsletter
        is False
    )
