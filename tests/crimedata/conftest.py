"""Fixtures for the crime store tests: real rows, tiny real files and LSOA candidates."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

ONS_LOOKUP = (
    "geography/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_"
    "for_EW_(V3).csv.gz"
)
CENTROIDS = "geography/drkane-geo-lookups/lsoa_latlong.csv.gz"
COL_STREET = "london/city-of-london-street/2022-07-city-of-london-street.csv.gz"
MET_STREET = "police/metropolitan/2023-03-metropolitan-street.csv.gz"
MET_STOP_SEARCH = "police/metropolitan/2024-06-metropolitan-stop-and-search.csv.gz"
MET_OUTCOMES = "police/metropolitan/2024-06-metropolitan-outcomes.csv.gz"
WY_STREET = "police/west_yorkshire/2016-07-west-yorkshire-street.csv.gz"

Candidate = tuple[str, str, float | None, float | None]


def csv_rows_read(path: Path, limit: int | None = None) -> list[list[str]]:
    """Return the header and the first `limit` data rows of a real (gzipped) CSV."""
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = []
        for index, row in enumerate(csv.reader(handle)):
            if limit is not None and index > limit:
                break
            rows.append(row)
    return rows


def csv_write(path: Path, rows: Sequence[Sequence[str]], *, gz: bool = False) -> Path:
    """Write rows as a police.uk-style CSV (plain or gzip) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if gz else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def table_snapshot(db_path: Path, tables: Sequence[str]) -> dict[str, list[tuple[object, ...]]]:
    """Return every row of the given tables, sorted, to compare a store before and after."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            table: sorted(
                con.execute(f"SELECT * EXCLUDE (import_id) FROM {table}").fetchall(), key=repr
            )
            for table in tables
        }
    finally:
        con.close()


@pytest.fixture(scope="session")
def lsoa_candidates(shared_data: Path) -> list[Candidate]:
    """(any_code, lsoa21cd, lat, lon) built straight from the ONS lookup and drkane centroids."""
    centroids: dict[str, tuple[float, float]] = {}
    with gzip.open(shared_data / CENTROIDS, "rt", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            centroids[row["LSOACD"]] = (float(row["latitude"]), float(row["longitude"]))
    candidates: set[Candidate] = set()
    with gzip.open(shared_data / ONS_LOOKUP, "rt", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code21 = row["LSOA21CD"]
            lat, lon = centroids.get(code21, (None, None))
            candidates.add((code21, code21, lat, lon))
            candidates.add((row["LSOA11CD"], code21, lat, lon))
    return sorted(candidates, key=lambda c: (c[0], c[1]))


@pytest.fixture(scope="session")
def col_rows(shared_data: Path) -> list[list[str]]:
    """Header and first 40 real rows of a City of London street file (2022-07)."""
    return csv_rows_read(shared_data / COL_STREET, 40)


@pytest.fixture(scope="session")
def stop_search_rows(shared_data: Path) -> list[list[str]]:
    """Header and first 30 real rows of a Met stop-and-search file (2024-06)."""
    return csv_rows_read(shared_data / MET_STOP_SEARCH, 30)
