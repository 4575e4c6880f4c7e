"""Monthly series over both windows from one source: the profiled areas and everyone they are
compared or ranked with, read together (police.uk: 3 queries; the Met: 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.crimedata.profile_geo import (
    EW_AREA,
    ProfileGeography,
    area_forces_of,
    area_rank_group,
)
from callingtime.crimedata.profile_mps import MPS_LEVEL_OF_TYPE, mps_months_read, mps_series_read
from callingtime.crimedata.profile_policeuk import (
    ForceCoverage,
    SeriesArea,
    force_spans_read,
    force_window_read,
    series_read,
)
from callingtime.crimedata.profile_rules import policeuk_types, window_months


@dataclass(frozen=True)
class Series:
    """Monthly counts over both windows (None: not loaded) and what they rest on."""

    source: str
    end: str
    monthly: dict[str, int | None]
    forces: tuple[str, ...] = ()
    missing_types: tuple[str, ...] = ()
    other_forces: int = 0
    # police.uk, per month: (crimes, charged, no suspect, crimes with an outcomes-file outcome)
    outcomes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    def loaded_months(self) -> list[str]:
        """Return the months of both windows that are loaded."""
        return [m for m, n in self.monthly.items() if n is not None]

    def loaded_current(self) -> list[str]:
        """Return the loaded months of the current window."""
        current, _ = window_months(self.end)
        return [m for m in current if self.monthly.get(m) is not None]

    def total(self, months: Sequence[str]) -> int | None:
        """Return the sum over the months, or None when any of them is not loaded."""
        values = [self.monthly.get(m) for m in months]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)


@dataclass(frozen=True)
class Totals:
    """An area's current-window count and what is not loaded: enough to compare or rank it."""

    current: int | None  # None when a month of either window is not loaded
    missing: tuple[str, ...]  # months of both windows not loaded
    missing_types: tuple[str, ...] = ()

    @classmethod
    def of(cls, series: Series) -> Totals:
        """Return the totals of a full series."""
        current, _ = window_months(series.end)
        missing = tuple(m for m, n in series.monthly.items() if n is None)
        count = None if missing else series.total(current)
        return cls(count, missing, series.missing_types)


@dataclass(frozen=True)
class SeriesSet:
    """The profiled areas' series (a set summed) and each related area's totals, one source."""

    member: Series
    each: dict[str, Totals]
    coverage: ForceCoverage | None = None  # police.uk: what each force's street files hold


def _related(members: Sequence[Area], geo: ProfileGeography, source: str) -> list[Area]:
    extra = [EW_AREA] if source == "police-uk" else []
    found: dict[str, Area] = {}
    for area in (*members, *geo.neighbours, *geo.parents, *extra, *geo.siblings):
        found.setdefault(area.code, area)
    return list(found.values())


def _summed(source: str, end: str, parts: Sequence[Series]) -> Series:
    months = list(parts[0].monthly)
    monthly: dict[str, int | None] = {}
    for month in months:
        values = [s.monthly[month] for s in parts]
        monthly[month] = None if any(v is None for v in values) else sum(v or 0 for v in values)
    forces = sorted({f for s in parts for f in s.forces})
    missing = sorted({t for s in parts for t in s.missing_types})
    outcomes: dict[str, tuple[int, int, int, int]] = {}
    for s in parts:
        for month, sums in s.outcomes.items():
            old = outcomes.get(month, (0, 0, 0, 0))
            outcomes[month] = (
                old[0] + sums[0],
                old[1] + sums[1],
                old[2] + sums[2],
                old[3] + sums[3],
            )
    other = sum(s.other_forces for s in parts)
    return Series(source, end, monthly, tuple(forces), tuple(missing), other, outcomes)


class SourceReader:
    """Read one source's figures for a profile: what is loaded first, then the series."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, areas: AreasStore, source: str, category: str
    ) -> None:
        self.con, self.areas, self.source, self.category = con, areas, source, category
        self.types = policeuk_types(category) or ()
        if source == "mps":
            self._mps_months = mps_months_read(con, category)
        else:
            self._spans = force_spans_read(con, self.types)

    def span(self, members: Sequence[Area]) -> tuple[str, str] | None:
        """Return the first and last month the source has loaded for these areas."""
        if self.source == "mps":
            levels = {MPS_LEVEL_OF_TYPE[a.type] for a in members}
            months = [m for level in levels for m in self._mps_months.get(level, ())]
            return (min(months), max(months)) if months else None
        forces = sorted({f for a in members for f in area_forces_of(self.areas, a.code)})
        return ForceCoverage(self._spans, {}).span_of(forces)

    def series(self, members: Sequence[Area], geo: ProfileGeography, end: str) -> SeriesSet:
        """Return the members' series (summed) and every related area's, for the windows."""
        current, previous = window_months(end)
        months = [*previous, *current]
        related = _related(members, geo, self.source)
        if self.source == "mps":
            types = {a.code: a.type for a in related}
            raw = mps_series_read(self.con, types, self._mps_months, months, self.category)
            full = {code: Series(self.source, end, raw[code]) for code in types}
            each = {code: Totals.of(s) for code, s in full.items()}
            member = _summed(self.source, end, [full[a.code] for a in members])
            return SeriesSet(member, each, None)
        wanted = {a.code: self._series_area(a) for a in related}
        mine = [wanted[a.code] for a in members]
        others = [w for code, w in wanted.items() if code not in {a.code for a in members}]
        forces = sorted({f for w in mine for f in w.forces})
        coverage = force_window_read(self.con, self._spans, months, self.types, forces)
        found, totals = series_read(self.con, mine, others, coverage, months, self.types)
        parts = [
            Series(
                self.source, end, r.monthly, r.forces, r.missing_types, r.other_forces, r.outcomes
            )
            for r in found.values()
        ]
        each = {code: Totals.of(s) for code, s in zip(found, parts, strict=True)}
        for other in others:
            missing_months, missing_types = coverage.gaps(other.forces, months, self.types)
            count = None if missing_months else totals.get(other.code, 0)
            each[other.code] = Totals(count, tuple(missing_months), tuple(sorted(missing_types)))
        return SeriesSet(_summed(self.source, end, parts), each, coverage)

    def _series_area(self, area: Area) -> SeriesArea:
        code = area.code
        forces = area_forces_of(self.areas, code)
        return SeriesArea(code, area.type, area_rank_group(self.areas, code), forces)
