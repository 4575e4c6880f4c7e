"""Plain data the rest of the app fills in to draw charts and infographics.

The graphics package never reads the crime store itself: callers build these frozen dataclasses
from their own queries, with every figure and sentence already decided (change wording, the
no-percentage-under-20 rule, the source line). Drawing is all that happens here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

ERROR_MONTH_FORMAT = "month must look like 2024-01 (YYYY-MM), got {month!r}"
ERROR_NEGATIVE_COUNT = (
    "count for {month} must be zero or more, or None when not loaded; got {count}"
)
ERROR_DUPLICATE_MONTH = "month {month} appears more than once in the monthly points"
ERROR_EMPTY_FIELD = "HeadlineFigures.{field} must not be empty"


@dataclass(frozen=True, slots=True)
class MonthlyPoint:
    """One calendar month's count; `count=None` means the month is not loaded (a gap, never 0)."""

    month: str
    count: int | None

    def __post_init__(self) -> None:
        if not MONTH_PATTERN.match(self.month):
            raise ValueError(ERROR_MONTH_FORMAT.format(month=self.month))
        if self.count is not None and self.count < 0:
            raise ValueError(ERROR_NEGATIVE_COUNT.format(month=self.month, count=self.count))

    @property
    def is_gap(self) -> bool:
        """Return True when the month was not loaded."""
        return self.count is None


@dataclass(frozen=True, slots=True)
class HeadlineFigures:
    """Everything an infographic shows, already worded by the caller.

    `change_text` and `rate_text` are printed as given: the caller has applied the rules on
    significance and on small counts (no percentage under 20). `source_line` and `caveat` are
    always drawn.
    """

    area_name: str
    area_type: str
    category_label: str
    window_label: str
    count: int
    previous_count: int | None
    change_text: str
    rate_text: str | None
    source_line: str
    caveat: str
    hashtag: str | None
    monthly: tuple[MonthlyPoint, ...]

    def __post_init__(self) -> None:
        for field in ("area_name", "category_label", "window_label", "source_line", "caveat"):
            if not str(getattr(self, field)).strip():
                raise ValueError(ERROR_EMPTY_FIELD.format(field=field))


def month_key(month: str) -> int:
    """Return a month as a running month number, e.g. month_key("2024-01") == 2024 * 12."""
    match = MONTH_PATTERN.match(month)
    if match is None:
        raise ValueError(ERROR_MONTH_FORMAT.format(month=month))
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_from_key(key: int) -> str:
    """Return the YYYY-MM text for a running month number, e.g. "2024-01"."""
    return f"{key // 12:04d}-{key % 12 + 1:02d}"


def months_filled(points: tuple[MonthlyPoint, ...] | list[MonthlyPoint]) -> list[MonthlyPoint]:
    """Return the points sorted, with any calendar month missing between them added as a gap."""
    by_key: dict[int, MonthlyPoint] = {}
    for point in points:
        key = month_key(point.month)
        if key in by_key:
            raise ValueError(ERROR_DUPLICATE_MONTH.format(month=point.month))
        by_key[key] = point
    if not by_key:
        return []
    first, last = min(by_key), max(by_key)
    return [
        by_key.get(key, MonthlyPoint(month_from_key(key), None)) for key in range(first, last + 1)
    ]
