"""The onboarding walk in a real Chromium, in French: checklist, consent, a quiz failed
then passed, the charter, the next breakfast in Casablanca time and its .ics, and only
then a share. Nothing leaves the machine: x.com is answered by the test itself."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, sync_playwright

from ambassade.community.models import Rsvp, RsvpStatus
from ambassade.community.tests.helpers import CASABLANCA, breakfast
from ambassade.programs.models import EnrolmentStatus
from ambassade.sharing.models import Share
from ambassade.training.models import CharterAcknowledgement, Module, QuestionKind
from ambassade.training.services import charter_version_publish
from tests.factories import EnrolmentFactory, MembershipFactory, SocialAccountFactory, UserFactory
from tests.test_e2e_share import (
    ARTIFACTS,
    CHROME_UA,
    PASSWORD,
    _launch,
    _log_in,
    _require_chromium,
)

COMMENTARY = "Bien écrire avec ses propres mots : la formation de ce matin m'a servi."


def _answer(
    page: Page,
    right: dict[int, list[int]],
    wrong: dict[int, list[int]],
    *,
    ok: bool,
) -> None:
    for question_id, choices in (right if ok else wrong).items():
        for choice_id in choices:
            page.check(f"input[name=q{question_id}][value='{choice_id}']")


def _done(page: Page, step: str) -> bool:
    return page.locator(f"[data-step={step}]").get_attribute("data-done") == "1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_ambassador_walks_the_onboarding_then_shares(world, live_server, settings) -> None:
    _require_chromium()
    settings.AMBASSADE_BASE_URL = live_server.url
    now = timezone.now()
    call_command("load_starter_modules", "--org", world.org.slug, stdout=StringIO())
    charter_version_publish(
        actor=world.manager,
        program=world.program,
        text="Partagez avec **vos mots**, jamais d'informations confidentielles.",
        note="",
        now=now,
    )
    start = (
        (now + dt.timedelta(days=9))
        .astimezone(CASABLANCA)
        .replace(hour=8, minute=30, second=0, microsecond=0)
    )
    event = breakfast(
        world.org, starts_at=start, time_zone="Africa/Casablanca", title="Petit-déjeuner Casablanca"
    )
    user = UserFactory.create(full_name="Nadia Nouvelle", email="nadia@acme.example")
    user.set_password(PASSWORD)
    user.save()
    newcomer = MembershipFactory.create(user=user, organization=world.org, is_ambassador=True)
    EnrolmentFactory.create(
        program=world.program, membership=newcomer, status=EnrolmentStatus.INVITED, joined_at=None
    )
    SocialAccountFactory.create(user=user, network="x", handle="@nadia")
    module = Module.objects.get(organization=world.org, key="own-words", language="fr")
    right: dict[int, list[int]] = {}
    wrong: dict[int, list[int]] = {}
    for question in module.questions.prefetch_related("choices"):
        good = [c.pk for c in question.choices.all() if c.is_correct]
        bad = [c.pk for c in question.choices.all() if not c.is_correct]
        right[question.pk] = good[:1] if question.kind == QuestionKind.SINGLE else good
        wrong[question.pk] = bad[:1]
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url

    with sync_playwright() as p:
        browser = _launch(p)
        try:
            context = browser.new_context(user_agent=CHROME_UA, accept_downloads=True)
            context.route("https://x.com/**", lambda route: route.fulfill(status=200, body="x"))
            page = context.new_page()
            _log_in(page, base, user.email)

            # The feed shows the onboarding widget; it leads to the checklist.
            page.locator("[data-onboarding-widget] a").first.click()
            page.wait_for_url(base + reverse("training:onboarding"))
            assert page.locator("html").get_attribute("lang") == "fr"
            assert not _done(page, "consent")

            # Consent: the first step's link, the box, the button.
            page.locator("[data-step=consent] a").click()
            page.wait_for_url(base + reverse("programs:my_programs"))
            page.check(f"input[name='{world.program.slug}-accept']")
            page.locator(f"form[action$='/{world.program.slug}/join'] button[type=submit]").click()
            page.goto(base + reverse("training:onboarding"))
            assert _done(page, "consent")

            # A module in French: fail the quiz, then pass it.
            page.goto(base + reverse("training:module_detail", args=[module.pk]))
            assert "Écrire avec ses propres mots" in page.locator("h1").inner_text()
            _answer(page, right, wrong, ok=False)
            page.locator(".quiz button[type=submit]").click()
            assert page.locator("[data-quiz-result]").get_attribute("data-quiz-result") == "failed"
            _answer(page, right, wrong, ok=True)
            page.locator(".quiz button[type=submit]").click()
            assert page.locator("[data-quiz-result]").get_attribute("data-quiz-result") == "passed"

            # Sharing is refused until the charter is acknowledged: the banner says so.
            page.goto(base + reverse("sharing:share", args=[world.item.pk]))
            banner = page.locator("[data-charter-banner]")
            assert banner.is_visible()
            page.check("input[name=network][value=x]")
            page.fill("textarea[name=commentary]", COMMENTARY)
            page.click("[data-share-button]")
            page.locator("[data-share-errors] p").first.wait_for()
            assert "charte" in page.locator("[data-share-errors]").inner_text().lower() or (
                "charter" in page.locator("[data-share-errors]").inner_text().lower()
            )
            assert len(context.pages) == 1

            # The charter, from the banner's link.
            banner.locator("a").click()
            page.wait_for_url(base + reverse("training:charter"))
            assert "vos mots" in page.locator(".charter-text").inner_text()
            page.click("[data-acknowledge]")
            page.locator("[data-acknowledged]").wait_for()

            # The next breakfast, in Casablanca time; sign up; add it to the calendar.
            page.goto(base + reverse("community:event_list"))
            page.locator(f"[data-event='{event.pk}'] h3 a").click()
            assert "Africa/Casablanca" in page.locator("[data-event-time]").inner_text()
            assert "08:30" in page.locator("[data-event-time]").inner_text()
            page.click("[data-rsvp]")
            assert page.locator("[data-rsvp-state]").get_attribute("data-rsvp-state") == "going"
            with page.expect_download() as download_info:
                page.click("[data-ics]")
            ics = download_info.value.path().read_bytes()
            page.screenshot(path=str(ARTIFACTS / "onboarding-event.png"), full_page=True)

            # Only now the share goes through, and the checklist is complete.
            page.goto(base + reverse("sharing:share", args=[world.item.pk]))
            assert page.locator("[data-charter-banner]").count() == 0
            page.check("input[name=network][value=x]")
            page.fill("textarea[name=commentary]", COMMENTARY)
            with context.expect_page() as popup_info:
                page.click("[data-share-button]")
            popup_info.value.wait_for_url("https://x.com/intent/tweet?**")
            page.goto(base + reverse("training:onboarding"))
            steps = {
                step: _done(page, step)
                for step in ("consent", "charter", "module", "networks", "share")
            }
            page.screenshot(path=str(ARTIFACTS / "onboarding-done.png"), full_page=True)
        finally:
            browser.close()

    assert all(steps.values()), steps
    vevent = next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))
    assert vevent.decoded("DTSTART") == start
    assert Rsvp.objects.get(event=event, membership=newcomer).status == RsvpStatus.GOING
    assert CharterAcknowledgement.objects.filter(membership=newcomer).count() == 1
    share = Share.objects.get(membership=newcomer)
    assert share.commentary.startswith(COMMENTARY)
