"""Import geography source files into a fresh store, atomically.

Every import builds a new store file from exactly the files given, next to the old one, and swaps
it in only when the whole build succeeded: a failed import leaves the old store as it was, and
importing the same files twice gives the same tables.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from callingtime.areas._db import SCHEMA_VERSION, db_compact, db_open_build
from callingtime.areas.build import tables_build
from callingtime.areas.geometry import geometry_to_geojson, neighbours_compute
from callingtime.areas.sources import (
    SourceFile,
    file_sha256,
    file_year,
    geojson_features,
    geojson_property,
    source_detect,
    source_files_walk,
)

IMPORT_NO_FILES = "No .csv, .csv.gz, .geojson or .geojson.gz files under: {paths}"
IMPORT_NO_HIERARCHY = (
    "None of the files is an LSOA (2021) to ward to local authority lookup (columns LSOA21CD, "
    "WDxxCD, LADxxCD): the store at {db} was left unchanged."
)
IMPORT_FILE_FAILED = (
    "{path}: could not read it as {layout} ({error}). The store at {db} was left unchanged."
)

Progress = Callable[[str], None]


class AreasImportError(Exception):
    """An import that could not complete; the previous store is untouched."""


@dataclass(frozen=True)
class AreasFileReport:
    """What the import did with one file: its layout, status (imported/unused/unknown), rows."""

    path: Path
    layout: str | None
    status: str
    rows: int
    sha256: str
    message: str = ""


@dataclass(frozen=True)
class AreasImportReport:
    """The outcome of one import: each file, each table's row count, and notes on the data."""

    db_path: Path
    files: tuple[AreasFileReport, ...]
    tables: tuple[tuple[str, int], ...]
    notes: tuple[str, ...]
    seconds: float

    @property
    def unknown(self) -> tuple[AreasFileReport, ...]:
        """Files whose header matched no known layout."""
        return tuple(file for file in self.files if file.status == "unknown")


def areas_import(
    paths: Sequence[Path], *, db_path: Path, progress: Progress | None = None
) -> AreasImportReport:
    """Build the geography store at db_path from the files and folders given.

    >>> areas_import([Path("data/geography"), Path("data/postcodes")],
    ...              db_path=Path("var/areas.duckdb"))  # doctest: +SKIP
    AreasImportReport(db_path=..., files=(...), tables=(('lsoa_change', 35796), ...), ...)
    """
    started = time.monotonic()
    files = source_files_walk([Path(path) for path in paths])
    if not files:
        raise AreasImportError(IMPORT_NO_FILES.format(paths=", ".join(map(str, paths))))
    build_path = db_path.with_name(f".{db_path.name}.build-{os.getpid()}")
    compact_path = db_path.with_name(f".{db_path.name}.compact-{os.getpid()}")
    _build_remove(build_path)
    _build_remove(compact_path)
    con = db_open_build(build_path)
    try:
        reports = [_file_stage(con, path, db_path, progress) for path in files]
        if not any(r.layout in {"lsoa21_ward_lad", "lsoa21_pcon"} for r in reports):
            raise AreasImportError(IMPORT_NO_HIERARCHY.format(db=db_path))
        _say(progress, "building tables")
        tables = tables_build(con)
        _say(progress, "finding constituency neighbours")
        tables.append(("neighbour", _neighbours_store(con)))
        notes = _notes(con)
        _log_write(con, reports)
        _staging_drop(con)
        con.close()
        _say(progress, "compacting")
        db_compact(build_path, compact_path)
        os.replace(compact_path, db_path)
    except BaseException:
        con.close()
        _build_remove(build_path)
        _build_remove(compact_path)
        raise
    _build_remove(build_path)
    return AreasImportReport(
        db_path=db_path,
        files=tuple(reports),
        tables=tuple(tables),
        notes=tuple(notes),
        seconds=round(time.monotonic() - started, 2),
    )


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _build_remove(build_path: Path) -> None:
    for leftover in (build_path, build_path.with_name(build_path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _file_stage(
    con: duckdb.DuckDBPyConnection, path: Path, db_path: Path, progress: Progress | None
) -> AreasFileReport:
    _say(progress, f"reading {path.name}")
    sha = file_sha256(path)
    try:
        source = source_detect(path)
    except ValueError as error:
        raise AreasImportError(f"{error}. The store at {db_path} was left unchanged.") from error
    if source.layout is None:
        return AreasFileReport(path, None, "unknown", 0, sha, "header matches no known layout")
    if not source.layout.used:
        return AreasFileReport(path, source.layout.name, "unused", 0, sha, source.layout.help)
    try:
        rows = _csv_stage(con, source) if source.kind == "csv" else _geojson_stage(con, source)
    except (duckdb.Error, ValueError, OSError, EOFError) as error:
        raise AreasImportError(
            IMPORT_FILE_FAILED.format(
                path=path, layout=source.layout.name, error=str(error).splitlines()[0], db=db_path
            )
        ) from error
    return AreasFileReport(path, source.layout.name, "imported", rows, sha, source.layout.help)


def _csv_stage(con: duckdb.DuckDBPyConnection, source: SourceFile) -> int:
    assert source.layout is not None
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(source.width)) + "}"
    picks = ", ".join(f"c{index} AS {field}" for field, index in source.columns.items())
    year = file_year(source.path)
    row = con.execute(
        f"INSERT INTO stg_{source.layout.name} BY NAME "
        f"SELECT {picks}, ?::VARCHAR AS src_year, ? AS src_file "
        f"FROM read_csv(?, header = true, columns = {columns}, delim = ',', quote = '\"', "
        "escape = '\"', strict_mode = true)",
        [None if year is None else str(year), source.path.name, str(source.path)],
    ).fetchone()
    return int(row[0]) if row else 0


def _geojson_stage(con: duckdb.DuckDBPyConnection, source: SourceFile) -> int:
    assert source.layout is not None
    rows = []
    for feature in geojson_features(source.path):
        code = geojson_property(feature, source.layout.fields[0][1])
        geometry = feature.get("geometry")
        if not code or not isinstance(geometry, dict):
            continue
        rows.append(
            (
                code.upper(),
                geojson_property(feature, source.layout.fields[1][1]),
                geojson_property(feature, r"LAD\d\dCD"),
                geometry_to_geojson(geometry),
                source.path.name,
            )
        )
    if rows:
        con.executemany(f"INSERT INTO stg_{source.layout.name} VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


def _neighbours_store(con: duckdb.DuckDBPyConnection) -> int:
    import json

    con.execute("CREATE TABLE neighbour (code TEXT, neighbour_code TEXT, border_m DOUBLE)")
    features = [
        (code, json.loads(text))
        for code, text in con.execute(
            "SELECT code, any_value(geojson) FROM stg_pcon_boundary GROUP BY code ORDER BY code"
        ).fetchall()
    ]
    pairs = neighbours_compute(features)
    if pairs:
        con.executemany(
            "INSERT INTO neighbour VALUES (?, ?, ?)",
            [(n.code, n.neighbour_code, n.border_m) for n in pairs],
        )
    return len(pairs)


_NOTE_QUERIES = (
    (
        "LSOAs placed in a constituency by the nearest polygon (centroid in a generalisation gap)",
        "SELECT count(*) FROM lsoa21 WHERE pcon_method = 'nearest_polygon'",
    ),
    (
        "LSOAs moved to a constituency of their own local authority (border correction)",
        "SELECT count(*) FROM lsoa21 WHERE pcon_method = 'reassigned_same_local_authority'",
    ),
    ("LSOAs without a constituency", "SELECT count(*) FROM lsoa21 WHERE pcon_cd IS NULL"),
    ("LSOAs without a police force", "SELECT count(*) FROM lsoa21 WHERE force_cd IS NULL"),
    (
        "LSOAs without a population",
        "SELECT count(*) FROM lsoa21 ANTI JOIN population USING (lsoa21cd)",
    ),
    ("LSOAs without a centroid", "SELECT count(*) FROM lsoa21 WHERE lat IS NULL"),
    (
        "postcodes on a split 2011 LSOA (the most populous 2021 candidate was chosen)",
        "SELECT count(*) FROM postcode WHERE lsoa21_ambiguous",
    ),
    (
        "postcodes whose LSOA is not in the loaded lookups",
        "SELECT count(*) FROM postcode WHERE lsoa21cd NOT IN (SELECT lsoa21cd FROM lsoa21)",
    ),
    (
        "ward boundaries whose code and name match no loaded ward",
        "SELECT count(*) FROM boundary WHERE type = 'ward' "
        "AND code NOT IN (SELECT code FROM area WHERE type = 'ward')",
    ),
    (
        "local authorities whose merged predecessors sit in different police forces",
        "SELECT count(*) FROM lad_force WHERE force_conflict",
    ),
)


def _notes(con: duckdb.DuckDBPyConnection) -> list[str]:
    notes = []
    for label, query in _NOTE_QUERIES:
        row = con.execute(query).fetchone()
        count = int(row[0]) if row else 0
        if count:
            notes.append(f"{count:,} {label}")
    return notes


def _log_write(con: duckdb.DuckDBPyConnection, reports: Sequence[AreasFileReport]) -> None:
    now = datetime.now(UTC)
    con.executemany(
        "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(str(r.path), r.layout, r.status, r.sha256, r.rows, r.message, now) for r in reports],
    )
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema_version", SCHEMA_VERSION), ("built_at", now.isoformat())],
    )


def _staging_drop(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'stg\\_%' ESCAPE '\\'"
    ).fetchall()
    for (name,) in names:
        con.execute(f'DROP TABLE "{name}"')
