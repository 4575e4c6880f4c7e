"""Django settings, built from the typed list of environment variables in `callingtime.env`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from callingtime import env

# The whole environment schema lives in callingtime.env.SETTINGS; these are read from it.
DEBUG = env.env_bool("CALLINGTIME_DEBUG")
DATA_DIR = env.data_dir()
HTTPS = env.env_bool("CALLINGTIME_HTTPS")

SECRET_KEY = env.env_str("CALLINGTIME_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CALLINGTIME_SECRET_KEY is not set. Set it, or use `callingtime start`, which keeps a "
            "generated key in the data directory."
        )
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105 - debug only, refused above otherwise

ALLOWED_HOSTS = env.env_list("CALLINGTIME_ALLOWED_HOSTS")
CRIME_DB_PATH = env.crime_db_path()
AREAS_DB_PATH = env.areas_db_path()

BASE_DIR = Path(__file__).resolve().parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "callingtime.core",
    "callingtime.evidence",
    "callingtime.campaigns",
    "callingtime.petitions",
    "callingtime.paper",
    "callingtime.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "callingtime.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "callingtime.core.context_processors.site",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env.env_str("DATABASE_URL")
    if url:
        # No health check: it is a `SELECT 1` before every request's first query, one of a
        # signature's two round trips. A connection lives at most 60 s, so only a database
        # restart leaves it broken; then each worker answers one request with the 503 of
        # DatabaseUnavailableMiddleware (nothing saved) and reconnects for the next.
        pool_size = env.env_int("CALLINGTIME_DB_POOL")
        # A pooled connection goes back to the pool when its request ends (Django requires
        # CONN_MAX_AGE 0 with a pool); the pool drops connections a failure left broken.
        config = dj_database_url.parse(
            url, conn_max_age=0 if pool_size else 60, conn_health_checks=False
        )
        # Django's cursors bind on the client and never prepare; the signing INSERT uses a
        # server-binding cursor, which psycopg prepares after this many uses on a connection.
        options: dict[str, object] = {"prepare_threshold": 2, **config.get("OPTIONS", {})}
        if pool_size:
            options["pool"] = {"min_size": 1, "max_size": pool_size, "timeout": 10}
        config["OPTIONS"] = options
        return dict(config)
    # Embedded default: WAL and IMMEDIATE transactions avoid "database is locked" under
    # concurrent writers.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "callingtime.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Security by default; HTTPS-only protections switch on with CALLINGTIME_HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

MAP_TILES_URL = env.env_str("CALLINGTIME_MAP_TILES_URL").strip()
MAP_TILES_ATTRIBUTION = env.env_str("CALLINGTIME_MAP_TILES_ATTRIBUTION").strip()


def _tile_origin(template: str) -> list[str]:
    """Return the CSP source of a tile template's host ({s} subdomains become a wildcard)."""
    if not template:
        return []
    parts = urlsplit(template.replace("{s}", "*"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(
            f"CALLINGTIME_MAP_TILES_URL must be an http(s) address, got {template!r}"
        )
    return [f"{parts.scheme}://{parts.netloc}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origin(MAP_TILES_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SITE_URL = env.env_str("CALLINGTIME_SITE_URL").rstrip("/")
TRUSTED_PROXIES = frozenset(env.env_list("CALLINGTIME_TRUSTED_PROXIES"))

# Petitions: the counter's rhythm, the abuse limits and how long personal data is kept.
COUNT_INTERVAL_SECONDS = env.env_int("CALLINGTIME_COUNT_INTERVAL")
COUNT_LAG_SECONDS = env.env_int("CALLINGTIME_COUNT_LAG")
SIGN_BURST_LIMIT = env.env_int("CALLINGTIME_SIGN_BURST_LIMIT")
SIGN_SUSTAINED_LIMIT = env.env_int("CALLINGTIME_SIGN_SUSTAINED_LIMIT")
CONFIRMATION_EMAILS_MAX = env.env_int("CALLINGTIME_CONFIRMATION_EMAILS_MAX")
CONFIRM_TOKEN_MAX_AGE = env.env_int("CALLINGTIME_CONFIRM_TOKEN_DAYS") * 86_400
ANONYMISE_AFTER_DAYS = env.env_int("CALLINGTIME_ANONYMISE_AFTER_DAYS")
SURVEY_ANSWERS_PER_DAY = env.env_int("CALLINGTIME_SURVEY_ANSWERS_PER_DAY")

# Background work: django-tasks with its database backend, run by `callingtime worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_FROM_EMAIL = env.env_str("CALLINGTIME_EMAIL_FROM")
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = env.env_str("CALLINGTIME_EMAIL_BACKEND").strip().lower()
if _email_backend not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"CALLINGTIME_EMAIL_BACKEND must be one of {', '.join(_EMAIL_BACKENDS)}, "
        f"got {_email_backend!r}"
    )
EMAIL_BACKEND = _EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_HOST = env.env_str("CALLINGTIME_SMTP_HOST")
EMAIL_PORT = env.env_int("CALLINGTIME_SMTP_PORT")
EMAIL_HOST_USER = env.env_str("CALLINGTIME_SMTP_USER")
EMAIL_HOST_PASSWORD = env.env_str("CALLINGTIME_SMTP_PASSWORD")
EMAIL_USE_TLS = env.env_bool("CALLINGTIME_SMTP_TLS")
EMAIL_TIMEOUT = 10

LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "callingtime": {
            "handlers": ["console"],
            "level": env.env_str("CALLINGTIME_LOG_LEVEL"),
            "propagate": False,
        },
    },
}
