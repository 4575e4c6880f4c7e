"""`callingtime start`, `serve`, `manage` and `demo`: run the web app and its embedded default.

`start` is the one-machine default on waitress (pure Python, any OS). `serve` is production:
gunicorn with forked workers, so a node uses every core; forking after loading the app is
safe because database connections and the per-thread DuckDB handles open lazily, after the
fork.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import click

from callingtime import env


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def embedded_secret_key(*, create: bool = True) -> None:
    """Keep one generated secret key in the data directory so sessions survive restarts.

    Commands other than `start` create it only on the embedded default (no DATABASE_URL), so
    a production machine missing CALLINGTIME_SECRET_KEY still fails loudly.
    """
    if os.environ.get("CALLINGTIME_SECRET_KEY"):
        return
    key_file = env.data_dir() / "secret_key"
    if not key_file.exists():
        if not create:
            return
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ["CALLINGTIME_SECRET_KEY"] = key_file.read_text().strip()


def _waitress_serve(host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    from config.wsgi import application

    click.echo(f"callingtime is running at http://{host}:{port}/  (Ctrl+C stops it)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="callingtime")


def _demo_campaign() -> None:
    from callingtime.campaigns.selectors import staff_exists
    from callingtime.petitions.demo_campaign import DEMO_ORGANISATIONS, demo_campaign_ensure
    from callingtime.surveys.demo import demo_survey_ensure

    demo = demo_campaign_ensure()
    if demo.created:
        click.echo(demo.summary())
    survey, made = demo_survey_ensure(campaign=demo.campaign)
    if made:
        click.echo(f"Published the demo survey {survey.title!r} at /surveys/{survey.pk}/.")
    if not staff_exists():
        click.echo(
            "No staff account yet. To sign in at /staff/login/, create one:\n"
            f"  callingtime staff add YOUR_NAME --organisation {DEMO_ORGANISATIONS[0][0]} "
            "--role admin\n  (or `callingtime manage createsuperuser` for every organisation)"
        )


@click.command()
@click.option("--host", default=lambda: env.env_str("CALLINGTIME_HOST"), show_default="127.0.0.1")
@click.option(
    "--port", type=int, default=lambda: env.env_int("CALLINGTIME_PORT"), show_default="8000"
)
@click.option("--threads", type=int, default=8, show_default=True)
@click.option(
    "--no-demo",
    is_flag=True,
    help="Do not load the demo extract into empty stores nor create the demo campaign.",
)
@click.option(
    "--no-worker",
    is_flag=True,
    help="Do not run the background jobs (e-mail, counting) in this process.",
)
def start(host: str, port: int, threads: int, no_demo: bool, no_worker: bool) -> None:
    """Prepare the embedded default (database, demo data) and serve the web app."""
    embedded_secret_key()
    # E-mailed links must reach this server: on the embedded default it is the one listening.
    shown = f"[{host}]" if ":" in host else host
    os.environ.setdefault("CALLINGTIME_SITE_URL", f"http://{shown}:{port}")
    _django_setup()
    from django.core.management import call_command

    from callingtime.demo import demo_load, demo_needed

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not no_demo and demo_needed(crime_db=env.crime_db_path(), areas_db=env.areas_db_path()):
        click.echo("Loading the demo extract (real police.uk, Met and ONS data; about a minute)...")
        report = demo_load(crime_db=env.crime_db_path(), areas_db=env.areas_db_path())
        click.echo(report.summary())
    if not no_demo:
        _demo_campaign()
    if not no_worker:
        from callingtime.petitions.scheduler import worker_thread_start

        worker_thread_start()
        click.echo("Background jobs run in this process; e-mail is written to the data folder.")
    _waitress_serve(host, port, threads)


# Worker heartbeats are file writes; on a container's overlay disk they can stall (gunicorn's
# own advice is a memory file system). Only gunicorn's empty heartbeat files live there.
_HEARTBEAT_DIR = Path("/dev/shm")  # noqa: S108


WORKER_CLASSES = ("sync", "gthread", "gevent")
# Open client connections a gevent worker holds; behind a proxy or CDN these are its
# keep-alive connections, so a few hundred per worker is plenty.
GEVENT_CONNECTIONS = 500
# PostgreSQL connections each gevent worker keeps in its pool (sync and gthread workers keep
# one a thread): greenlets take one for a query and give it back when their request ends.
GEVENT_POOL_SIZE = 8
GEVENT_WORKER_CLASS = "callingtime.core.gevent_worker.FairGeventWorker"
# Requests before a gevent worker is recycled: gunicorn adds up to as many again at random.
GEVENT_MAX_REQUESTS = 250_000


def gunicorn_options(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    timeout: int = 60,
    trusted_proxies: list[str] | None = None,
    cpu_count: int | None = None,
    worker_class: str = "",
) -> dict[str, Any]:
    """Return the gunicorn settings `callingtime serve` runs with.

    `worker_class` is sync, gthread or gevent; empty chooses by `threads` (1: sync).

    >>> gunicorn_options(host="::", port=8000, workers=0, threads=1, cpu_count=2)["bind"]
    ['[::]:8000']
    """
    cores = cpu_count or os.cpu_count() or 1
    address = f"[{host}]" if ":" in host and not host.startswith("[") else host
    options: dict[str, Any] = {
        "bind": [f"{address}:{port}"],
        "workers": workers if workers > 0 else 2 * cores + 1,
        # Threads share a worker's memory; requests waiting on PostgreSQL leave the GIL free.
        "worker_class": worker_class or ("gthread" if threads > 1 else "sync"),
        "threads": max(threads, 1),
        "preload_app": True,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Recycle workers now and then so slow leaks never add up; jitter avoids all at once.
        # A new worker imports the views and connects to PostgreSQL on its first requests, so
        # at a spike's few hundred requests a second per worker 5,000 was a restart every
        # 10-20 s; 50,000 is a few minutes.
        "max_requests": 50_000,
        "max_requests_jitter": 5_000,
        # No access log: request lines carry IP addresses and confirmation tokens.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "callingtime",
        # The same proxies whose X-Forwarded-For the app believes may set X-Forwarded-Proto.
        "forwarded_allow_ips": ",".join(trusted_proxies or []) or "127.0.0.1,::1",
        "control_socket_disable": True,
    }
    if options["worker_class"] == "gevent":
        # gunicorn's gevent worker, made fair between kept-alive connections (core/gevent_worker).
        options["worker_class"] = GEVENT_WORKER_CLASS
        # gevent patches the standard library as a worker starts; modules loaded before
        # that (the app, if the master preloaded it) would keep per-thread state shared by
        # every request of the worker, database connections included.
        options["preload_app"] = False
        options["threads"] = 1
        options["worker_connections"] = GEVENT_CONNECTIONS
        # One worker a core: each holds many requests, so more processes only add switches
        # between them (bench/README.md, "Fair gevent workers").
        options["workers"] = workers if workers > 0 else cores
        # One worker a core takes two or three times a sync worker's share of requests, so
        # 50,000 came round every 20 s of a spike, and with so few workers two often hit it in
        # the same second: for the second the new ones took to boot, nothing accepted and
        # p99 rose past 350 ms. Recycle later, and far enough apart not to coincide.
        options["max_requests"] = GEVENT_MAX_REQUESTS
        options["max_requests_jitter"] = GEVENT_MAX_REQUESTS
    if _HEARTBEAT_DIR.is_dir():
        options["worker_tmp_dir"] = str(_HEARTBEAT_DIR)
    return options


def gunicorn_argv(options: dict[str, Any]) -> list[str]:
    """Return the gunicorn command line that applies these settings to the Django app."""
    from gunicorn.config import Config

    settings = Config().settings
    argv = [sys.executable, "-m", "gunicorn"]
    for key, value in options.items():
        if value is None:
            continue
        setting = settings[key]
        flag = next(name for name in setting.cli if name.startswith("--"))
        if setting.action == "store_true":
            argv += [flag] if value else []
        elif isinstance(value, list):
            argv += [f"{flag}={item}" for item in value]
        else:
            argv.append(f"{flag}={value}")
    return [*argv, "config.wsgi:application"]


def _gunicorn_exec(options: dict[str, Any]) -> None:
    # A fresh interpreter, not this one: importing the CLI has loaded native libraries (DuckDB,
    # NumPy) that start threads, and workers forked from such a process abort when they exit.
    argv = gunicorn_argv(options)
    sys.stdout.flush()
    os.execv(argv[0], argv)  # noqa: S606 - our own interpreter and arguments


@click.command()
@click.option("--host", default=lambda: env.env_str("CALLINGTIME_HOST"), show_default="127.0.0.1")
@click.option(
    "--port", type=int, default=lambda: env.env_int("CALLINGTIME_PORT"), show_default="8000"
)
@click.option(
    "--workers",
    type=int,
    default=lambda: env.env_int("CALLINGTIME_WEB_WORKERS"),
    show_default="CALLINGTIME_WEB_WORKERS, 0: two per CPU core plus one (gevent: one per core)",
    help="Worker processes.",
)
@click.option(
    "--threads",
    type=int,
    # Measured by bench/load.py: behind a buffering proxy, sync workers signed about twice as
    # fast as gthread workers, whose threads contend for one interpreter.
    default=1,
    show_default=True,
    help="Threads per worker (1: sync workers, more: gthread).",
)
@click.option("--timeout", type=int, default=60, show_default=True, help="Seconds per request.")
@click.option(
    "--worker-class",
    "-k",
    type=click.Choice(WORKER_CLASSES),
    default=lambda: env.env_str("CALLINGTIME_WEB_WORKER_CLASS") or None,
    show_default="CALLINGTIME_WEB_WORKER_CLASS, else sync (gthread with --threads)",
    help="gevent: many requests a worker, keep-alive, signatures committed in groups.",
)
def serve(
    host: str, port: int, workers: int, threads: int, timeout: int, worker_class: str | None
) -> None:
    """Serve the web app with gunicorn (production: run migrations and load data first)."""
    options = gunicorn_options(
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        timeout=timeout,
        trusted_proxies=env.env_list("CALLINGTIME_TRUSTED_PROXIES"),
        worker_class=worker_class or "",
    )
    if options["worker_class"] == GEVENT_WORKER_CLASS:
        # Each greenlet would otherwise keep its own PostgreSQL connection open.
        os.environ.setdefault("CALLINGTIME_DB_POOL", str(GEVENT_POOL_SIZE))
        shape = f"gevent workers × {options['worker_connections']} connections"
    else:
        shape = f"workers × {options['threads']} threads"
    click.echo(
        f"callingtime is serving at http://{options['bind'][0]}/ with {options['workers']} "
        f"{shape} (SIGTERM stops it gracefully)"
    )
    _gunicorn_exec(options)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run any Django management command, such as `callingtime manage migrate`."""
    embedded_secret_key(create=not env.env_str("DATABASE_URL"))
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["callingtime manage", *args])


@click.group()
def demo() -> None:
    """Load or rebuild the shipped demo extract."""


@demo.command("load")
def demo_load_command() -> None:
    """Load the shipped demo extract into the crime and geography stores."""
    from callingtime.demo import demo_load

    report = demo_load(crime_db=env.crime_db_path(), areas_db=env.areas_db_path())
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(1)


@demo.command("build")
@click.argument("shared", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write (default: the package's demo data folder).",
)
def demo_build_command(shared: Path, out: Path | None) -> None:
    """Rebuild the demo extract from the full shared data files."""
    from callingtime.demo import DEMO_DATA_DIR, demo_extract_build

    written = demo_extract_build(shared=shared, out=out or DEMO_DATA_DIR)
    total = sum(path.stat().st_size for path in written)
    click.echo(f"Wrote {len(written)} files, {total / 1e6:.1f} MB")


@click.command()
def check() -> None:
    """Report which optional features work on this machine and where the stores are."""
    from callingtime.core.capabilities import capabilities

    click.echo(f"Data folder:      {env.data_dir()}")
    for label, path in (
        ("Crime store", env.crime_db_path()),
        ("Geography store", env.areas_db_path()),
    ):
        state = "present" if path.exists() else "missing (run `callingtime demo load`)"
        click.echo(f"{label + ':':<17} {path} ({state})")
    for capability in capabilities():
        mark = "yes" if capability.available else "no "
        click.echo(f"[{mark}] {capability.name}: {capability.detail}")


COMMANDS = (start, serve, manage, demo, check)
