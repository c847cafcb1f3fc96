"""End to end, in a real Chromium: log in, open the feed, share on X, follow the link.

Nothing leaves the machine: every request to x.com is answered by the test itself.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from ambassade.lib.own_words import own_words_ratio
from ambassade.sharing.models import Share
from ambassade.tracking.models import Click, TrackedLink
from ambassade.tracking.services import with_click_id

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "un mot de passe solide pour Amine"
COMMENTARY = "Chez nous, l'IA change déjà nos revues de code. Votre avis ?"
CHROME_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium')"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI requires the browser tests.")
    pytest.skip(f"{message}: browser test skipped.")


def _launch(p: Playwright) -> Browser:
    return p.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )


def _log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + reverse("accounts:login"))
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/login/'] button[type=submit]").click()
    page.wait_for_url(base_url + reverse("sharing:feed"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_share_on_x_then_follow_the_tracked_link(world, live_server, settings) -> None:
    _require_chromium()
    settings.AMBASSADE_BASE_URL = live_server.url
    user = world.ambassador.user
    user.set_password(PASSWORD)
    user.save()
    item = world.item
    ARTIFACTS.mkdir(exist_ok=True)

    # The ORM stays outside the Playwright block: its event loop makes Django refuse sync queries.
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            context = browser.new_context(user_agent=CHROME_UA)
            context.route(
                "https://x.com/**", lambda route: route.fulfill(status=200, body="intent")
            )
            page = context.new_page()

            _log_in(page, live_server.url, user.email)

            card = page.locator(f"article[data-item='{item.pk}']")
            assert item.title in card.inner_text()
            card.locator("a.button").click()
            page.wait_for_url(live_server.url + reverse("sharing:share", args=[item.pk]))

            page.check("input[name=network][value=x]")
            # Too long for X: refused on the page, nothing opens, the text stays.
            page.fill("textarea[name=commentary]", "Trop long. " * 30)
            assert "over" in (page.locator("[data-counter-box]").get_attribute("class") or "")
            page.click("[data-share-button]")
            assert page.locator("[data-share-errors] p").count() == 1
            assert len(context.pages) == 1
            assert page.locator("textarea[name=commentary]").input_value() == "Trop long. " * 30

            page.fill("textarea[name=commentary]", COMMENTARY)
            assert page.locator("[data-counter-box]").get_attribute("class") in ("", None)
            assert page.locator("[data-counter]").inner_text() == str(len(COMMENTARY))
            assert page.locator("[data-budget-slot]").inner_text() == "256"
            own_words_shown = page.locator("[data-own-words]").inner_text()
            assert COMMENTARY in page.locator("[data-preview-text]").inner_text()
            page.screenshot(path=str(ARTIFACTS / "share.png"), full_page=True)

            with context.expect_page() as popup_info:
                page.click("[data-share-button]")
            popup = popup_info.value
            popup.wait_for_url("https://x.com/intent/tweet?**")
            intent_url = popup.url

            page.locator("#share-result").wait_for(state="visible")
            tracked_shown = page.locator("#share-result [data-tracked-link]").inner_text()
        finally:
            browser.close()

    assert intent_url.startswith("https://x.com/intent/tweet")
    query = parse_qs(urlsplit(intent_url).query)
    assert query["text"] == [COMMENTARY]
    (tracked_url,) = query["url"]
    assert re.fullmatch(re.escape(live_server.url) + r"/r/[0-9A-Za-z]+", tracked_url)
    assert tracked_shown == tracked_url

    code = tracked_url.rsplit("/", 1)[1]
    link = TrackedLink.objects.select_related("share").get(code=code)
    share = Share.objects.get(pk=link.share_id)
    assert Share.objects.count() == 1
    assert (share.item_id, share.network, share.commentary) == (item.pk, "x", COMMENTARY)
    # The page's live gauge and the recorded figure agree.
    suggestions = [m.text for m in item.suggested_messages.all()] + [item.title, item.summary]
    assert share.own_words_ratio == own_words_ratio(COMMENTARY, suggestions)
    assert own_words_shown == f"{round(share.own_words_ratio * 100)} %"
    assert not Click.objects.filter(link=link, is_bot=False).exists()

    # A reader's browser follows the link.
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(tracked_url, headers={"User-Agent": CHROME_UA})
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=10)
    assert answer.value.code == 302
    location = answer.value.headers["Location"]

    click = Click.objects.get(link=link)
    assert click.is_bot is False
    assert click.user_agent_family == "Chrome"
    assert location == with_click_id(link.destination, click.click_id)
    target = urlsplit(location)
    expected_item = urlsplit(item.url)
    assert (target.scheme, target.netloc, target.path, target.fragment) == (
        expected_item.scheme,
        expected_item.netloc,
        expected_item.path,
        expected_item.fragment,
    )
    assert parse_qs(target.query) == {
        **parse_qs(expected_item.query),
        "utm_source": ["x"],
        "utm_medium": ["employee_advocacy"],
        "utm_campaign": [world.program.slug],
        "utm_content": [str(share.pk)],
        "amb_cid": [click.click_id],
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_share_on_linkedin_copies_the_text_then_opens_linkedin(
    world, live_server, settings
) -> None:
    _require_chromium()
    settings.AMBASSADE_BASE_URL = live_server.url
    user = world.ambassador.user
    user.set_password(PASSWORD)
    user.save()
    share_path = reverse("sharing:share", args=[world.item.pk])

    with sync_playwright() as p:
        browser = _launch(p)
        try:
            context = browser.new_context(user_agent=CHROME_UA)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
            context.route(
                "https://www.linkedin.com/**", lambda route: route.fulfill(status=200, body="li")
            )
            page = context.new_page()
            _log_in(page, live_server.url, user.email)
            page.goto(live_server.url + share_path)
            page.check("input[name=network][value=linkedin]")
            assert page.locator("[data-copy-help]").is_visible()
            # Start from the suggestion, then make it one's own.
            page.click("button.suggestion")
            suggestion = page.locator("textarea[name=commentary]").input_value()
            assert suggestion == "Une analyse claire des tendances de l'IA en 2026."
            assert page.locator("[data-own-words]").inner_text() == "0 %"
            page.fill(
                "textarea[name=commentary]", "Mon équipe en parle tous les jours. " + suggestion
            )

            with context.expect_page() as popup_info:
                page.click("[data-share-button]")
            popup = popup_info.value
            popup.wait_for_url("https://www.linkedin.com/sharing/share-offsite/?**")
            intent_url = popup.url
            assert page.locator("#share-result [data-copied]").is_visible()
            clipboard = page.evaluate("navigator.clipboard.readText()")
            tracked_url = page.locator("#share-result [data-tracked-link]").inner_text()
            open_label = page.locator("#share-result [data-open-link]").inner_text()
        finally:
            browser.close()

    assert parse_qs(urlsplit(intent_url).query) == {"url": [tracked_url]}
    assert tracked_url.startswith(live_server.url + "/r/")
    assert clipboard.startswith("Mon équipe en parle tous les jours. Une analyse claire")
    assert clipboard.endswith(tracked_url)
    assert "LinkedIn" in open_label
    share = Share.objects.get()
    assert share.network == "linkedin"
    assert 0 < share.own_words_ratio < 1
