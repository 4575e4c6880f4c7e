"""The one place that opens DuckDB connections to the crime store, and its schema."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from callingtime.crimedata import aggregates_schema, mps, schema_policeuk

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
    for statement in (
        *_IMPORT_LOG,
        *schema_policeuk.STATEMENTS,
        *mps.MPS_SCHEMA,
        *aggregates_schema.AGG_STATEMENTS,
    ):
        con.execute(statement)


@contextmanager
def store_writing(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a private copy of the store for writing and swap it in when the block succeeds.

    Readers (web servers) keep the old file open and see the new one when they reopen, so an
    ingest never waits on, or is refused by, their locks; if the block fails, the store is as
    it was.

    >>> with store_writing(Path("var/crime.duckdb")) as con:  # doctest: +SKIP
    ...     con.execute("SELECT count(*) FROM import_log").fetchone()
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    working = path.with_name(f".{path.name}.writing-{os.getpid()}")
    _store_files_remove(working)
    if path.exists():
        shutil.copyfile(path, working)
        wal = Path(f"{path}.wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{working}.wal"))
    con = store_open(working)
    try:
        yield con
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        _store_files_remove(working)
        raise
    con.close()
    os.replace(working, path)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _store_files_remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)
