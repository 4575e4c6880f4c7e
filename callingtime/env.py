"""Every environment variable callingtime reads, declared once with its type and safe default.

Plain Python (no Django) so that the crime store and the CLI read the same settings as the web
app. `config.settings` builds Django's settings from these; the README and `.env.example` list
them, and a test fails when one is undocumented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["str", "bool", "int", "path", "list"]


@dataclass(frozen=True)
class EnvVar:
    """One environment variable: its name, type, default and what it is for."""

    name: str
    kind: Kind
    default: str
    help: str
    secret: bool = False


SETTINGS: tuple[EnvVar, ...] = (
    EnvVar("CALLINGTIME_DEBUG", "bool", "false", "Django debug mode. Never on in production."),
    EnvVar(
        "CALLINGTIME_SECRET_KEY",
        "str",
        "",
        "Django secret key. Required unless CALLINGTIME_DEBUG is on or the embedded default "
        "(`callingtime start`) generates one into the data directory.",
        secret=True,
    ),
    EnvVar(
        "CALLINGTIME_DATA_DIR",
        "path",
        "var",
        "Folder for the embedded default: the SQLite database, the DuckDB crime and geography "
        "stores, generated keys and e-mail files.",
    ),
    EnvVar(
        "DATABASE_URL",
        "str",
        "",
        "The app database. Empty: SQLite in CALLINGTIME_DATA_DIR. Production: "
        "postgres://user@host:5432/name.",
    ),
    EnvVar(
        "CALLINGTIME_CRIME_DB",
        "path",
        "",
        "The DuckDB crime store. Empty: crime.duckdb in CALLINGTIME_DATA_DIR.",
    ),
    EnvVar(
        "CALLINGTIME_AREAS_DB",
        "path",
        "",
        "The DuckDB geography store. Empty: areas.duckdb in CALLINGTIME_DATA_DIR.",
    ),
    EnvVar(
        "CALLINGTIME_ALLOWED_HOSTS",
        "list",
        "localhost,127.0.0.1",
        "Comma-separated host names the web app answers to.",
    ),
    EnvVar("CALLINGTIME_HOST", "str", "127.0.0.1", "Address `callingtime start` listens on."),
    EnvVar("CALLINGTIME_PORT", "int", "8000", "Port `callingtime start` listens on."),
    EnvVar(
        "CALLINGTIME_HTTPS",
        "bool",
        "false",
        "Served over HTTPS (behind TLS): secure cookies, HSTS and redirects from plain HTTP.",
    ),
    EnvVar(
        "CALLINGTIME_LOG_LEVEL",
        "str",
        "INFO",
        "Log level of the app's own loggers. Logs never carry personal data.",
    ),
    EnvVar(
        "CALLINGTIME_POLICE_ARCHIVE_URL",
        "str",
        "https://data.police.uk/data/archive",
        "Base address of the data.police.uk archive that `callingtime crime fetch` downloads from.",
    ),
    EnvVar(
        "CALLINGTIME_MAP_TILES_URL",
        "str",
        "",
        "Street-map tile template for area maps, e.g. https://tile.example.org/{z}/{x}/{y}.png. "
        "Empty: no tiles, boundaries on a plain background. Its host is added to the CSP.",
    ),
    EnvVar(
        "CALLINGTIME_MAP_TILES_ATTRIBUTION",
        "str",
        "",
        "Attribution the tile provider requires, shown on every map (plain text).",
    ),
    EnvVar(
        "CALLINGTIME_SITE_URL",
        "str",
        "http://127.0.0.1:8000",
        "Public address of the site, used in e-mailed links and the JSON API's links.",
    ),
    EnvVar(
        "CALLINGTIME_TRUSTED_PROXIES",
        "list",
        "",
        "Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed; the "
        "client address is the last one before them. Empty: the socket peer is the client.",
    ),
    EnvVar(
        "CALLINGTIME_COUNT_INTERVAL",
        "int",
        "4",
        "Seconds between runs of the petition counter; also the max-age of cached counts. With "
        "the lag, a count is at most interval + lag + max-age (10 s by default) behind.",
    ),
    EnvVar(
        "CALLINGTIME_COUNT_LAG",
        "int",
        "2",
        "Seconds the counter stays behind now, because commit order is not timestamp order.",
    ),
    EnvVar(
        "CALLINGTIME_SIGN_BURST_LIMIT",
        "int",
        "10",
        "Signatures one IP address may make in a minute before later ones are flagged.",
    ),
    EnvVar(
        "CALLINGTIME_SIGN_SUSTAINED_LIMIT",
        "int",
        "60",
        "Signatures one IP address may make in an hour before later ones are flagged.",
    ),
    EnvVar(
        "CALLINGTIME_CONFIRMATION_EMAILS_MAX",
        "int",
        "3",
        "Confirmation e-mails one address can trigger per petition.",
    ),
    EnvVar(
        "CALLINGTIME_CONFIRM_TOKEN_DAYS",
        "int",
        "30",
        "Days a confirmation link stays valid.",
    ),
    EnvVar(
        "CALLINGTIME_ANONYMISE_AFTER_DAYS",
        "int",
        "183",
        "Days after a petition closes when its signers' personal data is anonymised "
        "(counts by constituency are kept).",
    ),
    EnvVar(
        "CALLINGTIME_SURVEY_ANSWERS_PER_DAY",
        "int",
        "20",
        "Survey answers one connection may send to one survey in a day (a soft guard against "
        "repeats, counted under a key that changes daily, so no address is kept).",
    ),
    EnvVar(
        "CALLINGTIME_EMAIL_BACKEND",
        "str",
        "file",
        "How e-mail leaves: `smtp` (production), `file` (written to CALLINGTIME_DATA_DIR/mail) "
        "or `console`.",
    ),
    EnvVar(
        "CALLINGTIME_EMAIL_FROM",
        "str",
        "callingtime <no-reply@localhost>",
        "The From address of e-mail the site sends.",
    ),
    EnvVar("CALLINGTIME_SMTP_HOST", "str", "localhost", "SMTP server for e-mail."),
    EnvVar("CALLINGTIME_SMTP_PORT", "int", "587", "SMTP port."),
    EnvVar("CALLINGTIME_SMTP_USER", "str", "", "SMTP user name."),
    EnvVar("CALLINGTIME_SMTP_PASSWORD", "str", "", "SMTP password.", secret=True),
    EnvVar("CALLINGTIME_SMTP_TLS", "bool", "true", "Use STARTTLS with the SMTP server."),
    EnvVar(
        "CALLINGTIME_WEB_WORKERS",
        "int",
        "0",
        "gunicorn worker processes for `callingtime serve`. 0: two per CPU core plus one (gevent: "
        "one per core).",
    ),
    EnvVar(
        "CALLINGTIME_WEB_WORKER_CLASS",
        "str",
        "",
        "gunicorn worker class for `callingtime serve`: sync, gthread or gevent. Empty: sync "
        "(gthread when --threads is above 1).",
    ),
    EnvVar(
        "CALLINGTIME_DB_POOL",
        "int",
        "0",
        "PostgreSQL connections a process keeps in a pool (psycopg_pool). 0: no pool, one "
        "connection a thread. `serve --worker-class gevent` sets 8 unless this is set.",
    ),
    EnvVar(
        "CALLINGTIME_SHARED_DATA",
        "path",
        "../shared/data",
        "Larger real data sets used by tests and benchmarks; tests that need them skip without "
        "them (and fail when CI=true).",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}
_TRUE = {"1", "true", "yes", "on"}


def env_str(name: str) -> str:
    """Return a declared variable's value, or its default when unset."""
    setting = _BY_NAME[name]
    return os.environ.get(name, setting.default)


def env_bool(name: str) -> bool:
    """Return a declared boolean variable."""
    return env_str(name).strip().lower() in _TRUE


def env_int(name: str) -> int:
    """Return a declared integer variable."""
    return int(env_str(name))


def env_list(name: str) -> list[str]:
    """Return a declared comma-separated variable as a list, empty items dropped."""
    return [item.strip() for item in env_str(name).split(",") if item.strip()]


def data_dir() -> Path:
    """Return the folder of the embedded default's files."""
    return Path(env_str("CALLINGTIME_DATA_DIR")).expanduser()


def crime_db_path() -> Path:
    """Return where the DuckDB crime store lives."""
    explicit = env_str("CALLINGTIME_CRIME_DB")
    return Path(explicit).expanduser() if explicit else data_dir() / "crime.duckdb"


def areas_db_path() -> Path:
    """Return where the DuckDB geography store lives."""
    explicit = env_str("CALLINGTIME_AREAS_DB")
    return Path(explicit).expanduser() if explicit else data_dir() / "areas.duckdb"
