"""`callingtime areas ...`: import geography and look up postcodes."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from callingtime.areas.importer import AreasImportError, areas_import
from callingtime.areas.models import Area
from callingtime.areas.postcodes import PostcodeError
from callingtime.areas.store import AreasStore, AreasStoreMissingError
from callingtime.env import areas_db_path

AREA_NOT_FOUND = "No area matches {text!r}. Try a GSS code (E09000019) or part of a name."

_db_option = click.option(
    "--db",
    "db",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The geography store (default: CALLINGTIME_AREAS_DB or areas.duckdb in the data dir).",
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _json_default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise TypeError(type(value).__name__)


def _echo_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, default=_json_default, ensure_ascii=False))


def _store_open(db: Path | None) -> AreasStore:
    try:
        return AreasStore.open(db or areas_db_path())
    except AreasStoreMissingError as error:
        raise click.ClickException(str(error)) from error


@click.group()
def areas() -> None:
    """Import geography and look up areas."""


@areas.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_db_option
@_json_option
def areas_import_command(paths: tuple[Path, ...], db: Path | None, as_json: bool) -> None:
    """Build the geography store from ONS, Parliament and boundary files or folders."""
    console = Console(stderr=True)
    target = db or areas_db_path()
    try:
        with console.status("importing geography") as status:
            report = areas_import(list(paths), db_path=target, progress=status.update)
    except AreasImportError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        _echo_json(dataclasses.asdict(report))
        return
    files = Table(title=f"Files ({report.seconds:.1f} s)")
    for column in ("file", "layout", "status", "rows"):
        files.add_column(column, justify="right" if column == "rows" else "left")
    for file in report.files:
        files.add_row(escape(str(file.path)), file.layout or "-", file.status, f"{file.rows:,}")
    tables = Table(title=f"Tables in {report.db_path}")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in report.tables:
        tables.add_row(name, f"{count:,}")
    out = Console()
    out.print(files)
    out.print(tables)
    for note in report.notes:
        out.print(f"note: {escape(note)}")


def _area_text(area: Area | None) -> str:
    if area is None:
        return "-"
    return f"{area.name} ({area.code})"


@areas.command("lookup")
@click.argument("postcode")
@_db_option
@_json_option
def areas_lookup_command(postcode: str, db: Path | None, as_json: bool) -> None:
    """Show the LSOA, ward, borough, constituency, force, BCU and MP of a postcode."""
    with _store_open(db) as store:
        try:
            result = store.postcode_lookup(postcode)
        except PostcodeError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
    if as_json:
        _echo_json(dataclasses.asdict(result))
        return
    table = Table(title=result.postcode, show_header=False)
    table.add_column("what")
    table.add_column("area")
    lsoa = _area_text(result.lsoa21)
    if result.lsoa21_ambiguous:
        lsoa += f" (2011 LSOA {result.lsoa11cd} was split: most populous part chosen)"
    constituency = _area_text(result.constituency)
    if result.constituency_approximate:
        constituency += f" [approximate: {result.constituency_method}]"
    mp = result.mp
    rows = (
        ("LSOA (2021)", lsoa),
        ("Ward", _area_text(result.ward)),
        ("Borough", _area_text(result.borough)),
        ("Constituency", constituency),
        ("Police force", _area_text(result.force)),
        ("BCU", _area_text(result.bcu)),
        ("MP", f"{mp.addressable_title} ({mp.party})" if mp else "-"),
    )
    for what, text in rows:
        table.add_row(what, escape(text))
    Console().print(table)


@areas.command("show")
@click.argument("code_or_name")
@_db_option
@_json_option
def areas_show_command(code_or_name: str, db: Path | None, as_json: bool) -> None:
    """Show an area's parents, children counts, neighbours and population."""
    with _store_open(db) as store:
        area = store.area_get(code_or_name)
        if area is None:
            found = store.area_search(code_or_name, limit=1)
            area = found[0] if found else None
        if area is None:
            raise click.ClickException(AREA_NOT_FOUND.format(text=code_or_name))
        parents = store.area_parents(area.code)
        children: dict[str, int] = {}
        for child in store.area_children(area.code):
            children[child.type] = children.get(child.type, 0) + 1
        neighbours = store.area_neighbours(area.code)
        population = store.area_population(area.code)
    if as_json:
        _echo_json(
            {
                "area": dataclasses.asdict(area),
                "parents": [dataclasses.asdict(p) for p in parents],
                "children": children,
                "neighbours": [dataclasses.asdict(n) for n in neighbours],
                "population": dataclasses.asdict(population) if population else None,
            }
        )
        return
    out = Console()
    title = escape(f"{area.name} ({area.code}), {area.type}")
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("value")
    if area.note:
        table.add_row("Note", escape(area.note))
    for parent in parents:
        text = _area_text(parent) + (f" [{parent.note}]" if parent.note else "")
        table.add_row(parent.type.capitalize(), escape(text))
    for kind, count in children.items():
        table.add_row(f"{kind} inside", f"{count:,}")
    if neighbours:
        table.add_row("Neighbours", escape(", ".join(n.name for n in neighbours)))
    if population is not None:
        sources = "; ".join(population.sources)
        table.add_row(
            "Population", escape(f"{population.people:,} ({population.year_label}; {sources})")
        )
    out.print(table)
