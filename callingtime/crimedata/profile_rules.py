"""The fixed wording and rules of an area profile: categories, months, errors and caveats."""

from __future__ import annotations

import re

import duckdb

from callingtime.crimedata.categories import (
    BLADE_OR_POINT,
    MPS_CATEGORIES,
    POLICEUK_CRIME_TYPES,
    POLICEUK_SLUG_LABELS,
)

OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
NOT_NATIONAL_STATISTICS = "Police recorded crime is not National Statistics."
LOCATIONS_APPROXIMATE = "Locations are approximate (snapped to anonymous map points)."
BLADE_LABEL_RULE = (
    "The Met's 'Possession of article with blade or point' (published to January 2024) is "
    "labelled exactly that: it is not 'knife crime'."
)
CONSTITUENCY_APPROXIMATE = (
    "Constituency membership is approximate: LSOAs are assigned to 2024 constituencies by a "
    "derived point-in-polygon lookup."
)
OUTCOMES_FILTERED = (
    "The Met outcomes files held here are filtered extracts (some outcome types only): where a "
    "crime has no outcomes-file row its street file's last outcome is used."
)
SOURCE_LABELS = {
    "police-uk": "police.uk street-level crime (data.police.uk)",
    "mps": "Metropolitan Police recorded crime by borough and ward (London Datastore)",
}

ProfileSource = str

BASE_MESSAGE = "cannot build the profile"
AREA_UNKNOWN = "no area matches {code!r}: give a GSS code (e.g. E14001305), a name or a postcode"
CATEGORY_UNKNOWN = "unknown crime category {category!r}; valid categories: {valid}"
MONTH_MALFORMED = "month {month!r} is not YYYY-MM"
MONTH_NOT_LOADED = "month {month} is outside what is loaded ({first} to {last})"
NOTHING_LOADED = "nothing is loaded for {source}: ingest data first (callingtime crime ingest)"
SOURCE_UNKNOWN = "unknown source {source!r}: use police-uk or mps"
NOT_LOADED = "{category} is not loaded for {area}. {loaded}"
NOT_LOADED_POLICEUK = "From police.uk, {forces} hold{s} {types} here"
NOT_LOADED_NO_POLICEUK = "No police.uk street files are loaded for {forces}"
NOT_LOADED_MPS = (
    "{category} for London comes from the Met's borough and ward counts: use --source mps or "
    "the default"
)
NOT_LOADED_MPS_NONE = "the Met's counts do not cover {area}"
NOT_LOADED_MPS_CATEGORY = "the Met's counts do not publish {category}"


class ProfileError(ValueError):
    """A profile cannot be built; the message says what to do."""


class ProfileAreaUnknownError(ProfileError):
    """No area has this code."""


class ProfileCategoryUnknownError(ProfileError):
    """The category is not a police.uk slug or a Met category."""


class ProfileMonthError(ProfileError):
    """The end month is malformed or outside what is loaded."""


class ProfileNotLoadedError(ProfileError):
    """No loaded source covers this area and category."""


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ALL_TYPES = tuple(POLICEUK_CRIME_TYPES)
ASB = "Anti-social behaviour"


def policeuk_types(slug: str) -> tuple[str, ...] | None:
    """Return the police.uk crime types behind a slug, or None when it is not a police.uk slug.

    >>> policeuk_types("all-crime-excl-asb")[:2]
    ('Bicycle theft', 'Burglary')
    """
    if slug == "all-crime":
        return ALL_TYPES
    if slug == "all-crime-excl-asb":
        return tuple(t for t in ALL_TYPES if t != ASB)
    types = tuple(name for name, s in POLICEUK_CRIME_TYPES.items() if s == slug)
    return types or None


def profile_categories() -> list[tuple[str, str]]:
    """Return every (slug, label) a profile accepts: police.uk's, then the Met-only ones.

    >>> ("possession-of-article-with-blade-or-point",
    ...  "Possession of article with blade or point (Met, London only)") in profile_categories()
    True
    """
    found = list(POLICEUK_SLUG_LABELS.items())
    found.sort(key=lambda item: (not item[0].startswith("all-"), item[1]))
    found += [
        (slug, f"{c.label} (Met, London only)")
        for slug, c in MPS_CATEGORIES.items()
        if slug not in POLICEUK_SLUG_LABELS
    ]
    return found


def category_check(category: str) -> str:
    """Return the category label, or raise ProfileCategoryUnknownError listing the valid slugs."""
    for slug, label in profile_categories():
        if slug == category:
            return label.removesuffix(" (Met, London only)")
    valid = ", ".join(slug for slug, _ in profile_categories())
    raise ProfileCategoryUnknownError(CATEGORY_UNKNOWN.format(category=category, valid=valid))


def month_shift(month: str, months: int) -> str:
    """Return the month `months` later (earlier when negative).

    >>> month_shift("2024-01", -1)
    '2023-12'
    """
    year, mon = int(month[:4]), int(month[5:])
    index = year * 12 + mon - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_check(month: str) -> str:
    """Return a YYYY-MM month, or raise ProfileMonthError."""
    if not _MONTH.match(month.strip()):
        raise ProfileMonthError(MONTH_MALFORMED.format(month=month))
    return month.strip()


def window_months(end: str) -> tuple[list[str], list[str]]:
    """Return the 12 months ending at `end` and the 12 before them, oldest first.

    >>> window_months("2024-12")[0][0], window_months("2024-12")[1][0]
    ('2024-01', '2023-01')
    """
    current = [month_shift(end, -i) for i in range(11, -1, -1)]
    previous = [month_shift(end, -12 - i) for i in range(11, -1, -1)]
    return current, previous


def profile_latest_month(con: duckdb.DuckDBPyConnection, source: str | None = None) -> str | None:
    """Return the latest month loaded for a source (both when None), or None.

    >>> profile_latest_month(con, "mps")  # doctest: +SKIP
    '2025-11'
    """
    months: list[str] = []
    if source in (None, "police-uk"):
        row = con.execute("SELECT max(month) FROM agg_force_month").fetchone()
        if row and row[0]:
            months.append(str(row[0]))
    if source in (None, "mps"):
        row = con.execute("SELECT max(month) FROM agg_mps_month").fetchone()
        if row and row[0]:
            months.append(str(row[0]))
    if source not in (None, "police-uk", "mps"):
        raise ProfileError(SOURCE_UNKNOWN.format(source=source))
    return max(months) if months else None


def caveats_for(*, source: str, category: str, area_types: set[str], ward_based: bool) -> list[str]:
    """Return the caveats that go with every profile of this kind."""
    from callingtime.crimedata.mps_schema import WARD_BEST_FIT_CAVEAT

    found = [NOT_NATIONAL_STATISTICS]
    if source == "police-uk":
        found.append(LOCATIONS_APPROXIMATE)
    if "constituency" in area_types:
        found.append(CONSTITUENCY_APPROXIMATE)
    if ward_based:
        found.append(WARD_BEST_FIT_CAVEAT)
    if source == "mps" or category == BLADE_OR_POINT:
        found.append(BLADE_LABEL_RULE)
    return found
