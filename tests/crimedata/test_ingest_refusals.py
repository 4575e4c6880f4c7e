"""Each class of bad file is refused, naming file, line and column; the store stays as it was."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from callingtime.crimedata import policeuk_files as files
from callingtime.crimedata import policeuk_validate as validate
from callingtime.crimedata.ingest import HEADER_UNKNOWN, ingest_paths
from callingtime.crimedata.schema_policeuk import POLICEUK_TABLES
from tests.crimedata.conftest import csv_write, table_snapshot

pytestmark = pytest.mark.shared_data

Rows = list[list[str]]
GOOD_NAME = "2022-07-city-of-london-street.csv"


def _fixed(template: str) -> str:
    """The fixed text of a message template, before its first placeholder."""
    return template.split("{")[0]


def _set(rows: Rows, line: int, column: str, value: str) -> Rows:
    changed = [list(row) for row in rows]
    changed[line - 1][changed[0].index(column)] = value
    return changed


# name, how the rows change, expected line, expected column, message template
CASES: list[tuple[str, str, Callable[[Rows], Rows], int | None, str | None, str]] = [
    (
        "unknown-header",
        GOOD_NAME,
        lambda rows: _set(rows, 1, "Crime type", "Crime category"),
        1,
        "Crime category",
        HEADER_UNKNOWN,
    ),
    (
        "impossible-month",
        "city-extract.csv",
        lambda rows: _set(rows, 4, "Month", "2022-13"),
        4,
        "Month",
        validate.MONTH_IMPOSSIBLE,
    ),
    (
        "impossible-month-in-name",
        "2022-13-city-of-london-street.csv",
        lambda rows: rows,
        None,
        None,
        validate.MONTH_IMPOSSIBLE,
    ),
    (
        "coordinates-not-numeric",
        GOOD_NAME,
        lambda rows: _set(rows, 8, "Longitude", "-0.1O9"),
        8,
        "Longitude",
        validate.COORDINATE_NOT_NUMERIC,
    ),
    (
        "latitude-out-of-range",
        GOOD_NAME,
        lambda rows: _set(rows, 9, "Latitude", "151.5"),
        9,
        "Latitude",
        validate.COORDINATE_NOT_NUMERIC,
    ),
    (
        "month-contradicts-name",
        GOOD_NAME,
        lambda rows: _set(rows, 11, "Month", "2022-08"),
        11,
        "Month",
        validate.MONTH_CONTRADICTS,
    ),
    (
        "month-contradicts-folder",
        "2022-08/city-extract.csv",
        lambda rows: rows,
        2,
        "Month",
        validate.MONTH_CONTRADICTS,
    ),
    (
        "name-contradicts-folder",
        "2022-08/" + GOOD_NAME,
        lambda rows: rows,
        None,
        None,
        validate.MONTH_NAME_FOLDER,
    ),
    (
        "force-contradicts-name",
        "2022-07-metropolitan-street.csv",
        lambda rows: rows,
        2,
        "Reported by",
        validate.FORCE_CONTRADICTS,
    ),
    (
        "force-name-unknown",
        GOOD_NAME,
        lambda rows: _set(rows, 6, "Reported by", "City of Londinium Police"),
        6,
        "Reported by",
        validate.FORCE_NAME_UNKNOWN,
    ),
    (
        "kind-contradicts-name",
        "2022-07-city-of-london-outcomes.csv",
        lambda rows: rows,
        None,
        None,
        validate.KIND_CONTRADICTS,
    ),
    (
        "crime-id-missing",
        GOOD_NAME,
        lambda rows: _set(rows, 12, "Crime ID", ""),
        12,
        "Crime ID",
        validate.CRIME_ID_MISSING,
    ),
    (
        "extra-field",
        GOOD_NAME,
        lambda rows: [*rows[:14], [*rows[14], "surplus"], *rows[15:]],
        15,
        "field 13",
        files.FIELD_COUNT_WRONG,
    ),
    (
        "missing-fields",
        GOOD_NAME,
        lambda rows: [*rows[:20], rows[20][:7], *rows[21:]],
        21,
        "LSOA code",
        files.FIELD_COUNT_WRONG,
    ),
]


def _refused(report_files: tuple[object, ...]) -> list[object]:
    return [o for o in report_files if getattr(o, "status", "") == "refused"]


@pytest.fixture
def good_store(tmp_path: Path, col_rows: Rows) -> Path:
    """A store holding one good file, so that a refusal can be shown to change nothing."""
    db_path = tmp_path / "crime.duckdb"
    good = csv_write(tmp_path / "good" / "2022-07-city-of-london-street.csv", col_rows)
    assert ingest_paths([good], db_path=db_path).ok
    return db_path


@pytest.mark.parametrize(("case", "name", "change", "line", "column", "template"), CASES)
def test_ingest_refuses_bad_file_naming_line_and_column(
    tmp_path: Path,
    good_store: Path,
    col_rows: Rows,
    case: str,
    name: str,
    change: Callable[[Rows], Rows],
    line: int | None,
    column: str | None,
    template: str,
) -> None:
    bad = csv_write(tmp_path / "bad" / name, change(col_rows))
    before = table_snapshot(good_store, POLICEUK_TABLES)

    report = ingest_paths([bad], db_path=good_store)

    assert not report.ok
    (outcome,) = report.files
    assert outcome.status == "refused"
    where = (
        str(bad) + (f", line {line}" if line else "") + (f", column {column!r}" if column else "")
    )
    assert outcome.message.startswith(where + ": "), outcome.message
    assert _fixed(template) in outcome.message
    assert table_snapshot(good_store, POLICEUK_TABLES) == before
    con = duckdb.connect(str(good_store), read_only=True)
    logged = con.execute(
        "SELECT status, message FROM import_log WHERE file = ?", [str(bad)]
    ).fetchall()
    con.close()
    assert logged == [("refused", outcome.message)]


def test_ingest_refuses_truncated_gzip(tmp_path: Path, good_store: Path, col_rows: Rows) -> None:
    whole = csv_write(tmp_path / "whole" / GOOD_NAME.replace(".csv", ".csv.gz"), col_rows, gz=True)
    cut = tmp_path / "bad" / whole.name
    cut.parent.mkdir()
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    before = table_snapshot(good_store, POLICEUK_TABLES)

    report = ingest_paths([cut], db_path=good_store)

    (outcome,) = report.files
    assert outcome.status == "refused"
    assert outcome.message.startswith(f"{cut}, line ")
    assert files.GZIP_TRUNCATED in outcome.message
    assert table_snapshot(good_store, POLICEUK_TABLES) == before


def test_ingest_refuses_truncated_gzip_cut_at_a_line_end(tmp_path: Path, col_rows: Rows) -> None:
    """A stream cut exactly after a row would read as a shorter file: it must still fail."""
    text = "".join(",".join(f'"{v}"' for v in row) + "\n" for row in col_rows).encode()
    compressed = gzip.compress(text)
    cut = tmp_path / GOOD_NAME.replace(".csv", ".csv.gz")
    cut.write_bytes(compressed[:-8])  # drop the CRC and length trailer only

    report = ingest_paths([cut], db_path=tmp_path / "crime.duckdb")

    assert report.files[0].status == "refused"
    assert files.GZIP_TRUNCATED in report.files[0].message


def test_ingest_refuses_text_that_is_not_utf8(
    tmp_path: Path, good_store: Path, col_rows: Rows
) -> None:
    good = csv_write(tmp_path / "x.csv", col_rows)
    lines = good.read_bytes().split(b"\n")
    location = col_rows[4][col_rows[0].index("Location")].encode()
    lines[4] = lines[4].replace(location, "On or near Caf\u00e9 Row".encode("latin-1"))
    bad = tmp_path / "bad" / GOOD_NAME
    bad.parent.mkdir()
    bad.write_bytes(b"\n".join(lines))
    before = table_snapshot(good_store, POLICEUK_TABLES)

    report = ingest_paths([bad], db_path=good_store)

    (outcome,) = report.files
    assert outcome.message.startswith(f"{bad}, line 5, column 'Location': ")
    assert _fixed(files.NOT_UTF8) in outcome.message
    assert table_snapshot(good_store, POLICEUK_TABLES) == before


def test_ingest_refuses_stop_search_without_a_force(tmp_path: Path, stop_search_rows: Rows) -> None:
    path = csv_write(tmp_path / "2024-06" / "searches.csv", stop_search_rows)

    refused = ingest_paths([path], db_path=tmp_path / "crime.duckdb")
    accepted = ingest_paths([path], db_path=tmp_path / "crime.duckdb", force="metropolitan")

    assert refused.files[0].message == f"{path}: {validate.FORCE_MISSING}"
    assert accepted.files[0].status == "imported"
    assert accepted.files[0].forces == ("metropolitan",)
    assert accepted.files[0].months == ("2024-06",)


def test_ingest_imports_good_files_and_reports_bad_ones(tmp_path: Path, col_rows: Rows) -> None:
    good = csv_write(tmp_path / "in" / GOOD_NAME, col_rows)
    bad = csv_write(
        tmp_path / "in" / "2022-08-city-of-london-street.csv",
        _set([row[:] for row in col_rows], 3, "Latitude", "north"),
    )
    db_path = tmp_path / "crime.duckdb"

    report = ingest_paths([tmp_path / "in"], db_path=db_path)

    assert not report.ok
    assert {(Path(o.file).name, o.status) for o in report.files} == {
        (good.name, "imported"),
        (bad.name, "refused"),
    }
    con = duckdb.connect(str(db_path), read_only=True)
    months = con.execute("SELECT DISTINCT month FROM police_street").fetchall()
    con.close()
    assert months == [("2022-07",)]


def test_ingest_refuses_a_missing_path(tmp_path: Path) -> None:
    report = ingest_paths([tmp_path / "nowhere.csv"], db_path=tmp_path / "crime.duckdb")
    assert report.files[0].status == "refused"
    assert not report.ok
