"""CSV downloads of an area profile: one table per page section, safe to open in a spreadsheet.

Text cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
return) are prefixed with an apostrophe; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from callingtime.core.spreadsheet import cell_safe
from callingtime.crimedata.profile_model import AreaProfile

Row = Sequence[Any]


def csv_text(header: Sequence[str], rows: Iterable[Row]) -> str:
    """Return a CSV document with a header row, every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_safe(value) for value in row])
    return buffer.getvalue()


def _profile_rows(profile: AreaProfile) -> tuple[list[str], list[Row]]:
    header = [
        "area_code",
        "area_name",
        "area_type",
        "category",
        "category_label",
        "source",
        "month",
        "period",
        "count",
        "window_start",
        "window_end",
        "window_count",
        "previous_window_count",
        "population",
        "population_year",
        "rate_per_1000",
        "change",
        "attribution",
    ]
    rows: list[Row] = []
    for point in profile.monthly:
        period = ""
        if profile.window.start <= point.month <= profile.window.end:
            period = "latest 12 months"
        elif profile.previous_window.start <= point.month <= profile.previous_window.end:
            period = "previous 12 months"
        rows.append(
            [
                profile.area.code,
                profile.area.name,
                profile.area.type,
                profile.category,
                profile.category_label,
                profile.source_label,
                point.month,
                period,
                point.count,
                profile.window.start,
                profile.window.end,
                profile.count,
                profile.previous_count,
                profile.population,
                profile.population_year,
                profile.rate_per_1000,
                profile.change.summary if profile.change else None,
                profile.attribution,
            ]
        )
    return header, rows


def _lsoa_rows(profile: AreaProfile) -> tuple[list[str], list[Row]]:
    header = ["lsoa21cd", "name", "count", "population", "rate_per_1000"]
    rows: list[Row] = [
        [f.lsoa21cd, f.name, f.count, f.population, f.rate_per_1000] for f in profile.lsoas
    ]
    return header, rows


def _place_rows(profile: AreaProfile) -> tuple[list[str], list[Row]]:
    header = ["location_approximate", "lsoa21cd", "count", "latitude", "longitude"]
    rows: list[Row] = [
        [p.location, p.lsoa21cd, p.count, p.latitude, p.longitude] for p in profile.places
    ]
    return header, rows


def _comparison_rows(profile: AreaProfile) -> tuple[list[str], list[Row]]:
    header = [
        "relation",
        "area_code",
        "area_name",
        "area_type",
        "count",
        "population",
        "rate_per_1000",
        "usable",
        "reason",
    ]
    rows: list[Row] = [
        [
            c.relation,
            c.area.code,
            c.area.name,
            c.area.type,
            c.count,
            c.population,
            c.rate_per_1000,
            c.usable,
            c.reason,
        ]
        for c in profile.comparisons
    ]
    return header, rows


def _outcome_rows(profile: AreaProfile) -> tuple[list[str], list[Row]]:
    header = [
        "month",
        "crimes",
        "charged",
        "no_suspect",
        "share_charged",
        "share_no_suspect",
        "incomplete",
    ]
    cohorts = profile.outcomes.cohorts if profile.outcomes else ()
    rows: list[Row] = [
        [
            c.month,
            c.crimes,
            c.charged,
            c.no_suspect,
            c.share_charged,
            c.share_no_suspect,
            c.incomplete,
        ]
        for c in cohorts
    ]
    return header, rows


def _stop_search_rows(profile: AreaProfile) -> tuple[list[str], list[Row]]:
    header = ["breakdown", "label", "count", "share"]
    summary = profile.stop_search
    if summary is None or not summary.available:
        reason = summary.reason if summary else None
        return header, [["not available", reason or "not loaded for this area", None, None]]
    rows: list[Row] = [["all", "searches", summary.searches, None]]
    rows += [["object", s.label, s.count, s.share] for s in summary.by_object]
    rows += [["outcome", s.label, s.count, s.share] for s in summary.by_outcome]
    return header, rows


def _coverage_rows(profile: AreaProfile) -> tuple[list[str], list[Row]]:
    header = ["item", "value"]
    coverage = profile.coverage
    if coverage is None:
        return header, []
    rows: list[Row] = [["month loaded", month] for month in coverage.months_loaded]
    rows += [["month missing", month] for month in coverage.months_missing]
    rows += [["category not loaded", label] for label in coverage.categories_not_loaded]
    rows += [["known gap", text] for text in coverage.known_gaps]
    rows += [["crimes without a location", coverage.excluded_no_location]]
    rows += [["caveat", text] for text in profile.caveats]
    return header, rows


TABLES: dict[str, Callable[[AreaProfile], tuple[list[str], list[Row]]]] = {
    "profile": _profile_rows,
    "lsoas": _lsoa_rows,
    "places": _place_rows,
    "comparisons": _comparison_rows,
    "outcomes": _outcome_rows,
    "stop-search": _stop_search_rows,
    "coverage": _coverage_rows,
}


def profile_csv(profile: AreaProfile, table: str) -> str:
    """Return one table of a profile as CSV (`table` is a key of TABLES)."""
    header, rows = TABLES[table](profile)
    return csv_text(header, rows)


def profile_csv_filename(profile: AreaProfile, table: str) -> str:
    """Return a download name such as "E14001305-burglary-2024-11-lsoas.csv"."""
    return f"{profile.area.code}-{profile.category}-{profile.window.end}-{table}.csv"
