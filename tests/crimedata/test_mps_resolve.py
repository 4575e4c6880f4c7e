"""Vintage precedence and the implausible-month rule, on files derived from the real ones."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from callingtime.crimedata.mps import LONDON_CODE, mps_file_ingest, mps_monthly, mps_months_resolve
from callingtime.crimedata.mps_resolve import mps_coverage
from callingtime.crimedata.store import store_open
from tests.crimedata.conftest import csv_rows_read, csv_write

BOROUGH_DETAILED_24 = "london/borough/2022-02_2024-01/FEB2022-FEB2024.csv.gz"
BOROUGH_COARSE_24 = (
    "london/borough/2023-12_2025-11/MPS Borough Level Crime (most recent 24 months).csv.gz"
)


def ingest(con: duckdb.DuckDBPyConnection, *paths: Path, sha: str = "s") -> None:
    con.begin()
    for path in paths:
        mps_file_ingest(con, path, display_name=path.name, sha256=sha + path.name)
    mps_months_resolve(con)
    con.commit()


def near_empty(rows: list[list[str]], column: int, keep: int) -> list[list[str]]:
    """Return the rows with one month column cut to `keep` offences in all (a broken month)."""
    out = [rows[0]]
    left = keep
    for row in rows[1:]:
        value = min(int(row[column]), left)
        left -= value
        out.append([*row[:column], str(value), *row[column + 1 :]])
    return out


def london(con: duckdb.DuckDBPyConnection, category: str, month: str) -> list[tuple[str, int]]:
    return mps_monthly(
        con, level="borough", area_code=LONDON_CODE, category=category, start=month, end=month
    )


@pytest.mark.shared_data
def test_near_empty_month_is_flagged_and_the_older_publication_used(
    shared_data: Path, tmp_path: Path
) -> None:
    older = shared_data / BOROUGH_DETAILED_24
    rows = csv_rows_read(shared_data / BOROUGH_COARSE_24)
    assert rows[0][3] == "202312"
    broken = csv_write(tmp_path / "broken.csv", near_empty(rows, 3, keep=47))
    con = store_open(tmp_path / "crime.duckdb")
    ingest(con, older, broken)
    coverage = mps_coverage(con)
    assert [(f.vintage, f.month, f.london_total, f.rule) for f in coverage.flagged] == [
        ("borough-coarse-2023-12-2025-11", "2023-12", 47, "other-vintages")
    ]
    older_rows = csv_rows_read(older)
    col = older_rows[0].index("202312")
    vap = sum(int(r[col]) for r in older_rows[1:] if r[0] == "Violence Against the Person")
    assert london(con, "violence-against-the-person", "2023-12") == [("2023-12", vap)]
    # a category the older (detailed) scheme does not supply has no figure that month at all
    assert london(con, "nfib-fraud", "2023-12") == []
    col = rows[0].index("202401")
    assert london(con, "all-recorded-crime", "2024-01") == [
        ("2024-01", sum(int(r[col]) for r in rows[1:]))
    ]


@pytest.mark.shared_data
def test_near_empty_month_with_no_other_publication_is_judged_by_its_neighbours(
    shared_data: Path, tmp_path: Path
) -> None:
    rows = csv_rows_read(shared_data / BOROUGH_COARSE_24)
    col = rows[0].index("202406")
    broken = csv_write(tmp_path / "broken.csv.gz", near_empty(rows, col, keep=300), gz=True)
    con = store_open(tmp_path / "crime.duckdb")
    ingest(con, broken)
    (flag,) = mps_coverage(con).flagged
    assert (flag.month, flag.london_total, flag.rule) == ("2024-06", 300, "neighbouring-months")
    months = [
        m
        for m, _ in mps_monthly(
            con,
            level="borough",
            area_code=LONDON_CODE,
            category="theft",
            start="2024-05",
            end="2024-07",
        )
    ]
    assert months == ["2024-05", "2024-07"]


@pytest.mark.shared_data
def test_reimporting_a_vintage_replaces_it(shared_data: Path, tmp_path: Path) -> None:
    rows = csv_rows_read(shared_data / BOROUGH_COARSE_24)
    path = csv_write(tmp_path / "a.csv", rows)
    con = store_open(tmp_path / "crime.duckdb")
    ingest(con, path)
    before = con.execute("SELECT count(*), sum(count) FROM mps_count").fetchone()
    col = rows[0].index("202501")
    revised = [rows[0]] + [[*r[:col], str(int(r[col]) + 1), *r[col + 1 :]] for r in rows[1:]]
    csv_write(path, revised)
    ingest(con, path, sha="other")
    after = con.execute("SELECT count(*), sum(count) FROM mps_count").fetchone()
    assert before is not None and after is not None
    assert after == (before[0], before[1] + len(rows) - 1)
    con.begin()
    outcome = mps_file_ingest(con, path, display_name=path.name, sha256="other" + path.name)
    con.commit()
    assert outcome.status == "unchanged"
