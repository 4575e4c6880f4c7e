"""`callingtime crime ...`: ingest, status and fetch of police.uk and Met files."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from callingtime import env
from callingtime.crimedata.fetch import ArchiveFetchError, archive_fetch
from callingtime.crimedata.ingest import IngestProgress, IngestReport, LsoaCandidate, ingest_paths
from callingtime.crimedata.status import StoreStatus, store_status
from callingtime.crimedata.store import StoreMissingError

AREAS_MISSING = (
    "warning: no geography store at {path}; LSOA codes are kept as published and not "
    "translated to 2021 (run `callingtime areas load` first, then ingest again)"
)
AREAS_UNREADABLE = (
    "warning: the geography store at {path} could not be read ({error}); LSOA codes are not "
    "translated"
)

_PATH = click.Path(path_type=Path)


@click.group()
def crime() -> None:
    """Load and inspect the crime store."""


@crime.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=_PATH)
@click.option("--db", type=_PATH, default=None, help="Crime store (default: CALLINGTIME_CRIME_DB).")
@click.option("--areas-db", type=_PATH, default=None, help="Geography store for LSOA translation.")
@click.option(
    "--force", "force_slug", default=None, help="Force slug for files whose name has none."
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome of every file as JSON.")
def ingest(
    paths: tuple[Path, ...],
    db: Path | None,
    areas_db: Path | None,
    force_slug: str | None,
    as_json: bool,
) -> None:
    """Load police.uk files, folders, month trees or archive zips into the crime store."""
    db_path = db or env.crime_db_path()
    report = _ingest_run(list(paths), db_path, areas_db, force_slug, as_json)
    _report_print(report, db_path, as_json)
    if not report.ok:
        sys.exit(1)


@crime.command("status")
@click.option("--db", type=_PATH, default=None, help="Crime store (default: CALLINGTIME_CRIME_DB).")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(db: Path | None, as_json: bool) -> None:
    """Show what the crime store holds, and the known gaps in police.uk data."""
    try:
        result = store_status(db or env.crime_db_path())
    except StoreMissingError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
        return
    _status_print(result)


@crime.command("fetch")
@click.option("--month", required=True, help="The archive month, YYYY-MM.")
@click.option("--force", "force_slug", default=None, help="Keep only this force's files.")
@click.option("--db", type=_PATH, default=None, help="Crime store (default: CALLINGTIME_CRIME_DB).")
@click.option("--areas-db", type=_PATH, default=None, help="Geography store for LSOA translation.")
@click.option(
    "--dest", type=_PATH, default=None, help="Where to unpack (default: DATA_DIR/police-archive)."
)
@click.option(
    "--all-months", is_flag=True, help="Keep the revised earlier months in the archive too."
)
@click.option("--no-ingest", is_flag=True, help="Download and unpack only.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def fetch(
    month: str,
    force_slug: str | None,
    db: Path | None,
    areas_db: Path | None,
    dest: Path | None,
    all_months: bool,
    no_ingest: bool,
    as_json: bool,
) -> None:
    """Download a month from the data.police.uk archive, then ingest it."""
    try:
        files = archive_fetch(
            month,
            force=force_slug,
            base_url=env.env_str("CALLINGTIME_POLICE_ARCHIVE_URL"),
            dest_dir=dest or env.data_dir() / "police-archive",
            all_months=all_months,
        )
    except ArchiveFetchError as error:
        raise click.ClickException(str(error)) from error
    if no_ingest:
        if as_json:
            click.echo(json.dumps({"fetched": [str(path) for path in files]}, indent=2))
        else:
            for path in files:
                click.echo(str(path))
        return
    db_path = db or env.crime_db_path()
    report = _ingest_run(files, db_path, areas_db, None, as_json)
    _report_print(report, db_path, as_json, fetched=files)
    if not report.ok:
        sys.exit(1)


def _lsoa_candidates(areas_db: Path | None) -> tuple[Sequence[LsoaCandidate] | None, str]:
    path = areas_db or env.areas_db_path()
    if not path.exists():
        return None, AREAS_MISSING.format(path=path)
    try:
        from callingtime.areas.store import AreasStore  # type: ignore[import-not-found,unused-ignore]

        store = AreasStore.open(path)
        try:
            rows = list(store.lsoa_code_candidates())
        finally:
            close = getattr(store, "close", None)
            if close is not None:
                close()
    except Exception as error:  # the geography store is optional: ingest without it
        return None, AREAS_UNREADABLE.format(path=path, error=error)
    return rows, ""


def _ingest_run(
    paths: list[Path], db_path: Path, areas_db: Path | None, force_slug: str | None, quiet: bool
) -> IngestReport:
    err = Console(stderr=True)
    candidates, note = _lsoa_candidates(areas_db)
    if note:
        err.print(note, style="yellow")
    geography = (areas_db or env.areas_db_path()) if candidates is not None else None
    try:
        if quiet:
            return ingest_paths(
                paths,
                db_path=db_path,
                lsoa_candidates=candidates,
                force=force_slug,
                areas_db=geography,
            )
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[files]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("ingest", total=None, files="")

            def show(step: IngestProgress) -> None:
                bar.update(
                    task,
                    total=step.bytes_total or None,
                    completed=step.bytes_done,
                    description=Path(step.file).name or "done",
                    files=f"{step.files_done}/{step.files_total} files, {step.rows_done:,} rows",
                )

            return ingest_paths(
                paths,
                db_path=db_path,
                lsoa_candidates=candidates,
                force=force_slug,
                progress=show,
                areas_db=geography,
            )
    except ValueError as error:
        raise click.ClickException(str(error)) from error


def _report_print(
    report: IngestReport, db_path: Path, as_json: bool, fetched: list[Path] | None = None
) -> None:
    totals = {s: report.count(s) for s in ("imported", "unchanged", "refused", "skipped")}
    if as_json:
        payload: dict[str, Any] = {
            "ok": report.ok,
            "db": str(db_path),
            "totals": {**totals, "rows_imported": report.rows_imported},
            "warnings": list(report.warnings),
            "files": [asdict(outcome) for outcome in report.files],
        }
        if fetched is not None:
            payload["fetched"] = [str(path) for path in fetched]
        click.echo(json.dumps(payload, indent=2))
        return
    console = Console()
    table = Table(title=f"crime ingest into {db_path}")
    for column in ("file", "kind", "status", "rows", "force", "month", "notes"):
        table.add_column(column, overflow="fold")
    styles = {"imported": "green", "unchanged": "dim", "refused": "bold red", "skipped": "yellow"}
    for outcome in report.files:
        notes = outcome.message or "; ".join(outcome.warnings)
        table.add_row(
            Path(outcome.file).name,
            outcome.kind,
            f"[{styles[outcome.status]}]{outcome.status}[/]",
            f"{outcome.rows:,}",
            ", ".join(outcome.forces),
            ", ".join(outcome.months),
            notes,
        )
    console.print(table)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    summary = ", ".join(f"{n} {status}" for status, n in totals.items() if n)
    console.print(f"{summary or 'no files'}; {report.rows_imported:,} rows imported")


def _status_print(result: StoreStatus) -> None:
    console = Console()
    console.print(f"[bold]crime store[/] {result.db_path}")
    sources = Table(title="imports")
    for column in ("source", "kind", "status", "files", "rows", "last"):
        sources.add_column(column)
    for s in result.sources:
        sources.add_row(s.source, s.kind, s.status, str(s.files), f"{s.rows:,}", s.last_at[:19])
    console.print(sources)
    coverage = Table(title="police.uk force-months loaded")
    for column in (
        "force",
        "kind",
        "months",
        "from",
        "to",
        "missing",
        "rows",
        "counted",
        "crime types",
    ):
        coverage.add_column(column, overflow="fold")
    for c in result.coverage:
        missing = (
            ", ".join(c.missing_months)
            if len(c.missing_months) <= 6
            else f"{len(c.missing_months)} months"
        )
        coverage.add_row(
            c.force,
            c.kind,
            str(c.months),
            c.first_month,
            c.last_month,
            missing or "-",
            f"{c.rows:,}",
            f"{c.counted:,}",
            ", ".join(c.crime_types),
        )
    console.print(coverage)
    console.print(
        f"rows without location: {result.no_location:,} (in force totals, not area totals); "
        f"exact duplicates dropped: {result.exact_duplicates:,}; Crime IDs for review: "
        f"{result.duplicate_ids_for_review:,}; 2011 LSOA rows translated: "
        f"{result.lsoa_2011_translated:,}; untranslated (no geography): "
        f"{result.lsoa_untranslated:,}"
    )
    if result.lsoa_unknown_codes:
        codes = ", ".join(f"{code} ({rows})" for code, rows in result.lsoa_unknown_codes[:10])
        console.print(f"[yellow]LSOA codes unknown to the ONS lookup:[/] {codes}")
    gaps = Table(title="known gaps in police.uk data (a gap is not zero)")
    for column in ("force", "kinds", "from", "to", "affects loaded", "note", "source", "recorded"):
        gaps.add_column(column, overflow="fold")
    for gap in result.gaps:
        gaps.add_row(
            gap.force,
            ", ".join(gap.kinds),
            gap.start,
            gap.end or "ongoing",
            "yes" if gap in result.gaps_touching_loaded else "",
            gap.note,
            gap.source_url,
            gap.recorded,
        )
    console.print(gaps)
    for _file, message, at in result.refusals[:5]:
        console.print(f"[red]refused[/] {at[:19]} {message}")


@crime.command("build")
@click.option("--db", type=_PATH, default=None, help="Crime store (default: CALLINGTIME_CRIME_DB).")
@click.option(
    "--areas-db", type=_PATH, default=None, help="Geography store (default: CALLINGTIME_AREAS_DB)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build(db: Path | None, areas_db: Path | None, as_json: bool) -> None:
    """Rebuild the aggregate tables that profiles read (after ingest or a geography import)."""
    from callingtime.areas.store import AreasStore
    from callingtime.crimedata.aggregates import aggregates_rebuild
    from callingtime.crimedata.store import store_writing

    db_path = db or env.crime_db_path()
    if not db_path.exists():
        raise click.ClickException(f"There is no crime store at {db_path}.")
    try:
        areas = AreasStore.open(areas_db or env.areas_db_path())
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from error
    try:
        with store_writing(db_path) as con:
            report = aggregates_rebuild(con, areas)
    finally:
        areas.close()
    if as_json:
        click.echo(json.dumps(asdict(report), indent=2))
        return
    click.echo(
        f"aggregates built in {report.seconds:.1f} s: {report.rows_area_month:,} area-month rows, "
        f"{report.rows_place_month:,} place rows, {report.rows_stop_search:,} stop-and-search "
        f"rows, {report.rows_mps:,} Met rows (geography built {report.areas_built_at})"
    )


@crime.command("profile")
@click.argument("area")
@click.option("--category", default="all-crime", help="police.uk slug or Met category.")
@click.option("--end", default=None, help="Last month of the window, YYYY-MM (default: latest).")
@click.option("--source", type=click.Choice(["police-uk", "mps"]), default=None)
@click.option("--db", type=_PATH, default=None, help="Crime store (default: CALLINGTIME_CRIME_DB).")
@click.option(
    "--areas-db", type=_PATH, default=None, help="Geography store (default: CALLINGTIME_AREAS_DB)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
def profile(
    area: str,
    category: str,
    end: str | None,
    source: str | None,
    db: Path | None,
    areas_db: Path | None,
    as_json: bool,
) -> None:
    """Show an area's crime profile: AREA is a GSS code, a name or a postcode."""
    from callingtime.cli.profile_lookup import profile_for_cli

    result, others = profile_for_cli(
        area=area, category=category, end=end, source=source, db=db, areas_db=areas_db
    )
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    _profile_print(result, others[:5])


def _fmt(value: float | int | None, places: int = 0) -> str:
    if value is None:
        return "not loaded"
    return f"{value:,.{places}f}"


def _profile_print(p: Any, others: list[Any]) -> None:
    console = Console()
    console.print(f"[bold]{p.area.name}[/] ({p.area.type} {p.area.code}): {p.category_label}")
    console.print(f"source: {p.source_label}")
    table = Table(show_header=False)
    table.add_column("figure")
    table.add_column("value", overflow="fold")
    table.add_row(f"12 months {p.window.start} to {p.window.end}", _fmt(p.count))
    table.add_row(
        f"12 months {p.previous_window.start} to {p.previous_window.end}", _fmt(p.previous_count)
    )
    table.add_row("change", p.change.summary if p.change else "not available (months missing)")
    if p.change:
        table.add_row(
            "z (library) / Z (brief) / p",
            f"{p.change.z:.2f} / {p.change.z_brief:.2f} / {p.change.p_value:.3f}",
        )
    table.add_row(f"residents ({p.population_year or 'unknown'})", _fmt(p.population))
    table.add_row("rate per 1,000 residents", _fmt(p.rate_per_1000, 1))
    if p.rank:
        table.add_row("rank by rate", f"{p.rank.position} of {p.rank.of} {p.rank.among}")
    table.add_row("left out (no location)", _fmt(p.excluded_no_location))
    console.print(table)
    monthly = Table(title="monthly")
    for column in ("month", "count"):
        monthly.add_column(column)
    for m in p.monthly[12:]:
        monthly.add_row(m.month, _fmt(m.count))
    console.print(monthly)
    if p.comparisons:
        comp = Table(title="comparisons")
        for column in ("area", "relation", "count", "rate per 1,000", "note"):
            comp.add_column(column, overflow="fold")
        for c in p.comparisons:
            comp.add_row(
                c.area.name, c.relation, _fmt(c.count), _fmt(c.rate_per_1000, 1), c.reason or ""
            )
        console.print(comp)
    if p.places:
        console.print(
            "top places (approximate map points): "
            + "; ".join(f"{x.location} ({x.count})" for x in p.places[:5])
        )
    if p.coverage and p.coverage.months_missing:
        console.print("[yellow]months not loaded:[/] " + ", ".join(p.coverage.months_missing))
    for line in (*p.notes, *p.caveats, p.attribution):
        console.print(line)
    if others:
        console.print("also matches: " + ", ".join(f"{a.name} ({a.type} {a.code})" for a in others))
