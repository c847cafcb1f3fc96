"""The project's own promises: production hardening, health check, console script."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ambassade", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        AMBASSADE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    return env


def test_production_mode_passes_deploy_checks(tmp_path: Path) -> None:
    env = _clean_env(
        tmp_path,
        AMBASSADE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ambassade.example.com",
        AMBASSADE_BASE_URL="https://ambassade.example.com",
    )
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION_RESPONSE = """
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

# Static files are not collected here: name them without the manifest.
override_settings(STORAGES={
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
client = Client(HTTP_HOST="ambassade.example.com")
page = client.get("/accounts/login/", secure=True)
language = client.post("/accounts/language/", {"language": "en"}, secure=True)
plain = client.get("/accounts/login/")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf": dict(page.cookies[settings.CSRF_COOKIE_NAME]),
    "language": dict(language.cookies[settings.LANGUAGE_COOKIE_NAME]),
    "session": {
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
        "samesite": settings.SESSION_COOKIE_SAMESITE,
        "age": settings.SESSION_COOKIE_AGE,
    },
    "plain": [plain.status_code, plain.headers.get("Location", "")],
}))
"""


def test_production_responses_carry_hsts_csp_and_secure_cookies(tmp_path: Path) -> None:
    env = _clean_env(
        tmp_path,
        AMBASSADE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ambassade.example.com",
        AMBASSADE_BASE_URL="https://ambassade.example.com",
        AMBASSADE_SESSION_DAYS="7",
    )
    result = _run(["shell", "-v", "0", "-c", PRODUCTION_RESPONSE], env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ):
        assert directive in csp
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
    assert headers["X-Frame-Options"] == "DENY"
    for cookie in (seen["csrf"], seen["language"]):
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
    assert seen["csrf"]["httponly"] is True
    assert seen["session"] == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
        "age": 7 * 86400,
    }
    # Plain HTTP is sent to HTTPS.
    assert seen["plain"] == [301, "https://ambassade.example.com/accounts/login/"]


def test_local_mode_fails_deploy_checks_loudly(tmp_path: Path) -> None:
    """The check is meaningful: without production mode it does complain."""
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], _clean_env(tmp_path))
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def test_secret_key_is_generated_once_into_var(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env.pop("SECRET_KEY", None)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run(["shell", "-v", "0", "-c", code], env)
    second = _run(["shell", "-v", "0", "-c", code], env)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.exists()
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    code = (
        "from django.db import connection\n"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = _run(["shell", "-v", "0", "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
