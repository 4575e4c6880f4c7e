"""The import: what each file becomes, idempotence, atomicity and the import log."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import duckdb
import pytest

from callingtime.areas.importer import (
    IMPORT_NO_FILES,
    IMPORT_NO_HIERARCHY,
    AreasImportError,
    areas_import,
)
from callingtime.areas.store import STORE_MISSING, AreasStore, AreasStoreMissingError
from tests.areas import tiny

CONTENT_TABLES = (
    "area",
    "area_link",
    "lsoa21",
    "lsoa_code",
    "lsoa_change",
    "population",
    "postcode",
    "mp",
    "neighbour",
    "boundary",
)


def _table_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in CONTENT_TABLES
        }
    finally:
        con.close()


def test_areas_import_reports_each_file(tiny_sources: Path, tmp_path: Path) -> None:
    report = areas_import([tiny_sources], db_path=tmp_path / "a.duckdb")
    by_name = {f.path.name: f for f in report.files}
    assert by_name["exact_fit.csv.gz"].status == "imported"
    assert by_name["exact_fit.csv.gz"].rows == 6
    assert by_name["pcd.csv.gz"].rows == 3
    assert [f.path.name for f in report.unknown] == ["README.txt.csv"]
    assert dict(report.tables)["lsoa21"] == 5


def test_areas_import_logs_sha256_and_rows(tiny_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    areas_import([tiny_sources], db_path=db)
    con = duckdb.connect(str(db), read_only=True)
    logged = {Path(f).name: (sha, rows) for f, sha, rows in con.execute(
        "SELECT file, sha256, rows FROM import_log").fetchall()}  # fmt: skip
    con.close()
    mps = tiny_sources / "parliament" / "mps.csv"
    assert logged["mps.csv"] == (hashlib.sha256(mps.read_bytes()).hexdigest(), 2)


def test_areas_import_twice_gives_the_same_tables(tiny_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    areas_import([tiny_sources], db_path=db)
    first = _table_rows(db)
    areas_import([tiny_sources, tiny_sources / "geography"], db_path=db)
    assert _table_rows(db) == first
    assert all(first[table] for table in CONTENT_TABLES)


def test_areas_import_bad_file_leaves_old_store_intact(tiny_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    areas_import([tiny_sources], db_path=db)
    before = _table_rows(db)
    bad = tiny_sources / "geography" / "exact_fit.csv.gz"
    data = bad.read_bytes()
    bad.write_bytes(data[: len(data) // 2])  # a truncated download: the header still reads
    with pytest.raises(AreasImportError, match=r"exact_fit\.csv\.gz"):
        areas_import([tiny_sources], db_path=db)
    assert _table_rows(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_areas_import_rejects_ragged_rows(tiny_sources: Path, tmp_path: Path) -> None:
    pfa = tiny_sources / "geography" / "pfa.csv"
    pfa.write_text(pfa.read_text() + "3,E23000099\n")
    with pytest.raises(AreasImportError, match=r"pfa\.csv"):
        areas_import([tiny_sources], db_path=tmp_path / "a.duckdb")
    assert not (tmp_path / "a.duckdb").exists()


def test_areas_import_needs_a_hierarchy_lookup(tiny_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with pytest.raises(AreasImportError) as raised:
        areas_import([tiny_sources / "parliament"], db_path=db)
    assert str(raised.value) == IMPORT_NO_HIERARCHY.format(db=db)


def test_areas_import_without_files_says_so(tmp_path: Path) -> None:
    with pytest.raises(AreasImportError) as raised:
        areas_import([tmp_path], db_path=tmp_path / "a.duckdb")
    assert str(raised.value) == IMPORT_NO_FILES.format(paths=tmp_path)


def test_areas_store_open_missing_tells_to_import(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    with pytest.raises(AreasStoreMissingError) as raised:
        AreasStore.open(missing)
    assert str(raised.value) == STORE_MISSING.format(path=missing)
    assert "callingtime areas import" in str(raised.value)


def test_areas_import_maps_retired_district_to_force(tiny_store: AreasStore) -> None:
    # Leeds is only in the LAD→PFA file under a retired code that la_all_codes retires into it.
    leeds = tiny_store.lsoas[tiny.LEEDS_U]
    assert leeds.force_cd == tiny.WEST_YORKSHIRE
    assert leeds.bcu_cd is None


def test_areas_import_population_translates_split_and_merge(tiny_store: AreasStore) -> None:
    people = dict(tiny_store._rows("SELECT lsoa21cd, people FROM population"))
    assert people[tiny.UNCHANGED] == 1500  # mid-2020 preferred over Census 2011
    assert people[tiny.SPLIT_A] == people[tiny.SPLIT_B] == 2001 / 2
    assert people[tiny.MERGED] == 1563 + 1379  # Census 2011 with thousand separators


def test_areas_import_keeps_ward_boundary_under_wd24_code(tiny_store: AreasStore) -> None:
    assert tiny_store.boundary_geojson(tiny.BARNSBURY) is not None
    assert tiny_store.boundary_geojson("E05099999") is None


def test_areas_import_postcode_on_split_lsoa_is_marked(tiny_store: AreasStore) -> None:
    result = tiny_store.postcode_lookup("N7 8AA")
    assert result.lsoa21_ambiguous
    assert result.lsoa21.code == min(tiny.SPLIT_A, tiny.SPLIT_B)  # equal shares: lowest code


def test_areas_import_reads_plain_and_gzip_postcodes_alike(
    tiny_sources: Path, tmp_path: Path
) -> None:
    gz = tiny_sources / "postcodes" / "pcd.csv.gz"
    (tiny_sources / "postcodes" / "pcd.csv").write_bytes(gzip.decompress(gz.read_bytes()))
    gz.unlink()
    db = tmp_path / "a.duckdb"
    areas_import([tiny_sources], db_path=db)
    with AreasStore.open(db) as store:
        assert store.postcode_lookup("n19gu").borough is not None
