"""The geography a profile needs, from the areas store's in-memory relations (no query per call).

For the profiled areas: their neighbours and parents (the comparisons), their siblings (the rank),
the police.uk forces whose force areas their LSOAs lie in, and their LSOAs. The forces of every
area are worked out once per `AreasStore` from its LSOA hierarchy.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.crimedata.aggregates import ENGLAND_AND_WALES, ENGLAND_AND_WALES_NAME
from callingtime.crimedata.aggregates_series import rank_groups_build
from callingtime.crimedata.forces import FORCES
from callingtime.crimedata.mps_schema import LONDON_CODE

PARENT_TYPES = ("borough", "bcu", "force", "region")
EW_AREA = Area(ENGLAND_AND_WALES, ENGLAND_AND_WALES_NAME, "england-and-wales")
_NATIONS = ("E92000001", "W92000004")
_SLUG_OF_PFA = {force.pfa_code: force.slug for force in FORCES if force.pfa_code}
_RANK_PARENT = {"lsoa": "ward", "ward": "borough", "borough": "bcu", "bcu": "force"}
_FORCES: weakref.WeakKeyDictionary[AreasStore, dict[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)
_GROUPS: weakref.WeakKeyDictionary[AreasStore, dict[str, str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class ProfileGeography:
    """Who a profile compares the areas with, and who it ranks them among."""

    neighbours: tuple[Area, ...]
    parents: tuple[Area, ...]  # common parents of PARENT_TYPES, without England and Wales
    siblings: tuple[Area, ...]  # the area itself among them; () for a set or no siblings
    siblings_where: str


def area_forces_of(areas: AreasStore, code: str) -> tuple[str, ...]:
    """Return the police.uk force slugs whose force areas the area's LSOAs lie in (PFA order).

    >>> area_forces_of(store, "E09000019")  # doctest: +SKIP
    ('metropolitan',)
    """
    found = _FORCES.get(areas)
    if found is None:
        found = _forces_build(areas)
        _FORCES[areas] = found
    return found.get(code, ())


def area_rank_group(areas: AreasStore, code: str) -> str:
    """Return the rank group agg_area_series files the area under ('' when none)."""
    found = _GROUPS.get(areas)
    if found is None:
        found = rank_groups_build(areas)
        _GROUPS[areas] = found
    return found.get(code, "")


def _forces_build(areas: AreasStore) -> dict[str, tuple[str, ...]]:
    pfas: dict[str, set[str]] = {}
    for h in areas.lsoas.values():
        if not h.force_cd:
            continue
        members = [h.lsoa21cd, h.ward_cd, h.constituency_cd, h.borough_cd, h.bcu_cd]
        members += [h.force_cd, h.region_cd, h.country_cd]
        if h.country_cd in _NATIONS:
            members.append(ENGLAND_AND_WALES)
        for member in members:
            if member:
                pfas.setdefault(member, set()).add(h.force_cd)
    return {
        code: tuple(_SLUG_OF_PFA[p] for p in sorted(found) if p in _SLUG_OF_PFA)
        for code, found in pfas.items()
    }


def area_lsoas_of(areas: AreasStore, codes: Sequence[str]) -> list[str]:
    """Return the 2021 LSOAs of the areas together, sorted."""
    return sorted({lsoa for code in codes for lsoa in areas.area_lsoas_cached(code)})


def areas_in_london(areas: AreasStore, codes: Sequence[str]) -> bool:
    """Return whether every area has an LSOA in London."""
    return all(
        any(areas.lsoas[lsoa].region_cd == LONDON_CODE for lsoa in areas.area_lsoas_cached(code))
        for code in codes
    )


def _parents(areas: AreasStore, members: Sequence[Area]) -> tuple[Area, ...]:
    common: list[Area] | None = None
    for member in members:
        best: dict[str, Area] = {}
        for parent in areas.area_parents_cached(member.code):
            if parent.type in PARENT_TYPES and parent.type not in best:
                best[parent.type] = Area(parent.code, parent.name, parent.type)
        found = list(best.values())
        common = found if common is None else [a for a in common if a in found]
    codes = {m.code for m in members}
    return tuple(a for a in common or [] if a.code not in codes)


def _siblings(areas: AreasStore, area: Area) -> tuple[tuple[Area, ...], str]:
    parents = areas.area_parents_cached(area.code)
    if area.type == "constituency":
        force = next((p for p in parents if p.type == "force"), None)
        if force is None:
            return (), ""
        return areas.area_children_cached(force.code, "constituency"), f"the {force.name} area"
    siblings = areas.area_neighbours_cached(area.code)
    if not siblings:
        return (), ""
    parent_type = _RANK_PARENT.get(area.type, "region")
    parent = next((p for p in parents if p.type == parent_type), None)
    where = parent.name if parent is not None else "the same wider area"
    return (area, *siblings), where


def profile_geography(areas: AreasStore, members: Sequence[Area]) -> ProfileGeography:
    """Return the neighbours, parents and siblings of one area or a set (sets have no rank)."""
    single = len(members) == 1
    neighbours = areas.area_neighbours_cached(members[0].code) if single else ()
    siblings, where = _siblings(areas, members[0]) if single else ((), "")
    return ProfileGeography(neighbours, _parents(areas, members), siblings, where)
