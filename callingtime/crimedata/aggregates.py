"""Build the aggregate tables that area profiles read: heavy work once, after ingest.

`aggregates_rebuild` copies the LSOA hierarchy from the geography store, then counts police.uk
crimes by (every area an LSOA lies in, recording force, month, crime type) with their outcomes,
the "on or near" points, stop and search placed in LSOAs, and the Met's counts at the level each
area type uses. It replaces every aggregate table in one transaction, so it is idempotent.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import duckdb

from callingtime.areas.store import AreasStore
from callingtime.crimedata.aggregates_mps import mps_aggregates_write
from callingtime.crimedata.aggregates_schema import AGG_STATEMENTS, AGG_TABLES
from callingtime.crimedata.aggregates_series import area_series_write
from callingtime.crimedata.aggregates_stop_search import stop_search_aggregates_write
from callingtime.crimedata.categories import POLICEUK_CRIME_TYPES

ENGLAND_AND_WALES = "K04000001"
"""ONS code of England and Wales together: the national parent of every E&W LSOA."""
ENGLAND_AND_WALES_NAME = "England and Wales"

CHARGED_OUTCOMES: tuple[str, ...] = (
    "Suspect charged",
    "Suspect charged as part of another case",
    "Awaiting court outcome",
    "Court result unavailable",
    "Court case unable to proceed",
    "Defendant sent to Crown Court",
    "Defendant found not guilty",
    "Offender sent to prison",
    "Offender given suspended prison sentence",
    "Offender given community sentence",
    "Offender fined",
    "Offender given conditional discharge",
    "Offender given absolute discharge",
    "Offender ordered to pay compensation",
    "Offender deprived of property",
    "Offender otherwise dealt with",
)
"""Outcomes that mean a suspect was charged: the charge itself and every later court outcome."""

NO_SUSPECT_OUTCOMES: tuple[str, ...] = ("Investigation complete; no suspect identified",)
"""Outcomes that mean no suspect was identified."""

ASB = "Anti-social behaviour"
ALL_TYPES: tuple[str, ...] = tuple(POLICEUK_CRIME_TYPES)
"""Every police.uk crime type; bit i of agg_force_types.types_mask is ALL_TYPES[i]."""

# (area type, agg_lsoa column): every wider area an LSOA belongs to, itself first.
_LEVELS = (
    ("lsoa", "lsoa21cd"),
    ("ward", "ward_cd"),
    ("constituency", "pcon_cd"),
    ("borough", "lad_cd"),
    ("bcu", "bcu_cd"),
    ("force", "force_cd"),
    ("region", "region_cd"),
    ("country", "country_cd"),
)


@dataclass(frozen=True)
class AggregateReport:
    """What a rebuild wrote, and the geography build it used."""

    lsoas: int
    rows_area_month: int
    rows_place_month: int
    rows_stop_search: int
    rows_mps: int
    areas_checksum: str
    areas_built_at: str | None
    seconds: float


def areas_checksum(areas: AreasStore) -> tuple[str, str | None]:
    """Return a checksum of the geography build (its imported files) and its build time.

    >>> areas_checksum(store)  # doctest: +SKIP
    ('5f2c...', '2026-12-01T09:25:59+00:00')
    """
    con = areas._con
    files = con.execute(
        "SELECT sha256 FROM import_log WHERE status = 'imported' ORDER BY sha256"
    ).fetchall()
    digest = hashlib.sha256("\n".join(row[0] for row in files).encode()).hexdigest()
    built = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
    return digest, (str(built[0]) if built else None)


AGGREGATES_MISSING = "the aggregate tables have not been built: run `callingtime crime build`"
AGGREGATES_STALE_AREAS = (
    "the geography store has changed since the aggregate tables were built: run "
    "`callingtime crime build`"
)
AGGREGATES_STALE_CRIME = (
    "crime files were imported after the aggregate tables were built: run `callingtime crime build`"
)


def aggregates_stale(con: duckdb.DuckDBPyConnection, areas: AreasStore) -> str | None:
    """Return why the aggregate tables are out of date, or None when they are current.

    >>> aggregates_stale(con, areas)  # doctest: +SKIP
    """
    built = con.execute("SELECT areas_checksum, crime_last_import FROM agg_build").fetchone()
    if built is None:
        return AGGREGATES_MISSING
    if built[0] != areas_checksum(areas)[0]:
        return AGGREGATES_STALE_AREAS
    last = con.execute("SELECT max(import_id) FROM import_log WHERE status = 'imported'").fetchone()
    if last is not None and last[0] is not None and (built[1] is None or last[0] > built[1]):
        return AGGREGATES_STALE_CRIME
    return None


def aggregates_rebuild(con: duckdb.DuckDBPyConnection, areas: AreasStore) -> AggregateReport:
    """Rebuild every aggregate table from the crime tables and the geography (idempotent).

    >>> report = aggregates_rebuild(store_open(Path("var/crime.duckdb")), areas)  # doctest: +SKIP
    >>> report.rows_area_month > 0  # doctest: +SKIP
    True
    """
    started = time.perf_counter()
    checksum, built_at = areas_checksum(areas)
    con.execute("SET enable_progress_bar = false")
    con.begin()
    try:
        # Dropped and created afresh, so a store built before a schema change takes the new one.
        for table in AGG_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")  # table names from a fixed tuple
        for statement in AGG_STATEMENTS:
            con.execute(statement)
        lsoas = _hierarchy_write(con, areas)
        _area_month_write(con)
        area_series_write(con, areas)
        _place_month_write(con)
        stop_search_aggregates_write(con)
        mps_aggregates_write(con, areas.area_best_fit_parents("ward", "constituency"))
        counts = {
            table: _count(con, table)
            for table in ("agg_area_month", "agg_place_month", "agg_stop_search")
        }
        rows_mps = _count(con, "agg_mps_area_month")
        last = con.execute("SELECT max(import_id) FROM import_log").fetchone()
        seconds = time.perf_counter() - started
        con.execute("DELETE FROM agg_build")
        con.execute(
            "INSERT INTO agg_build VALUES (now(), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(areas.path),
                built_at,
                checksum,
                last[0] if last else None,
                counts["agg_area_month"],
                counts["agg_place_month"],
                counts["agg_stop_search"],
                rows_mps,
                seconds,
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return AggregateReport(
        lsoas=lsoas,
        rows_area_month=counts["agg_area_month"],
        rows_place_month=counts["agg_place_month"],
        rows_stop_search=counts["agg_stop_search"],
        rows_mps=rows_mps,
        areas_checksum=checksum,
        areas_built_at=built_at,
        seconds=seconds,
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # fixed table names
    return int(row[0]) if row else 0


def _hierarchy_write(con: duckdb.DuckDBPyConnection, areas: AreasStore) -> int:
    rows = areas.lsoa21_hierarchy()
    columns: list[list[object]] = [[] for _ in range(11)]
    for h in rows:
        values = (
            h.lsoa21cd,
            h.name,
            h.ward_cd,
            h.constituency_cd,
            h.borough_cd,
            h.bcu_cd,
            h.force_cd,
            h.region_cd,
            h.country_cd,
            h.lat,
            h.lon,
        )
        for index, value in enumerate(values):
            columns[index].append(value)
    con.execute(
        "INSERT INTO agg_lsoa SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
        "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
        "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), "
        "unnest(?::DOUBLE[])",
        columns,
    )
    selects = " UNION ALL ".join(
        f"SELECT lsoa21cd, {column}, '{kind}' FROM agg_lsoa WHERE {column} IS NOT NULL "
        f"AND {column} <> ''"
        for kind, column in _LEVELS  # fixed names, never user input
    )
    con.execute(f"INSERT INTO agg_lsoa_area {selects}")
    con.execute(
        "INSERT INTO agg_lsoa_area SELECT lsoa21cd, ?, 'england-and-wales' FROM agg_lsoa "
        "WHERE country_cd IN ('E92000001', 'W92000004')",
        [ENGLAND_AND_WALES],
    )
    con.execute(
        "INSERT INTO agg_area_force SELECT DISTINCT a.area_code, l.force_cd FROM agg_lsoa_area a "
        "JOIN agg_lsoa l USING (lsoa21cd) WHERE l.force_cd IS NOT NULL ORDER BY 1"
    )
    return len(rows)


def _area_month_write(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE agg_latest_outcome AS
        SELECT force, crime_id,
               arg_max(outcome_type, month || lpad(CAST(line AS VARCHAR), 12, '0')) AS outcome
        FROM police_outcome GROUP BY force, crime_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE agg_lsoa_month AS
        SELECT s.lsoa21cd, s.force, s.month, s.crime_type,
               count(*) AS crimes,
               count(*) FILTER (WHERE s.crime_type <> ? AND list_contains(?::VARCHAR[],
                   COALESCE(o.outcome, s.last_outcome))) AS charged,
               count(*) FILTER (WHERE s.crime_type <> ? AND list_contains(?::VARCHAR[],
                   COALESCE(o.outcome, s.last_outcome))) AS no_suspect,
               count(o.outcome) AS from_outcomes
        FROM police_street s
        JOIN agg_lsoa l USING (lsoa21cd)
        LEFT JOIN agg_latest_outcome o ON o.force = s.force AND o.crime_id = s.crime_id
        WHERE s.counted
        GROUP BY ALL
        """,
        [ASB, list(CHARGED_OUTCOMES), ASB, list(NO_SUSPECT_OUTCOMES)],
    )
    # Sorted by area so that a profile's point lookups touch few row groups.
    con.execute(
        """
        INSERT INTO agg_area_month
        SELECT a.area_code, a.area_type, m.force, m.month, m.crime_type,
               sum(m.crimes), sum(m.charged), sum(m.no_suspect), sum(m.from_outcomes)
        FROM agg_lsoa_month m JOIN agg_lsoa_area a USING (lsoa21cd)
        GROUP BY ALL
        ORDER BY a.area_code, m.month, m.crime_type, m.force
        """
    )
    con.execute(
        """
        INSERT INTO agg_force_month
        SELECT s.force, s.month, s.crime_type, count(*), count(*) FILTER (WHERE l.lsoa21cd IS NULL)
        FROM police_street s LEFT JOIN agg_lsoa l USING (lsoa21cd)
        WHERE s.counted
        GROUP BY ALL
        """
    )
    con.execute(
        """
        INSERT INTO agg_force_types
        SELECT force, month, bit_or(1::BIGINT << (list_position(?::VARCHAR[], crime_type) - 1))
        FROM force_month_crime_type
        WHERE kind = 'street' AND list_position(?::VARCHAR[], crime_type) > 0
        GROUP BY ALL ORDER BY month, force
        """,
        [list(ALL_TYPES), list(ALL_TYPES)],
    )
    con.execute("DROP TABLE agg_lsoa_month")
    con.execute("DROP TABLE agg_latest_outcome")


def _place_month_write(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        INSERT INTO agg_place_month
        SELECT COALESCE(l.ward_cd, ''), s.lsoa21cd, s.location, s.latitude, s.longitude,
               s.force, s.month, s.crime_type, count(*)
        FROM police_street s JOIN agg_lsoa l USING (lsoa21cd)
        WHERE s.counted AND s.location IS NOT NULL AND s.location <> ''
        GROUP BY ALL
        ORDER BY 1, s.lsoa21cd, s.month
        """
    )
