"""`callingtime crime hotspots`: Getis-Ord Gi* hot and cold spots over an area's LSOAs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from callingtime import env
from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore, AreasStoreMissingError, name_key
from callingtime.crimedata.hotspots import Hotspots, area_hotspots
from callingtime.crimedata.hotspots_counts import WINDOW_MONTHS
from callingtime.crimedata.store import StoreMissingError, store_open

AREA_NOT_FOUND = "No area has the code or exact name {text!r}. Try `callingtime areas show`."
AREA_AMBIGUOUS = "{text!r} names several areas: {choices}. Give the code instead."

_PATH = click.Path(path_type=Path, dir_okay=False)


def area_pick(store: AreasStore, text: str) -> Area:
    """Return the area with this GSS code or exact name; ClickException when none or several.

    >>> area_pick(store, "Islington").code  # doctest: +SKIP
    'E09000019'
    """
    found = store.area_get(text)
    if found is not None:
        return found
    wanted = name_key(text)
    exact = [a for a in store.area_search(text, limit=50) if name_key(a.name) == wanted]
    if not exact:
        raise click.ClickException(AREA_NOT_FOUND.format(text=text))
    if len(exact) > 1:
        choices = ", ".join(f"{a.name} ({a.type} {a.code})" for a in exact)
        raise click.ClickException(AREA_AMBIGUOUS.format(text=text, choices=choices))
    return exact[0]


@click.command("hotspots")
@click.argument("area")
@click.option("--category", default="all-crime", show_default=True, help="police.uk slug.")
@click.option("--end", default=None, help="Last month, YYYY-MM (default: latest loaded).")
@click.option("--months", default=WINDOW_MONTHS, show_default=True, help="Months in the window.")
@click.option("--per-1000", "per_1000", is_flag=True, help="Test crimes per 1,000 residents.")
@click.option("--db", type=_PATH, default=None, help="Crime store (default: CALLINGTIME_CRIME_DB).")
@click.option("--areas-db", type=_PATH, default=None, help="Geography store.")
@click.option("--json", "as_json", is_flag=True, help="Print every LSOA's Gi* as JSON.")
def hotspots(
    area: str,
    category: str,
    end: str | None,
    months: int,
    per_1000: bool,
    db: Path | None,
    areas_db: Path | None,
    as_json: bool,
) -> None:
    """Show Getis-Ord Gi* hot and cold spots over an area's LSOAs (for analysts)."""
    try:
        store = AreasStore.open(areas_db or env.areas_db_path())
        con = store_open(db or env.crime_db_path(), read_only=True)
    except (AreasStoreMissingError, StoreMissingError) as error:
        raise click.ClickException(str(error)) from error
    try:
        picked = area_pick(store, area)
        result = area_hotspots(
            con=con,
            areas=store,
            code=picked.code,
            category=category,
            end=end,
            months=months,
            per_1000=per_1000,
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    finally:
        con.close()
        store.close()
    if as_json:
        payload = dataclasses.asdict(result)
        payload["window"] = result.window
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    _hotspots_print(result)


def _hotspots_print(result: Hotspots) -> None:
    out = Console()
    out.print(
        f"[bold]{escape(result.category_label)}[/bold], {result.window}: Gi* over the "
        f"{len(result.lsoas)} LSOAs of {escape(result.region.name)} ({result.region.code}), "
        f"{result.crimes:,} crimes; values are {result.values}; neighbours: "
        f"{', '.join(result.neighbour_methods) or 'none'}"
    )
    fdr = (
        ""
        if result.hot_spots_fdr is None
        else (
            f"; with FDR q ≤ {result.fdr_alpha}: {result.hot_spots_fdr} hot, "
            f"{result.cold_spots_fdr} cold"
        )
    )
    out.print(f"At 95% or more: {result.hot_spots} hot, {result.cold_spots} cold{fdr}.")
    flagged = [r for r in result.lsoas if r.confidence is not None]
    widened = result.region.code != result.area.code
    rates = result.values != "crimes"
    table = Table(title="Hot and cold spots", box=None, pad_edge=False)
    columns = ["LSOA", "name", "crimes", *(["rate"] if rates else []), "z", "p", "q", "spot"]
    for column in [*columns, "FDR"]:
        text = column in {"LSOA", "name"}
        table.add_column(column, justify="left" if text else "right", no_wrap=True)
    for row in flagged:
        spot = f"{'hot' if (row.z or 0) > 0 else 'cold'} {row.confidence}%"
        table.add_row(
            row.lsoa21cd,
            escape(row.name + (" *" if widened and row.in_area else "")),
            f"{row.crimes:,}",
            *([f"{row.value:.1f}"] if rates else []),
            f"{row.z:+.2f}" if row.z is not None else "-",
            f"{row.p_value:.4f}" if row.p_value is not None else "-",
            f"{row.q_value:.3f}" if row.q_value is not None else "-",
            spot,
            {True: "yes", False: "no", None: "-"}[row.significant_fdr],
        )
    if flagged:
        out.print(table)
    else:
        out.print("No LSOA is a hot or cold spot at 90% confidence or more.")
    if widened:
        out.print(f"* in {escape(result.area.name)}")
    for caveat in result.caveats:
        out.print(f"note: {escape(caveat)}")
