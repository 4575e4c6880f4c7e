"""LSOA contiguity: queen neighbours from boundaries, 6 nearest centroids otherwise, symmetric.

The real-data tests rebuild both rules here from the raw files: queen contiguity with shapely
in British National Grid metres (pyproj), nearest centroids with a scipy k-d tree on the unit
sphere.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas
import pyproj
import pytest
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import shape

from callingtime.areas.contiguity import (
    KNN_NEIGHBOURS,
    METHOD_KNN,
    METHOD_QUEEN,
    QUEEN_TOLERANCE_M,
    lsoa_contiguity_compute,
)
from callingtime.areas.importer import areas_import
from callingtime.areas.store import AreasStore
from tests.areas.tiny import ISLINGTON, SPLIT_A, SPLIT_B, UNCHANGED

LAT = 51.53
METRE_LON = 1 / (111_320 * math.cos(math.radians(LAT)))  # one metre east, in degrees
SIDE = 100 * METRE_LON


def square(west: float, south: float, side: float = SIDE) -> dict[str, Any]:
    ring = [[west, south], [west + side, south], [west + side, south + side * 0.62],
            [west, south + side * 0.62], [west, south]]  # fmt: skip
    return {"type": "Polygon", "coordinates": [ring]}


def test_queen_links_shared_edges_corners_and_sub_metre_gaps_only() -> None:
    lon = -0.1
    height = SIDE * 0.62
    boundaries = [
        ("A", square(lon, LAT)),
        ("B", square(lon + SIDE, LAT)),  # shares A's east edge
        ("C", square(lon + 2 * SIDE, LAT + height)),  # touches B at one corner only
        ("D", square(lon - SIDE - 0.5 * METRE_LON, LAT)),  # half a metre west of A
        ("E", square(lon, LAT - height - 3 * METRE_LON * 0.62)),  # well over a metre south of A
    ]
    links = lsoa_contiguity_compute(boundaries, [])
    pairs = {(n.lsoa21cd, n.neighbour_cd) for n in links}
    assert pairs == {("A", "B"), ("B", "A"), ("B", "C"), ("C", "B"), ("A", "D"), ("D", "A")}
    assert {n.method for n in links} == {METHOD_QUEEN}
    assert QUEEN_TOLERANCE_M == 1.0


def test_lsoas_without_boundaries_link_to_their_nearest_centroids_both_ways() -> None:
    # A row of centroids 100 m apart; "far" sits 10 km away, so its 6 nearest are the row's.
    step = 100 / 111_320
    centroids = [(f"R{i}", LAT + i * step, -0.1) for i in range(10)]
    centroids.append(("far", LAT + 10_000 / 111_320, -0.1))
    boundaries = [("R0", square(-0.1, LAT))]
    links = lsoa_contiguity_compute(boundaries, centroids)
    by_code: dict[str, set[str]] = {}
    for n in links:
        assert n.method == METHOD_KNN
        by_code.setdefault(n.lsoa21cd, set()).add(n.neighbour_cd)
    nearest = {}
    for code, lat, lon in centroids:
        if code == "R0":
            continue
        others = sorted(
            (math.dist((lat, lon), (la, lo)), other) for other, la, lo in centroids if other != code
        )
        nearest[code] = {other for _, other in others[:KNN_NEIGHBOURS]}
    expected: dict[str, set[str]] = {}
    for code, chosen in nearest.items():
        for other in chosen:
            expected.setdefault(code, set()).add(other)
            expected.setdefault(other, set()).add(code)
    assert by_code == expected
    assert "far" in by_code["R9"] and "R0" in by_code["R1"]  # symmetric, boundary or not


def test_import_builds_the_lsoa_neighbour_table(tiny_sources: Path, tmp_path: Path) -> None:
    lon = -0.113
    height = SIDE * 0.62
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"LSOA21CD": code, "LSOA21NM": code},
             "geometry": geometry}
            for code, geometry in (
                (UNCHANGED, square(lon, LAT)),
                (SPLIT_A, square(lon + SIDE, LAT)),
                (SPLIT_B, square(lon, LAT + height + 5 * METRE_LON * 0.62)),
            )
        ],
    }  # fmt: skip
    folder = tiny_sources / "boundaries" / "lsoa"
    folder.mkdir(parents=True)
    (folder / f"{ISLINGTON}.geojson").write_text(json.dumps(collection))
    db = tmp_path / "with-lsoa.duckdb"
    report = areas_import([tiny_sources], db_path=db)
    with AreasStore.open(db) as store:
        lsoas = [h.lsoa21cd for h in store.lsoa21_hierarchy()]
        neighbours = store.lsoa_neighbours(lsoas)
        methods = store.lsoa_neighbour_methods(lsoas)
        assert dict(report.tables)["lsoa_neighbour"] == sum(len(v) for v in neighbours.values())
        assert UNCHANGED in neighbours[SPLIT_A] and SPLIT_A in neighbours[UNCHANGED]
        assert SPLIT_B not in neighbours[UNCHANGED]  # 5 m apart: not touching
        assert METHOD_QUEEN in methods[UNCHANGED] and METHOD_QUEEN in methods[SPLIT_A]
        boundless = [code for code in lsoas if code not in (UNCHANGED, SPLIT_A, SPLIT_B)]
        for code in boundless:
            assert methods[code] == (METHOD_KNN,)
            assert len(neighbours[code]) == len(lsoas) - 1  # fewer LSOAs than k: all others
        for code, listed in neighbours.items():
            assert list(listed) == sorted(listed)
            for other in listed:
                assert code in neighbours[other]
        assert store.lsoa_neighbours(["E01999999"]) == {"E01999999": ()}


# --- the real boundaries and centroids --------------------------------------------------------

ONS_LSOA_WARD = (
    "geography/LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv.gz"
)
CENTROIDS = "geography/drkane-geo-lookups/lsoa_latlong.csv.gz"


def table_rows(db: Path, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows straight from the store file, read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def queen_pairs_bng(shared_data: Path) -> tuple[set[tuple[str, str]], dict[tuple[str, str], float]]:
    """Pairs of London LSOAs within the tolerance in BNG metres, and each candidate's distance."""
    to_bng = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    shapes: dict[str, Any] = {}
    for path in sorted((shared_data / "boundaries/drkane-geo-lookups/lsoa").glob("*.geojson.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for feature in json.load(handle)["features"]:
                geometry = shape(feature["geometry"])
                shapes[feature["properties"]["LSOA21CD"]] = shapely.transform(
                    geometry, lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1]))
                )
    codes = sorted(shapes)
    boxes = [shapely.box(*shapes[c].bounds).buffer(5.0, join_style="mitre") for c in codes]
    left, right = shapely.STRtree(boxes).query(boxes, predicate="intersects")
    found, distances = set(), {}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        a, b = codes[i], codes[j]
        gap = 0.0 if shapes[a].intersects(shapes[b]) else shapes[a].distance(shapes[b])
        distances[(a, b)] = gap
        if gap <= QUEEN_TOLERANCE_M:
            found.add((a, b))
    return found, distances


@pytest.mark.shared_data
def test_real_queen_links_match_shapely_in_british_national_grid(
    shared_db: Path, shared_data: Path
) -> None:
    expected, distances = queen_pairs_bng(shared_data)
    rows = table_rows(
        shared_db,
        "SELECT lsoa21cd, neighbour_cd FROM lsoa_neighbour WHERE method = ?",
        [METHOD_QUEEN],
    )
    stored = {(a, b) for a, b in rows if a < b}
    assert len(rows) == 2 * len(stored)  # both directions
    differ = stored ^ expected
    # Two projections may disagree only on a gap right at the tolerance.
    assert all(abs(distances.get(pair, 0.0) - QUEEN_TOLERANCE_M) < 0.05 for pair in differ), differ
    assert len(differ) <= 2


@pytest.mark.shared_data
def test_real_knn_links_match_a_kd_tree_on_the_sphere(
    shared_db: Path, shared_store: AreasStore, shared_data: Path
) -> None:
    lsoas = sorted(
        pandas.read_csv(shared_data / ONS_LSOA_WARD, dtype=str, encoding="utf-8-sig")["LSOA21CD"]
    )
    centroids = pandas.read_csv(shared_data / CENTROIDS, dtype={"LSOACD": str}).set_index("LSOACD")
    placed = [code for code in lsoas if code in centroids.index]
    lat = np.radians(centroids.loc[placed, "latitude"].to_numpy())
    lon = np.radians(centroids.loc[placed, "longitude"].to_numpy())
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    _, nearest = cKDTree(xyz).query(xyz, k=KNN_NEIGHBOURS + 1)
    with_boundary = {
        c for (c,) in table_rows(shared_db, "SELECT code FROM boundary WHERE type = 'lsoa'")
    }
    expected: dict[str, set[str]] = {}
    for row, code in enumerate(placed):
        if code in with_boundary:
            continue
        for j in nearest[row]:
            other = placed[j]
            if other != code:
                expected.setdefault(code, set()).add(other)
                expected.setdefault(other, set()).add(code)
    stored: dict[str, set[str]] = {}
    for a, b in table_rows(
        shared_db,
        "SELECT lsoa21cd, neighbour_cd FROM lsoa_neighbour WHERE method = ?",
        [METHOD_KNN],
    ):
        stored.setdefault(a, set()).add(b)
    assert stored == expected
    every = shared_store.lsoa_neighbours(lsoas)
    assert all(every[code] for code in lsoas)  # no LSOA is left without a neighbour
