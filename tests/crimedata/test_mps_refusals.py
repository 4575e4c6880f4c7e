"""Bad Met files are refused with the file, line and column; nothing is silently dropped."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from callingtime.crimedata import mps
from callingtime.crimedata.mps import mps_file_ingest
from callingtime.crimedata.results import IngestFileError
from callingtime.crimedata.store import store_open
from tests.crimedata.conftest import csv_write

HEADER = ["MajorText", "MinorText", "LookUp_BoroughName", "202401", "202402"]
GOOD = [
    ["Robbery", "Robbery of Personal Property", "Lambeth", "310", "290"],
    ["Sexual Offences", "Rape", "Lambeth", "40", "38"],
]


def refused(path: Path) -> IngestFileError:
    con = store_open(path.parent / "crime.duckdb")
    con.begin()
    with pytest.raises(IngestFileError) as caught:
        mps_file_ingest(con, path, display_name=path.name, sha256="x")
    con.rollback()
    return caught.value


def test_good_tiny_file_is_imported(tmp_path: Path) -> None:
    path = csv_write(tmp_path / "ok.csv", [HEADER, *GOOD])
    con = store_open(tmp_path / "crime.duckdb")
    con.begin()
    outcome = mps_file_ingest(con, path, display_name="ok.csv", sha256="x")
    con.commit()
    assert (outcome.kind, outcome.rows, outcome.months) == (
        "mps-borough",
        2,
        ("2024-01", "2024-02"),
    )
    assert con.execute(
        "SELECT sum(count) FROM mps_count WHERE area_code = 'E09000022'"
    ).fetchone() == (678,)


@pytest.mark.parametrize(
    ("rows", "line", "column", "message"),
    [
        (
            [HEADER, GOOD[0], ["Robbery", "Robbery of a Bicycle", "Lambeth", "1", "2"]],
            3,
            "MinorText",
            "unknown",
        ),
        ([HEADER, ["Knife Crime", "Knife Crime", "Lambeth", "1", "2"]], 2, "MajorText", "unknown"),
        (
            [HEADER, ["Robbery", "Robbery of Personal Property", "Lambeth", "1", "n/a"]],
            2,
            "202402",
            "whole number",
        ),
        (
            [HEADER, ["Robbery", "Robbery of Personal Property", "Lambeth", "1", "-3"]],
            2,
            "202402",
            "whole number",
        ),
        ([[*HEADER[:3], "202312", "202313"], GOOD[0]], 1, "202313", "not a real month"),
        (
            [HEADER, ["Robbery", "Robbery of Personal Property", "Gotham", "1", "2"]],
            2,
            "LookUp_BoroughName",
            "unknown borough",
        ),
        ([HEADER, GOOD[0], GOOD[0]], 3, None, "duplicate"),
        ([HEADER, GOOD[0][:4]], 2, None, "fields"),
    ],
)
def test_bad_rows_are_refused_with_line_and_column(
    tmp_path: Path, rows: list[list[str]], line: int, column: str | None, message: str
) -> None:
    error = refused(csv_write(tmp_path / "bad.csv", rows))
    assert (error.file, error.line, error.column) == ("bad.csv", line, column)
    assert message in error.reason


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    whole = gzip.compress(("\n".join(",".join(r) for r in [HEADER, *GOOD * 1]) + "\n").encode() * 1)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) - 12])
    error = refused(path)
    assert error.file == "cut.csv.gz" and error.line is not None
    assert error.reason.startswith(mps.BAD_GZIP.split("(")[0])


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    text = "\n".join(
        ",".join(r)
        for r in [HEADER, GOOD[0], ["Robbery", "Robbery of Business Property", "Lambeth", "1", "2"]]
    )
    path.write_bytes(
        (text + "\nRobbery,Robbery of Business Property,Caf\xe9,1,2\n").encode("latin-1")
    )
    error = refused(path)
    assert (error.file, error.line) == ("latin1.csv", 4)
    assert "not UTF-8" in error.reason


def test_not_an_mps_file_is_refused(tmp_path: Path) -> None:
    error = refused(csv_write(tmp_path / "street.csv", [["Crime ID", "Month"], ["a", "2024-01"]]))
    assert (error.line, error.reason) == (1, mps.NOT_MPS_FILE)
