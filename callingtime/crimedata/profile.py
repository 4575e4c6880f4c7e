"""Build an area crime profile from the aggregate tables: the figures and their limits.

Rules (docs/profiles.md): two 12-month windows; a month not loaded is a gap (None), never zero;
police.uk figures count the crimes recorded by the forces that police the area and located in its
LSOAs; the Met's figures come from the level each area type uses; comparisons and ranks use only
areas whose data is complete over both windows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import duckdb

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.crimedata.categories import MPS_CATEGORIES, POLICEUK_CRIME_TYPES
from callingtime.crimedata.gaps import KNOWN_GAPS
from callingtime.crimedata.profile_compare import comparisons_build, rank_build
from callingtime.crimedata.profile_detail import (
    lsoa_figures_build,
    outcomes_build,
    places_build,
    stop_search_build,
)
from callingtime.crimedata.profile_geo import ProfileGeography, areas_in_london, profile_geography
from callingtime.crimedata.profile_model import (
    AreaProfile,
    AreaRef,
    Coverage,
    MonthCount,
    MonthWindow,
    ProfileChange,
)
from callingtime.crimedata.profile_mps import MPS_LEVEL_NOTES, MPS_LEVEL_OF_TYPE
from callingtime.crimedata.profile_policeuk import coverage_kinds_read, rows_in
from callingtime.crimedata.profile_rules import (
    AREA_UNKNOWN,
    CATEGORY_UNKNOWN,
    MONTH_MALFORMED,
    MONTH_NOT_LOADED,
    NOT_LOADED,
    NOT_LOADED_MPS,
    NOT_LOADED_MPS_CATEGORY,
    NOT_LOADED_MPS_NONE,
    NOT_LOADED_NO_POLICEUK,
    NOT_LOADED_POLICEUK,
    NOTHING_LOADED,
    OGL_ATTRIBUTION,
    OUTCOMES_FILTERED,
    SOURCE_LABELS,
    SOURCE_UNKNOWN,
    ProfileAreaUnknownError,
    ProfileCategoryUnknownError,
    ProfileError,
    ProfileMonthError,
    ProfileNotLoadedError,
    category_check,
    caveats_for,
    month_check,
    policeuk_types,
    profile_categories,
    profile_latest_month,
    window_months,
)
from callingtime.crimedata.profile_series import Series, SeriesSet, SourceReader
from callingtime.crimedata.statistics import change_test, rate_per_1000

__all__ = [
    "AREA_UNKNOWN",
    "CATEGORY_UNKNOWN",
    "MONTH_MALFORMED",
    "MONTH_NOT_LOADED",
    "NOTHING_LOADED",
    "NOT_LOADED",
    "ProfileAreaUnknownError",
    "ProfileCategoryUnknownError",
    "ProfileError",
    "ProfileMonthError",
    "ProfileNotLoadedError",
    "area_profile",
    "profile_categories",
    "profile_latest_month",
]

Source = Literal["police-uk", "mps"]


def _members(areas: AreasStore, code: str | Sequence[str]) -> list[Area]:
    codes = [code] if isinstance(code, str) else list(code)
    members: list[Area] = []
    for one in codes:
        area = areas.area_get(one)
        if area is None:
            raise ProfileAreaUnknownError(AREA_UNKNOWN.format(code=one))
        if area not in members:
            members.append(area)
    if not members:
        raise ProfileAreaUnknownError(AREA_UNKNOWN.format(code=""))
    return members


def _ref(members: list[Area]) -> AreaRef:
    if len(members) == 1:
        return AreaRef(members[0].code, members[0].name, members[0].type)
    names = [a.name for a in members]
    name = ", ".join(names[:-1]) + " and " + names[-1]
    return AreaRef("set:" + ",".join(a.code for a in members), name, "set")


def _candidates(areas: AreasStore, members: list[Area], category: str) -> list[Source]:
    found: list[Source] = []
    if policeuk_types(category) is not None:
        found.append("police-uk")
    codes = [a.code for a in members]
    if (
        category in MPS_CATEGORIES
        and all(a.type in MPS_LEVEL_OF_TYPE for a in members)
        and areas_in_london(areas, codes)
    ):
        found.append("mps")
    return found


def _not_loaded(
    con: duckdb.DuckDBPyConnection, members: list[Area], category: str, series: dict[str, Series]
) -> ProfileNotLoadedError:
    parts: list[str] = []
    pu = series.get("police-uk")
    if pu is not None:
        forces = ", ".join(pu.forces) or "no force"
        rows = rows_in(
            con,
            "SELECT DISTINCT crime_type FROM force_month_crime_type WHERE kind = 'street' "
            "AND force IN ?L ORDER BY 1",
            [list(pu.forces)],
        )
        slugs = [POLICEUK_CRIME_TYPES.get(str(t), str(t)) for (t,) in rows]
        if slugs:
            plural = "" if len(pu.forces) > 1 else "s"
            parts.append(
                NOT_LOADED_POLICEUK.format(forces=forces, s=plural, types=", ".join(slugs))
            )
        else:
            parts.append(NOT_LOADED_NO_POLICEUK.format(forces=forces))
    if category in MPS_CATEGORIES:
        if "mps" in series and series["mps"].loaded_months():
            parts.append(NOT_LOADED_MPS.format(category=category))
        elif "mps" not in series:
            parts.append(NOT_LOADED_MPS_NONE.format(area=_ref(members).name))
    else:
        parts.append(NOT_LOADED_MPS_CATEGORY.format(category=category))
    return ProfileNotLoadedError(
        NOT_LOADED.format(category=category, area=_ref(members).name, loaded="; ".join(parts) + ".")
    )


def _change(count: int | None, previous: int | None) -> ProfileChange | None:
    if count is None or previous is None:
        return None
    test = change_test(count, previous)
    return ProfileChange(
        absolute=test.absolute,
        z=test.z,
        p_value=test.p_value,
        notable=test.notable,
        exact_p_value=test.exact_p_value,
        percent=test.percent,
        summary=test.summary,
        z_brief=2.0 * (math.sqrt(count) - math.sqrt(previous)),
    )


def area_profile(
    *,
    con: duckdb.DuckDBPyConnection,
    areas: AreasStore,
    code: str | Sequence[str],
    category: str = "all-crime",
    end: str | None = None,
    source: Source | None = None,
) -> AreaProfile:
    """Return the crime profile of an area (or a set of areas) for one category and window.

    >>> p = area_profile(  # doctest: +SKIP
    ...     con=con, areas=store, code="E14001305", category="burglary")
    >>> p.source, p.window.end  # doctest: +SKIP
    ('police-uk', '2024-12')
    """
    label = category_check(category)
    if source not in (None, "police-uk", "mps"):
        raise ProfileError(SOURCE_UNKNOWN.format(source=source))
    if end is not None:
        end = month_check(end)
    members = _members(areas, code)
    geo = profile_geography(areas, members)
    candidates = _candidates(areas, members, category)
    if source is not None:
        candidates = [source] if source in candidates else []
        if not candidates:
            raise _not_loaded(con, members, category, {})
    tried: dict[str, SeriesSet] = {}
    spans: list[tuple[str, str]] = []
    for candidate in candidates:
        reader = SourceReader(con, areas, candidate, category)
        latest = reader.span(members)
        if latest is None:
            tried[candidate] = reader.series(members, geo, "2000-12")
            continue
        first, last = latest
        spans.append(latest)
        if end is not None and not first <= end <= last:
            if source is not None or len(candidates) == 1:
                raise ProfileMonthError(MONTH_NOT_LOADED.format(month=end, first=first, last=last))
            continue
        tried[candidate] = reader.series(members, geo, end or last)
    usable = {k: s for k, s in tried.items() if s.member.loaded_months()}
    if not usable:
        if end is not None and not tried:
            if spans:  # every source has months loaded, none of them this one
                first, last = min(s[0] for s in spans), max(s[1] for s in spans)
                raise ProfileMonthError(MONTH_NOT_LOADED.format(month=end, first=first, last=last))
            raise ProfileMonthError(NOTHING_LOADED.format(source=source or "any source"))
        raise _not_loaded(con, members, category, {k: s.member for k, s in tried.items()})
    chosen = max(
        usable,
        key=lambda k: (
            len(usable[k].member.loaded_current()),
            len(usable[k].member.loaded_months()),
            k == "police-uk",
        ),
    )
    return _profile_build(con, areas, members, geo, category, label, chosen, usable[chosen])  # type: ignore[arg-type]


def _profile_build(
    con: duckdb.DuckDBPyConnection,
    areas: AreasStore,
    members: list[Area],
    geo: ProfileGeography,
    category: str,
    label: str,
    source: Source,
    found: SeriesSet,
) -> AreaProfile:
    series = found.member
    current, previous = window_months(series.end)
    count, previous_count = series.total(current), series.total(previous)
    codes = [a.code for a in members]
    populations = areas.area_populations(codes)
    people = sum(p.people for p in populations.values()) if len(populations) == len(codes) else None
    years = sorted({y for p in populations.values() for y in p.years})
    year_label = (
        (str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}") if years else None
    )
    rate = rate_per_1000(count, people) if count is not None and people else None
    types = policeuk_types(category) or ()
    notes: list[str] = []
    ward_based = False
    if source == "mps":
        for kind in sorted({a.type for a in members}):
            notes.append(MPS_LEVEL_NOTES[kind])
        ward_based = any(a.type == "constituency" for a in members)
    elif series.other_forces:
        notes.append(
            f"{series.other_forces} crimes located here but recorded by other forces are not "
            "counted (an area's figures are those of the forces that police it)."
        )
    detail = source == "police-uk" and found.coverage is not None
    left_out = found.coverage.left_out if found.coverage else 0
    missing = tuple(m for m in (*previous, *current) if series.monthly.get(m) is None)
    comparisons = comparisons_build(areas, geo, found, source)
    rank = rank_build(areas, geo, found, source, members[0].type, rate)
    kinds = coverage_kinds_read(con, series.forces) if detail else {}
    span = found.coverage.span_of(series.forces) if found.coverage else None
    outcomes = (
        outcomes_build(series, types, current, kinds, span[1] if span else None) if detail else None
    )
    if outcomes is not None and outcomes.source and "outcomes files" in outcomes.source:
        notes.append(OUTCOMES_FILTERED)
    gaps = tuple(
        f"{gap.force} {', '.join(gap.kinds)} from {gap.start}: {gap.note}"
        for gap in KNOWN_GAPS
        if gap.force in series.forces
        and gap.start <= current[-1]
        and (gap.end is None or gap.end >= previous[0])
    )
    return AreaProfile(
        area=_ref(members),
        category=category,
        category_label=label,
        source=source,
        source_label=SOURCE_LABELS[source],
        window=MonthWindow(current[0], current[-1]),
        previous_window=MonthWindow(previous[0], previous[-1]),
        count=count,
        previous_count=previous_count,
        population=people,
        population_year=year_label,
        rate_per_1000=rate,
        change=_change(count, previous_count),
        monthly=tuple(MonthCount(m, series.monthly.get(m)) for m in (*previous, *current)),
        excluded_no_location=left_out,
        caveats=tuple(
            caveats_for(
                source=source,
                category=category,
                area_types={a.type for a in members},
                ward_based=ward_based,
            )
        ),
        attribution=OGL_ATTRIBUTION,
        comparisons=comparisons,
        rank=rank,
        places=places_build(con, areas, codes, series, types, current) if detail else (),
        lsoas=lsoa_figures_build(con, areas, codes, series, types, current) if detail else (),
        outcomes=outcomes,
        stop_search=stop_search_build(con, codes, series, current, kinds) if detail else None,
        coverage=Coverage(
            months_loaded=tuple(m for m in (*previous, *current) if m not in missing),
            months_missing=missing,
            categories_not_loaded=tuple(
                POLICEUK_CRIME_TYPES.get(t, t) for t in series.missing_types
            ),
            known_gaps=gaps,
            excluded_no_location=left_out,
        ),
        notes=tuple(notes),
    )
