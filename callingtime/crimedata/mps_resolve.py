"""Resolve overlapping Met publications month by month, and read the resolved series.

Precedence: for each level, category and month the newest publication wins. "Newest" is the
vintage whose latest month is latest (ties: the later first month, then the vintage id). A vintage
competes for a category only when its scheme supplies that category comparably (categories.py),
so the old 2008-2018 scheme never feeds a category it cannot be compared on.

Implausible months: a vintage's month is flagged and not used when its London total is under half
the median London total of the other vintages of the same level for that month; when no other
vintage has the month, when it is under half the mean of its neighbouring months in the same file.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

import duckdb

from callingtime.crimedata.categories import MPS_CATEGORIES, mps_category_pairs, mps_category_slugs
from callingtime.crimedata.mps_schema import LONDON_CODE

IMPLAUSIBLE_SHARE = 0.5
UNKNOWN_CATEGORY_SLUG = "unknown Met category {category!r}"
UNKNOWN_LEVEL = "unknown level {level!r}: use 'borough' or 'ward'"
FLAG_OTHER_VINTAGES = (
    "London total {total} is under half the median ({reference:.0f}) of {n} other publication(s) "
    "for this month"
)
FLAG_NEIGHBOURS = (
    "London total {total} is under half the mean ({reference:.0f}) of its neighbouring months in "
    "the same file, and no other publication has this month"
)


@dataclass(frozen=True)
class MpsFlaggedMonth:
    """One publication's month that is not used, and why."""

    level: str
    vintage: str
    month: str
    london_total: int
    reference_total: float
    rule: str
    reason: str


@dataclass(frozen=True)
class MpsCoverageSpan:
    """The months one level gets from one scheme in the resolved series (all categories)."""

    level: str
    scheme: str
    first_month: str
    last_month: str
    months: int


@dataclass(frozen=True)
class MpsCoverage:
    """What the resolved Met series covers, and which months were set aside."""

    spans: tuple[MpsCoverageSpan, ...]
    flagged: tuple[MpsFlaggedMonth, ...]


def _category_map_write(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM mps_category_map")
    rows = [
        (scheme, major, minor, slug)
        for scheme in ("old", "detailed", "coarse")
        for major, minor in mps_category_pairs(scheme)
        for slug in mps_category_slugs(scheme, major, minor) or ()
    ]
    con.executemany("INSERT INTO mps_category_map VALUES (?, ?, ?, ?)", rows)


def _months_flag(con: duckdb.DuckDBPyConnection) -> list[MpsFlaggedMonth]:
    totals = con.execute(
        "SELECT level, vintage, month, sum(count) FROM mps_count GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    by_month: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    by_vintage: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for level, vintage, month, total in totals:
        by_month[(level, month)][vintage] = int(total)
        by_vintage[vintage].append((month, int(total)))
    flagged: list[MpsFlaggedMonth] = []
    for vintage, series in by_vintage.items():
        for i, (month, total) in enumerate(series):
            level = vintage.split("-", 1)[0]
            others = [t for v, t in by_month[(level, month)].items() if v != vintage]
            if others:
                reference = float(statistics.median(others))
                reason = FLAG_OTHER_VINTAGES.format(total=total, reference=reference, n=len(others))
                rule = "other-vintages"
            else:
                neighbours = [series[j][1] for j in (i - 1, i + 1) if 0 <= j < len(series)]
                if not neighbours:
                    continue
                reference = float(statistics.mean(neighbours))
                reason = FLAG_NEIGHBOURS.format(total=total, reference=reference)
                rule = "neighbouring-months"
            if total < IMPLAUSIBLE_SHARE * reference:
                flagged.append(
                    MpsFlaggedMonth(level, vintage, month, total, reference, rule, reason)
                )
    return flagged


def mps_months_resolve(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the resolved Met series: flag implausible months, then newest publication wins.

    >>> mps_months_resolve(con)  # doctest: +SKIP
    """
    _category_map_write(con)
    flagged = _months_flag(con)
    con.execute("DELETE FROM mps_flagged_month")
    for f in flagged:
        con.execute(
            "INSERT INTO mps_flagged_month VALUES (?, ?, ?, ?, ?, ?, ?)",
            [f.level, f.vintage, f.month, f.london_total, f.reference_total, f.rule, f.reason],
        )
    con.execute("DELETE FROM mps_resolved_month")
    con.execute(
        """
        INSERT INTO mps_resolved_month
        SELECT vm.level, s.category, vm.month, vm.vintage, vm.scheme
        FROM (SELECT DISTINCT level, vintage, scheme, month FROM mps_count) vm
        JOIN (SELECT DISTINCT scheme, category FROM mps_category_map) s USING (scheme)
        JOIN mps_vintage v USING (vintage)
        WHERE NOT EXISTS (
            SELECT 1 FROM mps_flagged_month f WHERE f.vintage = vm.vintage AND f.month = vm.month
        )
        QUALIFY row_number() OVER (
            PARTITION BY vm.level, s.category, vm.month
            ORDER BY v.last_month DESC, v.first_month DESC, vm.vintage DESC
        ) = 1
        """
    )
    con.execute("DELETE FROM mps_resolved")
    winners = """
        FROM mps_count c
        JOIN mps_category_map m USING (scheme, major, minor)
        JOIN mps_resolved_month w
          ON w.level = c.level AND w.category = m.category AND w.month = c.month
         AND w.vintage = c.vintage
    """
    con.execute(
        f"""
        INSERT INTO mps_resolved
        SELECT c.level, c.area_code, any_value(c.area_name), c.borough_code, c.pseudo_area,
               c.ward_geography, m.category, c.month, sum(c.count), w.vintage, w.scheme
        {winners}
        GROUP BY c.level, c.area_code, c.borough_code, c.pseudo_area, c.ward_geography,
                 m.category, c.month, w.vintage, w.scheme
        """
    )
    con.execute(
        f"""
        INSERT INTO mps_resolved
        SELECT c.level, ?, 'London', NULL, false, NULL, m.category, c.month, sum(c.count),
               w.vintage, w.scheme
        {winners}
        GROUP BY c.level, m.category, c.month, w.vintage, w.scheme
        """,
        [LONDON_CODE],
    )


def mps_monthly(
    con: duckdb.DuckDBPyConnection,
    *,
    level: str,
    area_code: str,
    category: str,
    start: str,
    end: str,
) -> list[tuple[str, int]]:
    """Return the resolved monthly counts of one area and category (months YYYY-MM, inclusive).

    A month the resolved series covers but the area has no row in is a zero (the Met publishes
    rows only for area-category pairs with an offence in the window); an uncovered month is absent.

    >>> mps_monthly(con, level="borough", area_code="E12000007", category="violent-crime",
    ...             start="2023-01", end="2023-12")  # doctest: +SKIP
    [('2023-01', 21533), ...]
    """
    if category not in MPS_CATEGORIES:
        raise ValueError(UNKNOWN_CATEGORY_SLUG.format(category=category))
    if level not in ("borough", "ward"):
        raise ValueError(UNKNOWN_LEVEL.format(level=level))
    rows = con.execute(
        """
        SELECT w.month, COALESCE(sum(r.count), 0)
        FROM mps_resolved_month w
        LEFT JOIN mps_resolved r
          ON r.level = w.level AND r.category = w.category AND r.month = w.month
         AND r.area_code = ?
        WHERE w.level = ? AND w.category = ? AND w.month BETWEEN ? AND ?
        GROUP BY w.month ORDER BY w.month
        """,
        [area_code, level, category, start, end],
    ).fetchall()
    return [(str(month), int(count)) for month, count in rows]


def mps_coverage(con: duckdb.DuckDBPyConnection) -> MpsCoverage:
    """Return the months per level and scheme in the resolved series, and the flagged months.

    >>> mps_coverage(con).flagged  # doctest: +SKIP
    ()
    """
    spans = con.execute(
        """
        SELECT level, scheme, min(month), max(month), count(DISTINCT month)
        FROM mps_resolved_month GROUP BY level, scheme ORDER BY level, min(month)
        """
    ).fetchall()
    flagged = con.execute(
        """
        SELECT level, vintage, month, london_total, reference_total, rule, reason
        FROM mps_flagged_month ORDER BY level, month, vintage
        """
    ).fetchall()
    return MpsCoverage(
        spans=tuple(MpsCoverageSpan(*row) for row in spans),
        flagged=tuple(MpsFlaggedMonth(*row) for row in flagged),
    )
