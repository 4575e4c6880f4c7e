"""Getis-Ord Gi* hotspots over an area's LSOAs, from the crime store and the geography store.

The study region is the area's LSOAs (an LSOA or ward is widened to its borough); the values
are counted police.uk crimes per LSOA over a loaded window; the weights are the stored LSOA
contiguity, cut to the region. The statistic is `statistics_spatial.getis_ord_gi_star`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.crimedata.hotspots_counts import (
    WINDOW_MONTHS,
    CrimeWindow,
    StudyRegion,
    crime_window_resolve,
    crimes_left_out,
    lsoa_counts,
    study_region_resolve,
)
from callingtime.crimedata.statistics import RATE_PER
from callingtime.crimedata.statistics_spatial import getis_ord_gi_star

NO_POPULATION = (
    "{n} LSOAs of {region} have no population in the geography store (first: {first}), so "
    "rates per 1,000 residents cannot be compared; run without per_1000."
)
HOTSPOT_CONFIDENCE = 95  # hot and cold spots are counted at this confidence or higher

CAVEAT_MULTIPLE_TESTING = (
    "Gi* runs one test per LSOA ({n} here): with no pattern at all about 1 in 20 would be "
    "flagged at 95% by chance (about {expected}). The FDR flag (Benjamini–Hochberg, q ≤ {alpha}) "
    "keeps the expected share of false hotspots among those flagged at or below {alpha}."
)
CAVEAT_COUNTS = (
    "Values are crime counts per LSOA. LSOAs are drawn to hold similar numbers of residents "
    "(about 1,000–3,000), so counts are the usual input; a hot spot can still be a place many "
    "visit and few live in (a high street, a station)."
)
CAVEAT_RATES = (
    "Values are crimes per 1,000 residents ({years} population). Residents are a poor "
    "denominator where few people live (town centres, retail parks), and small populations "
    "make rates noisy."
)
CAVEAT_NORMAL = (
    "The p-values assume roughly normal values; counts of rarer crimes are skewed, so treat "
    "Gi* as descriptive."
)
CAVEAT_EDGE = (
    "LSOAs on the edge of {region} have neighbours outside it that are left out (edge effect)."
)
CAVEAT_KNN = (
    "{n} LSOAs have no loaded boundary: their neighbours are the 6 nearest LSOA centroids "
    "(knn6), not shared borders."
)
CAVEAT_ISLANDS = (
    "{n} LSOAs have no neighbour inside the region; their Gi* is a plain standardised value."
)
CAVEAT_NO_LOCATION = (
    "{n:,} crimes of {forces} in the window (force-wide) have no location or an LSOA code the "
    "ONS lookup does not know, so no LSOA's count includes them."
)
CAVEAT_OTHER_FORCES = (
    "{n:,} crimes recorded by other loaded forces ({forces}) fall in these LSOAs and are not "
    "counted: only the forces that police the region are."
)


@dataclass(frozen=True)
class LsoaHotspot:
    """One LSOA's count, the value tested, and its Gi* z-score, p, label and FDR flag."""

    lsoa21cd: str
    name: str
    crimes: int
    value: float  # crimes, or crimes per 1,000 residents with per_1000
    in_area: bool  # inside the area asked about (all True unless the region was widened)
    neighbours: int  # neighbours inside the region
    z: float | None
    p_value: float | None
    label: str
    confidence: int | None
    q_value: float | None
    significant_fdr: bool | None
    reason: str | None


@dataclass(frozen=True)
class Hotspots:
    """Gi* over a study region's LSOAs for one category and window, with its caveats."""

    area: Area
    region: Area
    region_note: str | None
    category: str
    category_label: str
    months: tuple[str, ...]
    forces: tuple[str, ...]
    values: str  # "crimes" or "crimes per 1,000 residents"
    crimes: int
    fdr_alpha: float | None
    lsoas: tuple[LsoaHotspot, ...]  # highest z first; undefined last
    hot_spots: int  # z > 0 at HOTSPOT_CONFIDENCE or higher
    cold_spots: int
    hot_spots_fdr: int | None  # z > 0 and q ≤ fdr_alpha; None without fdr_alpha
    cold_spots_fdr: int | None
    neighbour_methods: tuple[str, ...]  # "queen", "knn6"
    caveats: tuple[str, ...]

    @property
    def window(self) -> str:
        """Return the window as text, e.g. "2024-01…2024-12"."""
        return f"{self.months[0]}…{self.months[-1]}"


def area_hotspots(
    *,
    con: duckdb.DuckDBPyConnection,
    areas: AreasStore,
    code: str,
    category: str = "all-crime",
    end: str | None = None,
    months: int = WINDOW_MONTHS,
    fdr_alpha: float | None = 0.05,
    per_1000: bool = False,
) -> Hotspots:
    """Compute Getis-Ord Gi* for every LSOA of an area (an LSOA or ward: of its borough).

    Raises CategoryNotLoadedError when the category is not loaded for the whole window.

    >>> result = area_hotspots(con=con, areas=store, code="E09000019", category="burglary")
    ... # doctest: +SKIP
    >>> result.region.name, result.window  # doctest: +SKIP
    ('Islington', '2024-01…2024-12')
    """
    region = study_region_resolve(areas, code, widen=True)
    window = crime_window_resolve(
        con, forces=region.forces, category=category, end=end, months=months
    )
    counts = lsoa_counts(con, region, window)
    values, rate_caveat = _values(areas, region, counts, per_1000)
    inside = set(region.lsoas)
    touching = {
        lsoa: tuple(n for n in listed if n in inside)
        for lsoa, listed in areas.lsoa_neighbours(region.lsoas).items()
    }
    methods = areas.lsoa_neighbour_methods(region.lsoas)
    stars = getis_ord_gi_star(values, touching, fdr_alpha=fdr_alpha)
    in_area = set(areas.area_lsoas(region.area.code)) if region.note else inside
    rows = tuple(
        sorted(
            (
                LsoaHotspot(
                    g.area,
                    areas.lsoas[g.area].name,
                    counts[g.area],
                    g.value,
                    g.area in in_area,
                    g.neighbours,
                    g.z,
                    g.p_value,
                    g.label,
                    g.confidence,
                    g.q_value,
                    g.significant_fdr,
                    g.reason,
                )
                for g in stars
            ),
            key=lambda r: (r.z is None, -(r.z or 0.0), r.lsoa21cd),
        )
    )
    used = sorted({m for listed in methods.values() for m in listed})

    def tally(hot: bool, fdr: bool) -> int:
        return sum(
            1
            for r in rows
            if r.z is not None
            and (r.z > 0) == hot
            and (r.significant_fdr if fdr else (r.confidence or 0) >= HOTSPOT_CONFIDENCE)
        )

    caveats = _caveats(con, region, window, rows, methods, fdr_alpha, rate_caveat)
    return Hotspots(
        area=region.area,
        region=region.region,
        region_note=region.note,
        category=window.category,
        category_label=window.label,
        months=window.months,
        forces=region.forces,
        values="crimes per 1,000 residents" if per_1000 else "crimes",
        crimes=sum(counts.values()),
        fdr_alpha=fdr_alpha,
        lsoas=rows,
        hot_spots=tally(True, False),
        cold_spots=tally(False, False),
        hot_spots_fdr=tally(True, True) if fdr_alpha is not None else None,
        cold_spots_fdr=tally(False, True) if fdr_alpha is not None else None,
        neighbour_methods=tuple(used),
        caveats=caveats,
    )


def _values(
    areas: AreasStore, region: StudyRegion, counts: dict[str, int], per_1000: bool
) -> tuple[dict[str, float], str]:
    if not per_1000:
        return {lsoa: float(n) for lsoa, n in counts.items()}, CAVEAT_COUNTS
    people = areas.area_populations(region.lsoas)
    absent = [lsoa for lsoa in region.lsoas if lsoa not in people or not people[lsoa].people]
    if absent:
        raise ValueError(
            NO_POPULATION.format(n=len(absent), region=region.region.name, first=absent[0])
        )
    years = sorted({year for p in people.values() for year in p.years})
    label = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    rates = {lsoa: RATE_PER * n / people[lsoa].people for lsoa, n in counts.items()}
    return rates, CAVEAT_RATES.format(years=label)


def _caveats(
    con: duckdb.DuckDBPyConnection,
    region: StudyRegion,
    window: CrimeWindow,
    rows: tuple[LsoaHotspot, ...],
    methods: dict[str, tuple[str, ...]],
    fdr_alpha: float | None,
    rate_caveat: str,
) -> tuple[str, ...]:
    n = len(rows)
    alpha = fdr_alpha if fdr_alpha is not None else 0.05
    caveats = [
        *([region.note] if region.note else []),
        CAVEAT_MULTIPLE_TESTING.format(n=n, expected=round(n / 20), alpha=alpha),
        rate_caveat,
        CAVEAT_NORMAL,
        CAVEAT_EDGE.format(region=region.region.name),
    ]
    knn = sum(1 for listed in methods.values() if "queen" not in listed)
    if knn:
        caveats.append(CAVEAT_KNN.format(n=knn))
    islands = sum(1 for r in rows if r.neighbours == 0)
    if islands:
        caveats.append(CAVEAT_ISLANDS.format(n=islands))
    no_location, others, other_forces = crimes_left_out(con, region, window)
    if no_location:
        caveats.append(CAVEAT_NO_LOCATION.format(n=no_location, forces=", ".join(region.forces)))
    if others:
        caveats.append(CAVEAT_OTHER_FORCES.format(n=others, forces=", ".join(other_forces)))
    return tuple(caveats)
