from __future__ import annotations

import pytest

from callingtime.graphics.models import (
    ERROR_DUPLICATE_MONTH,
    ERROR_MONTH_FORMAT,
    MonthlyPoint,
    month_from_key,
    month_key,
    months_filled,
)
from tests.graphics.examples import islington_north_burglary


def test_monthly_point_rejects_bad_month() -> None:
    with pytest.raises(ValueError, match="YYYY-MM") as error:
        MonthlyPoint("2024-13", 5)
    assert str(error.value) == ERROR_MONTH_FORMAT.format(month="2024-13")


def test_monthly_point_rejects_negative_count() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        MonthlyPoint("2024-01", -1)


def test_monthly_point_none_is_a_gap_and_zero_is_not() -> None:
    assert MonthlyPoint("2024-01", None).is_gap
    assert not MonthlyPoint("2024-01", 0).is_gap


def test_month_key_round_trips() -> None:
    assert month_from_key(month_key("2023-12") + 1) == "2024-01"


def test_months_filled_sorts_and_adds_missing_months_as_gaps() -> None:
    points = [MonthlyPoint("2024-03", 4), MonthlyPoint("2024-01", 2)]
    assert months_filled(points) == [
        MonthlyPoint("2024-01", 2),
        MonthlyPoint("2024-02", None),
        MonthlyPoint("2024-03", 4),
    ]


def test_months_filled_rejects_duplicate_month() -> None:
    with pytest.raises(ValueError) as error:
        months_filled([MonthlyPoint("2024-01", 2), MonthlyPoint("2024-01", 3)])
    assert str(error.value) == ERROR_DUPLICATE_MONTH.format(month="2024-01")


def test_headline_figures_require_source_line() -> None:
    with pytest.raises(ValueError, match="source_line"):
        islington_north_burglary(source_line="  ")
