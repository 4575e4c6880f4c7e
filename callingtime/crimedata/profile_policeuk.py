"""Read police.uk figures for profiles from the aggregate tables (a few hundred rows each)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from callingtime.crimedata.aggregates import ALL_TYPES, ASB


def rows_in(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[Any]:
    """Run a query whose `?L` placeholders take a list, expanded to `(?, ?, ...)` so that the
    scan can skip row groups by their min/max (a subquery over unnest cannot)."""
    pieces = sql.split("?")
    text, flat = pieces[0], []
    for piece, param in zip(pieces[1:], params, strict=True):
        if piece.startswith("L"):
            values = list(param) or [None]
            text += "(" + ", ".join("?" * len(values)) + ")" + piece[1:]
            flat.extend(values)
        else:
            text += "?" + piece
            flat.append(param)
    return list(con.execute(text, flat).fetchall())


@dataclass(frozen=True)
class SeriesResult:
    """Monthly counts of one area (None: not loaded), and what else it needed."""

    monthly: dict[str, int | None]
    forces: tuple[str, ...]  # police.uk force slugs that police the area
    missing_types: tuple[str, ...]  # crime types absent from some month of the window
    other_forces: int  # crimes located here but recorded by other forces: not counted
    # per month, anti-social behaviour left out (it has no outcomes): (crimes, charged,
    # no suspect, crimes with an outcomes-file outcome)
    outcomes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


def types_mask(types: Sequence[str]) -> int:
    """Return the agg_force_types bit mask of the crime types."""
    return sum(1 << ALL_TYPES.index(t) for t in set(types) if t in ALL_TYPES)


@dataclass(frozen=True)
class ForceCoverage:
    """What the street files hold per force: each force's month span, the window in detail."""

    spans: dict[str, tuple[str, str]]  # force -> first and last month with any wanted type
    present: dict[tuple[str, str], int]  # (force, month) -> mask of the types loaded
    left_out: int = 0  # the profiled areas' forces' crimes not placed, current window

    def span_of(self, forces: Sequence[str]) -> tuple[str, str] | None:
        """Return the first and last month any of the forces has loaded, or None."""
        spans = [self.spans[f] for f in forces if f in self.spans]
        if not spans:
            return None
        return min(s[0] for s in spans), max(s[1] for s in spans)

    def gaps(
        self, forces: Sequence[str], months: Sequence[str], types: Sequence[str]
    ) -> tuple[list[str], set[str]]:
        """Return the months some force lacks a type in (all when no force), and those types."""
        wanted = types_mask(types)
        missing_months: list[str] = []
        lacking = 0
        for month in months:
            gap = 0
            for force in forces:
                gap |= wanted & ~self.present.get((force, month), 0)
            lacking |= gap
            if gap or not forces:
                missing_months.append(month)
        return missing_months, {t for i, t in enumerate(ALL_TYPES) if lacking >> i & 1}


def force_spans_read(
    con: duckdb.DuckDBPyConnection, types: Sequence[str]
) -> dict[str, tuple[str, str]]:
    """Return each force's first and last street month holding any of the crime types."""
    rows = con.execute(
        "SELECT force, min(month), max(month) FROM agg_force_types "
        "WHERE types_mask & ? <> 0 GROUP BY force",
        [types_mask(types)],
    ).fetchall()
    return {str(f): (str(a), str(b)) for f, a, b in rows}


def force_window_read(
    con: duckdb.DuckDBPyConnection,
    spans: dict[str, tuple[str, str]],
    months: Sequence[str],
    types: Sequence[str],
    forces: Sequence[str],
) -> ForceCoverage:
    """Return the types each force-month holds, and the forces' crimes left out of area totals
    in the current window (the last 12 months), in one query."""
    present: dict[tuple[str, str], int] = {}
    left_out = 0
    for force, month, n in rows_in(
        con,
        "SELECT force, month, types_mask FROM agg_force_types WHERE month BETWEEN ? AND ? "
        "UNION ALL SELECT NULL, NULL, COALESCE(sum(left_out), 0) FROM agg_force_month "
        "WHERE force IN ?L AND month BETWEEN ? AND ? AND crime_type IN ?L",
        [months[0], months[-1], list(forces), months[-12], months[-1], list(types)],
    ):
        if force is None:
            left_out = int(n)
        else:
            present[(str(force), str(month))] = int(n)
    return ForceCoverage(spans, present, left_out)


@dataclass(frozen=True)
class SeriesArea:
    """An area to read: where agg_area_series files it, and the forces that police it."""

    code: str
    type: str
    rank_group: str
    forces: tuple[str, ...]


def _grouped(wanted: Sequence[SeriesArea]) -> dict[tuple[str, str], list[str]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for area in wanted:
        groups[(area.type, area.rank_group)].append(area.code)
    return groups


def series_read(
    con: duckdb.DuckDBPyConnection,
    members: Sequence[SeriesArea],
    others: Sequence[SeriesArea],
    coverage: ForceCoverage,
    months: Sequence[str],
    types: Sequence[str],
) -> tuple[dict[str, SeriesResult], dict[str, int]]:
    """Return the members' monthly series and the others' current-window totals (one query).

    Each part filters on the table's sort order (area type, rank group), so it reads only the
    row groups of those areas.
    """
    parts: list[str] = []
    params: list[Any] = []
    member_sql = (
        "SELECT 0, area_code, month, sum(crimes), sum(other_forces), "
        "COALESCE(sum(crimes) FILTER (WHERE crime_type <> ?), 0), sum(charged), "
        "sum(no_suspect), sum(from_outcomes) FROM agg_area_series WHERE area_type = ? "
        "AND rank_group = ? AND area_code IN ?L AND month BETWEEN ? AND ? "
        "AND crime_type IN ?L GROUP BY ALL"
    )
    other_sql = (
        "SELECT 1, area_code, NULL, sum(crimes), NULL, NULL, NULL, NULL, NULL "
        "FROM agg_area_series WHERE area_type = ? AND rank_group = ? AND area_code IN ?L "
        "AND month BETWEEN ? AND ? AND crime_type IN ?L GROUP BY ALL"
    )
    for (kind, group), codes in _grouped(members).items():
        parts.append(member_sql)
        params += [ASB, kind, group, codes, months[0], months[-1], list(types)]
    for (kind, group), codes in _grouped(others).items():
        parts.append(other_sql)
        params += [kind, group, codes, months[-12], months[-1], list(types)]
    found: dict[str, dict[str, list[int]]] = defaultdict(dict)
    totals: dict[str, int] = {}
    for part, code, month, *sums in rows_in(con, " UNION ALL ".join(parts), params):
        if part == 1:
            totals[str(code)] = int(sums[0])
        else:
            found[str(code)][str(month)] = [int(n) for n in sums]
    results: dict[str, SeriesResult] = {}
    for area in members:
        mine = found.get(area.code, {})
        missing_months, missing_types = coverage.gaps(area.forces, months, types)
        monthly: dict[str, int | None] = {
            m: None if m in missing_months else (mine[m][0] if m in mine else 0) for m in months
        }
        other = sum(sums[1] for sums in mine.values())
        outcomes = {m: (s[2], s[3], s[4], s[5]) for m, s in mine.items()}
        results[area.code] = SeriesResult(
            monthly, area.forces, tuple(sorted(missing_types)), other, outcomes
        )
    return results, totals


@dataclass(frozen=True)
class PlaceRow:
    """One map point's count in the window."""

    location: str
    lsoa21cd: str
    latitude: float | None
    longitude: float | None
    count: int


def places_read(
    con: duckdb.DuckDBPyConnection,
    wards: Sequence[str],
    lsoas: Sequence[str],
    forces: Sequence[str],
    months: Sequence[str],
    types: Sequence[str],
    limit: int = 10,
) -> list[PlaceRow]:
    """Return the top "on or near" points by count (ties: location, then LSOA).

    `wards` are the LSOAs' wards: the table is sorted by ward, so their range bounds the scan.
    """
    window = [min(months), max(months)]
    rows = rows_in(
        con,
        "SELECT location, lsoa21cd, latitude, longitude, sum(crimes) AS n FROM agg_place_month "
        "WHERE ward_cd BETWEEN ? AND ? AND lsoa21cd IN ?L AND month BETWEEN ? AND ? "
        "AND crime_type IN ?L "
        "AND force IN ?L "
        "GROUP BY ALL ORDER BY n DESC, location, lsoa21cd, latitude, longitude LIMIT ?",
        [min(wards), max(wards), list(lsoas), *window, list(types), list(forces), limit],
    )
    return [PlaceRow(str(a), str(b), c, d, int(n)) for a, b, c, d, n in rows]


def lsoa_counts_read(
    con: duckdb.DuckDBPyConnection,
    wards: Sequence[str],
    lsoas: Sequence[str],
    forces: Sequence[str],
    months: Sequence[str],
    types: Sequence[str],
) -> dict[str, int]:
    """Return each LSOA's count by the forces over the months (absent LSOAs: zero).

    With one force it is each LSOA's own figure, read from agg_area_series by ward (its sort
    order); an area policed by several forces counts every LSOA's crimes by any of them.
    """
    if len(forces) == 1:
        sql = (
            "SELECT area_code, sum(crimes) FROM agg_area_series WHERE area_type = 'lsoa' "
            "AND rank_group BETWEEN ? AND ? AND area_code IN ?L AND month BETWEEN ? AND ? "
            "AND crime_type IN ?L GROUP BY 1"
        )
        params = [min(wards), max(wards), list(lsoas), min(months), max(months), list(types)]
    else:
        sql = (
            "SELECT area_code, sum(crimes) FROM agg_area_month WHERE area_code IN ?L "
            "AND area_type = 'lsoa' AND month BETWEEN ? AND ? AND crime_type IN ?L "
            "AND force IN ?L GROUP BY 1"
        )
        params = [list(lsoas), min(months), max(months), list(types), list(forces)]
    return {str(code): int(n) for code, n in rows_in(con, sql, params)}


def stop_search_read(
    con: duckdb.DuckDBPyConnection,
    codes: Sequence[str],
    forces: Sequence[str],
    months: Sequence[str],
) -> list[tuple[str, str, int]]:
    """Return the (object, outcome, searches) rows placed in the areas in the months."""
    rows = rows_in(
        con,
        "SELECT object_of_search, outcome, sum(searches) FROM agg_stop_search "
        "WHERE area_code IN ?L AND month BETWEEN ? AND ? "
        "AND force IN ?L GROUP BY ALL",
        [list(codes), min(months), max(months), list(forces)],
    )
    return [(str(a), str(b), int(n)) for a, b, n in rows]


def coverage_kinds_read(
    con: duckdb.DuckDBPyConnection, forces: Sequence[str]
) -> dict[str, set[str]]:
    """Return the months with outcomes and with stop-and-search files loaded for any force."""
    found: dict[str, set[str]] = {"outcomes": set(), "stop-and-search": set()}
    for kind, month in rows_in(
        con,
        "SELECT DISTINCT kind, month FROM police_coverage "
        "WHERE kind IN ('outcomes', 'stop-and-search') AND force IN ?L",
        [list(forces)],
    ):
        found[str(kind)].add(str(month))
    return found
