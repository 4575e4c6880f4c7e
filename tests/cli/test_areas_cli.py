"""`callingtime areas import|lookup|show`: wiring, exit codes, tables and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from callingtime.areas.store import STORE_MISSING
from callingtime.cli import main
from tests.areas import tiny
from tests.areas.tiny import tiny_sources_write


@pytest.fixture
def tiny_db(tmp_path: Path) -> Path:
    sources = tiny_sources_write(tmp_path / "sources")
    db = tmp_path / "areas.duckdb"
    result = CliRunner().invoke(main, ["areas", "import", str(sources), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_areas_import_prints_files_and_tables(tmp_path: Path) -> None:
    sources = tiny_sources_write(tmp_path / "sources")
    db = tmp_path / "a.duckdb"
    result = CliRunner().invoke(main, ["areas", "import", str(sources), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "lsoa11_lsoa21" in result.output and "unknown" in result.output
    assert "postcode" in result.output
    assert db.exists()


def test_areas_import_json(tmp_path: Path) -> None:
    sources = tiny_sources_write(tmp_path / "sources")
    db = tmp_path / "a.duckdb"
    result = CliRunner().invoke(main, ["areas", "import", str(sources), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert dict(payload["tables"])["lsoa21"] == 5
    assert {f["status"] for f in payload["files"]} == {"imported", "unknown"}


def test_areas_import_failure_exits_nonzero(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["areas", "import", str(tmp_path), "--db", str(tmp_path / "a.duckdb")]
    )
    assert result.exit_code == 1
    assert "No .csv" in result.output


def test_areas_lookup_prints_every_level(tiny_db: Path) -> None:
    result = CliRunner().invoke(main, ["areas", "lookup", "n19gu", "--db", str(tiny_db)])
    assert result.exit_code == 0, result.output
    for text in ("N1 9GU", "Barnsbury", "Islington", "Metropolitan Police", "Central North",
                 "Emily Thornberry", "approximate"):  # fmt: skip
        assert text in result.output


def test_areas_lookup_json(tiny_db: Path) -> None:
    result = CliRunner().invoke(
        main, ["areas", "lookup", " N1  9GU ", "--db", str(tiny_db), "--json"]
    )
    payload = json.loads(result.stdout)
    assert payload["lsoa21"]["code"] == tiny.UNCHANGED
    assert payload["constituency_approximate"] is True
    assert payload["mp"]["party"] == "Labour"


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("hello", "is not a UK postcode"),
        ("LS1 1AA", "not in the loaded"),
        ("N1 1AA", "terminated in 2015-11"),
    ],
)
def test_areas_lookup_errors_exit_1(tiny_db: Path, postcode: str, message: str) -> None:
    result = CliRunner().invoke(main, ["areas", "lookup", postcode, "--db", str(tiny_db)])
    assert result.exit_code == 1
    assert message in result.stderr


def test_areas_lookup_without_store_says_import(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    result = CliRunner().invoke(main, ["areas", "lookup", "N1 9GU", "--db", str(missing)])
    assert result.exit_code == 1
    assert "callingtime areas import" in result.output
    assert STORE_MISSING.format(path=missing).split(" Build")[0] in result.output


def test_areas_show_by_name(tiny_db: Path) -> None:
    result = CliRunner().invoke(main, ["areas", "show", "islington north", "--db", str(tiny_db)])
    assert result.exit_code == 0, result.output
    assert "Islington South and Finsbury" in result.output  # its neighbour
    assert "Population" in result.output


def test_areas_show_json(tiny_db: Path) -> None:
    result = CliRunner().invoke(
        main, ["areas", "show", tiny.ISLINGTON, "--db", str(tiny_db), "--json"]
    )
    payload = json.loads(result.stdout)
    assert payload["area"]["name"] == "Islington"
    assert payload["children"]["ward"] == 2
    assert payload["population"]["people"] == (1500 + 2001)
    assert [p["type"] for p in payload["parents"]] == ["bcu", "force", "region", "country"]


def test_areas_show_unknown_exits_1(tiny_db: Path) -> None:
    result = CliRunner().invoke(main, ["areas", "show", "Atlantis", "--db", str(tiny_db)])
    assert result.exit_code == 1
    assert "No area matches" in result.output
