"""The study region, the window and the per-LSOA counts behind hotspots and concentration.

A crime type counts in a window only when it is loaded for every force-month of it
(`force_month_crime_type`): a filtered extract never reads as zero. Within a loaded window an
LSOA with no crimes is a true zero. Only the forces that police the region are counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.crimedata.categories import (
    POLICEUK_AGGREGATE_SLUGS,
    POLICEUK_CRIME_TYPES,
    policeuk_slug_label,
)
from callingtime.crimedata.forces import FORCES

WINDOW_MONTHS = 12

AREA_UNKNOWN = "No area has the code {code!r} in the geography store."
CATEGORY_UNKNOWN = "Unknown category {category!r}: use one of {slugs}."
BAD_END = "The end month {end!r} is not a YYYY-MM month."
BAD_MONTHS = "A window needs at least 1 month, got {months!r}."
NO_FORCE = (
    "{area} has LSOAs with no police force in the geography store ({lsoa}), so its crimes "
    "cannot be counted."
)
NEVER_LOADED = (
    "{label} is not loaded for any month for {forces}: ingest police.uk street files that "
    "hold it (`callingtime crime ingest`)."
)
NOT_LOADED = (
    "{label} is not loaded for every month of {first}…{last} for {forces}: missing {missing}. "
    "A crime type or month that is not loaded is never read as zero; choose another category "
    "or end month, or ingest those files."
)

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_POLICE_FORCE = {force.pfa_code: force.slug for force in FORCES if force.pfa_code}


class CategoryNotLoadedError(ValueError):
    """The category is not loaded for every force-month of the window."""


@dataclass(frozen=True)
class StudyRegion:
    """The LSOAs a statistic runs over: the area asked about, or the borough it lies in."""

    area: Area
    region: Area
    lsoas: tuple[str, ...]
    forces: tuple[str, ...]  # police.uk force slugs policing the region
    note: str | None  # says so when the region was widened


@dataclass(frozen=True)
class CrimeWindow:
    """The months and crime types counted, all loaded for every force of the region."""

    category: str
    label: str
    crime_types: tuple[str, ...]
    months: tuple[str, ...]

    @property
    def first(self) -> str:
        """Return the window's first month."""
        return self.months[0]

    @property
    def last(self) -> str:
        """Return the window's last month."""
        return self.months[-1]


def category_crime_types(category: str) -> tuple[str, ...]:
    """Return the police.uk crime types a category slug counts.

    >>> category_crime_types("burglary")
    ('Burglary',)
    """
    if category == "all-crime":
        return tuple(sorted(POLICEUK_CRIME_TYPES))
    if category == "all-crime-excl-asb":
        return tuple(sorted(set(POLICEUK_CRIME_TYPES) - {"Anti-social behaviour"}))
    types = tuple(name for name, slug in POLICEUK_CRIME_TYPES.items() if slug == category)
    if not types:
        slugs = ", ".join([*POLICEUK_AGGREGATE_SLUGS, *sorted(POLICEUK_CRIME_TYPES.values())])
        raise ValueError(CATEGORY_UNKNOWN.format(category=category, slugs=slugs))
    return types


def study_region_resolve(areas: AreasStore, code: str, *, widen: bool) -> StudyRegion:
    """Return the area's LSOAs; with `widen`, an LSOA or ward is widened to its borough.

    >>> study_region_resolve(store, "E05013697", widen=True).region.name  # doctest: +SKIP
    'Islington'
    """
    area = areas.area_get(code)
    if area is None:
        raise ValueError(AREA_UNKNOWN.format(code=code))
    region, note = area, None
    if widen and area.type in ("lsoa", "ward"):
        borough = next((a for a in areas.area_parents(area.code) if a.type == "borough"), None)
        if borough is not None:
            region = borough
            note = (
                f"Gi* compares each LSOA with the LSOAs around it, so the study region is "
                f"{borough.name} ({borough.code}), the borough {area.name} lies in; "
                f"its LSOAs are marked."
            )
    lsoas = tuple(areas.area_lsoas(region.code))
    forces: set[str] = set()
    for lsoa in lsoas:
        force_cd = areas.lsoas[lsoa].force_cd
        slug = _POLICE_FORCE.get(force_cd or "")
        if slug is None:
            raise ValueError(NO_FORCE.format(area=region.name, lsoa=lsoa))
        forces.add(slug)
    return StudyRegion(area, region, lsoas, tuple(sorted(forces)), note)


def crime_window_resolve(
    con: duckdb.DuckDBPyConnection,
    *,
    forces: Sequence[str],
    category: str,
    end: str | None = None,
    months: int = WINDOW_MONTHS,
) -> CrimeWindow:
    """Return the window of `months` ending at `end` (default: the latest month loaded).

    Raises CategoryNotLoadedError when a crime type of the category is missing from any
    force-month of the window.

    >>> crime_window_resolve(con, forces=["metropolitan"], category="burglary").last
    ... # doctest: +SKIP
    '2024-12'
    """
    types = category_crime_types(category)
    label = policeuk_slug_label(category)
    if months < 1:
        raise ValueError(BAD_MONTHS.format(months=months))
    loaded = _loaded(con, forces, types)
    complete = sorted(
        month
        for month, by_force in loaded.items()
        if all(len(by_force.get(f, ())) == len(types) for f in forces)
    )
    who = ", ".join(forces)
    if end is None:
        if not complete:
            raise CategoryNotLoadedError(NEVER_LOADED.format(label=label, forces=who))
        end = complete[-1]
    window = month_range(end, months)
    missing = []
    for month in window:
        for force in forces:
            absent = set(types) - set(loaded.get(month, {}).get(force, ()))
            if absent:
                what = "all of it" if len(absent) == len(types) else ", ".join(sorted(absent))
                missing.append(f"{force} {month} ({what})")
    if missing:
        shown = "; ".join(missing[:6]) + (
            f"; and {len(missing) - 6} more" if len(missing) > 6 else ""
        )
        raise CategoryNotLoadedError(
            NOT_LOADED.format(
                label=label, first=window[0], last=window[-1], forces=who, missing=shown
            )
        )
    return CrimeWindow(category, label, types, window)


def month_range(end: str, months: int) -> tuple[str, ...]:
    """Return the `months` calendar months ending at `end`, oldest first.

    >>> month_range("2024-02", 3)
    ('2023-12', '2024-01', '2024-02')
    """
    match = _MONTH.fullmatch(end)
    if match is None:
        raise ValueError(BAD_END.format(end=end))
    last = int(match.group(1)) * 12 + int(match.group(2)) - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(last - months + 1, last + 1))


def lsoa_counts(
    con: duckdb.DuckDBPyConnection, region: StudyRegion, window: CrimeWindow
) -> dict[str, int]:
    """Return counted crimes per LSOA of the region, zeros included (the window is loaded).

    >>> len(lsoa_counts(con, region, window)) == len(region.lsoas)  # doctest: +SKIP
    True
    """
    counts = dict.fromkeys(region.lsoas, 0)
    for lsoa, crimes in con.execute(
        "SELECT lsoa21cd, count(*) FROM police_street WHERE counted "
        f"AND {_SLICE} AND lsoa21cd IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1",
        [*_slice_params(region.forces, window), list(region.lsoas)],
    ).fetchall():
        counts[lsoa] = int(crimes)
    return counts


def point_counts(
    con: duckdb.DuckDBPyConnection, region: StudyRegion, window: CrimeWindow
) -> dict[tuple[str, float, float], int]:
    """Return counted crimes per "on or near" point (location, lat, lon) in the region's LSOAs.

    >>> min(point_counts(con, region, window).values()) >= 1  # doctest: +SKIP
    True
    """
    rows = con.execute(
        "SELECT coalesce(location, ''), latitude, longitude, count(*) FROM police_street "
        f"WHERE counted AND {_SLICE} AND lsoa21cd IN (SELECT unnest(?::VARCHAR[])) "
        "AND latitude IS NOT NULL AND longitude IS NOT NULL GROUP BY ALL",
        [*_slice_params(region.forces, window), list(region.lsoas)],
    ).fetchall()
    return {(str(location), float(lat), float(lon)): int(n) for location, lat, lon, n in rows}


def crimes_left_out(
    con: duckdb.DuckDBPyConnection, region: StudyRegion, window: CrimeWindow
) -> tuple[int, int, tuple[str, ...]]:
    """Return (crimes of the forces with no LSOA, crimes other loaded forces put in the region,
    those forces), for the caveats."""
    row = con.execute(
        f"SELECT count(*) FROM police_street WHERE counted AND {_SLICE} AND lsoa21cd IS NULL",
        _slice_params(region.forces, window),
    ).fetchone()
    others = con.execute(
        "SELECT force, count(*) FROM police_street WHERE counted AND month IN "
        "(SELECT unnest(?::VARCHAR[])) AND crime_type IN (SELECT unnest(?::VARCHAR[])) "
        "AND force NOT IN (SELECT unnest(?::VARCHAR[])) "
        "AND lsoa21cd IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1 ORDER BY 1",
        [list(window.months), list(window.crime_types), list(region.forces), list(region.lsoas)],
    ).fetchall()
    return (
        int(row[0]) if row else 0,
        sum(int(n) for _, n in others),
        tuple(str(force) for force, _ in others),
    )


_SLICE = (
    "force IN (SELECT unnest(?::VARCHAR[])) AND month IN (SELECT unnest(?::VARCHAR[])) "
    "AND crime_type IN (SELECT unnest(?::VARCHAR[]))"
)


def _slice_params(forces: Sequence[str], window: CrimeWindow) -> list[Any]:
    return [list(forces), list(window.months), list(window.crime_types)]


def _loaded(
    con: duckdb.DuckDBPyConnection, forces: Sequence[str], types: Sequence[str]
) -> dict[str, dict[str, list[str]]]:
    """Month → force → the category's crime types loaded for it."""
    loaded: dict[str, dict[str, list[str]]] = {}
    for month, force, crime_type in con.execute(
        "SELECT month, force, crime_type FROM force_month_crime_type WHERE kind = 'street' "
        "AND force IN (SELECT unnest(?::VARCHAR[])) AND crime_type IN "
        "(SELECT unnest(?::VARCHAR[])) ORDER BY 1, 2, 3",
        [list(forces), list(types)],
    ).fetchall():
        loaded.setdefault(month, {}).setdefault(force, []).append(crime_type)
    return loaded
