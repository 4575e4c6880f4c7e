"""The one module that opens DuckDB connections to the geography store, and its schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from callingtime.areas.sources import CSV_LAYOUTS, GEOJSON_LAYOUTS

STORE_MISSING = (
    "There is no geography store at {path}. Build it with `callingtime areas import PATH...` "
    "(the ONS, Parliament and boundary files; see docs/geography.md)."
)

SCHEMA_VERSION = "1"

AREA_TYPES = ("lsoa", "ward", "constituency", "borough", "bcu", "force", "region", "country")

# The lsoa21 column that holds each area type's code: area membership is always by LSOA.
TYPE_COLUMNS = {
    "lsoa": "lsoa21cd",
    "ward": "ward_cd",
    "constituency": "pcon_cd",
    "borough": "lad_cd",
    "bcu": "bcu_cd",
    "force": "force_cd",
    "region": "region_cd",
    "country": "country_cd",
}

SCHEMA = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
    """,
    """
    CREATE TABLE import_log (
        file TEXT NOT NULL,
        layout TEXT,
        status TEXT NOT NULL,        -- imported, unused, unknown
        sha256 TEXT NOT NULL,
        rows BIGINT NOT NULL,
        message TEXT,
        imported_at TIMESTAMPTZ NOT NULL
    )
    """,
)


class AreasStoreMissingError(FileNotFoundError):
    """The geography store file does not exist yet."""


def db_open_read(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the geography store read-only.

    >>> con = db_open_read(Path("var/areas.duckdb"))  # doctest: +SKIP
    """
    if not path.exists():
        raise AreasStoreMissingError(STORE_MISSING.format(path=path))
    return duckdb.connect(str(path), read_only=True)


def db_open_build(path: Path) -> duckdb.DuckDBPyConnection:
    """Create a fresh build file with the log tables and one empty staging table per layout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    for statement in SCHEMA:
        con.execute(statement)
    for layout in CSV_LAYOUTS:
        if layout.used:
            fields = [name for name, _ in (*layout.fields, *layout.optional)]
            columns = ", ".join(f"{name} VARCHAR" for name in [*fields, "src_year", "src_file"])
            con.execute(f"CREATE TABLE stg_{layout.name} ({columns})")
    for layout in GEOJSON_LAYOUTS:
        if layout.used:
            con.execute(
                f"CREATE TABLE stg_{layout.name} "
                "(code VARCHAR, name VARCHAR, lad_cd VARCHAR, geojson VARCHAR, src_file VARCHAR)"
            )
    return con


def db_compact(build: Path, target: Path) -> None:
    """Copy a finished build into a fresh file, leaving the staging tables' free space behind."""
    con = duckdb.connect()
    try:
        # ATTACH takes no bound parameters: the paths go in as quoted, escaped literals.
        con.execute(f"ATTACH {_literal(build)} AS build (READ_ONLY)")
        con.execute(f"ATTACH {_literal(target)} AS target")
        con.execute("COPY FROM DATABASE build TO target")
    finally:
        con.close()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
