"""The lean WSGI redirector answers like the Django view, and records the same clicks."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ambassade.programs.models import Enrolment
from ambassade.programs.services import enrolment_leave
from ambassade.tracking.models import Click, DailySalt, TrackedLink
from ambassade.tracking.tests.redirector import CHROME, IP, Fast, fast, tracked

__all__ = ["fast", "tracked"]  # fixtures

LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)


def via_django(path: str, *, method: str = "get", ua: str = CHROME, **extra: str):
    client = Client(HTTP_USER_AGENT=ua, REMOTE_ADDR=IP)
    return getattr(client, method)(path, **extra)


def test_a_human_click_redirects_with_its_click_id_and_is_recorded(fast: Fast, tracked) -> None:
    answer = fast.call(f"/r/{tracked.code}", HTTP_REFERER="https://www.linkedin.com/feed/")

    assert answer.status == 302
    location = answer.location or ""
    click_id = parse_qs(urlsplit(location).query)["amb_cid"][0]
    assert location == (
        "https://acme.example/offres/42?source=site&utm_source=linkedin"
        f"&utm_medium=employee_advocacy&utm_campaign=talents-acme&utm_content={tracked.share_id}"
        f"&amb_cid={click_id}#postuler"
    )
    assert answer.headers["Cache-Control"] == "no-store"
    assert not Click.objects.exists()  # on the spool until the flush
    assert fast.flush() == 1
    click = Click.objects.get()
    assert click.click_id == click_id
    assert (click.link, click.organization) == (tracked, tracked.organization)
    assert click.referrer_host == "www.linkedin.com"
    assert click.user_agent_family == "Chrome"
    assert (click.is_bot, click.bot_reason, click.trigger) == (False, "", "link")
    assert len(click.visitor_hash) == 32
    assert abs(click.clicked_at - timezone.now()) < dt.timedelta(minutes=1)


def test_the_fast_path_and_the_django_view_record_the_same_click(fast: Fast, tracked) -> None:
    path = f"/r/{tracked.code}?via=qr"
    fast_answer = fast.call(path, HTTP_REFERER="https://lnkd.in/abc")
    django_answer = via_django(path, HTTP_REFERER="https://lnkd.in/abc")
    fast.flush()

    assert fast_answer.status == django_answer.status_code == 302
    one, two = Click.objects.order_by("id")
    for answer_location, click in ((fast_answer.location, one), (django_answer["Location"], two)):
        assert answer_location == tracked.destination.replace(
            "#postuler", f"&amb_cid={click.click_id}#postuler"
        )
    fields = ("link_id", "referrer_host", "user_agent_family", "is_bot", "trigger", "visitor_hash")
    assert [getattr(one, f) for f in fields] == [getattr(two, f) for f in fields]
    assert one.trigger == "qr"


@pytest.mark.parametrize(
    ("user_agent", "extra", "reason"),
    [
        (LINKEDIN_BOT, {}, "linkedin"),
        ("", {}, "empty"),
        ("curl/8.5.0", {}, "scripted"),
        (CHROME, {"HTTP_SEC_PURPOSE": "prefetch"}, "prefetch"),
        (CHROME, {"HTTP_PURPOSE": "prefetch"}, "prefetch"),
    ],
)
def test_bots_are_redirected_and_recorded_as_bots_with_the_reason(
    fast: Fast, tracked, user_agent, extra, reason
) -> None:
    answer = fast.call(f"/r/{tracked.code}", HTTP_USER_AGENT=user_agent, **extra)
    fast.flush()
    assert answer.status == 302
    click = Click.objects.get()
    assert click.is_bot is True
    assert reason in click.bot_reason.lower()


def test_head_is_answered_but_not_counted(fast: Fast, tracked) -> None:
    answer = fast.call(f"/r/{tracked.code}", REQUEST_METHOD="HEAD")
    fast.flush()
    assert answer.status == 302
    assert answer.location == tracked.destination
    assert not Click.objects.exists()


@pytest.mark.parametrize("path", ["/r/doesnotexist", "/r/x", "/r/" + "a" * 16])
def test_unknown_codes_get_the_404_page_of_the_django_view(fast: Fast, db, path) -> None:
    answer = fast.call(path)
    assert answer.status == 404
    assert "Location" not in answer.headers
    page = answer.body.decode()
    assert "<html" in page
    # Django renders it (with its own CSRF token for the language switch).
    assert "<h1>Lien inconnu</h1>" in page or "<h1>Unknown link</h1>" in page
    assert (
        page.split("<main")[1].split("</main>")[0]
        == (via_django(path).content.decode().split("<main")[1].split("</main>")[0])
    )
    assert not Click.objects.exists()


def test_a_disabled_link_is_unknown(fast: Fast, tracked) -> None:
    TrackedLink.objects.filter(pk=tracked.pk).update(is_active=False)
    answer = fast.call(f"/r/{tracked.code}")
    fast.flush()
    assert answer.status == 404
    assert "Location" not in answer.headers
    assert not Click.objects.exists()


def test_a_link_whose_attribution_stopped_sends_to_the_plain_page_unrecorded(
    fast: Fast, tracked
) -> None:
    TrackedLink.objects.filter(pk=tracked.pk).update(is_attributed=False)
    answer = fast.call(f"/r/{tracked.code}")
    fast.flush()
    assert answer.status == 302
    assert answer.location == "https://acme.example/offres/42?source=site#postuler"
    assert not Click.objects.exists()


def test_other_methods_go_to_django(fast: Fast, tracked) -> None:
    answer = fast.call(f"/r/{tracked.code}", REQUEST_METHOD="POST")
    assert answer.status == 405
    assert not Click.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/r/{code}?url=https://evil.example",
        "/r/{code}?next=//evil.example&to=https%3A%2F%2Fevil.example",
        "/r/{code}/https://evil.example",
        "/r/{code}//evil.example",
        "/r//evil.example",
        "/r/{code}/..//evil.example",
        "//evil.example",
        "/r/https:/evil.example",
        "/r/{code}%2F%2Fevil.example",
        "/r/%2F%2Fevil.example",
        "/r/{code}\r\nLocation: https://evil.example",
    ],
)
def test_the_redirector_never_sends_anywhere_but_the_stored_destination(
    fast: Fast, tracked, path
) -> None:
    # WSGI servers hand over PATH_INFO percent-decoded: decode like they do.
    path = path.format(code=tracked.code).replace("%2F", "/")
    answer = fast.call(path)
    if answer.status == 302:
        assert (answer.location or "").startswith(tracked.destination.split("#")[0])
    else:
        assert answer.status == 404
        assert "Location" not in answer.headers
    assert "evil" not in (answer.location or "")


def test_disabling_a_link_reaches_the_cache_at_the_next_check(
    fast: Fast, tracked, django_capture_on_commit_callbacks
) -> None:
    fast.redirector.warm()
    assert fast.call(f"/r/{tracked.code}").status == 302
    with django_capture_on_commit_callbacks(execute=True):
        tracked.is_active = False
        tracked.save()
    # Until the background thread checks (every AMBASSADE_LINK_CACHE_SECONDS), memory answers.
    assert fast.call(f"/r/{tracked.code}").status == 302
    assert fast.redirector.links.refresh() is True
    assert fast.call(f"/r/{tracked.code}").status == 404


def test_leaving_the_program_stops_attribution_in_the_cache(
    fast: Fast, tracked, world, django_capture_on_commit_callbacks
) -> None:
    fast.redirector.warm()
    assert fast.call(f"/r/{tracked.code}").status == 302
    enrolment = Enrolment.objects.get(membership=world.ambassador, program=world.program)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_leave(actor=world.ambassador, enrolment=enrolment, now=timezone.now())
    assert fast.redirector.links.refresh() is True

    answer = fast.call(f"/r/{tracked.code}")
    fast.flush()
    assert answer.location == "https://acme.example/offres/42?source=site#postuler"
    assert Click.objects.count() == 1  # the click before leaving only


def test_the_visitor_hash_holds_for_a_day_and_its_salt_is_destroyed_the_next(
    fast: Fast, tracked
) -> None:
    day_one = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(day_one, tick=False):
        fast.call(f"/r/{tracked.code}")
        # Tomorrow's salt is made ahead, today's kept.
        fast.redirector.salts.prefetch(day_one.timestamp())
        assert set(DailySalt.objects.values_list("day_on", flat=True)) == {
            dt.date(2026, 3, 10),
            dt.date(2026, 3, 11),
        }
    with time_machine.travel(day_one + dt.timedelta(hours=10), tick=False):
        fast.call(f"/r/{tracked.code}")
        fast.call(f"/r/{tracked.code}", REMOTE_ADDR="198.51.100.1")
    next_day = day_one + dt.timedelta(days=1)
    with time_machine.travel(next_day, tick=False):
        fast.call(f"/r/{tracked.code}")
        fast.redirector.salts.prefetch(next_day.timestamp())
    fast.flush()

    first, again, other, tomorrow = Click.objects.order_by("clicked_at", "id")
    assert first.visitor_hash == again.visitor_hash
    assert other.visitor_hash != first.visitor_hash
    assert tomorrow.visitor_hash != first.visitor_hash
    days = set(DailySalt.objects.values_list("day_on", flat=True))
    assert days == {dt.date(2026, 3, 11), dt.date(2026, 3, 12)}
    assert dt.date(2026, 3, 10) not in fast.redirector.salts._salts.values()


def test_no_raw_ip_in_the_clicks_the_spool_or_the_logs(
    fast: Fast, tracked, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fast.call(f"/r/{tracked.code}")
    fast.call(f"/r/{tracked.code}", HTTP_USER_AGENT=LINKEDIN_BOT)
    fast.call(f"/r/{tracked.code}", HTTP_X_FORWARDED_FOR=f"{IP}, 10.0.0.1")
    fast.call("/r/unknowncode")
    fast.call(f"/r/{tracked.code}/x")
    spooled = b"".join(p.read_bytes() for p in fast.redirector.ingest.spool.directory.iterdir())
    fast.redirector.tick()

    assert IP.encode() not in spooled
    rows = list(Click.objects.values())
    assert len(rows) == 3
    assert all(IP not in str(value) for row in rows for value in row.values())
    assert IP not in caplog.text
    stats = b"".join(p.read_bytes() for p in fast.redirector.ingest.spool.directory.iterdir())
    assert IP.encode() not in stats
