"""Read the Met's counts for profiles from the aggregate tables."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from callingtime.crimedata.profile_policeuk import rows_in

# The Met file level each area type's figure comes from (aggregates_mps.py builds them).
MPS_LEVEL_OF_TYPE = {
    "borough": "borough",
    "bcu": "borough",
    "region": "borough",
    "force": "borough",
    "ward": "ward",
    "constituency": "ward",
}
MPS_LEVEL_NOTES = {
    "borough": "Met figures from the borough-level file.",
    "bcu": "Met figures: the sum of the BCU's boroughs in the borough-level file.",
    "region": "Met figures: the borough-level file's London total (pseudo-areas included).",
    "force": "Met figures: the borough-level file's London total (pseudo-areas included).",
    "ward": "Met figures from the ward-level file (2022 wards).",
    "constituency": "Met figures: the sum of the constituency's best-fit wards (ward-level file).",
}


def mps_months_read(con: duckdb.DuckDBPyConnection, category: str) -> dict[str, list[str]]:
    """Return the months each Met level supplies for the category, sorted."""
    found: dict[str, list[str]] = {}
    for level, month in con.execute(
        "SELECT DISTINCT level, month FROM agg_mps_month WHERE category = ? ORDER BY 1, 2",
        [category],
    ).fetchall():
        found.setdefault(str(level), []).append(str(month))
    return found


def mps_series_read(
    con: duckdb.DuckDBPyConnection,
    area_types: dict[str, str],
    level_months: dict[str, list[str]],
    months: Sequence[str],
    category: str,
) -> dict[str, dict[str, int | None]]:
    """Return each area's Met monthly counts (one query): None where its level has no month.

    A month the level covers with no row for the area is a zero (the Met publishes only
    area-category pairs with an offence in the file's window); an area with no row at all in
    any category is not covered by the Met's counts.

    >>> mps_series_read(  # doctest: +SKIP
    ...     con, {"E09000019": "borough"}, {"borough": ["2024-01"]}, ["2024-01"], "burglary")
    {'E09000019': {'2024-01': 151}}
    """
    codes = list(area_types)
    counts: dict[tuple[str, str], int] = {}
    known: set[str] = set()
    for code, month, count in rows_in(
        con,
        "SELECT area_code, month, sum(count) FROM agg_mps_area_month "
        "WHERE area_code IN ?L AND category = ? AND month BETWEEN ? AND ? GROUP BY ALL "
        "UNION ALL SELECT area_code, NULL, NULL FROM agg_mps_area WHERE area_code IN ?L",
        [codes, category, min(months), max(months), codes],
    ):
        if month is None:
            known.add(str(code))
        else:
            counts[(str(code), str(month))] = int(count)
    found: dict[str, dict[str, int | None]] = {}
    for code in codes:
        level = MPS_LEVEL_OF_TYPE.get(area_types.get(code, ""))
        covered = set(level_months.get(level or "", ()))
        if level is None or code not in known:
            found[code] = {month: None for month in months}
            continue
        found[code] = {
            month: counts.get((code, month), 0) if month in covered else None for month in months
        }
    return found


def mps_categories_loaded(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Return the Met categories with any month loaded."""
    return {
        str(c) for (c,) in con.execute("SELECT DISTINCT category FROM agg_mps_month").fetchall()
    }
