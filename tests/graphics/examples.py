"""Realistic figures for the graphics tests and the example renders."""

from __future__ import annotations

from callingtime.graphics._chart import month_label
from callingtime.graphics.models import HeadlineFigures, MonthlyPoint

ISLINGTON_COUNTS = (
    112, 98, 121, 104, 95, 109, 118, 126, 101, 97, 130, 137,
    128, 119, 133, 122, 108, 117, 126, 138, 124, 116, 140, 129,
)  # fmt: skip
MET_SOURCE = (
    "Source: data.police.uk, Metropolitan Police Service. Contains public sector information "
    "licensed under the Open Government Licence v3.0."
)
CAVEAT = "Police recorded crime is not National Statistics."


def months_from(year: int, month: int, count: int) -> list[str]:
    """Return count consecutive YYYY-MM months starting at year-month."""
    start = year * 12 + month - 1
    return [f"{key // 12:04d}-{key % 12 + 1:02d}" for key in range(start, start + count)]


def islington_north_burglary(
    *, gap_month: str | None = "2023-07", **overrides: object
) -> HeadlineFigures:
    """Return 24 months of Islington North burglary, with gap_month not loaded.

    The gap falls in the earlier year by default, so the headline total is complete and the
    change line says why there is no comparison, as the caller's wording rules would.
    """
    monthly = tuple(
        MonthlyPoint(month, None if month == gap_month else count)
        for month, count in zip(months_from(2022, 12, 24), ISLINGTON_COUNTS, strict=True)
    )
    latest = sum(p.count or 0 for p in monthly[12:])
    previous = sum(p.count or 0 for p in monthly[:12])
    complete = all(p.count is not None for p in monthly)
    change = f"up {latest - previous:,} (+{(latest - previous) / previous:.0%}), a notable change"
    fields: dict[str, object] = {
        "area_name": "Islington North",
        "area_type": "Constituency",
        "category_label": "Burglary",
        "window_label": "Dec 2023 – Nov 2024",
        "count": latest,
        "previous_count": previous if complete else None,
        "change_text": change
        if complete
        else f"not compared with a year earlier: {month_label(gap_month or '')} is not loaded",
        "rate_text": "12.3 per 1,000 residents (population mid-2020)",
        "source_line": MET_SOURCE,
        "caveat": CAVEAT,
        "hashtag": "#SaferIslingtonNorth",
        "monthly": monthly,
    }
    fields.update(overrides)
    return HeadlineFigures(**fields)  # type: ignore[arg-type]


def leeds_two_months(**overrides: object) -> HeadlineFigures:
    """Return a Leeds profile with only two months loaded and a small count."""
    fields: dict[str, object] = {
        "area_name": "Leeds Central and Headingley",
        "area_type": "Constituency",
        "category_label": "Possession of weapons",
        "window_label": "Oct 2024 – Nov 2024 (2 months loaded)",
        "count": 17,
        "previous_count": None,
        "change_text": "too few months loaded to compare with a year earlier",
        "rate_text": None,
        "source_line": (
            "Source: data.police.uk, West Yorkshire Police. Contains public sector information "
            "licensed under the Open Government Licence v3.0."
        ),
        "caveat": CAVEAT,
        "hashtag": None,
        "monthly": (MonthlyPoint("2024-10", 9), MonthlyPoint("2024-11", 8)),
    }
    fields.update(overrides)
    return HeadlineFigures(**fields)  # type: ignore[arg-type]
