"""End to end, in a real Chromium: the disclosure in the live counter, and a share
refused because a colleague just shared the same item offers the suggested time."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from ambassade.accounts.models import Network
from ambassade.sharing.models import ScheduledShare, Share
from ambassade.sharing.services import share_create
from tests.factories import EnrolmentFactory, MembershipFactory, SocialAccountFactory
from tests.test_e2e_share import CHROME_UA, PASSWORD, _launch, _log_in, _require_chromium

DISCLOSURE = "#jetravaillechezAcme"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_disclosure_is_counted_and_a_burst_offers_a_time(world, live_server, settings) -> None:
    _require_chromium()
    settings.AMBASSADE_BASE_URL = live_server.url
    world.org.disclosure_text = DISCLOSURE
    world.org.burst_gap_minutes = 30
    world.org.save()
    user = world.ambassador.user
    user.set_password(PASSWORD)
    user.save()
    colleague = MembershipFactory.create(organization=world.org, is_ambassador=True)
    EnrolmentFactory.create(program=world.program, membership=colleague)
    SocialAccountFactory.create(user=colleague.user, network=Network.X)
    share_create(
        actor=colleague, item=world.item, network="x", commentary="Mon avis.", now=timezone.now()
    )
    share_url = live_server.url + reverse("sharing:share", args=[world.item.pk])

    with sync_playwright() as p:
        browser = _launch(p)
        try:
            context = browser.new_context(user_agent=CHROME_UA)
            context.route("https://x.com/**", lambda route: route.fulfill(status=200, body="x"))
            page = context.new_page()
            _log_in(page, live_server.url, user.email)
            page.goto(share_url)
            assert DISCLOSURE in page.locator("[data-share-rules]").inner_text()
            page.check("input[name=network][value=x]")
            page.fill("textarea[name=commentary]", "x" * 240)
            # 240 + two line breaks + 20 characters of disclosure: over X's 256.
            assert page.locator("[data-counter]").inner_text() == "262"
            assert "over" in (page.locator("[data-counter-box]").get_attribute("class") or "")
            assert page.locator("[data-preview-disclosure]").is_visible()
            page.fill("textarea[name=commentary]", f"Mon regard {DISCLOSURE.upper()}")
            assert page.locator("[data-counter]").inner_text() == str(len("Mon regard ") + 20)
            assert not page.locator("[data-preview-disclosure]").is_visible()

            page.fill("textarea[name=commentary]", "Un avis bien à moi sur ce sujet.")
            page.click("[data-share-button]")
            page.locator("[data-share-errors] p").wait_for()
            # The page speaks French, the ambassador's language.
            assert "partagez-le après" in page.locator("[data-share-errors]").inner_text()
            assert page.locator("[data-schedule]").get_attribute("open") is not None
            suggested = page.locator("input[name=run_at]").input_value()
            assert suggested
            page.click("[data-schedule-button]")
            page.wait_for_url(live_server.url + reverse("sharing:scheduled_list"))
        finally:
            browser.close()

    planned = ScheduledShare.objects.get()
    assert planned.commentary == "Un avis bien à moi sur ce sujet."
    assert timezone.localtime(planned.run_at).strftime("%Y-%m-%dT%H:%M") == suggested
    assert Share.objects.filter(membership=world.ambassador).count() == 0
