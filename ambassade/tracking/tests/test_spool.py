"""No answered click is lost: the spool survives crashes and database outages, replays once."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from ambassade.tracking.ingest import ClickIngest
from ambassade.tracking.models import Click, TrackedLink
from ambassade.tracking.spool import ClickRow
from ambassade.tracking.tests.redirector import Fast, fast, tracked

__all__ = ["fast", "tracked"]  # fixtures


def rows_for(link: TrackedLink, count: int, *, start: int = 0) -> list[ClickRow]:
    return [
        ClickRow(
            click_id=f"{start + i:024x}",
            link_id=link.pk,
            organization_id=link.organization_id,
            clicked_at=1_780_000_000.0 + i,
            referrer_host="www.linkedin.com",
            user_agent_family="Firefox",
            is_bot=False,
            bot_reason="",
            trigger="link",
            visitor_hash="a" * 32,
        )
        for i in range(count)
    ]


def crash(ingest: ClickIngest) -> None:
    """What the death of a process leaves: its files, unlocked, and nothing in memory."""
    if ingest.spool.current is not None:
        ingest.spool.current.release()
    for segment in ingest._pending:
        segment.release()


def test_clicks_spooled_by_a_process_that_died_are_replayed_once_at_the_next_start(
    tracked, tmp_path: Path
) -> None:
    dead = ClickIngest(mode="async", spool_dir=tmp_path)
    for row in rows_for(tracked, 250):
        dead.record(row)
    assert not Click.objects.exists()
    crash(dead)

    survivor = ClickIngest(mode="async", spool_dir=tmp_path)
    assert survivor.replay_leftovers() == (1, 250)
    assert Click.objects.count() == 250
    assert not list(tmp_path.glob("*.clicks"))
    assert survivor.replay_leftovers() == (0, 0)
    assert Click.objects.count() == 250


def test_replaying_the_same_file_twice_records_each_click_once(tracked, tmp_path: Path) -> None:
    dead = ClickIngest(mode="async", spool_dir=tmp_path / "spool")
    for row in rows_for(tracked, 40):
        dead.record(row)
    crash(dead)
    (segment,) = (tmp_path / "spool").glob("*.clicks")
    shutil.copy(segment, tmp_path / "copy")

    ClickIngest(mode="async", spool_dir=tmp_path / "spool").replay_leftovers()
    shutil.copy(tmp_path / "copy", segment)
    out = io.StringIO()
    call_command("replay_clicks", spool_dir=str(tmp_path / "spool"), stdout=out)

    assert "Replayed 40 click(s) from 1 spool file(s)" in out.getvalue()
    assert Click.objects.count() == 40
    assert Click.objects.filter(click_id=f"{0:024x}").count() == 1


def test_a_live_process_keeps_its_own_spool_file(tracked, tmp_path: Path) -> None:
    live = ClickIngest(mode="async", spool_dir=tmp_path)
    for row in rows_for(tracked, 5):
        live.record(row)

    assert ClickIngest(mode="async", spool_dir=tmp_path).replay_leftovers() == (0, 0)
    assert live.flush() == 5
    assert Click.objects.count() == 5
    assert not list(tmp_path.glob("*.clicks"))


def test_a_torn_line_is_set_aside_and_the_rest_recorded(tracked, tmp_path: Path) -> None:
    dead = ClickIngest(mode="async", spool_dir=tmp_path)
    for row in rows_for(tracked, 3):
        dead.record(row)
    assert dead.spool.current is not None
    path = dead.spool.current.path
    crash(dead)
    with open(path, "ab") as handle:
        handle.write(b'["0000000000000000000000ff",')  # a power cut mid-line

    err = io.StringIO()
    call_command("replay_clicks", spool_dir=str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert Click.objects.count() == 3
    assert "unreadable" in err.getvalue()
    assert list(tmp_path.glob("*.rejected"))


def test_replay_clicks_without_a_spool_directory_says_so(db, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("replay_clicks", spool_dir=str(tmp_path / "none"), stdout=out)
    assert "nothing to replay" in out.getvalue()


@contextmanager
def database_locked() -> Iterator[None]:
    """Another connection holds the click and link tables: writes and reads fail meanwhile."""
    locked, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        "LOCK TABLE tracking_click, tracking_trackedlink IN ACCESS EXCLUSIVE MODE"
                    )
                else:
                    cursor.execute("UPDATE tracking_click SET is_bot = is_bot")
                    cursor.execute("UPDATE tracking_trackedlink SET code = code")
                locked.set()
                release.wait(30)
        except BaseException as error:  # reported by the test
            failure.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait(10)
    try:
        assert not failure, failure
        yield
    finally:
        release.set()
        thread.join(10)


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_delays_clicks_but_no_redirect(fast: Fast, tracked) -> None:
    fast.redirector.warm()
    assert fast.call(f"/r/{tracked.code}").status == 302  # salt of the day in memory
    assert fast.flush() == 1

    with database_locked():
        answers = [fast.call(f"/r/{tracked.code}") for _ in range(20)]
        assert fast.flush() == 0
        assert fast.redirector.ingest.failures == 1
        assert fast.call("/r/notinmemory1").status == 503  # nobody can tell: no redirect
        answers.append(fast.call(f"/r/{tracked.code}"))

    assert [a.status for a in answers] == [302] * 21
    assert Click.objects.count() == 1
    assert fast.flush() == 21  # the failed segment from its file, then the queue
    assert Click.objects.count() == 22
    recorded = set(Click.objects.values_list("click_id", flat=True))
    assert {
        a.location.split("amb_cid=")[1].split("#")[0] for a in answers if a.location
    } <= recorded
    assert not list(fast.redirector.ingest.spool.directory.glob("*.clicks"))
    stats = fast.redirector.ingest.stats()
    assert (stats["redirects"], stats["clicks"], stats["flushed"]) == (22, 22, 22)


@pytest.mark.django_db(transaction=True)
def test_clicks_on_a_link_deleted_meanwhile_do_not_block_the_others(
    tracked, tmp_path: Path
) -> None:
    ingest = ClickIngest(mode="async", spool_dir=tmp_path)
    for row in rows_for(tracked, 3):
        ingest.record(row)
    ingest.record(rows_for(tracked, 1, start=50)[0]._replace(link_id=10**9))

    assert ingest.flush() == 4
    assert Click.objects.count() == 3
    assert not list(tmp_path.glob("*.clicks"))


@pytest.mark.django_db(transaction=True)
def test_replay_clicks_fails_clearly_when_the_database_refuses(tracked, tmp_path: Path) -> None:
    dead = ClickIngest(mode="async", spool_dir=tmp_path)
    for row in rows_for(tracked, 2):
        dead.record(row)
    crash(dead)

    with database_locked(), pytest.raises(CommandError, match="spool files are kept"):
        call_command("replay_clicks", spool_dir=str(tmp_path), stdout=io.StringIO())
    assert list(tmp_path.glob("*.clicks"))
    call_command("replay_clicks", spool_dir=str(tmp_path), stdout=io.StringIO())
    assert Click.objects.count() == 2
