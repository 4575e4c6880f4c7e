"""Gi* hotspots from the stores, against pandas counts from the raw files, shapely contiguity
built here from the GeoJSON boundaries, and esda's G_Local (plus a numpy matrix form)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import esda
import libpysal
import numpy as np
import pyproj
import pytest
import shapely
from scipy import stats
from shapely.geometry import shape

from callingtime.crimedata.hotspots import HOTSPOT_CONFIDENCE, Hotspots, area_hotspots
from callingtime.crimedata.hotspots_counts import CategoryNotLoadedError
from tests.crimedata import test_hotspots_stores as stores_module
from tests.crimedata.test_hotspots_stores import (
    ARSENAL_WARD,
    BARKING,
    ISLINGTON,
    LEEDS,
    MET_MONTHS,
    Connections,
    borough_lsoas,
    boundaries_read,
    counts_expected,
    street_rows_counted,
    ward_lsoas,
)

pytestmark = pytest.mark.shared_data

# The session's stores and the raw-file rows, shared with the other hotspot test modules.
hotspot_stores = stores_module.hotspot_stores
hotspot_connections = stores_module.hotspot_connections
met_burglary = stores_module.met_burglary

TOUCH_TOLERANCE_M = 1.0  # the documented rule: boundaries within a metre touch


def touching_expected(shared_data: Path, lsoas: list[str]) -> dict[str, list[str]]:
    """Queen contiguity within the LSOAs: shapely distance in British National Grid metres."""
    to_bng = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1]))

    geometries = boundaries_read(shared_data)
    shapes = {code: shapely.transform(shape(geometries[code]), project) for code in lsoas}
    touching: dict[str, list[str]] = {code: [] for code in lsoas}
    for i, a in enumerate(lsoas):
        for b in lsoas[i + 1 :]:
            if (
                shapes[a].intersects(shapes[b])
                or shapes[a].distance(shapes[b]) <= TOUCH_TOLERANCE_M
            ):
                touching[a].append(b)
                touching[b].append(a)
    return touching


def gi_star_numpy(x: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
    """Ord & Getis (1995) Gi* in matrix form with w_ii = 1."""
    n = len(x)
    w = adjacency + np.eye(n)
    weights = w.sum(axis=1)
    spread = np.sqrt((x**2).mean() - x.mean() ** 2)
    numerator = w @ x - x.mean() * weights
    return numerator / (spread * np.sqrt((n * (w**2).sum(axis=1) - weights**2) / (n - 1)))


def check_against_references(
    result: Hotspots, expected: dict[str, int], touching: dict[str, list[str]]
) -> None:
    by_code = {row.lsoa21cd: row for row in result.lsoas}
    assert set(by_code) == set(expected)
    assert {code: row.crimes for code, row in by_code.items()} == expected
    codes = sorted(expected)
    x = np.array([float(expected[c]) for c in codes])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = libpysal.weights.W(touching, id_order=codes, silence_warnings=True)
        reference = esda.getisord.G_Local(x, weights, transform="B", star=True, permutations=0)
    z = np.array([by_code[c].z for c in codes], dtype=float)
    np.testing.assert_allclose(z, reference.Zs, rtol=0, atol=1e-9)
    index = {c: i for i, c in enumerate(codes)}
    adjacency = np.zeros((len(codes), len(codes)))
    for a, listed in touching.items():
        for b in listed:
            adjacency[index[a], index[b]] = 1.0
    np.testing.assert_allclose(z, gi_star_numpy(x, adjacency), rtol=0, atol=1e-9)
    p = np.array([by_code[c].p_value for c in codes], dtype=float)
    np.testing.assert_allclose(p, 2 * stats.norm.sf(np.abs(reference.Zs)), rtol=1e-9, atol=1e-300)
    q = stats.false_discovery_control(p, method="bh")
    np.testing.assert_allclose([by_code[c].q_value for c in codes], q, rtol=1e-9, atol=1e-15)
    assert [by_code[c].significant_fdr for c in codes] == list(q <= 0.05)
    assert [by_code[c].neighbours for c in codes] == [len(touching[c]) for c in codes]
    hot = int(((p < 0.05) & (z > 0)).sum())
    cold = int(((p < 0.05) & (z < 0)).sum())
    assert (result.hot_spots, result.cold_spots) == (hot, cold)
    assert result.hot_spots_fdr == int(((q <= 0.05) & (z > 0)).sum())
    assert result.cold_spots_fdr == int(((q <= 0.05) & (z < 0)).sum())
    assert [r.z for r in result.lsoas] == sorted((r.z for r in result.lsoas), reverse=True)


@pytest.mark.parametrize("borough", [ISLINGTON, BARKING])
def test_borough_burglary_gi_star_matches_pandas_shapely_and_esda(
    hotspot_connections: Connections,
    met_burglary: Any,
    shared_data: Path,
    borough: str,
) -> None:
    con, areas = hotspot_connections
    result = area_hotspots(con=con, areas=areas, code=borough, category="burglary")
    lsoas = borough_lsoas(shared_data, borough)
    assert result.months == MET_MONTHS  # the latest loaded month ends the default window
    assert result.region.code == borough and result.region_note is None
    assert result.neighbour_methods == ("queen",)
    expected = counts_expected(met_burglary, lsoas, {"Burglary"})
    assert result.crimes == sum(expected.values())
    unplaced = int(met_burglary["lsoa21"].isna().sum())
    assert any(c.startswith(f"{unplaced:,} crimes of metropolitan") for c in result.caveats)
    check_against_references(result, expected, touching_expected(shared_data, lsoas))


def test_ward_is_widened_to_its_borough_and_its_lsoas_marked(
    hotspot_connections: Connections, shared_data: Path
) -> None:
    con, areas = hotspot_connections
    ward = next(a for a in areas.area_search(ARSENAL_WARD, type="ward") if a.name == ARSENAL_WARD)
    result = area_hotspots(con=con, areas=areas, code=ward.code, category="burglary")
    assert result.area.code == ward.code and result.region.code == ISLINGTON
    assert result.region_note is not None and result.region_note in result.caveats
    marked = sorted(r.lsoa21cd for r in result.lsoas if r.in_area)
    assert marked == ward_lsoas(shared_data, ISLINGTON, ARSENAL_WARD)
    borough = area_hotspots(con=con, areas=areas, code=ISLINGTON, category="burglary")
    assert [(r.lsoa21cd, r.z) for r in result.lsoas] == [(r.lsoa21cd, r.z) for r in borough.lsoas]


def test_per_1000_tests_rates_on_the_store_populations(
    hotspot_connections: Connections, met_burglary: Any, shared_data: Path
) -> None:
    con, areas = hotspot_connections
    result = area_hotspots(con=con, areas=areas, code=ISLINGTON, category="burglary", per_1000=True)
    lsoas = borough_lsoas(shared_data, ISLINGTON)
    counts = counts_expected(met_burglary, lsoas, {"Burglary"})
    people = areas.area_populations(lsoas)
    rates = np.array([1000 * counts[c] / people[c].people for c in lsoas])
    touching = touching_expected(shared_data, lsoas)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = libpysal.weights.W(touching, id_order=lsoas, silence_warnings=True)
        reference = esda.getisord.G_Local(rates, weights, transform="B", star=True, permutations=0)
    by_code = {r.lsoa21cd: r for r in result.lsoas}
    np.testing.assert_allclose([by_code[c].value for c in lsoas], rates, rtol=1e-12)
    np.testing.assert_allclose([by_code[c].z for c in lsoas], reference.Zs, rtol=0, atol=1e-9)
    assert result.values == "crimes per 1,000 residents"


def test_leeds_uses_knn6_neighbours_and_counts_every_crime_type(
    hotspot_connections: Connections, shared_data: Path
) -> None:
    con, areas = hotspot_connections
    result = area_hotspots(
        con=con, areas=areas, code=LEEDS, category="all-crime", end="2017-07", months=1
    )
    rows = street_rows_counted(shared_data, "west_yorkshire", ("2017-07",))
    lsoas = borough_lsoas(shared_data, LEEDS)
    expected = counts_expected(rows, lsoas, set(rows["Crime type"]))
    assert {r.lsoa21cd: r.crimes for r in result.lsoas} == expected
    assert result.neighbour_methods == ("knn6",)
    assert any("knn6" in caveat for caveat in result.caveats)
    assert (
        sum(
            1 for r in result.lsoas if (r.confidence or 0) >= HOTSPOT_CONFIDENCE and r.z and r.z > 0
        )
        == result.hot_spots
    )


@pytest.mark.parametrize(
    ("code", "category", "end", "months", "names"),
    [
        (ISLINGTON, "robbery", None, 12, ("Robbery", "any month")),
        (ISLINGTON, "burglary", "2023-06", 12, ("metropolitan 2023-06",)),
        (ISLINGTON, "all-crime", "2023-05", 12, ("metropolitan 2022-06", "Anti-social behaviour")),
        (LEEDS, "all-crime", "2017-07", 12, ("west-yorkshire 2016-08 (all of it)",)),
    ],
)
def test_a_category_not_loaded_for_the_whole_window_is_refused_not_zero(
    hotspot_connections: Connections,
    code: str,
    category: str,
    end: str | None,
    months: int,
    names: tuple[str, ...],
) -> None:
    con, areas = hotspot_connections
    with pytest.raises(CategoryNotLoadedError) as raised:
        area_hotspots(con=con, areas=areas, code=code, category=category, end=end, months=months)
    for name in names:
        assert name in str(raised.value)


def test_unknown_area_and_category_are_refused(
    hotspot_connections: Connections,
) -> None:
    con, areas = hotspot_connections
    with pytest.raises(ValueError, match="No area has the code"):
        area_hotspots(con=con, areas=areas, code="E09999999", category="burglary")
    with pytest.raises(ValueError, match="Unknown category 'burglery'"):
        area_hotspots(con=con, areas=areas, code=ISLINGTON, category="burglery")
