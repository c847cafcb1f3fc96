"""The pages showing an e-mail relax the Content-Security-Policy for its inline styles only."""

from __future__ import annotations

from django.urls import reverse

from ambassade.newsletter.services import issue_start
from ambassade.newsletter.tests.conftest import Newsletter
from tests.test_csp import policy


def test_the_preview_may_be_framed_by_our_pages_and_keeps_its_styles(nl: Newsletter) -> None:
    client = nl.world.client_for(nl.world.manager)
    preview = client.get(reverse("newsletter:issue_preview", args=[nl.issue.pk]))
    assert preview.status_code == 200
    directives = policy(preview)
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["script-src"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]

    # The page framing it keeps the strict policy.
    page = client.get(reverse("newsletter:issue_detail", args=[nl.issue.pk]))
    assert policy(page)["style-src"] == ["'self'"]
    assert policy(page)["frame-ancestors"] == ["'none'"]


def test_the_archive_page_allows_the_e_mails_inline_styles_but_no_script(nl: Newsletter) -> None:
    issue_start(issue=nl.issue, now=nl.now, sent_by_id=None)
    page = nl.world.client_for(nl.world.ambassador).get(
        reverse("newsletter:issue_archive", args=[nl.issue.pk])
    )
    assert page.status_code == 200
    directives = policy(page)
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
