"""Write one checked police.uk file into the store, replacing its force, month and kind.

The caller holds the transaction. Rules applied here (docs/crime-data.md states them for users):
* exact duplicate rows that carry a Crime ID are dropped (anti-social behaviour rows have no ID,
  so two identical ASB rows are two incidents and both stay);
* rows sharing a Crime ID but differing are all kept, one is counted: the one with a location,
  then the one with a known outcome (not empty, not "... unavailable"), then the first in the file;
  the others go to `street_duplicate_review`;
* each LSOA code is translated to 2021 on its own: a 2021 code stays, a 2011 code takes its one
  2021 successor, and a split code takes the successor whose centroid is nearest the row's point
  (no point: the first successor in code order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from callingtime.crimedata.policeuk_validate import RawFile

LSOA_CANDIDATE_TABLE = "_lsoa_cand"
_ALL_STREET = (
    "crime_id, month, reported_by, falls_within, longitude, latitude, location, lsoa_code, "
    "lsoa_name, crime_type, last_outcome, context"
)
_ALL_OUTCOME = (
    "crime_id, month, reported_by, falls_within, longitude, latitude, location, lsoa_code, "
    "lsoa_name, outcome_type"
)
_DELETES: dict[str, tuple[str, ...]] = {
    "street": (
        "DELETE FROM police_street WHERE force = ? AND month = ?",
        "DELETE FROM street_duplicate_review WHERE force = ? AND month = ?",
        "DELETE FROM force_month_crime_type WHERE force = ? AND month = ? AND kind = 'street'",
    ),
    "outcomes": ("DELETE FROM police_outcome WHERE force = ? AND month = ?",),
    "stop-and-search": ("DELETE FROM police_stop_search WHERE force = ? AND month = ?",),
}


@dataclass(frozen=True)
class WriteCounts:
    """What one file put in the store, and what it dropped or could not place."""

    rows_read: int
    rows_stored: int
    rows_counted: int
    exact_duplicates: int
    duplicate_ids: int
    no_location: int
    lsoa_2011: int
    lsoa_split: int
    lsoa_unknown: int
    lsoa_untranslated: int


def lsoa_candidates_load(
    con: duckdb.DuckDBPyConnection,
    candidates: Sequence[tuple[str, str, float | None, float | None]],
) -> None:
    """Put (any_code, lsoa21cd, lat, lon) rows into a temporary table for this connection.

    >>> lsoa_candidates_load(con, [("E01000001", "E01000001", 51.52, -0.09)])  # doctest: +SKIP
    """
    columns: list[list[str | float | None]] = [[], [], [], []]
    for candidate in candidates:
        for index, value in enumerate(candidate):
            columns[index].append(value)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {LSOA_CANDIDATE_TABLE} AS "
        "SELECT any_code, lsoa21cd, any_value(lat) AS lat, any_value(lon) AS lon FROM ("
        "SELECT unnest(?::VARCHAR[]) AS any_code, unnest(?::VARCHAR[]) AS lsoa21cd, "
        "unnest(?::DOUBLE[]) AS lat, unnest(?::DOUBLE[]) AS lon) GROUP BY ALL",
        columns,
    )


def policeuk_file_write(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    *,
    import_id: int,
    sha256: str,
    display: str,
    translate: bool,
) -> WriteCounts:
    """Replace the force-month-kind of `raw` with the rows in `_rows` (inside a transaction).

    >>> policeuk_file_write(  # doctest: +SKIP
    ...     con, raw, import_id=1, sha256="ab", display="f", translate=False)
    """
    key = [raw.force.slug, raw.month]
    for statement in _DELETES[raw.kind]:
        con.execute(statement, key)
    con.execute(
        "DELETE FROM lsoa_unknown_code WHERE force = ? AND month = ? AND kind = ?", [*key, raw.kind]
    )
    con.execute(
        "DELETE FROM police_coverage WHERE force = ? AND month = ? AND kind = ?", [*key, raw.kind]
    )
    if raw.kind == "stop-and-search":
        counts = _stop_search_write(con, raw, import_id)
    else:
        counts = _located_write(con, raw, import_id, translate)
        con.execute(
            "INSERT INTO lsoa_unknown_code SELECT force, month, ?, lsoa_code, count(*), import_id "
            f"FROM {_table(raw.kind)} WHERE import_id = ? AND lsoa_rule = 'unknown' GROUP BY ALL",
            [raw.kind, import_id],
        )
    con.execute(
        "INSERT INTO police_coverage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            *key,
            raw.kind,
            import_id,
            sha256,
            display,
            counts.rows_read,
            counts.rows_stored,
            counts.rows_counted,
            counts.exact_duplicates,
            counts.duplicate_ids,
            counts.no_location,
            counts.lsoa_2011,
            counts.lsoa_split,
            counts.lsoa_unknown,
            counts.lsoa_untranslated,
        ],
    )
    return counts


def _table(kind: str) -> str:
    return "police_street" if kind == "street" else "police_outcome"


def _located_write(
    con: duckdb.DuckDBPyConnection, raw: RawFile, import_id: int, translate: bool
) -> WriteCounts:
    street = raw.kind == "street"
    every_column = _ALL_STREET if street else _ALL_OUTCOME
    # Identical rows are one record published twice; ASB rows have no ID and are each an incident.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _kept AS SELECT *, try_cast(longitude AS DOUBLE) AS lon, "
        f"try_cast(latitude AS DOUBLE) AS lat FROM (SELECT min(line) AS line, {every_column} "
        "FROM _rows WHERE crime_id IS NOT NULL GROUP BY ALL "
        f"UNION ALL SELECT line, {every_column} FROM _rows WHERE crime_id IS NULL)"
    )
    if street:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _kept AS SELECT *, crime_id IS NULL OR row_number() "
            "OVER (PARTITION BY crime_id ORDER BY lon IS NULL OR lat IS NULL, "
            "last_outcome IS NULL OR last_outcome LIKE '%unavailable', line) = 1 AS counted "
            "FROM _kept"
        )
    _lsoa_match(con, translate)
    rule = (
        "CASE WHEN k.lsoa_code IS NULL THEN NULL WHEN l.line IS NOT NULL THEN l.lsoa_rule "
        f"ELSE '{'unknown' if translate else 'untranslated'}' END"
    )
    common = (
        "?, ?, k.line, k.crime_id, k.reported_by, k.falls_within, k.lon, k.lat, k.location, "
        f"k.lsoa_code, k.lsoa_name, l.lsoa21cd, {rule}"
    )
    tail = "k.crime_type, k.last_outcome, k.context, k.counted" if street else "k.outcome_type"
    con.execute(
        f"INSERT INTO {_table(raw.kind)} SELECT {common}, {tail}, ? "
        "FROM _kept k LEFT JOIN _lsoa l USING (line) ORDER BY k.line",
        [raw.force.slug, raw.month, import_id],
    )
    if street:
        _street_extras_write(con, import_id)
    counted = "count(*) FILTER (WHERE counted)" if street else "count(*)"
    duplicate_ids = (
        "count(DISTINCT crime_id) FILTER (WHERE NOT counted AND crime_id IS NOT NULL)"
        if street
        else "0"
    )
    row = con.execute(
        f"SELECT count(*), {counted}, {duplicate_ids}, "
        "count(*) FILTER (WHERE longitude IS NULL OR latitude IS NULL), "
        "count(*) FILTER (WHERE lsoa_rule IN ('2011-translated', 'split-nearest', 'split-first')), "
        "count(*) FILTER (WHERE lsoa_rule IN ('split-nearest', 'split-first')), "
        "count(*) FILTER (WHERE lsoa_rule = 'unknown'), "
        "count(*) FILTER (WHERE lsoa_rule = 'untranslated') "
        f"FROM {_table(raw.kind)} WHERE import_id = ?",
        [import_id],
    ).fetchone()
    assert row is not None
    stored = int(row[0])
    return WriteCounts(
        rows_read=raw.rows,
        rows_stored=stored,
        rows_counted=int(row[1]),
        exact_duplicates=raw.rows - stored,
        duplicate_ids=int(row[2]),
        no_location=int(row[3]),
        lsoa_2011=int(row[4]),
        lsoa_split=int(row[5]),
        lsoa_unknown=int(row[6]),
        lsoa_untranslated=int(row[7]),
    )


def _lsoa_match(con: duckdb.DuckDBPyConnection, translate: bool) -> None:
    if not translate:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _lsoa (line BIGINT, lsoa21cd TEXT, lsoa_rule TEXT)"
        )
        return
    # A code that is itself a 2021 code stays; a code with one successor takes it; only rows
    # with a split code need the distance to each successor (nearest, then code order).
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _lsoa AS WITH codes AS ("
        "SELECT c.any_code, count(*) AS n, bool_or(c.any_code = c.lsoa21cd) AS is_2021, "
        "min(c.lsoa21cd) AS only21 FROM (SELECT DISTINCT lsoa_code FROM _kept) k "
        f"JOIN {LSOA_CANDIDATE_TABLE} c ON c.any_code = k.lsoa_code GROUP BY 1) "
        "SELECT k.line, CASE WHEN d.is_2021 THEN k.lsoa_code ELSE d.only21 END AS lsoa21cd, "
        "CASE WHEN d.is_2021 THEN '2021' ELSE '2011-translated' END AS lsoa_rule "
        "FROM _kept k JOIN codes d ON d.any_code = k.lsoa_code WHERE d.is_2021 OR d.n = 1 "
        "UNION ALL SELECT line, lsoa21cd, CASE WHEN measured THEN 'split-nearest' "
        "ELSE 'split-first' END FROM (SELECT k.line, c.lsoa21cd, "
        "k.lat IS NOT NULL AND c.lat IS NOT NULL AS measured, row_number() OVER ("
        "PARTITION BY k.line ORDER BY power(k.lat - c.lat, 2) + "
        "power((k.lon - c.lon) * cos(radians(k.lat)), 2) NULLS LAST, c.lsoa21cd) AS rank "
        "FROM _kept k JOIN codes d ON d.any_code = k.lsoa_code AND NOT d.is_2021 AND d.n > 1 "
        f"JOIN {LSOA_CANDIDATE_TABLE} c ON c.any_code = k.lsoa_code) WHERE rank = 1"
    )


def _street_extras_write(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    con.execute(
        "INSERT INTO force_month_crime_type SELECT force, month, 'street', crime_type, "
        "count(*), count(*) FILTER (WHERE counted), import_id FROM police_street "
        "WHERE import_id = ? GROUP BY ALL",
        [import_id],
    )
    differs = ", ".join(
        f"CASE WHEN s.{column} IS DISTINCT FROM k.{column} THEN '{label}' END"
        for column, label in (
            ("crime_type", "Crime type"),
            ("last_outcome", "Last outcome category"),
            ("longitude", "Longitude"),
            ("latitude", "Latitude"),
            ("location", "Location"),
            ("lsoa_code", "LSOA code"),
            ("context", "Context"),
        )
    )
    con.execute(
        "INSERT INTO street_duplicate_review SELECT s.force, s.month, s.crime_id, k.line, "
        f"s.line, list_filter([{differs}], x -> x IS NOT NULL), s.import_id "
        "FROM police_street s JOIN police_street k ON k.import_id = s.import_id "
        "AND k.crime_id = s.crime_id AND k.counted WHERE s.import_id = ? AND NOT s.counted "
        "ORDER BY s.line",
        [import_id],
    )


def _stop_search_write(con: duckdb.DuckDBPyConnection, raw: RawFile, import_id: int) -> WriteCounts:
    # Identical searches are kept: a group searched together at one place and minute is common.
    con.execute(
        "INSERT INTO police_stop_search SELECT ?, ?, line, search_type, "
        "try_strptime(date_raw, '%Y-%m-%dT%H:%M:%S%z')::TIMESTAMP, date_raw, part_of_operation, "
        "policing_operation, try_cast(latitude AS DOUBLE), try_cast(longitude AS DOUBLE), "
        "gender, age_range, self_defined_ethnicity, officer_defined_ethnicity, legislation, "
        "object_of_search, outcome, outcome_linked_to_object, removal_of_outer_clothing, ? "
        "FROM _rows ORDER BY line",
        [raw.force.slug, raw.month, import_id],
    )
    row = con.execute(
        "SELECT count(*) FILTER (WHERE latitude IS NULL OR longitude IS NULL) "
        "FROM police_stop_search WHERE import_id = ?",
        [import_id],
    ).fetchone()
    no_location = int(row[0]) if row else 0
    return WriteCounts(raw.rows, raw.rows, raw.rows, 0, 0, no_location, 0, 0, 0, 0)
