"""Area profiles on the real shared data, each figure recomputed from the raw CSV files."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from scipy import stats

from callingtime.areas.importer import areas_import
from callingtime.areas.store import AreasStore
from callingtime.crimedata.forces import FORCES
from callingtime.crimedata.ingest import ingest_paths
from callingtime.crimedata.profile import (
    ProfileAreaUnknownError,
    ProfileCategoryUnknownError,
    ProfileMonthError,
    ProfileNotLoadedError,
    area_profile,
    profile_categories,
    profile_latest_month,
)
from callingtime.crimedata.profile_geo import area_forces_of
from callingtime.crimedata.store import store_open

pytestmark = pytest.mark.shared_data
_BUILT: dict[str, tuple[Path, Path]] = {}
LOOKUP = (
    "geography/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_"
    "for_EW_(V3).csv.gz"
)
PCON = "geography/DERIVED_LSOA21_WD24_LAD24_PCON24_EW_pointinpolygon.csv.gz"


def stores_build(shared: Path, tmp: Path) -> tuple[Path, Path]:
    """Build the real geography and crime stores once per test session (then reuse them)."""
    if "real" not in _BUILT:
        areas_db, crime_db = tmp / "areas.duckdb", tmp / "crime.duckdb"
        folders = ("geography", "postcodes", "parliament", "boundaries")
        areas_import([shared / f for f in folders], db_path=areas_db)
        with AreasStore.open(areas_db) as store:
            candidates = store.lsoa_code_candidates()
        ingest_paths(
            [shared / "police", shared / "london"],
            db_path=crime_db,
            lsoa_candidates=candidates,
            areas_db=areas_db,
        )
        _BUILT["real"] = (areas_db, crime_db)
    return _BUILT["real"]


@pytest.fixture(scope="module")
def real(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[duckdb.DuckDBPyConnection, AreasStore]]:
    areas_db, crime_db = stores_build(shared_data, tmp_path_factory.mktemp("profile"))
    con = store_open(crime_db, read_only=True)
    with AreasStore.open(areas_db) as areas:
        yield con, areas
    con.close()


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _lsoa21(shared: Path) -> tuple[dict[str, list[str]], pd.DataFrame]:
    """The ONS 2011 → 2021 partners, and the 2021 LSOA → constituency file."""
    lookup = _read(shared / LOOKUP)
    partners: dict[str, list[str]] = {}
    for old, new in zip(lookup["LSOA11CD"], lookup["LSOA21CD"], strict=True):
        partners.setdefault(old, []).append(new)
        partners.setdefault(new, [new])
    return partners, _read(shared / PCON)


def _counting_unit(street: pd.DataFrame) -> pd.DataFrame:
    """One row per (month, Crime ID), as docs/crime-data.md states: the row with a location
    (both coordinates), then one with a known outcome (not empty, not "... unavailable"), then
    the first in the file. ASB rows (no Crime ID) all count."""
    rows = street.assign(line=range(len(street)))
    asb = rows[rows["Crime ID"] == ""]
    crimes = rows[rows["Crime ID"] != ""]
    outcome = crimes["Last outcome category"]
    crimes = crimes.assign(
        no_location=(crimes.Longitude == "") | (crimes.Latitude == ""),
        unknown=(outcome == "") | outcome.str.endswith("unavailable"),
    ).sort_values(["no_location", "unknown", "line"], kind="stable")
    counted = crimes.drop_duplicates(["Month", "Crime ID"]).drop(columns=["no_location", "unknown"])
    return pd.concat([asb, counted]).sort_values("line").drop(columns="line")


def _translate(street: pd.DataFrame, shared: Path, partners: dict[str, list[str]]) -> pd.Series:
    cent = _read(shared / "geography/drkane-geo-lookups/lsoa_latlong.csv.gz")
    where = {
        c: (float(a), float(b))
        for c, a, b in zip(cent.LSOACD, cent.latitude, cent.longitude, strict=True)
    }
    out = []
    for code, lat, lon in zip(street["LSOA code"], street.Latitude, street.Longitude, strict=True):
        found = sorted(set(partners.get(code, [])))
        if len(found) > 1 and lat:
            point = (float(lat), float(lon))
            found = [min(found, key=lambda c: math.dist(where[c], point))]
        out.append(found[0] if found else "")
    return pd.Series(out, index=street.index)


def _population(shared: Path, lsoas: set[str]) -> int:
    lookup = _read(shared / LOOKUP)
    pop = _read(shared / "geography/london-mid2020-pop.csv.gz")
    people = dict(
        zip(pop.LSOA11CD, pop["Persons_All-Ages"].str.replace(",", "").astype(float), strict=True)
    )
    shares = lookup.groupby("LSOA11CD")["LSOA21CD"].nunique()
    total = sum(
        people.get(old, 0) / shares[old]
        for old, new in zip(lookup.LSOA11CD, lookup.LSOA21CD, strict=True)
        if new in lsoas
    )
    return round(total)


def test_islington_north_burglary_equals_a_recount_of_the_raw_files(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore], shared_data: Path
) -> None:
    con, areas = real
    profile = area_profile(con=con, areas=areas, code="E14001305", category="burglary")
    assert profile.source == "police-uk"
    months = [m.month for m in profile.monthly]
    partners, pcon = _lsoa21(shared_data)
    mine = set(pcon.loc[pcon.PCON24CD == "E14001305", "LSOA21CD"])
    frames = [
        _read(shared_data / f"police/metropolitan/{m}-metropolitan-street.csv.gz") for m in months
    ]
    street = pd.concat(frames, ignore_index=True)
    street = _counting_unit(street[street["Crime type"] == "Burglary"])
    street["lsoa21"] = _translate(street, shared_data, partners)
    inside = street[street.lsoa21.isin(mine)]
    expected = inside.groupby("Month").size().reindex(months, fill_value=0)
    assert [m.count for m in profile.monthly] == [int(n) for n in expected]
    current, previous = int(expected.iloc[12:].sum()), int(expected.iloc[:12].sum())
    assert (profile.count, profile.previous_count) == (current, previous)
    assert profile.population == _population(shared_data, mine)
    assert profile.rate_per_1000 == pytest.approx(1000 * current / profile.population)
    change = profile.change
    assert change is not None and change.absolute == current - previous
    z = math.sqrt(2) * (math.sqrt(current) - math.sqrt(previous))
    assert change.z == pytest.approx(z)
    assert change.z_brief == pytest.approx(2 * (math.sqrt(current) - math.sqrt(previous)))
    assert change.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    exact = stats.binomtest(current, current + previous, 0.5).pvalue
    assert change.exact_p_value == pytest.approx(exact, rel=1e-6)
    assert change.notable == (abs(z) > 2)
    window = street[street.Month.isin(months[12:])]
    left_out = int((window.lsoa21 == "").sum())
    assert profile.excluded_no_location == left_out
    top = (
        inside[inside.Month.isin(months[12:]) & (inside.Location != "")]
        .groupby(["Location", "Latitude", "Longitude", "lsoa21"])
        .size()
        .sort_values(ascending=False)
    )
    assert profile.places[0].count == int(top.iloc[0])
    assert all(p.location.startswith("On or near") for p in profile.places)


def test_city_of_london_all_crime_has_a_year_and_no_previous_year(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore], shared_data: Path
) -> None:
    con, areas = real
    profile = area_profile(con=con, areas=areas, code="E09000001", end="2023-06")
    folder = shared_data / "london/city-of-london-street"
    # Each file is one force and month; a shared Crime ID is counted once, by the stated rule
    # (location, then known outcome, then file order): the row chosen decides the LSOA.
    both = pd.concat([_counting_unit(_read(p)) for p in sorted(folder.glob("*.csv.gz"))])
    partners, pcon = _lsoa21(shared_data)
    city = set(pcon.loc[pcon.LAD24CD == "E09000001", "LSOA21CD"])
    both["lsoa21"] = _translate(both, shared_data, partners)
    expected = both[both.lsoa21.isin(city)].groupby("Month").size()
    assert [m.count for m in profile.monthly[12:]] == [int(expected[m]) for m in expected.index]
    assert profile.count == int(expected.sum())
    assert profile.previous_count is None and profile.change is None
    assert profile.coverage is not None and len(profile.coverage.months_missing) == 12
    assert all(m.count is None for m in profile.monthly[:12])


def test_a_leeds_constituency_in_july_2017_has_no_12_month_count(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore],
) -> None:
    con, areas = real
    leeds = areas.area_search("Leeds Central", type="constituency")[0]
    profile = area_profile(con=con, areas=areas, code=leeds.code, end="2017-07")
    assert profile.count is None and profile.change is None
    assert profile.coverage is not None
    assert len(profile.coverage.months_missing) == 22
    assert "2017-07" in profile.coverage.months_loaded
    assert all(m.count is None for m in profile.monthly if m.month not in ("2016-07", "2017-07"))


def test_islington_violent_crime_comes_from_the_met_borough_file(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore], shared_data: Path
) -> None:
    con, areas = real
    profile = area_profile(con=con, areas=areas, code="E09000019", category="violent-crime")
    assert profile.source == "mps"
    newest = _read(
        shared_data
        / "london/borough/2023-12_2025-11/MPS Borough Level Crime (most recent 24 months).csv.gz"
    )
    rows = newest[
        (newest.BoroughName == "Islington")
        & newest.MajorText.isin(["VIOLENCE AGAINST THE PERSON", "SEXUAL OFFENCES"])
    ]
    months = [m.month for m in profile.monthly]
    columns = [m.replace("-", "") for m in months]
    expected = [int(rows[c].astype(int).sum()) for c in columns]
    assert [m.count for m in profile.monthly] == expected
    assert profile.count == sum(expected[12:])


def test_a_category_not_loaded_is_never_zero(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore],
) -> None:
    con, areas = real
    with pytest.raises(ProfileNotLoadedError, match="burglary"):
        area_profile(con=con, areas=areas, code="E14001305", category="drugs", source="police-uk")


def test_errors_name_what_is_wrong(real: tuple[duckdb.DuckDBPyConnection, AreasStore]) -> None:
    con, areas = real
    with pytest.raises(ProfileAreaUnknownError):
        area_profile(con=con, areas=areas, code="E99999999")
    with pytest.raises(ProfileCategoryUnknownError, match="all-crime-excl-asb"):
        area_profile(con=con, areas=areas, code="E14001305", category="knife-crime")
    with pytest.raises(ProfileMonthError):
        area_profile(con=con, areas=areas, code="E14001305", category="burglary", end="2024-13")
    with pytest.raises(ProfileMonthError):
        area_profile(
            con=con,
            areas=areas,
            code="E14001305",
            category="burglary",
            end="2030-01",
            source="police-uk",
        )


def test_a_set_of_two_constituencies_sums_them(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore],
) -> None:
    con, areas = real
    codes = ["E14001305", "E14001259"]
    both = area_profile(con=con, areas=areas, code=codes, category="burglary", source="police-uk")
    one = [
        area_profile(con=con, areas=areas, code=c, category="burglary", source="police-uk")
        for c in codes
    ]
    assert both.area.type == "set" and both.area.code == "set:" + ",".join(codes)
    assert both.count == sum(p.count or 0 for p in one)
    assert both.population == sum(p.population or 0 for p in one)


def test_categories_and_latest_month(real: tuple[duckdb.DuckDBPyConnection, AreasStore]) -> None:
    con, _ = real
    slugs = [slug for slug, _ in profile_categories()]
    assert "possession-of-article-with-blade-or-point" in slugs and "all-crime" in slugs
    assert profile_latest_month(con, "police-uk") == "2024-12"


def test_cached_geography_equals_the_store_queries(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore],
) -> None:
    con, areas = real
    above = sorted(c for c, a in areas.areas.items() if a.type != "lsoa")
    lsoas = sorted(c for c, a in areas.areas.items() if a.type == "lsoa")
    codes = above[::10] + lsoas[::2000] + ["E14001305", "E09000001"]
    slug = {f.pfa_code: f.slug for f in FORCES if f.pfa_code}
    recorded: dict[str, list[str]] = {}
    for code, pfa in con.execute(
        "SELECT area_code, force_cd FROM agg_area_force ORDER BY 2"
    ).fetchall():
        if pfa in slug:
            recorded.setdefault(code, []).append(slug[pfa])
    for code in codes:
        assert list(areas.area_parents_cached(code)) == areas.area_parents(code), code
        assert list(areas.area_neighbours_cached(code)) == areas.area_neighbours(code), code
        assert list(areas.area_lsoas_cached(code)) == areas.area_lsoas(code), code
        for kind in ("ward", "constituency", "borough"):
            assert list(areas.area_children_cached(code, kind)) == areas.area_children(
                code, type=kind
            ), (code, kind)
        assert list(area_forces_of(areas, code)) == recorded.get(code, []), code
