"""The /r/ redirect through Django's whole request cycle, in one process.

Baseline in the same run: a bare WSGI callable answering a static 302, called
the same way. This measures the cost of the Django path per redirect; the
load test over HTTP with wrk against the production server comes with the
tracking issue.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Result, measure

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)


def _environ(path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_USER_AGENT": CHROME,
        "HTTP_REFERER": "https://www.linkedin.com/",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def run(requests: int = 3000) -> Result:
    tmp = Path(tempfile.mkdtemp(prefix="ambassade-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    # The Django view inserting each click itself: the lean path is bench/redirect.py.
    os.environ["AMBASSADE_CLICK_FLUSH"] = "sync"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    from ambassade.tracking.models import Click, TrackedLink

    call_command("migrate", verbosity=0)
    call_command("seed_demo", ambassadors=60, days=30, stdout=io.StringIO())
    # Links of ambassadors who left redirect without recording: not the measured path.
    codes = list(
        TrackedLink.objects.filter(is_attributed=True, is_active=True).values_list(
            "code", flat=True
        )[:1000]
    )
    app = get_wsgi_application()
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return None

    def django_redirect(i: int) -> None:
        body = app(_environ(f"/r/{codes[i % len(codes)]}"), start_response)
        for _chunk in body:
            pass
        body.close()

    def static_302(environ: dict[str, Any], respond: Any) -> list[bytes]:
        respond("302 Found", [("Location", "https://example.com/"), ("Content-Length", "0")])
        return [b""]

    def baseline(i: int) -> None:
        for _chunk in static_302(_environ("/r/x"), start_response):
            pass

    clicks_before = Click.objects.count()
    base = measure("bare WSGI static 302 (baseline)", requests, baseline)
    statuses.clear()
    dj = measure("Django /r/<code> with click insert", requests, django_redirect)
    recorded = Click.objects.count() - clicks_before
    answered = sum(1 for s in statuses if s.startswith("302"))
    return Result(
        benchmark="redirect_inprocess",
        description="one process, no network: the cost of the Django redirect path",
        measures=[base, dj],
        baseline=base.name,
        extra={
            "links": len(codes),
            "redirects answered": answered,
            "clicks recorded": recorded,
            "database": "SQLite (WAL) in a temporary directory",
        },
    )
