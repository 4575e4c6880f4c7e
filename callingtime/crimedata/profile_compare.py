"""Comparisons with neighbouring and parent areas, and the rank among siblings."""

from __future__ import annotations

from collections.abc import Sequence

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.crimedata.aggregates import ENGLAND_AND_WALES
from callingtime.crimedata.profile_geo import EW_AREA, ProfileGeography
from callingtime.crimedata.profile_model import AreaRef, Comparison, Rank
from callingtime.crimedata.profile_mps import MPS_LEVEL_OF_TYPE
from callingtime.crimedata.profile_series import SeriesSet, Totals
from callingtime.crimedata.statistics import rate_per_1000

MONTHS_NOT_LOADED = "not used: {n} of the 24 months are not loaded for it ({months})"
TYPES_NOT_LOADED = "; crime types not loaded in some months: {types}"
_PLURAL = {
    "lsoa": "LSOAs",
    "ward": "wards",
    "constituency": "constituencies",
    "borough": "boroughs",
    "bcu": "BCUs",
    "force": "police force areas",
    "region": "regions",
}


def _people(areas: AreasStore, codes: Sequence[str]) -> dict[str, int]:
    wanted = [c for c in codes if c != ENGLAND_AND_WALES]
    found = {code: p.people for code, p in areas.area_populations(wanted).items()}
    if ENGLAND_AND_WALES in codes:
        nations = areas.area_populations(["E92000001", "W92000004"])
        if len(nations) == 2:
            found[ENGLAND_AND_WALES] = sum(p.people for p in nations.values())
    return found


def _comparison(area: Area, relation: str, totals: Totals, people: int | None) -> Comparison:
    missing = totals.missing
    ref = AreaRef(area.code, area.name, area.type)
    if missing:
        reason = MONTHS_NOT_LOADED.format(
            n=len(missing), months=", ".join(missing[:6]) + (", …" if len(missing) > 6 else "")
        )
        if totals.missing_types:
            reason += TYPES_NOT_LOADED.format(types=", ".join(totals.missing_types))
        return Comparison(ref, relation, None, people, None, False, reason)  # type: ignore[arg-type]
    count = totals.current
    rate = rate_per_1000(count, people) if count is not None and people else None
    return Comparison(ref, relation, count, people, rate, True)  # type: ignore[arg-type]


def comparisons_build(
    areas: AreasStore, geo: ProfileGeography, series: SeriesSet, source: str
) -> tuple[Comparison, ...]:
    """Return neighbours then parents, each usable only when both windows are fully loaded."""
    neighbours = list(geo.neighbours)
    parents = list(geo.parents)
    if source == "mps":
        neighbours = [a for a in neighbours if a.type in MPS_LEVEL_OF_TYPE]
        parents = [a for a in parents if a.type in MPS_LEVEL_OF_TYPE]
    else:
        parents.append(EW_AREA)
    everyone = [*neighbours, *parents]
    if not everyone:
        return ()
    people = _people(areas, [a.code for a in everyone])
    return tuple(
        _comparison(a, relation, series.each[a.code], people.get(a.code))
        for relation, group in (("neighbour", neighbours), ("parent", parents))
        for a in group
    )


def rank_build(
    areas: AreasStore,
    geo: ProfileGeography,
    series: SeriesSet,
    source: str,
    area_type: str,
    rate: float | None,
) -> Rank | None:
    """Return the area's rank by rate among its complete siblings (1 = highest), or None."""
    if rate is None or not geo.siblings:
        return None
    siblings = list(geo.siblings)
    if source == "mps":
        siblings = [a for a in siblings if a.type in MPS_LEVEL_OF_TYPE]
    people = _people(areas, [a.code for a in siblings])
    rates: list[float] = []
    for sibling in siblings:
        one = series.each[sibling.code]
        people_n = people.get(sibling.code)
        if one.current is None or not people_n:
            continue
        sibling_rate = rate_per_1000(one.current, people_n)
        if sibling_rate is not None:
            rates.append(sibling_rate)
    if len(rates) < 2:
        return None
    position = 1 + sum(1 for r in rates if r > rate)
    among = f"{_PLURAL.get(area_type, area_type)} in {geo.siblings_where} with complete data"
    return Rank(position=position, of=len(rates), among=among)
