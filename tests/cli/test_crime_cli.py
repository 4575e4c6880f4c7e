"""`callingtime crime ingest|status|fetch`: wiring, exit codes, tables and JSON."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from callingtime.cli import main
from callingtime.crimedata.fetch import FETCH_NOT_FOUND
from callingtime.crimedata.store import STORE_MISSING
from tests.crimedata.archive_server import archive_serve, archive_zip_build

pytestmark = pytest.mark.shared_data

COL = "london/city-of-london-street/{month}-city-of-london-street.csv.gz"


def _tiny(shared_data: Path, folder: Path, *, bad: bool = False) -> Path:
    with gzip.open(shared_data / COL.format(month="2022-07"), "rt", encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(21), csv.reader(handle), strict=False)]
    if bad:
        rows[5][rows[0].index("Longitude")] = "west"
    name = "2022-08-city-of-london-street.csv" if bad else "2022-07-city-of-london-street.csv"
    if bad:
        for row in rows[1:]:
            row[rows[0].index("Month")] = "2022-08"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_crime_ingest_json_lists_every_file_and_exits_1_on_a_refusal(
    shared_data: Path, tmp_path: Path
) -> None:
    good = _tiny(shared_data, tmp_path / "in")
    bad = _tiny(shared_data, tmp_path / "in", bad=True)
    db = str(tmp_path / "crime.duckdb")

    code, out, err = _invoke(
        "crime",
        "ingest",
        str(tmp_path / "in"),
        "--db",
        db,
        "--areas-db",
        str(tmp_path / "no"),
        "--json",
    )

    payload = json.loads(out)
    assert code == 1
    assert payload["ok"] is False
    assert {(f["file"], f["status"]) for f in payload["files"]} == {
        (str(good), "imported"),
        (str(bad), "refused"),
    }
    refused = next(f for f in payload["files"] if f["status"] == "refused")
    assert refused["message"].startswith(f"{bad}, line 6, column 'Longitude': ")
    assert "no geography store" in err


def test_crime_ingest_prints_a_summary_table_and_exits_0(shared_data: Path, tmp_path: Path) -> None:
    good = _tiny(shared_data, tmp_path / "in")
    db = str(tmp_path / "crime.duckdb")

    code, out, _ = _invoke("crime", "ingest", str(good), "--db", db, "--areas-db", str(tmp_path))

    assert code == 0
    assert "1 imported; 20 rows imported" in out
    again_code, again, _ = _invoke(
        "crime", "ingest", str(good), "--db", db, "--areas-db", str(tmp_path)
    )
    assert again_code == 0 and "1 unchanged" in again


def test_crime_status_json_shows_what_is_loaded(shared_data: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "crime.duckdb")
    _invoke("crime", "ingest", str(_tiny(shared_data, tmp_path / "in")), "--db", db, "--json")

    code, out, _ = _invoke("crime", "status", "--db", db, "--json")

    payload = json.loads(out)
    assert code == 0
    assert [(c["force"], c["kind"], c["first_month"]) for c in payload["coverage"]] == [
        ("city-of-london", "street", "2022-07")
    ]
    assert any(g["force"] == "greater-manchester" for g in payload["gaps"])
    code, table, _ = _invoke("crime", "status", "--db", db)
    assert code == 0 and "known gaps" in table


def test_crime_status_without_a_store_says_how_to_load_one(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    code, _, err = _invoke("crime", "status", "--db", str(missing))
    assert code == 1
    assert STORE_MISSING.format(path=missing).split("`")[0] in err.replace("\n", " ")


def test_crime_fetch_downloads_and_ingests(shared_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    archive_zip_build(
        folder / "2023-06.zip",
        [("2023-06/2023-06-city-of-london-street.csv", shared_data / COL.format(month="2023-06"))],
    )
    db = str(tmp_path / "crime.duckdb")
    with archive_serve(folder) as url:
        env = {"CALLINGTIME_POLICE_ARCHIVE_URL": url}
        code, out, _ = _invoke(
            "crime",
            "fetch",
            "--month",
            "2023-06",
            "--db",
            db,
            "--dest",
            str(tmp_path / "d"),
            "--json",
            env=env,
        )
        missing_code, _, missing_err = _invoke(
            "crime",
            "fetch",
            "--month",
            "2023-07",
            "--db",
            db,
            "--dest",
            str(tmp_path / "d"),
            env=env,
        )

    payload = json.loads(out)
    assert code == 0
    assert payload["fetched"] == [
        str(tmp_path / "d" / "2023-06" / "2023-06-city-of-london-street.csv")
    ]
    assert [f["status"] for f in payload["files"]] == ["imported"]
    assert missing_code == 1
    expected = FETCH_NOT_FOUND.format(url=f"{url}/2023-07.zip", month="2023-07")
    assert expected in missing_err.replace("\n", " ")
