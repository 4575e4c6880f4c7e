"""The police.uk detail of a profile: places, LSOA figures, outcomes and stop and search."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import duckdb

from callingtime.areas.store import AreasStore
from callingtime.crimedata.gaps import known_gaps_for
from callingtime.crimedata.profile_geo import area_lsoas_of
from callingtime.crimedata.profile_model import (
    CountShare,
    LsoaFigure,
    OutcomeCohort,
    Outcomes,
    Place,
    StopSearchSummary,
)
from callingtime.crimedata.profile_policeuk import (
    lsoa_counts_read,
    places_read,
    stop_search_read,
)
from callingtime.crimedata.profile_rules import ASB, month_shift
from callingtime.crimedata.profile_series import Series
from callingtime.crimedata.statistics import rate_per_1000

INCOMPLETE_MONTHS = 3
"""Cohorts within this many latest loaded months are flagged incomplete."""
OUTCOMES_ASB_ONLY = "anti-social behaviour has no outcomes"
OUTCOMES_NOT_SUPPLIED = "{forces} supply no outcome data to police.uk"
OUTCOMES_NOT_LOADED = "the window's months are not all loaded, so there are no complete cohorts"
SOURCE_STREET = "street files' last outcome"
SOURCE_OUTCOMES = "outcomes files (latest outcome) where present, else street files' last outcome"
STOP_SEARCH_NONE = "no stop-and-search files are loaded for {forces} in the window"
STOP_SEARCH_PART = "stop and search is loaded for {n} of the 12 months only (missing: {months})"
STOP_SEARCH_GAP = "{note}"
NO_FURTHER_ACTION = "A no further action disposal"


def _wards_of(areas: AreasStore, lsoas: Sequence[str]) -> list[str]:
    return sorted({areas.lsoas[lsoa].ward_cd or "" for lsoa in lsoas if lsoa in areas.lsoas})


def places_build(
    con: duckdb.DuckDBPyConnection,
    areas: AreasStore,
    codes: Sequence[str],
    series: Series,
    types: Sequence[str],
    months: Sequence[str],
) -> tuple[Place, ...]:
    """Return the top 10 "on or near" points in the window (approximate locations)."""
    lsoas = area_lsoas_of(areas, codes)
    wards = _wards_of(areas, lsoas)
    rows = places_read(con, wards, lsoas, series.forces, months, types)
    return tuple(Place(r.location, r.lsoa21cd, r.count, r.latitude, r.longitude) for r in rows)


def lsoa_figures_build(
    con: duckdb.DuckDBPyConnection,
    areas: AreasStore,
    codes: Sequence[str],
    series: Series,
    types: Sequence[str],
    months: Sequence[str],
) -> tuple[LsoaFigure, ...]:
    """Return every LSOA of the area with its window count, population and rate."""
    if series.total(months) is None:
        return ()
    lsoas = area_lsoas_of(areas, codes)
    counts = lsoa_counts_read(con, _wards_of(areas, lsoas), lsoas, series.forces, months, types)
    people = areas.area_populations(lsoas)
    found = []
    for lsoa in lsoas:
        count = counts.get(lsoa, 0)
        population = people[lsoa].people if lsoa in people else None
        rate = rate_per_1000(count, population) if population else None
        name = areas.lsoas[lsoa].name if lsoa in areas.lsoas else lsoa
        found.append(LsoaFigure(lsoa, name, count, population, rate))
    return tuple(found)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def outcomes_build(
    series: Series,
    types: Sequence[str],
    months: Sequence[str],
    loaded_kinds: dict[str, set[str]],
    latest_loaded: str | None = None,
) -> Outcomes:
    """Return outcomes by crime-month cohort; ASB excluded; recent months flagged incomplete.

    A cohort is incomplete when it lies within the last INCOMPLETE_MONTHS months the forces
    have loaded (`latest_loaded`), not of the window: outcomes published after the window's
    end still belong to its crimes.
    """
    if all(t == ASB for t in types):
        return Outcomes(False, OUTCOMES_ASB_ONLY, None)
    without = sorted(
        f for f in series.forces if any(known_gaps_for(f, "outcomes", m) for m in months)
    )
    if without and len(without) == len(series.forces):
        return Outcomes(False, OUTCOMES_NOT_SUPPLIED.format(forces=", ".join(without)), None)
    loaded = [m for m in months if series.monthly.get(m) is not None]
    if not loaded:
        return Outcomes(False, OUTCOMES_NOT_LOADED, None)
    latest = max(m for m in series.monthly if series.monthly[m] is not None)
    recent = month_shift(max(latest, latest_loaded or latest), -(INCOMPLETE_MONTHS - 1))
    cohorts = []
    used = [0, 0, 0]
    from_files = 0
    for month in loaded:
        # the series' outcome sums leave anti-social behaviour out
        crimes, charged, no_suspect, files = series.outcomes.get(month, (0, 0, 0, 0))
        from_files += files
        incomplete = month >= recent
        if not incomplete:
            used = [used[0] + crimes, used[1] + charged, used[2] + no_suspect]
        cohorts.append(
            OutcomeCohort(
                month,
                crimes,
                charged,
                no_suspect,
                _share(charged, crimes),
                _share(no_suspect, crimes),
                incomplete,
            )
        )
    has_files = bool(loaded_kinds["outcomes"])
    return Outcomes(
        available=True,
        reason=None,
        source=SOURCE_OUTCOMES if has_files and from_files else SOURCE_STREET,
        cohorts=tuple(cohorts),
        share_charged=_share(used[1], used[0]),
        share_no_suspect=_share(used[2], used[0]),
    )


def _shares(counter: Counter[str], total: int) -> tuple[CountShare, ...]:
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return tuple(CountShare(label, n, n / total) for label, n in ordered)


def stop_search_build(
    con: duckdb.DuckDBPyConnection,
    codes: Sequence[str],
    series: Series,
    months: Sequence[str],
    loaded_kinds: dict[str, set[str]],
) -> StopSearchSummary:
    """Return stop and search placed in the area in the window, when all 12 months are loaded."""
    for force in series.forces:
        gaps = [g for m in months for g in known_gaps_for(force, "stop-and-search", m)]
        if gaps:
            return StopSearchSummary(False, STOP_SEARCH_GAP.format(note=gaps[0].note))
    loaded = {m for m in loaded_kinds["stop-and-search"] if m in months}
    if not loaded:
        forces = ", ".join(series.forces) or "this area's forces"
        return StopSearchSummary(False, STOP_SEARCH_NONE.format(forces=forces))
    missing = [m for m in months if m not in loaded]
    if missing:
        reason = STOP_SEARCH_PART.format(n=12 - len(missing), months=", ".join(missing))
        return StopSearchSummary(False, reason)
    rows = stop_search_read(con, codes, series.forces, months)
    objects: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for obj, outcome, n in rows:
        objects[obj] += n
        outcomes[outcome] += n
    total = sum(objects.values())
    return StopSearchSummary(
        available=True,
        reason=None,
        searches=total,
        by_object=_shares(objects, total) if total else (),
        by_outcome=_shares(outcomes, total) if total else (),
        no_further_action_share=_share(outcomes[NO_FURTHER_ACTION], total),
    )
