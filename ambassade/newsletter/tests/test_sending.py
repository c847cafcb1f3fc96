"""Sending over a real SMTP server on 127.0.0.1: content, idempotency, retries, failures."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from ambassade.newsletter.models import Delivery, DeliveryStatus, IssueStatus, Preference
from ambassade.newsletter.sending import deliveries_sweep_stale, issue_deliver
from ambassade.newsletter.services import issue_start
from ambassade.newsletter.tests.conftest import Newsletter
from ambassade.newsletter.tests.helpers import figure
from ambassade.newsletter.tests.smtp import (
    Recorder,
    free_port,
    html_part,
    smtp_server,
    text_part,
)


def _start(nl: Newsletter) -> int:
    return issue_start(issue=nl.issue, now=nl.now, sent_by_id=nl.world.manager.user_id)


def test_each_ambassador_receives_their_own_newsletter(nl: Newsletter) -> None:
    with smtp_server() as server:
        assert _start(nl) == 3
        report = issue_deliver(issue_id=nl.issue.pk, now=nl.now)

    assert (report.sent, report.failed, report.retrying) == (3, 0, 0)
    assert len(server.messages) == 3
    amine = server.to("amine@acme.example")[0]
    bea = server.to("bea@acme.example")[0]
    assert amine.get_content_type() == "multipart/alternative"
    html = html_part(amine)
    # Styles are inlined into the elements; the media queries stay for phones.
    assert 'class="section" style="' in html
    assert "@media only screen" in html
    assert "Talents Acme" in amine["Subject"]
    # Each one's own figures: 7 human clicks (bots left out) for Amine, 2 shares and 3 clicks for Béa.
    assert figure(html, "human_clicks") == "7"
    assert figure(html, "shares") == "1"
    assert figure(html_part(bea), "shares") == "2"
    assert figure(html_part(bea), "human_clicks") == "3"
    assert "Hello Amine," in html
    assert "Hello Béa," in html_part(bea)
    assert "Hello Amine," in text_part(amine)
    # One-click unsubscribing (RFC 8058), by HTTPS and by e-mail.
    assert amine["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = amine["List-Unsubscribe"]
    assert "<http://testserver/newsletter/unsubscribe/" in unsubscribe
    assert "mailto:" in unsubscribe
    assert amine["List-Unsubscribe"] != bea["List-Unsubscribe"]
    # Tracked links go through the newsletter's click counter to the share page.
    assert "http://testserver/newsletter/c/" in html
    nl.issue.refresh_from_db()
    assert nl.issue.status == IssueStatus.SENT
    assert Delivery.objects.filter(issue=nl.issue, status=DeliveryStatus.SENT).count() == 3


def test_sending_again_sends_nothing(nl: Newsletter) -> None:
    with smtp_server() as server:
        _start(nl)
        issue_deliver(issue_id=nl.issue.pk, now=nl.now)
        again = issue_deliver(issue_id=nl.issue.pk, now=nl.now + timedelta(hours=1))
        with pytest.raises(ValidationError):
            _start(nl)
    assert again.sent == 0
    assert len(server.messages) == 3


def test_temporary_refusals_are_retried_and_the_others_not_resent(nl: Newsletter) -> None:
    recorder = Recorder(refuse={"bea@acme.example": "451 4.7.1 Greylisted, try again later"})
    with smtp_server(recorder) as server:
        _start(nl)
        first = issue_deliver(issue_id=nl.issue.pk, now=nl.now)
        assert (first.sent, first.retrying) == (2, 1)
        bea = Delivery.objects.get(issue=nl.issue, membership=nl.bea)
        assert bea.status == DeliveryStatus.QUEUED
        assert bea.attempts == 1
        assert "451" in bea.error
        assert bea.next_attempt_at is not None
        assert bea.next_attempt_at > nl.now
        # Not due yet: nothing happens.
        assert issue_deliver(issue_id=nl.issue.pk, now=nl.now).sent == 0
        later = issue_deliver(issue_id=nl.issue.pk, now=nl.now + timedelta(minutes=5))
    assert later.sent == 1
    assert len(server.to("bea@acme.example")) == 1
    assert len(server.to("amine@acme.example")) == 1
    assert len(server.messages) == 3
    nl.issue.refresh_from_db()
    assert nl.issue.status == IssueStatus.SENT


def test_permanent_refusals_are_recorded_and_not_retried(nl: Newsletter) -> None:
    recorder = Recorder(refuse={"bea@acme.example": "550 5.1.1 No such mailbox"})
    with smtp_server(recorder) as server:
        _start(nl)
        report = issue_deliver(issue_id=nl.issue.pk, now=nl.now)
        later = issue_deliver(issue_id=nl.issue.pk, now=nl.now + timedelta(days=1))
    assert (report.sent, report.failed) == (2, 1)
    assert later.sent == later.failed == 0
    bea = Delivery.objects.get(issue=nl.issue, membership=nl.bea)
    assert bea.status == DeliveryStatus.FAILED
    assert "550" in bea.error
    assert recorder.rcpt_seen.count("bea@acme.example") == 1
    assert server.to("bea@acme.example") == []
    nl.issue.refresh_from_db()
    assert nl.issue.status == IssueStatus.SENT


def test_a_dropped_connection_is_retried_without_resending_the_others(nl: Newsletter) -> None:
    recorder = Recorder(drop_on={"bea@acme.example"})
    with smtp_server(recorder) as server:
        _start(nl)
        first = issue_deliver(issue_id=nl.issue.pk, now=nl.now)
        # The others of the batch still left, on a new connection.
        assert (first.sent, first.retrying) == (2, 1)
        assert recorder.connections >= 2
        second = issue_deliver(issue_id=nl.issue.pk, now=nl.now + timedelta(minutes=5))
    assert second.sent == 1
    for address in ("amine@acme.example", "bea@acme.example", "chris@acme.example"):
        assert len(server.to(address)) == 1, address


def test_an_unreachable_server_loses_nobody(nl: Newsletter) -> None:
    _start(nl)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),  # nothing listens there
        EMAIL_TIMEOUT=2,
    ):
        report = issue_deliver(issue_id=nl.issue.pk, now=nl.now)
    assert report.sent == 0
    assert report.stopped
    assert Delivery.objects.filter(issue=nl.issue, status=DeliveryStatus.QUEUED).count() == 3
    with smtp_server() as server:
        issue_deliver(issue_id=nl.issue.pk, now=nl.now + timedelta(minutes=1))
    assert len(server.messages) == 3


def test_a_crash_between_claim_and_confirmation_never_sends_twice(nl: Newsletter) -> None:
    _start(nl)
    # A worker claimed Amine's delivery and died before recording the answer.
    Delivery.objects.filter(issue=nl.issue, membership=nl.world.ambassador).update(
        status=DeliveryStatus.SENDING, claimed_at=nl.now - timedelta(hours=1), attempts=1
    )
    with smtp_server() as server:
        report = issue_deliver(issue_id=nl.issue.pk, now=nl.now)
    assert report.sent == 2
    assert server.to("amine@acme.example") == []
    assert deliveries_sweep_stale(now=nl.now) == 1
    amine = Delivery.objects.get(issue=nl.issue, membership=nl.world.ambassador)
    assert amine.status == DeliveryStatus.FAILED
    assert "Interrupted" in amine.error


def test_unsubscribed_people_are_left_out(nl: Newsletter) -> None:
    Preference.objects.create(
        organization=nl.world.org, membership=nl.chris, newsletter=False, updated_at=nl.now
    )
    with smtp_server() as server:
        assert _start(nl) == 2
        issue_deliver(issue_id=nl.issue.pk, now=nl.now)
    assert server.to("chris@acme.example") == []
    assert len(server.messages) == 2


def test_one_organization_never_sees_another_ones_figures(nl: Newsletter) -> None:
    world = nl.world
    with smtp_server() as server:
        _start(nl)
        issue_start(issue=nl.other_issue, now=nl.now, sent_by_id=None)
        issue_deliver(issue_id=nl.issue.pk, now=nl.now)
        issue_deliver(issue_id=nl.other_issue.pk, now=nl.now)
    sam = server.to("sam@globex.example")
    assert len(sam) == 1
    sam_html = html_part(sam[0])
    assert figure(sam_html, "human_clicks") == "50"
    assert "Globex Pilot" in sam_html
    assert world.item.title not in sam_html
    for address in ("amine@acme.example", "bea@acme.example", "chris@acme.example"):
        html = html_part(server.to(address)[0])
        assert "Globex" not in html
        assert "Sam" not in html
        assert world.other_item.title not in html
        assert figure(html, "human_clicks") != "50"


def test_two_senders_at_once_share_the_queue_and_nobody_gets_two(
    nl: Newsletter, transactional_db: None, settings
) -> None:
    """Two workers send the same issue at the same time, in batches of one."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "Needs concurrent connections: the in-memory SQLite test database locks whole "
            "tables between threads. Runs in the PostgreSQL pass (`make test`); bench/newsletter.py "
            "runs two senders in two processes on a SQLite file."
        )
    settings.AMBASSADE_NEWSLETTER_BATCH = 1
    _start(nl)
    reports = []

    def send() -> None:
        try:
            reports.append(issue_deliver(issue_id=nl.issue.pk, now=nl.now, senders=2))
        finally:
            connection.close()

    with smtp_server() as server:
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sum(report.sent for report in reports) == 3
    for address in ("amine@acme.example", "bea@acme.example", "chris@acme.example"):
        assert len(server.to(address)) == 1, address
