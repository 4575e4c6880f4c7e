"""`callingtime start`, `serve`, `manage` and `demo`: run the web app and its embedded default."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from callingtime import env


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _embedded_secret_key() -> None:
    """Keep one generated secret key in the data directory so sessions survive restarts."""
    if os.environ.get("CALLINGTIME_SECRET_KEY"):
        return
    key_file = env.data_dir() / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ["CALLINGTIME_SECRET_KEY"] = key_file.read_text().strip()


def _serve(host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    from config.wsgi import application

    click.echo(f"callingtime is running at http://{host}:{port}/  (Ctrl+C stops it)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="callingtime")


@click.command()
@click.option("--host", default=lambda: env.env_str("CALLINGTIME_HOST"), show_default="127.0.0.1")
@click.option(
    "--port", type=int, default=lambda: env.env_int("CALLINGTIME_PORT"), show_default="8000"
)
@click.option("--threads", type=int, default=8, show_default=True)
@click.option("--no-demo", is_flag=True, help="Do not load the demo extract into empty stores.")
def start(host: str, port: int, threads: int, no_demo: bool) -> None:
    """Prepare the embedded default (database, demo data) and serve the web app."""
    _embedded_secret_key()
    _django_setup()
    from django.core.management import call_command

    from callingtime.demo import demo_load, demo_needed

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not no_demo and demo_needed(crime_db=env.crime_db_path(), areas_db=env.areas_db_path()):
        click.echo("Loading the demo extract (real police.uk, Met and ONS data; about a minute)...")
        report = demo_load(crime_db=env.crime_db_path(), areas_db=env.areas_db_path())
        click.echo(report.summary())
    _serve(host, port, threads)


@click.command()
@click.option("--host", default=lambda: env.env_str("CALLINGTIME_HOST"), show_default="127.0.0.1")
@click.option(
    "--port", type=int, default=lambda: env.env_int("CALLINGTIME_PORT"), show_default="8000"
)
@click.option("--threads", type=int, default=8, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app only (production: run migrations and load data first)."""
    _django_setup()
    _serve(host, port, threads)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run any Django management command, such as `callingtime manage migrate`."""
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
