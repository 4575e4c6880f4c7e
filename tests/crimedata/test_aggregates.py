"""The aggregate build on the real shared data: idempotent, staleness recorded, totals exact."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from callingtime.areas.store import AreasStore
from callingtime.crimedata.aggregates import (
    AGGREGATES_STALE_CRIME,
    aggregates_rebuild,
    aggregates_stale,
    areas_checksum,
)
from callingtime.crimedata.aggregates_schema import AGG_TABLES
from callingtime.crimedata.ingest import ingest_paths
from callingtime.crimedata.store import store_open
from tests.crimedata.test_profile_real import _counting_unit, _read, stores_build

pytestmark = pytest.mark.shared_data
FOLDERS = {
    "city-of-london": "london/city-of-london-street",
    "west-yorkshire": "police/west_yorkshire",
}


@pytest.fixture(scope="module")
def stores(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The session's real stores, with a copy of the crime store this module may write to."""
    areas_db, crime_db = stores_build(shared_data, tmp_path_factory.mktemp("aggregates"))
    copy = tmp_path_factory.mktemp("aggregates-copy") / "crime.duckdb"
    shutil.copy(crime_db, copy)
    return areas_db, copy


def _fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    found = {}
    for table in AGG_TABLES:  # fixed names
        row = con.execute(f"SELECT count(*), sum(hash(t::VARCHAR)) FROM {table} t").fetchone()
        assert row is not None
        found[table] = (int(row[0]), int(row[1] or 0))
    return found


def test_rebuild_is_idempotent_and_records_its_inputs(stores: tuple[Path, Path]) -> None:
    areas_db, crime_db = stores
    con = store_open(crime_db)
    try:
        with AreasStore.open(areas_db) as areas:
            before = _fingerprints(con)
            report = aggregates_rebuild(con, areas)
            assert _fingerprints(con) == before
            assert report.rows_area_month == before["agg_area_month"][0] > 0
            built = con.execute(
                "SELECT areas_checksum, crime_last_import, rows_place_month FROM agg_build"
            ).fetchall()
            last = con.execute("SELECT max(import_id) FROM import_log").fetchone()
            assert built == [
                (areas_checksum(areas)[0], last[0] if last else None, before["agg_place_month"][0])
            ]
            assert aggregates_stale(con, areas) is None
    finally:
        con.close()


def test_an_import_after_the_build_is_recorded_as_stale(
    stores: tuple[Path, Path], shared_data: Path, tmp_path: Path
) -> None:
    areas_db, crime_db = stores
    source = shared_data / FOLDERS["city-of-london"] / "2023-06-city-of-london-street.csv.gz"
    rows = _read(source).head(20).assign(Month="2023-07")
    folder = tmp_path / "in"
    folder.mkdir()
    rows.to_csv(folder / "2023-07-city-of-london-street.csv", index=False)
    with AreasStore.open(areas_db) as areas:
        candidates = areas.lsoa_code_candidates()
    ingest_paths([folder], db_path=crime_db, lsoa_candidates=candidates)
    con = store_open(crime_db)
    try:
        with AreasStore.open(areas_db) as areas:
            assert aggregates_stale(con, areas) == AGGREGATES_STALE_CRIME
            aggregates_rebuild(con, areas)
            assert aggregates_stale(con, areas) is None
    finally:
        con.close()


@pytest.mark.parametrize("force", sorted(FOLDERS))
def test_force_totals_equal_a_count_of_the_raw_rows(
    stores: tuple[Path, Path], shared_data: Path, force: str
) -> None:
    del stores  # built: the session store below is the one this module has not written to
    _, crime_db = stores_build(shared_data, Path("unused"))
    files = sorted((shared_data / FOLDERS[force]).glob("*-street.csv.gz"))
    counted = pd.concat([_counting_unit(_read(p)) for p in files])
    expected = counted.groupby("Month").size().to_dict()
    con = store_open(crime_db, read_only=True)
    try:
        totals = dict(
            con.execute(
                "SELECT month, sum(crimes) FROM agg_force_month WHERE force = ? GROUP BY 1",
                [force],
            ).fetchall()
        )
        assert {m: int(n) for m, n in totals.items()} == expected
        # every counted crime is in exactly one LSOA or left out, at every level up
        placed = con.execute(
            "SELECT a.area_type, a.month, sum(a.crimes) + any_value(f.left_out) FROM "
            "(SELECT area_type, month, sum(crimes) AS crimes FROM agg_area_month "
            " WHERE force = ? AND area_type IN ('lsoa', 'force', 'england-and-wales') "
            " GROUP BY ALL) a JOIN (SELECT month, sum(left_out) AS left_out "
            " FROM agg_force_month WHERE force = ? GROUP BY 1) f USING (month) GROUP BY ALL",
            [force, force],
        ).fetchall()
        assert {(kind, m): int(n) for kind, m, n in placed} == {
            (kind, m): n
            for kind in ("lsoa", "force", "england-and-wales")
            for m, n in expected.items()
        }
        own_and_other = con.execute(
            "SELECT sum(crimes + other_forces) FROM agg_area_series WHERE area_type = 'lsoa' "
            "UNION ALL SELECT sum(crimes) FROM agg_area_month WHERE area_type = 'lsoa'"
        ).fetchall()
        assert own_and_other[0] == own_and_other[1]
    finally:
        con.close()
