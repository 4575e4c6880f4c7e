"""Crime concentration from the stores, against pandas/numpy recomputations from the raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas
import pytest

from callingtime.crimedata.hotspots_concentration import (
    BAD_PLACES,
    ConcentrationResult,
    area_concentration,
)
from tests.crimedata import test_hotspots_stores as stores_module
from tests.crimedata.test_hotspots_stores import (
    ISLINGTON,
    LEEDS,
    MET_MONTHS,
    Connections,
    borough_lsoas,
    counts_expected,
    street_rows_counted,
)

pytestmark = pytest.mark.shared_data

hotspot_stores = stores_module.hotspot_stores
hotspot_connections = stores_module.hotspot_connections
met_burglary = stores_module.met_burglary


@pytest.fixture(scope="module")
def leeds_july(shared_data: Path) -> pandas.DataFrame:
    return street_rows_counted(shared_data, "west_yorkshire", ("2017-07",))


def check_measures(result: ConcentrationResult, counts: list[int]) -> None:
    """Compare every measure with numpy: the share, the curve, the Gini and G′."""
    x = np.array(sorted(counts, reverse=True), dtype=float)
    n, total = len(x), x.sum()
    measured = result.concentration
    assert (measured.places, measured.crimes) == (n, int(total))
    top = int(np.ceil(n * 0.05 - 1e-12))
    assert measured.top_places == top
    assert measured.top_5_percent_share == pytest.approx(x[:top].sum() / total, abs=1e-12)
    assert [p.crimes for p in result.top] == [int(v) for v in x[:top]]
    curve = np.column_stack([np.arange(n + 1) / n, np.concatenate([[0.0], np.cumsum(x) / total])])
    np.testing.assert_allclose(np.array(measured.lorenz), curve, rtol=0, atol=1e-12)
    # Gini as the mean absolute difference over twice the mean (every pair of places).
    gini = np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean())
    assert measured.gini == pytest.approx(gini, abs=1e-12)
    # G′: the area between the Lorenz curve and the line of maximal equality, which reaches 1
    # at m/n of places, over the area above that line (Bernasco and Steenbeek 2017).
    m = min(n, total)
    above_line = m / (2 * n)
    lorenz_area = np.trapezoid(curve[:, 1], curve[:, 0])
    generalised = (lorenz_area - (1 - above_line)) / above_line
    assert measured.generalised_gini == pytest.approx(generalised, abs=1e-9)
    assert measured.generalised_gini_corrected == pytest.approx(generalised * m / (m - 1), abs=1e-9)


def test_islington_burglary_over_lsoas_matches_numpy(
    hotspot_connections: Connections, met_burglary: pandas.DataFrame, shared_data: Path
) -> None:
    con, areas = hotspot_connections
    result = area_concentration(con=con, areas=areas, code=ISLINGTON, category="burglary")
    assert result.months == MET_MONTHS and result.places == "lsoa"
    expected = counts_expected(met_burglary, borough_lsoas(shared_data, ISLINGTON), {"Burglary"})
    check_measures(result, list(expected.values()))
    zeros = sum(1 for n in expected.values() if n == 0)
    assert f"including {zeros} with no crime" in result.caveats[0]
    busiest = sorted(expected.items(), key=lambda item: (-item[1], item[0]))
    assert [p.key for p in result.top] == [code for code, _ in busiest[: len(result.top)]]


def test_islington_burglary_over_map_points_matches_pandas(
    hotspot_connections: Connections, met_burglary: pandas.DataFrame, shared_data: Path
) -> None:
    con, areas = hotspot_connections
    result = area_concentration(
        con=con, areas=areas, code=ISLINGTON, category="burglary", places="point"
    )
    rows = met_burglary[
        met_burglary["lsoa21"].isin(borough_lsoas(shared_data, ISLINGTON))
        & (met_burglary["Latitude"] != "")
    ]
    points = rows.groupby(["Location", "Latitude", "Longitude"]).size()
    check_measures(result, [int(n) for n in points])
    assert "understated" in result.caveats[0]


def test_leeds_all_crime_in_july_2017_matches_numpy(
    hotspot_connections: Connections, leeds_july: pandas.DataFrame, shared_data: Path
) -> None:
    con, areas = hotspot_connections
    result = area_concentration(
        con=con, areas=areas, code=LEEDS, category="all-crime", end="2017-07", months=1
    )
    lsoas = borough_lsoas(shared_data, LEEDS)
    expected = counts_expected(leeds_july, lsoas, set(leeds_july["Crime type"]))
    assert len(set(leeds_july["Crime type"])) == 14
    check_measures(result, list(expected.values()))


def test_fewer_crimes_than_places_uses_the_generalised_gini(
    hotspot_connections: Connections, leeds_july: pandas.DataFrame, shared_data: Path
) -> None:
    con, areas = hotspot_connections
    result = area_concentration(
        con=con, areas=areas, code=LEEDS, category="bicycle-theft", end="2017-07", months=1
    )
    expected = counts_expected(leeds_july, borough_lsoas(shared_data, LEEDS), {"Bicycle theft"})
    assert 0 < sum(expected.values()) < len(expected)  # the case the measure is for
    check_measures(result, list(expected.values()))
    measured = result.concentration
    assert measured.generalised_gini is not None and measured.gini is not None
    assert measured.generalised_gini < measured.gini
    assert any("generalised Gini" in caveat for caveat in result.caveats)


def test_unknown_places_are_refused(hotspot_connections: Connections) -> None:
    con, areas = hotspot_connections
    with pytest.raises(ValueError) as raised:
        area_concentration(con=con, areas=areas, code=ISLINGTON, category="burglary", places="x")
    assert str(raised.value) == BAD_PLACES.format(places="x")
