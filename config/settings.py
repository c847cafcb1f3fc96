"""Settings for Ambassade, read from environment variables only.

Local use needs no configuration: SQLite in ``var/``, a generated secret key,
e-mails printed on the console. ``AMBASSADE_ENV=production`` switches on the
production hardening that ``ambassade check --deploy`` verifies.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AMBASSADE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _local_secret_key() -> str:
    """A key generated once into var/ so that local sessions survive restarts."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


PRODUCTION = os.environ.get("AMBASSADE_ENV", "local") == "production"
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

AMBASSADE_BASE_URL = os.environ.get("AMBASSADE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",  # login throttling: see AXES_* below
    "csp",  # Content-Security-Policy: see CONTENT_SECURITY_POLICY below
    "ninja",  # serves the API docs (Swagger UI) from /static/, no CDN
    "ambassade.lib",
    "ambassade.accounts",
    "ambassade.programs",
    "ambassade.content",
    "ambassade.sharing",
    "ambassade.tracking",
    "ambassade.training",
    "ambassade.community",
    "ambassade.analytics",
    "ambassade.rewards",
    "ambassade.demo",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "ambassade.jobs",
    "ambassade.newsletter",
    "ambassade.audit",
    "ambassade.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "ambassade.lib.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ambassade.accounts.middleware.PreferencesMiddleware",
    "ambassade.accounts.middleware.OrganizationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ambassade.rewards.middleware.OwnVisitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ambassade.accounts.context_processors.organization",
            ],
        },
    },
]


def database_config(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers and one writer work at once; IMMEDIATE avoids
            # "database is locked" upgrades in the middle of a transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ambassade.sqlite3'}"
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes' backend comes first: it refuses a locked-out login before the password
# is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Long passphrases rather than complex short ones (12 characters at least); at most 128,
# so that nobody makes the server hash a megabyte.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "ambassade.accounts.validators.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "sharing:feed"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: SMTP when EMAIL_HOST is set, otherwise printed on the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ambassade <ambassade@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security: cookies, headers, Content-Security-Policy, login throttling ------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Lax: the cookies go with a link followed from another site (an e-mail, a network),
# never with a form posted or a request made by another site.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE: Final = "Lax"  # Final: a literal for set_cookie's type
# A session lasts this many days from the last login (AMBASSADE_SESSION_DAYS).
SESSION_COOKIE_AGE = int(float(os.environ.get("AMBASSADE_SESSION_DAYS", "14")) * 24 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The share page opens the networks' share pages with window.open and then sets their
# address: "same-origin-allow-popups" keeps that working while a page of another
# origin that opens Ambassade gets no handle on it.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"
# Browser features no page of Ambassade uses are switched off for it and anything it
# embeds (ambassade.lib.security_headers).
AMBASSADE_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

# Content-Security-Policy (django-csp), in every mode so that tests and browser tests
# meet it: only our own scripts, styles, images, fonts and requests. Pages keep no
# inline script, event handler or style attribute (tests/test_csp.py checks the
# templates); the few <style> elements pygal puts in its SVG charts carry the
# request's nonce. Pages that show an e-mail (the newsletter's web version and
# preview) allow inline styles for that page only (ambassade.lib.security_headers).
# Content images are served from our own origin (ambassade.content.images); data:
# is for the small inline images of the admin and the API docs.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login throttling (django-axes). Five failed logins lock out, for 15 minutes:
# - an e-mail address, whoever tries it (one account guessed from many places);
# - separately, one client: its address together with its browser (user agent), so
#   that a client trying many accounts is stopped, without locking out every colleague
#   behind a company's single address after five typos. Changing the user agent gets
#   an attacker a new count here but not a new budget: failed logins are also limited
#   per address alone (AMBASSADE_LOGIN_FAILURES_PER_5_MINUTES, ambassade.accounts.throttling).
# A success forgets that person's failures from that client only. An administrator
# unlocks a person with `ambassade axes_reset_username <e-mail>` (or everyone with
# `ambassade axes_reset`), or by deleting the attempt in the admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: the time the lockout page gives is true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Our login forms (ours and the admin's) post the e-mail address as "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "ambassade.accounts.throttling.login_username"
# No raw address in axes' tables: a keyed hash of it, written as an IPv6 unique-local
# address (fd00::/8) so that it fits axes' address column on every database.
AXES_CLIENT_IP_CALLABLE = "ambassade.accounts.throttling.client_pseudonym"
AXES_HANDLER = "ambassade.accounts.throttling.LoginAttemptHandler"
AXES_LOCKOUT_CALLABLE = "ambassade.accounts.throttling.lockout_response"
# No log of successful logins and no permanent log of failures: only the attempts
# that count towards a lockout are kept (the privacy job deletes old ones).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# Failed login posts per client address (any user agent) per 5 minutes, and password
# reset requests per hour for one e-mail address and for one client.
AMBASSADE_LOGIN_FAILURES_PER_5_MINUTES = int(
    os.environ.get("AMBASSADE_LOGIN_FAILURES_PER_5_MINUTES", "30")
)
AMBASSADE_PASSWORD_RESETS_PER_HOUR = int(os.environ.get("AMBASSADE_PASSWORD_RESETS_PER_HOUR", "5"))

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The access log of a web server holds client IPs; Ambassade writes none.
    # django-axes tells every login at INFO; failures and lockouts are warnings.
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
AMBASSADE_TRUST_X_FORWARDED_FOR = env_bool("AMBASSADE_TRUST_X_FORWARDED_FOR")
# The /r/ redirector (ambassade.tracking.fastpath): clicks are appended to a spool
# in AMBASSADE_SPOOL_DIR and written to the database in batches every
# AMBASSADE_CLICK_FLUSH_SECONDS ("sync" writes each click before its redirect);
# each process rereads changed links within AMBASSADE_LINK_CACHE_SECONDS.
AMBASSADE_CLICK_FLUSH = os.environ.get("AMBASSADE_CLICK_FLUSH", "async")
AMBASSADE_CLICK_FLUSH_SECONDS = float(os.environ.get("AMBASSADE_CLICK_FLUSH_SECONDS", "0.2"))
AMBASSADE_SPOOL_DIR = Path(os.environ.get("AMBASSADE_SPOOL_DIR", VAR_DIR / "spool"))
AMBASSADE_LINK_CACHE_SECONDS = float(os.environ.get("AMBASSADE_LINK_CACHE_SECONDS", "2"))
AMBASSADE_LINK_CACHE_PRELOAD = int(os.environ.get("AMBASSADE_LINK_CACHE_PRELOAD", "200000"))
NINJA_PAGINATION_MAX_LIMIT = 500

# Background jobs (Django's Tasks API): in the database by default, so one machine
# needs no extra server; on Redis through RQ when REDIS_URL is set (`ambassade worker`
# then runs a pool of RQ workers, AMBASSADE_WORKERS of them).
REDIS_URL = os.environ.get("REDIS_URL", "")
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 1800}}
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django_tasks_rq.RQBackend" if REDIS_URL else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
AMBASSADE_WORKERS = int(os.environ.get("AMBASSADE_WORKERS", "2"))

# The cache holds the rate-limit counters (ambassade.lib.ratelimit). On Redis when
# REDIS_URL is set, every web process shares them; otherwise each process counts in its
# own memory, so a client can get up to the limit times the number of web processes.
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ambassade",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ambassade"}
}
# Rate limits, per minute. The API: requests per token or per logged-in person, and
# requests with a wrong token per client (so that tokens cannot be guessed). Conversions
# reported by an organization's server, and wrongly signed ones per client. Unknown or
# malformed /r/ codes per client (counted in each process's memory; valid codes never are).
AMBASSADE_API_RATE_PER_MINUTE = int(os.environ.get("AMBASSADE_API_RATE_PER_MINUTE", "600"))
AMBASSADE_API_AUTH_FAILURES_PER_MINUTE = int(
    os.environ.get("AMBASSADE_API_AUTH_FAILURES_PER_MINUTE", "30")
)
AMBASSADE_CONVERSIONS_RATE_PER_MINUTE = int(
    os.environ.get("AMBASSADE_CONVERSIONS_RATE_PER_MINUTE", "600")
)
AMBASSADE_CONVERSIONS_FAILURES_PER_MINUTE = int(
    os.environ.get("AMBASSADE_CONVERSIONS_FAILURES_PER_MINUTE", "30")
)
AMBASSADE_REDIRECT_NOT_FOUND_PER_MINUTE = int(
    os.environ.get("AMBASSADE_REDIRECT_NOT_FOUND_PER_MINUTE", "60")
)
# Feeds and link previews never fetch private, loopback or link-local addresses
# unless this is switched on (tests, or feeds served on the local network).
AMBASSADE_FETCH_ALLOW_PRIVATE = env_bool("AMBASSADE_FETCH_ALLOW_PRIVATE")
# Content images are fetched once and served from our origin (never hot-linked);
# larger ones are refused.
AMBASSADE_IMAGE_MAX_BYTES = int(os.environ.get("AMBASSADE_IMAGE_MAX_BYTES", "5000000"))

# Raw clicks are kept this long (13 months by default), then only the daily roll-ups.
AMBASSADE_CLICK_RETENTION_DAYS = int(os.environ.get("AMBASSADE_CLICK_RETENTION_DAYS", "396"))
# The privacy job (ambassade.privacy, daily) enforces the other retention periods: the
# e-mail address and error text of newsletter deliveries and digests, the audit log, read
# notifications; expired sessions, old login attempts and finished task results go too.
# The privacy page (/privacy/) shows these figures.
AMBASSADE_DELIVERY_RETENTION_DAYS = int(os.environ.get("AMBASSADE_DELIVERY_RETENTION_DAYS", "396"))
AMBASSADE_AUDIT_RETENTION_DAYS = int(os.environ.get("AMBASSADE_AUDIT_RETENTION_DAYS", "1095"))
AMBASSADE_NOTIFICATION_RETENTION_DAYS = int(
    os.environ.get("AMBASSADE_NOTIFICATION_RETENTION_DAYS", "365")
)
AMBASSADE_LOGIN_ATTEMPT_RETENTION_DAYS = int(
    os.environ.get("AMBASSADE_LOGIN_ATTEMPT_RETENTION_DAYS", "30")
)
# Who to write to about personal data (an address or a URL); empty: the organization's admin.
AMBASSADE_PRIVACY_CONTACT = os.environ.get("AMBASSADE_PRIVACY_CONTACT", "")

# Newsletter sending: messages per SMTP connection, a pace (messages per second, 0 for
# none: set it to your provider's limit), attempts on temporary failures (4xx, dropped
# connections) spaced by an exponential back-off from AMBASSADE_NEWSLETTER_RETRY_SECONDS.
AMBASSADE_NEWSLETTER_BATCH = int(os.environ.get("AMBASSADE_NEWSLETTER_BATCH", "100"))
AMBASSADE_NEWSLETTER_RATE = float(os.environ.get("AMBASSADE_NEWSLETTER_RATE", "0"))
AMBASSADE_NEWSLETTER_MAX_ATTEMPTS = int(os.environ.get("AMBASSADE_NEWSLETTER_MAX_ATTEMPTS", "5"))
AMBASSADE_NEWSLETTER_RETRY_SECONDS = int(os.environ.get("AMBASSADE_NEWSLETTER_RETRY_SECONDS", "60"))
# Send tasks sharing one issue at a time (each takes its share of the rate).
AMBASSADE_NEWSLETTER_SENDERS = int(os.environ.get("AMBASSADE_NEWSLETTER_SENDERS", "2"))
# Digests leave at this local hour (each person's time zone); weekly ones on this weekday
# (0 = Monday).
AMBASSADE_DIGEST_HOUR = int(os.environ.get("AMBASSADE_DIGEST_HOUR", "8"))
AMBASSADE_DIGEST_WEEKDAY = int(os.environ.get("AMBASSADE_DIGEST_WEEKDAY", "0"))
