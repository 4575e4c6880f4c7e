"""The one place that opens DuckDB connections to the crime store, and its schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from callingtime.crimedata import mps, schema_policeuk

STORE_MISSING = (
    "There is no crime store at {path}. Load data with `callingtime crime ingest PATH...` "
    "(or `callingtime demo load` for the shipped demo extract)."
)

_IMPORT_LOG = (
    "CREATE SEQUENCE IF NOT EXISTS import_id_seq",
    """
    CREATE TABLE IF NOT EXISTS import_log (
        import_id BIGINT PRIMARY KEY DEFAULT nextval('import_id_seq'),
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        source TEXT NOT NULL,          -- 'police-uk' or 'mps'
        kind TEXT NOT NULL,            -- street, outcomes, stop-and-search, mps-borough, mps-ward
        status TEXT NOT NULL,          -- imported, unchanged, refused
        rows BIGINT NOT NULL,
        forces TEXT[],
        months TEXT[],
        message TEXT,
        imported_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )
    """,
)


class StoreMissingError(FileNotFoundError):
    """The crime store file does not exist yet."""


def store_open(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the crime store; read-only for queries, creating the schema for writers.

    >>> con = store_open(Path("var/crime.duckdb"))  # doctest: +SKIP
    """
    if read_only:
        if not path.exists():
            raise StoreMissingError(STORE_MISSING.format(path=path))
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    store_schema_apply(con)
    return con


def store_schema_apply(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the store that does not exist yet (idempotent)."""
    for statement in (*_IMPORT_LOG, *schema_policeuk.STATEMENTS, *mps.MPS_SCHEMA):
        con.execute(statement)
