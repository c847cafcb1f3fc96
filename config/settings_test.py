"""Test settings: the base settings, fast hashing, e-mails kept in memory."""

from __future__ import annotations

import os

os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AMBASSADE_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tests serve static files from the finders; nothing is collected.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests fetch feeds and pages from a local HTTP server on 127.0.0.1.
AMBASSADE_FETCH_ALLOW_PRIVATE = True
# Each click is written to the database before its redirect, links and salts read
# from it every time: what a test asserts is in the database. The spool and the
# caches have their own tests (ambassade/tracking/tests/test_fastpath*.py).
AMBASSADE_CLICK_FLUSH = "sync"
# Rate-limit counters live in this process's memory, never in a Redis that REDIS_URL
# might name. They outlive each test and every test client shares one address, so the
# suite would meet the limits by accident: they are high here, and the tests of the
# limits themselves lower them (the `settings` fixture) and clear the cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AMBASSADE_API_RATE_PER_MINUTE = 100_000
AMBASSADE_API_AUTH_FAILURES_PER_MINUTE = 100_000
AMBASSADE_CONVERSIONS_RATE_PER_MINUTE = 100_000
AMBASSADE_CONVERSIONS_FAILURES_PER_MINUTE = 100_000
AMBASSADE_REDIRECT_NOT_FOUND_PER_MINUTE = 100_000
# Login failures and password resets: the same, for the same reason
# (ambassade/accounts/tests/test_throttling.py lowers them).
AMBASSADE_LOGIN_FAILURES_PER_5_MINUTES = 100_000
AMBASSADE_PASSWORD_RESETS_PER_HOUR = 100_000
