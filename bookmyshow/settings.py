"""Settings for the booking site.

Every value that differs between a laptop and a deployment comes from the environment
(see the configuration table in the README); the defaults are safe for local use only.
"""

import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {raw!r}.")


def env_rate(name: str, default: str) -> str:
    """A rate in DRF's throttle syntax: ``30/min``, ``5/hour``."""
    raw = env_str(name, default)
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", raw):
        raise ImproperlyConfigured(f"{name} must be a rate like 30/min or 5/hour, not {raw!r}.")
    return raw


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "django-insecure-local-development-only-key-do-not-deploy-0123456789"
ALLOWED_HOSTS = [
    host.strip()
    for host in env_str("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "bookmyshow.apps.CoreConfig",
    "bookmyshow.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "catalog",
    "booking",
]

# The security headers and the policy come first, so every answer carries them (a 413, a
# disallowed host's 400); the request guard then refuses what nothing should read.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Gzips pages and large answers, last of all (README: "Compressed, with care").
    "bookmyshow.compression.CompressionMiddleware",
    "bookmyshow.errors.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "catalog.visitor.CityCookieMiddleware",
    "bookmyshow.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "bookmyshow.urls"
WSGI_APPLICATION = "bookmyshow.wsgi.application"

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
                "django.template.context_processors.csp",
                "catalog.visitor.city_context",
                "bookmyshow.signin_help.pending_verification",
            ],
            # Every amount on a page is written by one filter: {{ amount|rupees }}.
            "builtins": ["bookmyshow.templatetags.money"],
        },
    },
]

# SQLite is tuned for concurrent writers: WAL lets readers run beside the writer, the
# busy timeout waits for the lock instead of failing, and IMMEDIATE transactions take the
# write lock up front so a read-then-write never dies with "database is locked".
# Connections are kept between requests, as PostgreSQL's are: opening one runs the
# pragmas, and closing the last one checkpoints and deletes the write-ahead log, about 85
# system calls that every request paid, each a chance for Python's lock to pass to another
# thread (which the request then waits to take back).
SQLITE_DEFAULT: dict[str, Any] = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
    "CONN_MAX_AGE": 60,
    "OPTIONS": {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    },
    # One test database per test process, so two test runs never share a file.
    "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"bms-test-{os.getpid()}.sqlite3")},
}
# Persistent connections are checked before reuse, so a restarted database is used again
# without errors; a connection that cannot be made fails fast (a 503, not a hung worker).
DATABASES: dict[str, dict[str, Any]] = {
    "default": (
        dict(
            dj_database_url.parse(
                os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
            )
        )
        if os.environ.get("DATABASE_URL")
        else SQLITE_DEFAULT
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

LANGUAGE_CODE = "en-in"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "bookmyshow.storage.StaticFilesStorage"
        )
    },
}

# Security. Behind a TLS-terminating proxy DJANGO_SECURE_SSL_REDIRECT=1 turns on the
# redirect, secure cookies and HSTS together, so they can never disagree.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = 31_536_000 if SECURE_SSL_REDIRECT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL_REDIRECT
SECURE_HSTS_PRELOAD = SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL_REDIRECT else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "bookmyshow.errors.csrf_failure"
SESSION_ENGINE = "bookmyshow.sessions"
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in env_str("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a missing login a 401, not a 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["bookmyshow.api.JSONParser"],
    "EXCEPTION_HANDLER": "bookmyshow.api_errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "BookMyShow API",
    "DESCRIPTION": (
        "Movies, shows and seat maps (public), and holds, orders and payment (a session or "
        "`Authorization: Token <token>` from `POST /api/v1/auth/token`). Every error has "
        'the shape `{"error": {"code", "message", "details"}}`. Times are ISO 8601 with '
        "their offset, in India time; money is a JSON number of rupees rounded to the "
        'paisa, half up, beside `"currency": "INR"`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the vendored drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A hold's status appears in two responses (a hold, and a hold as created): one name.
    "ENUM_NAME_OVERRIDES": {
        "HoldStatusEnum": "booking.domain.HoldStatus",
        "OrderStatusEnum": "booking.domain.OrderStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bookmyshow.api_docs.error_table",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": env_str("LOG_LEVEL", "INFO")}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The catalog: the Lambda read API when BMS_API_URL is set, the local models otherwise.
BMS_API_URL = env_str("BMS_API_URL", "").rstrip("/")
BMS_API_CONNECT_TIMEOUT = 3.05
BMS_API_READ_TIMEOUT = 10.0
BMS_API_RETRIES = 2
# How the service's times are labelled: "utc" (true UTC, as it documents) or "local"
# (India wall-clock times labelled +00:00, as its own data generator writes them).
BMS_API_TIMES = env_str("BMS_API_TIMES", "utc")
if BMS_API_TIMES not in ("utc", "local"):
    raise ImproperlyConfigured(f"BMS_API_TIMES must be utc or local, not {BMS_API_TIMES!r}.")
# After this many failed calls in a row, the catalog answers CATALOG_UNAVAILABLE at once
# for the cool-down, then lets one call try again.
BMS_API_BREAKER_FAILURES = env_int("BMS_API_BREAKER_FAILURES", 3, minimum=1)
BMS_API_BREAKER_COOLDOWN_SECONDS = env_int("BMS_API_BREAKER_COOLDOWN_SECONDS", 15, minimum=1)
# A hold is checked against the source's seat map no older than this (orders and
# payments always read it afresh).
BMS_SEATMAP_MAX_AGE_SECONDS = env_int("BMS_SEATMAP_MAX_AGE_SECONDS", 2)

# Booking rules.
BOOKING_STORE_URL = env_str("BOOKING_STORE_URL", "memory://")
STORE_BACKENDS = {
    "memory": "booking.stores.memory.MemoryBookingStore",
    "redis": "booking.stores.redis.RedisBookingStore",
    "rediss": "booking.stores.redis.RedisBookingStore",
    "unix": "booking.stores.redis.RedisBookingStore",
    "redis-cluster": "booking.stores.redis.RedisClusterBookingStore",
}
_store_scheme = BOOKING_STORE_URL.partition("://")[0]
if _store_scheme not in STORE_BACKENDS:
    raise ImproperlyConfigured(
        "BOOKING_STORE_URL must be memory://, redis://host:port/db or "
        f"redis-cluster://host:port[,host:port…], not {BOOKING_STORE_URL!r}."
    )
BOOKING_STORE: dict[str, Any] = {
    "BACKEND": STORE_BACKENDS[_store_scheme],
    "LOCATION": BOOKING_STORE_URL,
    "OPTIONS": {"KEY_PREFIX": env_str("BOOKING_STORE_KEY_PREFIX", "bms")},
}
HOLD_TTL_SECONDS = env_int("HOLD_TTL_SECONDS", 600, minimum=1)
ORDER_TTL_SECONDS = env_int("ORDER_TTL_SECONDS", 300, minimum=1)
# Once payment began, the sale has this long to be committed and recorded before the
# order's seats are freed (longer than any database transaction may take).
PAYMENT_GRACE_SECONDS = env_int("PAYMENT_GRACE_SECONDS", 120, minimum=1)
MAX_SEATS_PER_HOLD = env_int("MAX_SEATS_PER_HOLD", 10, minimum=1)
MAX_ACTIVE_SEATS_PER_USER = env_int("MAX_ACTIVE_SEATS_PER_USER", 10, minimum=1)
MAX_ACTIVE_SEATS_PER_CLIENT = env_int("MAX_ACTIVE_SEATS_PER_CLIENT", 20, minimum=1)
# A selection may not leave a single free seat stranded (booking.picking); 0 turns it off.
ORPHAN_SEAT_RULE = env_bool("ORPHAN_SEAT_RULE", True)

# Limits, counted across every worker (see bookmyshow.ratelimit).
HOLD_RATE_LIMIT = env_rate("HOLD_RATE_LIMIT", "30/min")
SIGNUP_RATE_LIMIT = env_rate("SIGNUP_RATE_LIMIT", "5/hour")
LOGIN_RATE_LIMIT = env_rate("LOGIN_RATE_LIMIT", "10/min")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# The default cache is per process (the Lambda catalog's answers); the rate-limit
# counters are shared by every worker whenever the booking store is.
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "bookmyshow",
    },
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "bookmyshow-ratelimit",
    },
}
if _store_scheme == "redis-cluster":
    CACHES["ratelimit"] = {
        "BACKEND": "bookmyshow.redis_cluster.RedisClusterCache",
        "LOCATION": BOOKING_STORE_URL,
        "KEY_PREFIX": BOOKING_STORE["OPTIONS"]["KEY_PREFIX"],
    }
elif _store_scheme != "memory":
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": BOOKING_STORE_URL,
        "KEY_PREFIX": BOOKING_STORE["OPTIONS"]["KEY_PREFIX"],
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


# E-mail ----------------------------------------------------------------------------------
# EMAIL_URL names the backend: console:// (the default with DJANGO_DEBUG=1: messages are
# printed, bodies as written), file:///var/mail/bms (one file per message),
# smtp://user:password@host:587 (smtp+tls:// for STARTTLS, smtps:// for TLS from the
# start), locmem:// or dummy://.
def email_mailer(url: str) -> dict[str, Any]:
    """The ``MAILERS`` entry (Django 6.1's mail settings) that ``url`` names."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    django_backends = "django.core.mail.backends"
    backends = {
        "console": "bookmyshow.console_mail.EmailBackend",  # the body as written
        "file": f"{django_backends}.filebased.EmailBackend",
        "smtp": f"{django_backends}.smtp.EmailBackend",
        "smtp+tls": f"{django_backends}.smtp.EmailBackend",
        "smtps": f"{django_backends}.smtp.EmailBackend",
        "locmem": f"{django_backends}.locmem.EmailBackend",
        "dummy": f"{django_backends}.dummy.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(f'{s}://' for s in backends)}."
        )
    options: dict[str, Any] = {}
    if parts.scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a directory: file:///var/mail/bms")
        options["file_path"] = unquote(parts.path)
    elif parts.scheme.startswith("smtp"):
        options = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": parts.scheme == "smtp+tls",
            "use_ssl": parts.scheme == "smtps",
            "timeout": 10,
        }
    return {"BACKEND": backends[parts.scheme], "OPTIONS": options}


def email_legacy_settings(mailer: dict[str, Any]) -> dict[str, Any]:
    """The same mailer as Django 6.0's EMAIL_* settings."""
    names = {
        "file_path": "EMAIL_FILE_PATH",
        "host": "EMAIL_HOST",
        "port": "EMAIL_PORT",
        "username": "EMAIL_HOST_USER",
        "password": "EMAIL_HOST_PASSWORD",
        "use_tls": "EMAIL_USE_TLS",
        "use_ssl": "EMAIL_USE_SSL",
        "timeout": "EMAIL_TIMEOUT",
    }
    return {"EMAIL_BACKEND": mailer["BACKEND"]} | {
        names[key]: value for key, value in mailer["OPTIONS"].items()
    }


EMAIL_URL = env_str("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25")
if django.VERSION >= (6, 1):
    MAILERS = {"default": email_mailer(EMAIL_URL)}
else:
    globals().update(email_legacy_settings(email_mailer(EMAIL_URL)))
# Where links in e-mail point: the site as its users reach it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BookMyShow <tickets@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Send each message in a thread of its own right after the commit (0: in the request).
EMAIL_SEND_IN_BACKGROUND = env_bool("EMAIL_SEND_IN_BACKGROUND", True)
# A message that could not be sent is tried again by the sweeper this many times in all.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5, minimum=1)
# How long an e-mail verification link works.
EMAIL_VERIFICATION_SECONDS = env_int("EMAIL_VERIFICATION_SECONDS", 24 * 3600, minimum=60)
PASSWORD_RESET_RATE_LIMIT = env_rate("PASSWORD_RESET_RATE_LIMIT", "5/hour")
VERIFY_RESEND_RATE_LIMIT = env_rate("VERIFY_RESEND_RATE_LIMIT", "5/hour")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 3600, minimum=60)

# The key that signs the text of a ticket's QR code (booking/tickets.py). Rotating it
# makes every QR code printed before unreadable at the door (the typed ticket code works).
TICKET_SIGNING_KEY = env_str("TICKET_SIGNING_KEY", "") or SECRET_KEY
try:
    CONVENIENCE_FEE_PER_TICKET = Decimal(env_str("CONVENIENCE_FEE_PER_TICKET", "0"))
except ArithmeticError:
    raise ImproperlyConfigured("CONVENIENCE_FEE_PER_TICKET must be a number.") from None


# Content-Security-Policy ----------------------------------------------------------------
# Everything the site's pages use comes from this server: its own scripts and styles (no
# inline ones, and no style attributes: the seat map sizes itself with classes and the
# CSSOM), images from here or inline data: URIs (the QR code is inline SVG), nothing
# embeds the site, forms post only back to it. The policy is sent by
# django.middleware.csp.ContentSecurityPolicyMiddleware (see MIDDLEWARE).
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Posters come from the catalog: the Lambda's thumbnails live on hosts of its own.
    "img-src": [CSP.SELF, "data:", "https:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Swagger UI and ReDoc (bookmyshow/urls.py applies this with csp_override): their inline
# start-up scripts carry the request's nonce (templates/drf_spectacular/); ReDoc's bundle
# adds <style> elements as it loads, before it could be told a nonce, so inline styles are
# allowed here; its search runs in a web worker made from a blob: URL. img-src stops the
# logo ReDoc's side menu asks cdn.redoc.ly for (it then shows none).
API_DOCS_CSP: dict[str, list[str]] = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
    "img-src": [CSP.SELF, "data:"],
}
# End of Content-Security-Policy ---------------------------------------------------------
