"""In a real Chromium, the main pages raise no Content-Security-Policy violation and
their JavaScript still works under the policy.

Every page is visited with a listener for ``securitypolicyviolation`` events and the
browser's console, which reports refused inline code and malformed policy headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright

from ambassade.training.tests.helpers import quiz_module
from conftest import PASSWORD, World
from tests.factories import UserFactory
from tests.test_e2e_share import CHROME_UA, _launch, _require_chromium

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
# What Chromium writes on the console about a refused resource or a bad policy header.
CONSOLE_PROBLEMS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@dataclass
class Watch:
    """A browser context whose pages report their violations."""

    context: BrowserContext
    console: list[str] = field(default_factory=list)

    def page(self) -> Page:
        page = self.context.new_page()
        page.on("console", self._console)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if any(marker in message.text for marker in CONSOLE_PROBLEMS):
            self.console.append(message.text)

    def assert_clean(self, page: Page, where: str) -> None:
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__violations || []")
        assert violations == [], f"{where}: {violations}"
        assert self.console == [], f"{where}: {self.console}"


def _watch(context: BrowserContext) -> Watch:
    context.add_init_script(LISTEN)
    return Watch(context)


def _log_in(page: Page, base_url: str, email: str, path: str | None = None) -> None:
    page.goto(base_url + (path or reverse("accounts:login")))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state("load")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_raise_no_csp_violation(world: World, live_server, settings) -> None:
    _require_chromium()
    settings.AMBASSADE_BASE_URL = live_server.url
    base = live_server.url
    module = quiz_module(world.org, language="fr")
    root = UserFactory.create(email="root@acme.example", is_staff=True, is_superuser=True)
    item = world.item
    pages_for_manager = [
        ("program dashboard", reverse("analytics:program_dashboard", args=[world.program.slug])),
        ("program page", reverse("programs:program_detail", args=[world.program.slug])),
    ]

    with sync_playwright() as p:
        browser = _launch(p)
        try:
            # The ambassador: feed, share page (its live counter), training module.
            ambassador = _watch(browser.new_context(user_agent=CHROME_UA))
            page = ambassador.page()
            _log_in(page, base, world.ambassador.user.email)
            ambassador.assert_clean(page, "login")
            page.wait_for_url(base + reverse("sharing:feed"))
            assert page.locator(f"article[data-item='{item.pk}']").count() == 1
            ambassador.assert_clean(page, "feed")

            page.goto(base + reverse("sharing:share", args=[item.pk]))
            page.check("input[name=network][value=x]")
            page.fill("textarea[name=commentary]", "Mon avis, en quelques mots.")
            assert page.locator("[data-counter]").inner_text() == "27"
            assert page.locator("[data-own-words]").inner_text().endswith("%")
            ambassador.assert_clean(page, "share page")

            page.goto(base + reverse("training:module_detail", args=[module.pk]))
            assert page.locator("fieldset.question").count() == 2
            ambassador.assert_clean(page, "training module")

            # The manager: dashboard with its SVG charts, drawn with their styles.
            manager = _watch(browser.new_context(user_agent=CHROME_UA))
            page = manager.page()
            _log_in(page, base, world.manager.user.email)
            for name, path in pages_for_manager:
                page.goto(base + path)
                manager.assert_clean(page, name)
            page.goto(base + pages_for_manager[0][1])
            chart_font = page.evaluate(
                "getComputedStyle(document.querySelector('svg.pygal-chart text')).fontFamily"
            )
            assert "system-ui" in chart_font  # pygal's <style> applied: its nonce matched

            # The organization admin: the API docs (Swagger UI) load the schema and draw it.
            admin = _watch(browser.new_context(user_agent=CHROME_UA))
            page = admin.page()
            _log_in(page, base, world.admin.user.email)
            page.goto(base + reverse("api:openapi-view"))
            page.locator(".swagger-ui .opblock").first.wait_for(timeout=15_000)
            admin.assert_clean(page, "API docs")

            # The site's administrator: the Django admin, its login included.
            staff = _watch(browser.new_context(user_agent=CHROME_UA))
            page = staff.page()
            _log_in(page, base, root.email, path=reverse("admin:login"))
            page.wait_for_url(base + reverse("admin:index"))
            staff.assert_clean(page, "admin index")
            page.goto(base + reverse("admin:accounts_user_change", args=[world.curator.user.pk]))
            assert page.locator("#user_form").count() == 1
            staff.assert_clean(page, "admin change form")
        finally:
            browser.close()
