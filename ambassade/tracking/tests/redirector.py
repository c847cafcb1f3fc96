"""The lean redirector as production runs it (async spool, caches), called as a WSGI app."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone

from ambassade.sharing.services import share_create
from ambassade.tracking import fastpath
from ambassade.tracking.cache import LinkCache, SaltCache
from ambassade.tracking.fastpath import RedirectApp, Redirector
from ambassade.tracking.ingest import ClickIngest
from ambassade.tracking.models import TrackedLink

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
IP = "203.0.113.42"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")


def environ(path: str, **extra: Any) -> dict[str, Any]:
    path_info, _, query = path.partition("?")
    values: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": IP,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": CHROME,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    values.update(extra)
    return values


class Fast:
    """The production WSGI stack: ``RedirectApp`` in front of Django, a redirector of its own."""

    def __init__(self, redirector: Redirector) -> None:
        self.redirector = redirector
        self.app = RedirectApp(get_wsgi_application())

    def call(self, path: str, **extra: Any) -> Answer:
        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(headers)

        # Like Django's test client: the test's connection must survive the request.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            chunks = self.app(environ(path, **extra), start_response)
            body = b"".join(chunks)
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return Answer(captured["status"], captured["headers"], body)

    def flush(self) -> int:
        return self.redirector.ingest.flush()


def make_redirector(spool: Path) -> Redirector:
    return Redirector(
        links=LinkCache(max_age=3600),
        salts=SaltCache(cached=True),
        ingest=ClickIngest(mode="async", spool_dir=spool),
        background=False,
    )


@pytest.fixture
def fast(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fast]:
    """The fast path with an async spool in a temporary directory; the Django view shares it."""
    redirector = make_redirector(tmp_path / "spool")
    monkeypatch.setattr(fastpath, "_default", redirector)
    yield Fast(redirector)
    redirector.ingest.close()


@pytest.fixture
def tracked(world: Any) -> TrackedLink:
    world.item.url = "https://acme.example/offres/42?source=site#postuler"
    world.item.publish_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    world.item.save()
    outcome = share_create(
        actor=world.ambassador,
        item=world.item,
        network="linkedin",
        commentary="Nous recrutons : à partager autour de vous.",
        now=timezone.now(),
    )
    link: TrackedLink = outcome.share.link
    return link
