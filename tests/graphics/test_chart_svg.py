from __future__ import annotations

import re
from itertools import pairwise

import pytest

from callingtime.graphics import _palette as palette
from callingtime.graphics._chart import LEGEND_NOT_LOADED, nice_ticks
from callingtime.graphics.chart_svg import monthly_chart_svg
from callingtime.graphics.models import MonthlyPoint
from tests.graphics.examples import islington_north_burglary, months_from
from tests.graphics.svgparse import SVG, drawn_texts, parse_svg, rects

POINTS = islington_north_burglary().monthly


def test_chart_is_well_formed_with_title_and_desc() -> None:
    root = parse_svg(monthly_chart_svg(POINTS, title="Burglary by month"))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Burglary by month"
    assert desc is not None and desc.text is not None
    assert "Highest 140 in Oct 2024" in desc.text
    total = sum(p.count or 0 for p in POINTS)
    assert f"Total {total:,} over 23 loaded months" in desc.text
    assert "Not loaded (a gap, not zero): Jul 2023" in desc.text
    labelled_by = (root.get("aria-labelledby") or "").split()
    assert labelled_by == [title.get("id"), desc.get("id")]


def test_chart_scales_with_viewbox() -> None:
    root = parse_svg(monthly_chart_svg(POINTS, title="t", width=480, height=240))
    assert root.get("viewBox") == "0 0 480 240"
    assert root.get("width") == "100%"
    assert root.get("height") is None


def test_chart_has_no_script_style_or_external_reference() -> None:
    svg = monthly_chart_svg(POINTS, title="t")
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    assert "href" not in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_chart_escapes_text() -> None:
    title = "Burglary in Bethnal Green & Stepney <ward> 'o'"
    svg = monthly_chart_svg(POINTS, title=title)
    assert "& Stepney" not in svg and "<ward>" not in svg
    root = parse_svg(svg)
    assert root.find(f"{SVG}title").text == title  # type: ignore[union-attr]


def test_gap_month_gets_a_marker_and_no_bar() -> None:
    root = parse_svg(monthly_chart_svg(POINTS, title="t"))
    gaps = rects(root, "ct-gap")
    bars = rects(root, "ct-bar")
    assert [gap.get("data-month") for gap in gaps] == ["2023-07"]
    assert "2023-07" not in {bar.get("data-month") for bar in bars}
    assert len(bars) == 23
    assert float(gaps[0].get("height", "0")) > 0
    assert any(t.content == LEGEND_NOT_LOADED for t in drawn_texts(root))


def test_month_missing_from_the_input_is_drawn_as_a_gap() -> None:
    points = [MonthlyPoint("2024-01", 5), MonthlyPoint("2024-03", 7)]
    root = parse_svg(monthly_chart_svg(points, title="t"))
    assert [gap.get("data-month") for gap in rects(root, "ct-gap")] == ["2024-02"]


def test_no_gap_legend_without_gaps() -> None:
    points = [MonthlyPoint(month, 10) for month in months_from(2024, 1, 6)]
    root = parse_svg(monthly_chart_svg(points, title="t"))
    assert not rects(root, "ct-gap")
    assert all(t.content != LEGEND_NOT_LOADED for t in drawn_texts(root))


def test_bar_heights_are_proportional_to_counts() -> None:
    root = parse_svg(monthly_chart_svg(POINTS, title="t"))
    bars = rects(root, "ct-bar")
    per_unit = {float(bar.get("height", "0")) / int(bar.get("data-count", "1")) for bar in bars}
    assert max(per_unit) - min(per_unit) < 0.01
    expected = {p.month: p.count for p in POINTS if p.count is not None}
    assert {bar.get("data-month"): int(bar.get("data-count", "-1")) for bar in bars} == expected
    bottoms = {round(float(bar.get("y", "0")) + float(bar.get("height", "0")), 1) for bar in bars}
    assert len(bottoms) == 1


def test_zero_count_is_a_zero_height_bar_not_a_gap() -> None:
    points = [MonthlyPoint("2024-01", 0), MonthlyPoint("2024-02", 4)]
    root = parse_svg(monthly_chart_svg(points, title="t"))
    bars = rects(root, "ct-bar")
    assert float(bars[0].get("height", "-1")) == 0
    assert [zero.get("data-month") for zero in rects(root, "ct-zero")] == ["2024-01"]
    assert not rects(root, "ct-gap")


def test_latest_twelve_months_are_highlighted() -> None:
    root = parse_svg(monthly_chart_svg(POINTS, title="t"))
    fills = {bar.get("data-month"): bar.get("fill") for bar in rects(root, "ct-bar")}
    assert fills["2023-11"] == palette.PREVIOUS_BAR
    assert fills["2023-12"] == palette.ACCENT
    legend = [t.content for t in drawn_texts(root)]
    assert "Dec 2023 – Nov 2024" in legend and "Dec 2022 – Nov 2023" in legend


def test_highlight_from_moves_the_split() -> None:
    root = parse_svg(monthly_chart_svg(POINTS, title="t", highlight_from="2024-06"))
    fills = {bar.get("data-month"): bar.get("fill") for bar in rects(root, "ct-bar")}
    assert fills["2024-05"] == palette.PREVIOUS_BAR and fills["2024-06"] == palette.ACCENT


def test_month_labels_are_thinned_so_they_do_not_overlap() -> None:
    points = [MonthlyPoint(month, 100) for month in months_from(2019, 1, 72)]
    root = parse_svg(monthly_chart_svg(points, title="t", width=480))
    months = [t for t in drawn_texts(root) if re.fullmatch(r"[A-Z][a-z]{2}", t.content)]
    months.sort(key=lambda t: t.left)
    assert 3 <= len(months) < 72
    assert all(a.right < b.left for a, b in pairwise(months))


def test_all_text_stays_inside_the_chart() -> None:
    root = parse_svg(
        monthly_chart_svg(
            POINTS, title="Burglary in " + "Hornsey and Friern Barnet " * 4, width=480
        )
    )
    for text in drawn_texts(root):
        assert text.left >= 0 and text.right <= 480, text


def test_two_charts_on_one_page_have_distinct_ids() -> None:
    first = parse_svg(monthly_chart_svg(POINTS, title="a"))
    second = parse_svg(monthly_chart_svg(POINTS[:12], title="b"))
    ids = lambda root: {el.get("id") for el in root.iter() if el.get("id")}  # noqa: E731
    assert not ids(first) & ids(second)


def test_chart_with_no_points_says_so() -> None:
    root = parse_svg(monthly_chart_svg([], title="t"))
    assert "No months loaded" in [t.content for t in drawn_texts(root)]
    assert not rects(root, "ct-bar")


@pytest.mark.parametrize(
    ("max_value", "expected"),
    [(140, [0, 50, 100, 150]), (9, [0, 5, 10]), (0, [0, 1]), (1234, [0, 500, 1000, 1500])],
)
def test_nice_ticks(max_value: int, expected: list[int]) -> None:
    assert nice_ticks(max_value) == expected
