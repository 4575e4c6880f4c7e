"""The Met's real borough and ward files: ingest, London totals, precedence, pseudo-areas, wards."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from callingtime.crimedata.mps import (
    LONDON_CODE,
    mps_coverage,
    mps_file_ingest,
    mps_header_scheme,
    mps_monthly,
    mps_months_resolve,
)
from callingtime.crimedata.store import store_open
from tests.crimedata.conftest import csv_rows_read

pytestmark = pytest.mark.shared_data

WARD_2024 = (
    "geography/LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv.gz"
)
WARD_NEWEST = "ward/2023-04_2025-03/MPS Ward Level Crime (most recent 24 months).csv.gz"
WARD_MIDDLE = "ward/2022-02_2024-01/MPS Ward Level Crime (most recent 24 months).csv.gz"
WARD_OLDEST_2022 = "ward/2021-12_2023-11/ward_21_23.csv.gz"
WARD_2018 = "ward/2020-09_2022-08/MPS Ward Level Crime (most recent 24 months).csv.gz"
BOROUGH_DETAILED_24 = "borough/2022-02_2024-01/FEB2022-FEB2024.csv.gz"
BOROUGH_COARSE_24 = "borough/2023-12_2025-11/MPS Borough Level Crime (most recent 24 months).csv.gz"
EXPECTED_SCHEME = {
    ("borough", "2008-01_2016-12"): "old-borough",
    ("borough", "2017-01_2018-12"): "old-borough",
    ("borough", "2010-04_2022-01"): "detailed-borough",
    ("borough", "2022-02_2024-01"): "detailed-borough",
    ("borough", "2010-04_2023-11"): "coarse-borough",
    ("borough", "2023-12_2025-11"): "coarse-borough",
    ("ward", "2020-09_2022-08"): "detailed-ward",
    ("ward", "2021-12_2023-11"): "detailed-ward",
    ("ward", "2022-02_2024-01"): "detailed-ward",
    ("ward", "2023-04_2025-03"): "coarse-ward",
}


def london_files(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "london").glob("[bw]*/*/*.csv.gz"))


def wide_read(path: Path) -> pd.DataFrame:
    """Read a wide Met file with pandas, major/minor columns renamed to one spelling."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.rename(columns={"Major Category": "MajorText", "Minor Category": "MinorText"})


def month_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.isdigit()]


def vap_london(path: Path, month: str) -> int:
    frame = wide_read(path)
    rows = frame[frame["MajorText"].str.upper() == "VIOLENCE AGAINST THE PERSON"]
    return int(rows[month].astype(int).sum())


@pytest.fixture(scope="module")
def full_store(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A store holding every real borough and ward file, resolved."""
    con = store_open(tmp_path_factory.mktemp("mps") / "crime.duckdb")
    con.begin()
    for path in london_files(shared_data):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        outcome = mps_file_ingest(con, path, display_name=path.name, sha256=digest)
        assert outcome.status == "imported", outcome
    mps_months_resolve(con)
    con.commit()
    yield con
    con.close()


def vintage_of(path: Path) -> tuple[str, str]:
    """(level, vintage-suffix) of a real file, from its folder: ward, '2023-04-2025-03'."""
    first, last = path.parent.name.split("_")
    return path.parent.parent.name, f"{first}-{last}"


def test_every_real_file_is_recognised(shared_data: Path) -> None:
    files = london_files(shared_data)
    assert len(files) == 10
    for path in files:
        header, *first = csv_rows_read(path, 3)
        level, _ = vintage_of(path)
        expected = EXPECTED_SCHEME[(level, path.parent.name)]
        assert mps_header_scheme(header, first) == expected, path
    assert mps_header_scheme(["Crime ID", "Month", "Reported by"]) is None


def test_london_totals_per_major_and_month_equal_the_files(
    shared_data: Path, full_store: duckdb.DuckDBPyConnection
) -> None:
    for path in london_files(shared_data):
        frame = wide_read(path)
        months = month_columns(frame)
        expected = frame[months].astype(int).groupby(frame["MajorText"]).sum()
        level, suffix = vintage_of(path)
        stored = full_store.execute(
            """
            SELECT major, replace(month, '-', ''), sum(count) FROM mps_count
            WHERE level = ? AND vintage LIKE ? GROUP BY ALL
            """,
            [level, f"%-{suffix}"],
        ).fetchall()
        got = {(major, month): int(total) for major, month, total in stored}
        want = {(m, month): int(expected.loc[m, month]) for m in expected.index for month in months}
        assert got == want, path


def test_newest_publication_wins_on_a_real_revised_cell(
    shared_data: Path, full_store: duckdb.DuckDBPyConnection
) -> None:
    london = shared_data / "london"
    # London VAP 2023-11 (ward level) is in three publications, each revising the last
    published = [
        vap_london(london / f, "202311") for f in (WARD_OLDEST_2022, WARD_MIDDLE, WARD_NEWEST)
    ]
    assert len(set(published)) == 3
    got = mps_monthly(
        full_store,
        level="ward",
        area_code=LONDON_CODE,
        category="violence-against-the-person",
        start="2023-11",
        end="2023-11",
    )
    assert got == [("2023-11", published[-1])]
    # borough 2023-12: the coarse 2023-12_2025-11 file is newer than the detailed 2022-02_2024-01
    older, newer = (
        vap_london(london / f, "202312") for f in (BOROUGH_DETAILED_24, BOROUGH_COARSE_24)
    )
    assert older != newer
    got = mps_monthly(
        full_store,
        level="borough",
        area_code=LONDON_CODE,
        category="violence-against-the-person",
        start="2023-12",
        end="2023-12",
    )
    assert got == [("2023-12", newer)]


def test_knife_possession_comes_from_the_detailed_scheme_to_january_2024(
    shared_data: Path, full_store: duckdb.DuckDBPyConnection
) -> None:
    frame = wide_read(shared_data / "london" / BOROUGH_DETAILED_24)
    blade = frame[frame["MinorText"] == "Possession of Article with Blade or Point"]
    got = mps_monthly(
        full_store,
        level="borough",
        area_code=LONDON_CODE,
        category="possession-of-article-with-blade-or-point",
        start="2023-11",
        end="2024-06",
    )
    assert got == [
        (f"{m[:4]}-{m[4:]}", int(blade[m].astype(int).sum()))
        for m in ("202311", "202312", "202401")
    ]


def test_pseudo_areas_count_towards_london_never_a_borough(
    shared_data: Path, full_store: duckdb.DuckDBPyConnection
) -> None:
    frame = wide_read(shared_data / "london" / BOROUGH_COARSE_24)
    counts = frame["202312"].astype(int)
    hillingdon = int(counts[frame["BoroughName"] == "Hillingdon"].sum())
    everything = int(counts.sum())
    pseudo = int(
        counts[
            frame["BoroughName"].isin(["Unknown", "London Heathrow and London City Airports"])
        ].sum()
    )
    assert pseudo > 0
    args = {
        "level": "borough",
        "category": "all-recorded-crime",
        "start": "2023-12",
        "end": "2023-12",
    }
    assert mps_monthly(full_store, area_code="E09000017", **args) == [("2023-12", hillingdon)]
    assert mps_monthly(full_store, area_code=LONDON_CODE, **args) == [("2023-12", everything)]
    boroughs = full_store.execute(
        """
        SELECT sum(count) FROM mps_resolved
        WHERE level = 'borough' AND category = 'all-recorded-crime' AND month = '2023-12'
          AND borough_code IS NOT NULL AND area_code <> ?
        """,
        [LONDON_CODE],
    ).fetchone()
    assert boroughs == (everything - pseudo,)
    # Heathrow Villages ward: its Hillingdon rows and its Aviation Security rows stay apart
    ward = wide_read(shared_data / "london" / WARD_NEWEST)
    hv = ward[(ward["WardCode"] == "E05013570") & (ward["LookUp_BoroughName"] == "Hillingdon")]
    got = mps_monthly(
        full_store,
        level="ward",
        area_code="E05013570",
        category="all-recorded-crime",
        start="2025-03",
        end="2025-03",
    )
    assert got == [("2025-03", int(hv["202503"].astype(int).sum()))]


def test_ward_codes_of_the_older_geography_are_flagged(
    shared_data: Path, full_store: duckdb.DuckDBPyConnection
) -> None:
    wd24 = set(pd.read_csv(shared_data / WARD_2024, dtype=str, usecols=["WD24CD"])["WD24CD"])
    geographies = dict(
        full_store.execute(
            "SELECT vintage, ward_geography FROM mps_vintage WHERE level = 'ward'"
        ).fetchall()
    )
    assert geographies == {
        "ward-detailed-2020-09-2022-08": "2018",
        "ward-detailed-2021-12-2023-11": "2022",
        "ward-detailed-2022-02-2024-01": "2022",
        "ward-coarse-2023-04-2025-03": "2022",
    }
    for name, geography in ((WARD_2018, "2018"), (WARD_NEWEST, "2022")):
        codes = set(wide_read(shared_data / "london" / name)["WardCode"])
        outside = codes - wd24
        assert bool(outside) == (geography == "2018"), name
    stored = full_store.execute(
        "SELECT DISTINCT ward_geography FROM mps_resolved "
        "WHERE level = 'ward' AND area_code = 'E05000026'"
    ).fetchall()
    assert stored == [("2018",)]


def test_coverage_reports_levels_schemes_and_no_flag_on_the_real_files(
    full_store: duckdb.DuckDBPyConnection,
) -> None:
    coverage = mps_coverage(full_store)
    spans = {(s.level, s.scheme): (s.first_month, s.last_month) for s in coverage.spans}
    assert spans[("borough", "coarse")][1] == "2025-11"
    assert spans[("borough", "detailed")][1] == "2024-01"
    assert spans[("ward", "coarse")] == ("2023-04", "2025-03")
    assert spans[("borough", "old")][0] == "2008-01"
    # the near-empty month the data README describes is not in these files (see test_mps_resolve)
    assert coverage.flagged == ()
