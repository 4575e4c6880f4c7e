"""Real stores for the hotspot tests, built once per session, and the raw-file recomputations.

The geography store is imported from the shared ONS, Parliament and boundary files; the crime
store holds twelve Met burglary months (2022-06…2023-05, when 2011 and 2021 LSOA codes mix) and
the two whole West Yorkshire months. Everything the tests compare against is recomputed here
with pandas straight from the raw CSVs and the ONS lookups, not from either store.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas
import pytest

from callingtime.areas.importer import areas_import
from callingtime.areas.store import AreasStore
from callingtime.crimedata.ingest import ingest_paths
from callingtime.crimedata.store import store_open

MET_MONTHS = tuple(f"2022-{m:02d}" for m in range(6, 13)) + tuple(
    f"2023-{m:02d}" for m in range(1, 6)
)
WY_MONTHS = ("2016-07", "2017-07")
ISLINGTON, BARKING, LEEDS = "E09000019", "E09000002", "E08000035"
ARSENAL_WARD = "Arsenal"
ONS_LSOA_CHANGE = (
    "geography/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_"
    "for_EW_(V3).csv.gz"
)
ONS_LSOA_WARD = (
    "geography/LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv.gz"
)
CENTROIDS = "geography/drkane-geo-lookups/lsoa_latlong.csv.gz"


@dataclass(frozen=True)
class HotspotStores:
    """The two real stores built for these tests."""

    areas_db: Path
    crime_db: Path


_BUILT: dict[Path, HotspotStores] = {}


def hotspot_stores_build(shared_data: Path, root: Path) -> HotspotStores:
    """Build (once per process) the geography and crime stores from the shared data."""
    if shared_data not in _BUILT:
        areas_db, crime_db = root / "areas.duckdb", root / "crime.duckdb"
        folders = ("geography", "parliament", "boundaries")
        areas_import([shared_data / folder for folder in folders], db_path=areas_db)
        with AreasStore.open(areas_db) as store:
            candidates = store.lsoa_code_candidates()
        files = [street_file(shared_data, "metropolitan", month) for month in MET_MONTHS]
        files += [street_file(shared_data, "west_yorkshire", month) for month in WY_MONTHS]
        report = ingest_paths(files, db_path=crime_db, lsoa_candidates=candidates)
        assert report.ok, report
        _BUILT[shared_data] = HotspotStores(areas_db, crime_db)
    return _BUILT[shared_data]


def street_file(shared_data: Path, folder: str, month: str) -> Path:
    """Return the path of a shared police.uk street file."""
    force = folder.replace("_", "-")
    return shared_data / "police" / folder / f"{month}-{force}-street.csv.gz"


@pytest.fixture(scope="session")
def hotspot_stores(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> HotspotStores:
    return hotspot_stores_build(shared_data, tmp_path_factory.mktemp("hotspot-stores"))


Connections = tuple[duckdb.DuckDBPyConnection, AreasStore]


@pytest.fixture(scope="module")
def hotspot_connections(hotspot_stores: HotspotStores) -> Iterator[Connections]:
    """The crime store (read-only) and the geography store, open for a test module."""
    con = store_open(hotspot_stores.crime_db, read_only=True)
    areas = AreasStore.open(hotspot_stores.areas_db)
    yield con, areas
    con.close()
    areas.close()


@pytest.fixture(scope="module")
def met_burglary(shared_data: Path) -> pandas.DataFrame:
    """The counted rows of the twelve Met burglary months, recomputed from the raw files."""
    return street_rows_counted(shared_data, "metropolitan", MET_MONTHS)


def counts_expected(
    rows: pandas.DataFrame, lsoas: list[str], crime_types: set[str]
) -> dict[str, int]:
    """Counted rows per 2021 LSOA, zeros included, by pandas value_counts."""
    tally = rows.loc[rows["Crime type"].isin(crime_types), "lsoa21"].value_counts()
    return {lsoa: int(tally.get(lsoa, 0)) for lsoa in lsoas}


# --- independent recomputations from the raw files --------------------------------------------


def csv_read(path: Path) -> pandas.DataFrame:
    """Read a shared CSV as text, as the data README recommends."""
    return pandas.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def borough_lsoas(shared_data: Path, lad_code: str) -> list[str]:
    """The 2021 LSOAs of a local authority, from the ONS LSOA → ward → LAD best-fit lookup."""
    lookup = csv_read(shared_data / ONS_LSOA_WARD)
    return sorted(lookup.loc[lookup["LAD24CD"] == lad_code, "LSOA21CD"])


def ward_lsoas(shared_data: Path, lad_code: str, ward_name: str) -> list[str]:
    """The 2021 LSOAs of a ward (by name, within a borough), from the ONS lookup."""
    lookup = csv_read(shared_data / ONS_LSOA_WARD)
    rows = lookup[(lookup["LAD24CD"] == lad_code) & (lookup["WD24NM"] == ward_name)]
    return sorted(rows["LSOA21CD"])


def street_rows_counted(
    shared_data: Path, folder: str, months: tuple[str, ...]
) -> pandas.DataFrame:
    """The counted street rows of some months, each with its 2021 LSOA (`lsoa21`).

    Counting: one row per Crime ID and month (the row with a location first, then one with a
    known outcome, then file order); anti-social behaviour rows (no Crime ID) all count. 2011
    codes go to their one 2021 successor; a split code to the successor whose centroid is
    nearest the point (great-circle distance), or the lowest code when there is no point.
    """
    frames = []
    for month in months:
        frame = csv_read(street_file(shared_data, folder, month))
        frame["order"] = range(len(frame))
        frames.append(frame)
    rows = pandas.concat(frames, ignore_index=True)
    with_id = rows[rows["Crime ID"] != ""].copy()
    with_id["located"] = (with_id["Longitude"] != "") & (with_id["Latitude"] != "")
    outcome = with_id["Last outcome category"]
    with_id["known"] = (outcome != "") & ~outcome.str.endswith("unavailable")
    with_id = with_id.sort_values(
        ["Month", "Crime ID", "located", "known", "order"],
        ascending=[True, True, False, False, True],
    ).drop_duplicates(["Month", "Crime ID"], keep="first")
    counted = pandas.concat([with_id, rows[rows["Crime ID"] == ""]], ignore_index=True)
    counted["lsoa21"] = lsoa21_translate(shared_data, counted)
    return counted


def lsoa21_translate(shared_data: Path, rows: pandas.DataFrame) -> list[str | None]:
    change = csv_read(shared_data / ONS_LSOA_CHANGE)
    codes21 = set(change["LSOA21CD"])
    successors: dict[str, list[str]] = {}
    for old, new in zip(change["LSOA11CD"], change["LSOA21CD"], strict=True):
        successors.setdefault(old, []).append(new)
    centroids = csv_read(shared_data / CENTROIDS).set_index("LSOACD")
    out: list[str | None] = []
    for code, lat, lon in zip(rows["LSOA code"], rows["Latitude"], rows["Longitude"], strict=True):
        if code == "":
            out.append(None)
        elif code in codes21:
            out.append(code)
        elif len(set(successors.get(code, []))) == 1:
            out.append(successors[code][0])
        elif code in successors:
            options = sorted(set(successors[code]))
            if lat == "" or lon == "":
                out.append(options[0])
            else:
                out.append(
                    min(
                        options,
                        key=lambda c: (
                            _great_circle_km(
                                float(lat),
                                float(lon),
                                float(centroids.loc[c, "latitude"]),
                                float(centroids.loc[c, "longitude"]),
                            ),
                            c,
                        ),
                    )
                )
        else:
            out.append(None)
    return out


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(a))


def boundaries_read(shared_data: Path, lad_codes: list[str] | None = None) -> dict[str, Any]:
    """LSOA 2021 GeoJSON geometries by code, straight from the drkane files."""
    folder = shared_data / "boundaries" / "drkane-geo-lookups" / "lsoa"
    found: dict[str, Any] = {}
    for path in sorted(folder.glob("*.geojson.gz")):
        if lad_codes is not None and path.name.split(".")[0] not in lad_codes:
            continue
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for feature in json.load(handle)["features"]:
                found[feature["properties"]["LSOA21CD"]] = feature["geometry"]
    return found


# --- the stores themselves ---------------------------------------------------------------------


@pytest.mark.shared_data
def test_hotspot_stores_hold_the_months_and_the_lsoa_neighbours(
    hotspot_stores: HotspotStores,
) -> None:
    con = duckdb.connect(str(hotspot_stores.crime_db), read_only=True)
    try:
        months = con.execute(
            "SELECT force, month FROM police_coverage WHERE kind = 'street' ORDER BY 1, 2"
        ).fetchall()
    finally:
        con.close()
    expected = [("metropolitan", m) for m in MET_MONTHS] + [
        ("west-yorkshire", m) for m in WY_MONTHS
    ]
    assert months == expected
    with AreasStore.open(hotspot_stores.areas_db) as store:
        lsoas = store.area_lsoas(ISLINGTON)
        assert set(store.lsoa_neighbours(lsoas)) == set(lsoas)
