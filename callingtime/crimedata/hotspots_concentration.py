"""Crime concentration over an area's places: its LSOAs (zeros included) or "on or near" points.

The measures are `statistics.concentration` (top 5% share, Lorenz curve, Gini, generalised
Gini); this module picks the places and counts the crimes of a loaded window in each.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.crimedata.hotspots_counts import (
    WINDOW_MONTHS,
    crime_window_resolve,
    lsoa_counts,
    point_counts,
    study_region_resolve,
)
from callingtime.crimedata.statistics import Concentration, concentration

PLACES = ("lsoa", "point")
BAD_PLACES = "places must be 'lsoa' or 'point', got {places!r}"

CAVEAT_LSOA = (
    "Places are the area's {n} LSOAs, including {zeros} with no crime in the window: the "
    "zeros are the point of a concentration measure."
)
CAVEAT_POINTS = (
    'Places are police.uk "on or near" map points (a location and its snapped coordinates) '
    "inside the area. Only points with at least one crime are known, so the number of places "
    "is understated and the Gini understates concentration; crimes without a location are "
    "left out."
)
CAVEAT_SPARSE = (
    "There are fewer crimes ({crimes}) than places ({places}): the ordinary Gini then measures "
    "sparsity as much as concentration, so read the generalised Gini (Bernasco and Steenbeek "
    "2017)."
)


@dataclass(frozen=True)
class ConcentrationPlace:
    """One place (an LSOA, or an "on or near" point) and its crimes."""

    key: str  # the LSOA code, or "location|lat|lon"
    label: str  # the LSOA name, or the location text
    crimes: int


@dataclass(frozen=True)
class ConcentrationResult:
    """How concentrated an area's crime is over its places, for one category and window."""

    area: Area
    category: str
    category_label: str
    months: tuple[str, ...]
    forces: tuple[str, ...]
    places: str  # "lsoa" or "point"
    concentration: Concentration
    top: tuple[ConcentrationPlace, ...]  # the top 5% of places, busiest first
    caveats: tuple[str, ...]


def area_concentration(
    *,
    con: duckdb.DuckDBPyConnection,
    areas: AreasStore,
    code: str,
    category: str,
    end: str | None = None,
    months: int = WINDOW_MONTHS,
    places: str = "lsoa",
) -> ConcentrationResult:
    """Measure how concentrated an area's crime is over its LSOAs or its map points.

    Raises CategoryNotLoadedError when the category is not loaded for the whole window.

    >>> result = area_concentration(con=con, areas=store, code="E09000019",
    ...                             category="burglary")  # doctest: +SKIP
    >>> result.concentration.top_places  # doctest: +SKIP
    7
    """
    if places not in PLACES:
        raise ValueError(BAD_PLACES.format(places=places))
    region = study_region_resolve(areas, code, widen=False)
    window = crime_window_resolve(
        con, forces=region.forces, category=category, end=end, months=months
    )
    if places == "lsoa":
        counts = lsoa_counts(con, region, window)
        found = [ConcentrationPlace(k, areas.lsoas[k].name, n) for k, n in counts.items()]
        zeros = sum(1 for n in counts.values() if n == 0)
        caveats = [CAVEAT_LSOA.format(n=len(counts), zeros=zeros)]
    else:
        found = [
            ConcentrationPlace(f"{location}|{lat}|{lon}", location, n)
            for (location, lat, lon), n in point_counts(con, region, window).items()
        ]
        caveats = [CAVEAT_POINTS]
    result = concentration([place.crimes for place in found])
    if 0 < result.crimes < result.places:
        caveats.append(CAVEAT_SPARSE.format(crimes=result.crimes, places=result.places))
    busiest = sorted(found, key=lambda p: (-p.crimes, p.key))[: result.top_places]
    return ConcentrationResult(
        area=region.area,
        category=window.category,
        category_label=window.label,
        months=window.months,
        forces=region.forces,
        places=places,
        concentration=result,
        top=tuple(busiest) if result.crimes else (),
        caveats=tuple(caveats),
    )
