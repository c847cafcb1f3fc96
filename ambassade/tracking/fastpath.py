"""The lean redirector: ``GET``/``HEAD /r/<code>`` answered in front of Django.

A redirect through Django's whole request cycle (request object, ten
middleware, ORM, template engine) costs about 250 µs; this WSGI wrapper does
only what a redirect needs: one dictionary lookup of the link (``cache``), the
classification and visitor hash (``services.click_prepare``, shared with the
Django view), one ``os.write`` of the click to the spool (``ingest``), and a
302. Everything else, and every ``/r/`` request it does not answer itself
(unknown codes, whose 404 page Django renders; other methods; a plain-HTTP
request when HTTPS is enforced), goes to Django unchanged.

Unknown and malformed codes are limited per client (``not_found_hit``: the
address hashed with the day's salt, counted in the process's memory), so that
nobody walks the code space; a client over the limit gets a small 429 page
from here, without Django. A valid code is never limited: a click is never lost.

``Redirector`` holds the process's link cache, salts and click ingest, and runs
the background thread that flushes clicks, watches for link changes and keeps
the salts ready. The Django view uses the same ``Redirector`` (``default_redirector``).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from ambassade.lib.ratelimit import MemoryRateLimiter, RateDecision, address_fingerprint
from ambassade.tracking.cache import (
    LinkCache,
    LinkEntry,
    LinkLookupError,
    SaltCache,
    day_number,
    release_connection,
)
from ambassade.tracking.ingest import ClickIngest
from ambassade.tracking.services import click_prepare

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger(__name__)

# The codes ``ambassade.lib.codes.random_code`` draws. Anything else is Django's to refuse.
CODE = re.compile(r"[0-9A-Za-z]{1,16}").fullmatch
# Set in the WSGI environ when the fast path has counted an unknown code, so that
# the Django view rendering its 404 page does not count it a second time.
NOT_FOUND_COUNTED = "ambassade.not_found_counted"
# The settings ``Redirector.from_settings`` reads: a change rebuilds the redirector.
REDIRECTOR_SETTINGS = frozenset(
    {
        "AMBASSADE_CLICK_FLUSH",
        "AMBASSADE_CLICK_FLUSH_SECONDS",
        "AMBASSADE_SPOOL_DIR",
        "AMBASSADE_LINK_CACHE_SECONDS",
        "AMBASSADE_LINK_CACHE_PRELOAD",
        "AMBASSADE_TRUST_X_FORWARDED_FOR",
    }
)


def environ_client_ip(environ: dict[str, Any] | WSGIEnvironment, *, trust_forwarded: bool) -> str:
    """The client's address, only ever used inside the visitor hash."""
    if trust_forwarded:
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    return str(environ.get("REMOTE_ADDR", ""))


class Redirector:
    """One process's redirect machinery: links, salts, clicks, and their background thread."""

    def __init__(
        self,
        *,
        links: LinkCache,
        salts: SaltCache,
        ingest: ClickIngest,
        flush_seconds: float = 0.2,
        trust_forwarded: bool = False,
        background: bool = True,
    ) -> None:
        self.links = links
        self.salts = salts
        self.ingest = ingest
        self.flush_seconds = flush_seconds
        self.trust_forwarded = trust_forwarded
        # False in tests, which call ``tick`` themselves.
        self.background = background
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._links_checked = 0.0
        self.not_found = MemoryRateLimiter(window_seconds=60)
        os.register_at_fork(after_in_child=self._forget_thread)

    @classmethod
    def from_settings(cls) -> Redirector:
        is_async = settings.AMBASSADE_CLICK_FLUSH == "async"
        return cls(
            links=LinkCache(
                max_age=settings.AMBASSADE_LINK_CACHE_SECONDS if is_async else 0,
                preload_limit=settings.AMBASSADE_LINK_CACHE_PRELOAD,
            ),
            salts=SaltCache(cached=is_async),
            ingest=ClickIngest(
                mode=settings.AMBASSADE_CLICK_FLUSH, spool_dir=Path(settings.AMBASSADE_SPOOL_DIR)
            ),
            flush_seconds=settings.AMBASSADE_CLICK_FLUSH_SECONDS,
            trust_forwarded=settings.AMBASSADE_TRUST_X_FORWARDED_FOR,
        )

    # The request side.

    def resolve(self, code: str) -> LinkEntry | None:
        """The live link; None when unknown or disabled; LinkLookupError when nobody can tell."""
        return self.links.get(code)

    def not_found_hit(self, *, ip: str, now: float) -> RateDecision:
        """Count an unknown or malformed code asked by this client; say whether it is over.

        The key is the address hashed with the day's salt (no user agent: a
        scanner would change it at will), kept in this process's memory only.
        """
        salt = self.salts.salt(day_number(now))
        return self.not_found.hit(
            address_fingerprint(ip, salt=salt),
            limit=settings.AMBASSADE_REDIRECT_NOT_FOUND_PER_MINUTE,
            now=now,
        )

    def answer(
        self,
        *,
        link: LinkEntry,
        method: str,
        ip: str,
        user_agent: str,
        referrer: str,
        purpose: str,
        query_string: str,
    ) -> str:
        """Record the request (if it is a click) and return where to send it.

        The click is in the database or on the spool when this returns.
        """
        outcome = click_prepare(
            link=link,
            now=time.time(),
            method=method,
            ip=ip,
            user_agent=user_agent,
            referrer=referrer,
            purpose=purpose,
            query_string=query_string,
            salt_for=self.salts.salt,
        )
        if outcome.click is None:
            self.ingest.count_redirect()
        else:
            self.ingest.record(outcome.click)
        return outcome.location

    # The background side.

    def warm(self) -> None:
        """Load the live links now, so that they resolve even if the database goes away."""
        if not self.links.enabled:
            return
        try:
            count = self.links.load()
            self._links_checked = time.monotonic()
            logger.info("Redirector: %d live links in memory.", count)
        except DatabaseError as error:
            logger.warning("Redirector: links not preloaded (%s).", type(error).__name__)
        finally:
            release_connection()

    def ensure_started(self) -> None:
        """Start the background thread of this process (in async mode), once."""
        if self._thread is not None or not self.ingest.is_async or not self.background:
            return
        with self._start_lock:
            if self._thread is None:
                self._stop.clear()
                thread = threading.Thread(target=self._run, name="ambassade-clicks", daemon=True)
                thread.start()
                self._thread = thread

    def _forget_thread(self) -> None:
        # A forked child has no thread and must not write into its parent's segment.
        self._thread = None
        self._start_lock = threading.Lock()
        self.ingest.spool.current = None
        self.ingest._queue = []
        self.ingest._pending = []

    def _run(self) -> None:
        try:
            segments, clicks = self.ingest.replay_leftovers()
            if segments:
                logger.info(
                    "Replayed %d click(s) from %d leftover spool file(s).", clicks, segments
                )
        except Exception:
            logger.exception("Replaying leftover spool files failed; retried at next start.")
        while not self._stop.wait(self.flush_seconds):
            self.tick()

    def tick(self) -> None:
        """One round of background work. Never raises: the next round tries again."""
        try:
            self.ingest.flush()
        except Exception:
            logger.exception("Click flush failed; the clicks stay on the spool.")
        now = time.monotonic()
        if self.links.enabled and now - self._links_checked >= self.links.max_age:
            try:
                if self.links.refresh():
                    logger.info("Redirector: links changed, %d reloaded.", len(self.links))
                self._links_checked = now
            except DatabaseError as error:
                logger.warning("Redirector: links not rechecked (%s).", type(error).__name__)
        try:
            self.salts.prefetch(time.time())
        except Exception:
            logger.exception("Tomorrow's salt could not be prepared.")
        try:
            self.ingest.write_stats()
        except OSError as error:
            logger.warning("Redirector statistics not written (%s).", error.strerror)
        release_connection()

    def stop(self) -> None:
        """Stop the thread, flush what can be, release the spool (the rest is replayed later)."""
        thread = self._thread
        if thread is not None:
            self._stop.set()
            thread.join(timeout=30)
            self._thread = None
        if self.ingest.is_async:
            self.ingest.close()
            with contextlib.suppress(OSError):
                self.ingest.write_stats()


_default: Redirector | None = None
_default_lock = threading.Lock()


def default_redirector() -> Redirector:
    """This process's redirector, built from the settings on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Redirector.from_settings()
                atexit.register(_default.stop)
    return _default


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    global _default
    if setting in REDIRECTOR_SETTINGS and _default is not None:
        _default.stop()
        _default = None


# The headers of the redirector's own small pages (503, 429): nothing to load, run or leak.
SMALL_PAGE_HEADERS = (
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
)
_SMALL_PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;color:#1d2433;max-width:36rem;"
    "margin:3rem auto;padding:0 1rem;line-height:1.5}"
)


def _small_page(title: str, text: str) -> bytes:
    return (
        f'<!doctype html><html lang="{settings.LANGUAGE_CODE}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Ambassade</title><style>{_SMALL_PAGE_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>"
    ).encode()


def unavailable_page() -> bytes:
    """The page for a code not in memory while the database is down (French by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _small_page(
            gettext("Link temporarily unavailable"),
            gettext("We cannot open this link right now. Please try again in a minute."),
        )


def rate_limited_page() -> bytes:
    """The page for a client asking too many unknown codes (French by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _small_page(
            gettext("Too many unknown links"),
            gettext(
                "Too many links that do not exist were asked from your connection. "
                "Please wait a minute before trying again."
            ),
        )


class RedirectApp:
    """WSGI application: the lean redirector in front of Django's."""

    def __init__(self, django_app: WSGIApplication) -> None:
        self.django_app = django_app
        self._unavailable: bytes | None = None
        self._rate_limited: bytes | None = None
        self._base_headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", "0"),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "unsafe-url"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
        ]
        self._hsts: list[tuple[str, str]] = []
        if getattr(settings, "SECURE_HSTS_SECONDS", 0):
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
                value += "; includeSubDomains"
            if getattr(settings, "SECURE_HSTS_PRELOAD", False):
                value += "; preload"
            self._hsts = [("Strict-Transport-Security", value)]
        self._ssl_redirect = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self._proxy_header: tuple[str, str] | None = (
            (str(proxy[0]), str(proxy[1])) if proxy else None
        )

    def _is_secure(self, environ: WSGIEnvironment) -> bool:
        if self._proxy_header is not None:
            header, value = self._proxy_header
            forwarded = environ.get(header)
            if forwarded is not None:
                return bool(str(forwarded).split(",")[0].strip() == value)
        return bool(environ.get("wsgi.url_scheme") == "https")

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        if path[:3] != "/r/" or method not in ("GET", "HEAD") or not CODE(path[3:]):
            return self.django_app(environ, start_response)
        secure = self._is_secure(environ)
        if self._ssl_redirect and not secure:
            return self.django_app(environ, start_response)
        redirector = _default or default_redirector()
        redirector.ensure_started()
        try:
            link = redirector.resolve(path[3:])
        except LinkLookupError:
            return self._answer_unavailable(start_response, secure=secure)
        ip = environ_client_ip(environ, trust_forwarded=redirector.trust_forwarded)
        if link is None:
            decision = redirector.not_found_hit(ip=ip, now=time.time())
            if decision.limited:
                return self._answer_rate_limited(start_response, decision, secure=secure)
            environ[NOT_FOUND_COUNTED] = True
            return self.django_app(environ, start_response)  # Django's 404 page
        try:
            location = redirector.answer(
                link=link,
                method=method,
                ip=ip,
                user_agent=environ.get("HTTP_USER_AGENT", ""),
                referrer=environ.get("HTTP_REFERER", ""),
                purpose=environ.get("HTTP_SEC_PURPOSE", "") or environ.get("HTTP_PURPOSE", ""),
                query_string=environ.get("QUERY_STRING", ""),
            )
        except (OSError, DatabaseError):
            logger.exception("A click could be neither spooled nor written: 503 instead of a 302.")
            return self._answer_unavailable(start_response, secure=secure)
        headers = [("Location", location), *self._base_headers]
        if secure and self._hsts:
            headers += self._hsts
        start_response("302 Found", headers)
        return [b""]

    def _answer_small_page(
        self,
        start_response: StartResponse,
        status: str,
        body: bytes,
        *,
        retry_after: int,
        secure: bool,
    ) -> list[bytes]:
        headers = [
            *SMALL_PAGE_HEADERS,
            ("Content-Length", str(len(body))),
            ("Retry-After", str(retry_after)),
        ]
        if secure and self._hsts:
            headers += self._hsts
        start_response(status, headers)
        return [body]

    def _answer_unavailable(self, start_response: StartResponse, *, secure: bool) -> list[bytes]:
        if self._unavailable is None:
            self._unavailable = unavailable_page()
        return self._answer_small_page(
            start_response,
            "503 Service Unavailable",
            self._unavailable,
            retry_after=30,
            secure=secure,
        )

    def _answer_rate_limited(
        self, start_response: StartResponse, decision: RateDecision, *, secure: bool
    ) -> list[bytes]:
        if self._rate_limited is None:
            self._rate_limited = rate_limited_page()
        return self._answer_small_page(
            start_response,
            "429 Too Many Requests",
            self._rate_limited,
            retry_after=decision.retry_after,
            secure=secure,
        )


def wrap(django_app: WSGIApplication) -> Callable[..., Iterable[bytes]]:
    """The WSGI application to serve: the redirector in front, Django behind, links warmed."""
    app = RedirectApp(django_app)
    default_redirector().warm()
    # Django, the links and everything loaded so far live as long as the process:
    # out of the garbage collector's sight, so that its full passes stay short
    # (they showed as tens of milliseconds in the redirect's p99 latency).
    gc.collect()
    gc.freeze()
    # The click flush shares the GIL with the requests: hand it over every
    # millisecond rather than every five, so a flush never holds a redirect long.
    sys.setswitchinterval(0.001)
    return app
