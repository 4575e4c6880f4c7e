"""Survey statistics against independent references, and the small-group rule against attack.

Intervals are checked against scipy and published values; suppression against a checker written
here that solves every row, column and total line for a single unknown, over and over, as
someone with the published table and a calculator would.
"""

from __future__ import annotations

import doctest
import json
import math
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import FrozenInstanceError
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from callingtime.surveys import _areas, _intervals, _shares, _summaries, _suppression, analysis
from callingtime.surveys.analysis import (
    COUNT_OUT_OF_RANGE,
    DUPLICATE_OPTION,
    MINIMUM_TOO_LOW,
    NEGATIVE_GROUP,
    NO_ANSWERS,
    NO_AREA_NAME,
    NO_OPTIONS,
    NOT_A_COLLECTION,
    NOT_A_NUMBER,
    NOT_A_SCALE_POINT,
    RANKED_TWICE,
    SCALE_OUT_OF_RANGE,
    SCALE_TOO_SHORT,
    SECONDARY_NOTE,
    SELF_SELECTED_CAVEAT,
    SMALL_GROUP_MIN,
    SMALL_GROUP_NOTE,
    UNKNOWN_OPTION,
    Z_95,
    Breakdown,
    CrossTab,
    Share,
    breakdown,
    choice_table,
    crosstab,
    multiple_choice_table,
    number_summary,
    ranking_summary,
    scale_summary,
    share_choosing_any,
    share_of,
    t_quantile,
    text_answers_visible,
    wilson_interval,
)

FEEL = ["Very safe", "Fairly safe", "Fairly unsafe", "Very unsafe"]


def scipy_wilson(count: int, n: int, level: float = 0.95) -> tuple[float, float]:
    interval = stats.binomtest(count, n).proportion_ci(confidence_level=level, method="wilson")
    return float(interval.low), float(interval.high)


# --- the published-table attacker -----------------------------------------------------------

Var = tuple[Any, ...]
Published = tuple[list[list[int | None]], list[int | None], list[int | None], int | None]


def recovered(values: dict[Var, int | None], lines: list[tuple[list[Var], Var]]) -> dict[Var, int]:
    """Return the hidden figures that repeated subtraction along the lines works out.

    A line is (entries, total) with sum(entries) == total. Whenever a line has exactly one
    unknown (an entry, or the total), solve it and go round again.
    """
    known = {var: value for var, value in values.items() if value is not None}
    progress = True
    while progress:
        progress = False
        for entries, total in lines:
            unknown = [entry for entry in entries if entry not in known]
            if total in known and len(unknown) == 1:
                known[unknown[0]] = known[total] - sum(known[e] for e in entries if e in known)
                progress = True
            elif total not in known and not unknown:
                known[total] = sum(known[e] for e in entries)
                progress = True
    return {var: known[var] for var, value in values.items() if value is None and var in known}


def table_lines(
    cells: Sequence[Sequence[int | None]],
    row_totals: Sequence[int | None],
    column_totals: Sequence[int | None],
    grand: int | None,
) -> tuple[dict[Var, int | None], list[tuple[list[Var], Var]]]:
    rows, columns = range(len(row_totals)), range(len(column_totals))
    values: dict[Var, int | None] = {("g",): grand}
    values.update({("r", i): row_totals[i] for i in rows})
    values.update({("k", j): column_totals[j] for j in columns})
    values.update({("c", i, j): cells[i][j] for i in rows for j in columns})
    lines = [([("c", i, j) for j in columns], ("r", i)) for i in rows]
    lines += [([("c", i, j) for i in rows], ("k", j)) for j in columns]
    lines.append(([("r", i) for i in rows], ("g",)))
    lines.append(([("k", j) for j in columns], ("g",)))
    return values, lines


def published_breakdown(result: Breakdown) -> Published:
    cells = [[share.count for share in row.shares] for row in result.areas]
    return (
        cells,
        [row.n for row in result.areas],
        [share.count for share in result.total.shares],
        result.total.n,
    )


def published_crosstab(result: CrossTab) -> Published:
    return (
        [[share.count for share in row] for row in result.cells],
        [share.count for share in result.row_totals],
        [share.count for share in result.column_totals],
        result.n,
    )


def assert_unrecoverable(
    cells: Sequence[Sequence[int | None]],
    row_totals: Sequence[int | None],
    column_totals: Sequence[int | None],
    grand: int | None,
    extra: Sequence[tuple[list[Var], Var, int]] = (),
) -> None:
    values, lines = table_lines(cells, row_totals, column_totals, grand)
    for entries, total, value in extra:
        values[total] = value
        lines.append((entries, total))
    assert recovered(values, lines) == {}


def assert_honest_table(
    true_cells: Sequence[Sequence[int]],
    cells: Sequence[Sequence[int | None]],
    row_totals: Sequence[int | None],
    column_totals: Sequence[int | None],
    grand: int | None,
) -> None:
    true_rows = [sum(row) for row in true_cells]
    true_columns = [sum(column) for column in zip(*true_cells, strict=True)]
    figures = [
        (cells[i][j], true_cells[i][j]) for i in range(len(cells)) for j in range(len(cells[i]))
    ]
    figures += list(zip(row_totals, true_rows, strict=True))
    figures += list(zip(column_totals, true_columns, strict=True))
    figures.append((grand, sum(true_rows)))
    for shown, true in figures:
        assert shown is None or (shown == true and shown >= SMALL_GROUP_MIN)
    lines = [(list(row), total) for row, total in zip(cells, row_totals, strict=True)]
    lines += [
        (list(column), total)
        for column, total in zip(zip(*cells, strict=True), column_totals, strict=True)
    ]
    lines += [(list(row_totals), grand), (list(column_totals), grand)]
    for entries, total in lines:
        if total is not None:
            assert sum(entry is None for entry in entries) != 1
    assert_unrecoverable(cells, row_totals, column_totals, grand)


def area_rows(
    counts: Sequence[Sequence[int]], options: Sequence[str]
) -> list[tuple[str, str | None]]:
    return [
        (f"W{i:02d}", options[j])
        for i, row in enumerate(counts)
        for j, count in enumerate(row)
        for _ in range(count)
    ]


# --- the library stays a plain library ---------------------------------------------------------


@pytest.mark.parametrize(
    "module", [analysis, _areas, _intervals, _shares, _summaries, _suppression]
)
def test_analysis_doctests_pass(module: Any) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_analysis_imports_no_django_scipy_or_other_apps() -> None:
    code = (
        "import sys, callingtime.surveys.analysis\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'scipy', 'numpy')"
        " or (m.startswith('callingtime.') and not m.startswith('callingtime.surveys'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_self_selected_caveat_is_plain_and_short() -> None:
    sentences = [s for s in re.split(r"(?<=\.)\s+", SELF_SELECTED_CAVEAT.strip()) if s]
    assert 1 <= len(sentences) <= 2
    assert "random sample" in SELF_SELECTED_CAVEAT


# --- Wilson intervals -------------------------------------------------------------------------

GRID = [
    (count, n)
    for n in (1, 2, 3, 5, 9, 10, 20, 29, 50, 100, 263, 1_000, 12_345, 1_000_000)
    for count in sorted({0, 1, 2, n // 3, n // 2, n - 2, n - 1, n})
    if 0 <= count <= n
]


@pytest.mark.parametrize(("count", "n"), GRID)
def test_wilson_interval_matches_scipy(count: int, n: int) -> None:
    low, high = wilson_interval(count, n)
    expected_low, expected_high = scipy_wilson(count, n)
    assert low == pytest.approx(expected_low, abs=1e-9)
    assert high == pytest.approx(expected_high, abs=1e-9)
    assert 0.0 <= low <= count / n <= high <= 1.0


def test_wilson_interval_is_not_the_continuity_corrected_or_wald_interval() -> None:
    corrected = stats.binomtest(15, 148).proportion_ci(method="wilsoncc")
    assert abs(wilson_interval(15, 148)[0] - corrected.low) > 1e-3
    # Wald would give 0..0 here; Wilson gives a real upper bound.
    assert wilson_interval(0, 20)[1] > 0.1


def test_wilson_interval_takes_another_z() -> None:
    z = float(stats.norm.ppf(0.995))
    low, high = wilson_interval(7, 40, z=z)
    assert (low, high) == pytest.approx(scipy_wilson(7, 40, level=0.99), abs=1e-9)
    assert pytest.approx(float(stats.norm.ppf(0.975)), abs=1e-15) == Z_95


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:857-872, method 3 (score, no correction)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe(count: int, n: int, low: float, high: float) -> None:
    result = wilson_interval(count, n)
    assert (round(result[0], 4), round(result[1], 4)) == (low, high)


@pytest.mark.parametrize(("count", "n"), [(0, 0), (-1, 10), (11, 10)])
def test_wilson_interval_refuses_impossible_counts(count: int, n: int) -> None:
    message = NO_ANSWERS.format(n=n) if n == 0 else COUNT_OUT_OF_RANGE.format(n=n, count=count)
    with pytest.raises(ValueError, match=re.escape(message)):
        wilson_interval(count, n)


# --- t quantiles and scale means -------------------------------------------------------------


@pytest.mark.parametrize("df", [*range(1, 60), 99, 250, 999, 1_000, 1_001, 5_000, 10**6])
def test_t_quantile_matches_scipy(df: int) -> None:
    for p in (0.975, 0.995, 0.9, 0.6, 0.025):
        assert t_quantile(p, df) == pytest.approx(float(stats.t.ppf(p, df)), abs=1e-9)


@pytest.mark.parametrize("n", range(10, 30))
def test_scale_mean_interval_matches_scipy_t_for_small_n(n: int) -> None:
    rng = np.random.default_rng(n)
    values = [int(v) for v in rng.integers(1, 6, size=n)]
    summary = scale_summary(values)
    sample = np.array(values, dtype=float)
    expected = stats.t.interval(0.95, n - 1, loc=sample.mean(), scale=stats.sem(sample))
    assert summary.n == n
    assert summary.mean == pytest.approx(sample.mean(), abs=1e-12)
    assert summary.median == float(np.median(sample))
    assert (summary.mean_low, summary.mean_high) == pytest.approx(expected, abs=1e-9)


def test_scale_mean_interval_approaches_the_normal_for_large_n() -> None:
    rng = np.random.default_rng(7)
    values = [int(v) for v in rng.integers(1, 6, size=20_000)]
    summary = scale_summary(values)
    sample = np.array(values, dtype=float)
    sem = stats.sem(sample)
    assert summary.mean_low is not None and summary.mean_high is not None
    half = (summary.mean_high - summary.mean_low) / 2
    assert half == pytest.approx(Z_95 * sem, rel=1e-3)
    assert half == pytest.approx(float(stats.t.ppf(0.975, 19_999)) * sem, rel=1e-9)


def test_scale_hides_none_or_three_points_and_a_short_scale_hides_its_mean() -> None:
    summary = scale_summary([1] * 30 + [2] * 20 + [3] * 15 + [4] * 25 + [5] * 4)
    counts = [share.count for share in summary.distribution]
    assert counts == [30, None, None, 25, None]
    assert summary.mean == pytest.approx((30 + 40 + 45 + 100 + 20) / 94)
    yes_no = scale_summary([0] * 12 + [1] * 3, low=0, high=1)
    assert yes_no.n == 15
    assert [share.count for share in yes_no.distribution] == [None, None]
    assert (yes_no.mean, yes_no.median, yes_no.mean_low) == (None, None, None)


@given(st.lists(st.integers(0, 40), min_size=3, max_size=7))
@settings(max_examples=200, deadline=None)
def test_scale_never_leaves_one_or_two_points_to_the_mean(counts: list[int]) -> None:
    values = [point for point, count in enumerate(counts, start=1) for _ in range(count)]
    summary = scale_summary(values, low=1, high=len(counts))
    hidden = [share.count is None for share in summary.distribution]
    if summary.suppressed:
        assert summary.n is None and summary.mean is None and all(hidden)
        assert sum(counts) < SMALL_GROUP_MIN
        return
    assert sum(hidden) == 0 or sum(hidden) >= 3
    for share, count in zip(summary.distribution, counts, strict=True):
        assert share.count is None or (share.count == count >= SMALL_GROUP_MIN)


def test_scale_refuses_values_off_the_scale() -> None:
    with pytest.raises(
        ValueError, match=re.escape(SCALE_OUT_OF_RANGE.format(value=6, low=1, high=5))
    ):
        scale_summary([1, 6])
    with pytest.raises(ValueError, match=re.escape(NOT_A_SCALE_POINT.format(value=2.5))):
        scale_summary([2.5])
    with pytest.raises(ValueError, match=re.escape(NOT_A_SCALE_POINT.format(value=True))):
        scale_summary([True])
    with pytest.raises(ValueError, match=re.escape(SCALE_TOO_SHORT.format(low=5, high=5))):
        scale_summary([5], low=5, high=5)


# --- single-question tables ----------------------------------------------------------------


def test_choice_table_groups_of_nine_and_ten() -> None:
    nine = choice_table(["Yes"] * 5 + ["No"] * 4 + [None] * 3, ["Yes", "No"])
    assert nine.suppressed and nine.n is None and nine.skipped is None
    assert all(
        share.suppressed and share.count is None and share.n is None for share in nine.shares
    )
    ten = choice_table(["Yes"] * 10 + [None] * 3, ["Yes"])
    assert (ten.n, ten.skipped, ten.shares[0].count, ten.shares[0].share) == (10, 3, 10, 1.0)
    # 10 Yes and 0 No: the 0 is a small cell, and 10 of 10 would give it away.
    unanimous = choice_table(["Yes"] * 10, ["Yes", "No"])
    assert unanimous.n == 10 and [share.count for share in unanimous.shares] == [None, None]


def test_choice_table_shares_and_intervals() -> None:
    answers = (
        ["Very safe"] * 12 + ["Fairly safe"] * 40 + ["Fairly unsafe"] * 31 + ["Very unsafe"] * 17
    )
    table = choice_table([*answers, None, None], FEEL)
    assert (table.n, table.skipped, table.multiple) == (100, 2, False)
    for share, count in zip(table.shares, (12, 40, 31, 17), strict=True):
        assert (share.count, share.n, share.share) == (count, 100, count / 100)
        assert (share.low, share.high) == pytest.approx(scipy_wilson(count, 100), abs=1e-12)
    assert table.share("Fairly unsafe").count == 31


def test_choice_table_secondary_suppression_hides_the_next_smallest() -> None:
    answers = (
        ["Very safe"] * 50 + ["Fairly safe"] * 12 + ["Fairly unsafe"] * 20 + ["Very unsafe"] * 3
    )
    table = choice_table(answers, FEEL)
    assert [share.count for share in table.shares] == [50, None, 20, None]
    assert [share.n for share in table.shares] == [85] * 4
    assert table.shares[1].share is None and table.shares[1].low is None


@given(st.lists(st.one_of(st.integers(0, 14), st.integers(0, 60)), min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_choice_table_never_shows_or_leaks_a_small_count(counts: list[int]) -> None:
    options = [f"option {j}" for j in range(len(counts))]
    answers = [options[j] for j, count in enumerate(counts) for _ in range(count)]
    table = choice_table(answers, options)
    shown = [share.count for share in table.shares]
    n = sum(counts)
    assert table.n == (n if n >= SMALL_GROUP_MIN else None)
    for count, true in zip(shown, counts, strict=True):
        assert count is None or (count == true and count >= SMALL_GROUP_MIN)
    if table.n is not None:
        assert sum(count is None for count in shown) != 1
    values: dict[Var, int | None] = {("n",): table.n}
    values.update({("c", j): count for j, count in enumerate(shown)})
    assert recovered(values, [([("c", j) for j in range(len(counts))], ("n",))]) == {}


def test_choice_table_refuses_bad_options_and_answers() -> None:
    with pytest.raises(ValueError, match=re.escape(NO_OPTIONS)):
        choice_table(["Yes"], [])
    with pytest.raises(ValueError, match=re.escape(DUPLICATE_OPTION.format(label="Yes"))):
        choice_table(["Yes"], ["Yes", "No", "Yes"])
    message = UNKNOWN_OPTION.format(label="Maybe", options="'Yes', 'No'")
    with pytest.raises(ValueError, match=re.escape(message)):
        choice_table(["Yes", "Maybe"], ["Yes", "No"])


def test_multiple_choice_shares_are_of_respondents() -> None:
    answers: list[set[str] | list[str] | None] = (
        [{"Speeding", "Litter"}] * 15 + [["Litter", "Litter"]] * 12 + [{"Speeding", "Drugs"}] * 10
    )
    answers += [set()] * 3 + [None] * 4
    table = multiple_choice_table(answers, ["Speeding", "Litter", "Drugs"])
    assert (table.n, table.skipped, table.multiple) == (40, 4, True)
    expected = {"Speeding": 25, "Litter": 27, "Drugs": 10}
    for option, count in expected.items():
        share = table.share(option)
        assert (share.count, share.n, share.share) == (count, 40, count / 40)
        assert (share.low, share.high) == pytest.approx(scipy_wilson(count, 40), abs=1e-12)
    assert sum(share.share or 0 for share in table.shares) > 1.0


def test_multiple_choice_hides_an_option_nearly_everyone_ticked() -> None:
    answers = [{"Speeding", "Litter"}] * 33 + [{"Litter"}] * 7
    table = multiple_choice_table(answers, ["Speeding", "Litter"])
    # 7 people did not tick Speeding, and n is shown: 33 would give the 7 away.
    assert table.share("Speeding").count is None
    assert table.share("Litter").count is None  # ticked by all 40, so 0 did not
    assert multiple_choice_table([{"Litter"}] * 9, ["Litter"]).n is None


def test_multiple_choice_refuses_a_bare_string() -> None:
    with pytest.raises(ValueError, match=re.escape(NOT_A_COLLECTION.format(answer="Litter"))):
        multiple_choice_table(["Litter"], ["Litter"])
    with pytest.raises(ValueError, match="'Noise'"):
        multiple_choice_table([{"Noise"}], ["Litter"])


def test_share_of_treats_the_rest_as_a_cell() -> None:
    share = share_of(12, 40)
    assert (share.count, share.n, share.share) == (12, 40, 0.3)
    assert (share.low, share.high) == pytest.approx(scipy_wilson(12, 40), abs=1e-12)
    assert share_of(9, 40).suppressed and share_of(9, 40).n == 40
    assert share_of(31, 40).suppressed  # the other 9 are a subtraction away
    assert share_of(5, 9) == Share(None, None, None, None, None, True)
    assert share_of(0, 0).n is None
    assert share_of(12, 40, minimum=20).suppressed
    with pytest.raises(ValueError, match=re.escape(MINIMUM_TOO_LOW.format(floor=10, minimum=5))):
        share_of(12, 40, minimum=5)
    with pytest.raises(ValueError, match=re.escape(COUNT_OUT_OF_RANGE.format(n=40, count=41))):
        share_of(41, 40)


def test_shares_are_frozen() -> None:
    share = share_of(12, 40)
    with pytest.raises(FrozenInstanceError):
        share.count = 0  # type: ignore[misc]


# --- numbers and rankings --------------------------------------------------------------------


def test_number_summary_against_numpy() -> None:
    values = [3.5, 7, 1, 12, 0, 4.25, 9, 2, 30, 5, 6.5, 8]
    summary = number_summary([*values, None])
    sample = np.array(values, dtype=float)
    assert (summary.n, summary.skipped) == (12, 1)
    assert summary.mean == pytest.approx(sample.mean())
    assert summary.median == pytest.approx(np.median(sample))
    assert summary.lower_quartile == pytest.approx(np.percentile(sample, 25))
    assert summary.upper_quartile == pytest.approx(np.percentile(sample, 75))
    assert (summary.minimum, summary.maximum) == (0.0, 30.0)


def test_number_summary_groups_of_nine_and_ten() -> None:
    nine = number_summary(list(range(9)))
    assert nine.suppressed and nine.n is None and nine.minimum is None and nine.mean is None
    ten = number_summary(list(range(10)))
    assert (ten.n, ten.minimum, ten.maximum) == (10, 0.0, 9.0)


@pytest.mark.parametrize("value", [math.nan, math.inf, "3", True])
def test_number_summary_refuses_non_numbers(value: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(NOT_A_NUMBER.format(value=value))):
        number_summary([1.0, value])


def test_ranking_borda_order_matches_a_hand_count() -> None:
    # Three items, m = 3: first scores 3, second 2, third 1, unranked 0.
    rankings: list[list[str] | None] = (
        [["A", "B", "C"]] * 18 + [["B", "C", "A"]] * 15 + [["C", "B"]] * 12 + [None, []]
    )
    summary = ranking_summary(rankings, ["A", "B", "C"])
    assert (summary.n, summary.skipped) == (45, 2)
    # A: 18·3 + 15·1 = 69; B: 18·2 + 15·3 + 12·2 = 105; C: 18·1 + 15·2 + 12·3 = 84.
    assert [(item.item, item.borda) for item in summary.items] == [("B", 105), ("C", 84), ("A", 69)]
    by_item = {item.item: item for item in summary.items}
    assert by_item["A"].ranked_by == 33 and by_item["A"].mean_rank == pytest.approx(63 / 33)
    assert by_item["B"].mean_rank == pytest.approx(75 / 45)
    assert by_item["C"].mean_rank == pytest.approx(96 / 45)
    for item, first in (("A", 18), ("B", 15), ("C", 12)):
        share = by_item[item].first
        assert (share.count, share.n) == (first, 45)
        assert (share.low, share.high) == pytest.approx(scipy_wilson(first, 45), abs=1e-12)


def test_ranking_small_groups_keep_question_order_and_hide_first_places() -> None:
    small = ranking_summary([["B", "A"]] * 9, ["A", "B"])
    assert small.suppressed and small.n is None
    assert [item.item for item in small.items] == ["A", "B"]
    assert all(item.borda is None and item.first.count is None for item in small.items)
    rankings = [["A", "B"]] * 30 + [["B"]] * 4
    summary = ranking_summary(rankings, ["A", "B"])
    first = {item.item: item.first.count for item in summary.items}
    assert first == {"A": None, "B": None}  # 4 first places for B, and A's 30 would give them away
    by_item = {item.item: item for item in summary.items}
    assert by_item["A"].ranked_by == 30 and by_item["B"].ranked_by == 34


def test_ranking_refuses_repeats_and_unknown_items() -> None:
    with pytest.raises(ValueError, match=re.escape(RANKED_TWICE.format(item="A"))):
        ranking_summary([["A", "B", "A"]], ["A", "B"])
    with pytest.raises(ValueError, match="'Z'"):
        ranking_summary([["A", "Z"]], ["A", "B"])
    with pytest.raises(ValueError, match=re.escape(NOT_A_COLLECTION.format(answer="AB"))):
        ranking_summary(["AB"], ["A", "B"])


def test_text_answers_need_a_group_of_ten() -> None:
    assert (text_answers_visible(9), text_answers_visible(10), text_answers_visible(0)) == (
        False,
        True,
        False,
    )
    with pytest.raises(ValueError, match=re.escape(NEGATIVE_GROUP.format(size=-1))):
        text_answers_visible(-1)


# --- breakdowns by area -------------------------------------------------------------------------


def test_breakdown_one_area_of_nine_hides_the_next_smallest_area() -> None:
    counts = [[10, 10], [9, 0], [12, 11]]
    result = breakdown(area_rows(counts, ["Yes", "No"]), ["Yes", "No"], area_names={"W00": "Abbey"})
    abbey, nine, last = result.areas
    assert (nine.code, nine.n, nine.suppressed, nine.note) == ("W01", None, True, SMALL_GROUP_NOTE)
    assert all(share.count is None and share.n is None for share in nine.shares)
    # With only W01 small, its n would be 52 - 20 - 23: so the smallest other area goes too,
    # marked as hidden for that reason and not as small.
    assert (abbey.name, abbey.n, abbey.note) == ("Abbey", None, SECONDARY_NOTE)
    assert (last.n, [share.count for share in last.shares]) == (23, [12, 11])
    assert result.total.n == 52
    assert [share.count for share in result.total.shares] == [31, 21]
    assert_honest_table(counts, *published_breakdown(result))


def test_hide_table_hides_every_cell_of_a_hidden_row() -> None:
    pattern = _suppression.hide_table([[10, 10], [9, 0], [12, 11]], SMALL_GROUP_MIN)
    assert (pattern.rows, pattern.columns, pattern.everything) == ({0, 1}, set(), False)
    assert pattern.cells == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_breakdown_lists_named_areas_with_no_answers_as_small() -> None:
    counts = [[10, 10], [9, 0], [12, 11]]
    rows = area_rows(counts, ["Yes", "No"])
    result = breakdown(rows, ["Yes", "No"], area_names={"W00": "Abbey", "W09": "Quiet"})
    assert [row.code for row in result.areas] == ["W00", "W09", "W01", "W02"]
    assert [row.name for row in result.areas] == ["Abbey", "Quiet", "W01", "W02"]
    quiet = result.area("W09")
    assert (quiet.n, quiet.suppressed, quiet.note) == (None, True, SMALL_GROUP_NOTE)
    # Two small areas now share the difference, so Abbey (10 and 10) is shown.
    abbey = result.area("W00")
    assert (abbey.n, [share.count for share in abbey.shares]) == (20, [10, 10])
    assert_honest_table([[10, 10], [0, 0], [9, 0], [12, 11]], *published_breakdown(result))


def test_breakdown_whole_table_hidden_under_ten() -> None:
    result = breakdown([*area_rows([[4, 5]], ["Yes", "No"]), ("W00", None)], ["Yes", "No"])
    assert result.suppressed and result.total.n is None and result.skipped is None
    assert result.areas[0].n is None


def test_breakdown_names_the_area_not_known() -> None:
    rows = [("", "Yes")] * 12 + [("W1", "Yes")] * 15
    result = breakdown(rows, ["Yes"])
    assert [(row.name, row.n) for row in result.areas] == [(NO_AREA_NAME, 12), ("W1", 15)]


def test_breakdown_cells_of_nine_are_hidden_with_secondary_cells() -> None:
    counts = [[30, 12, 9], [25, 40, 11], [14, 20, 33]]
    result = breakdown(area_rows(counts, FEEL[:3]), FEEL[:3])
    # By hand: 9 hides 12 (its row) and 11 (its column); 12 hides 20; 11 hides 25; 20 and 25
    # hide 14. Only the diagonal is left.
    assert [[share.count for share in row.shares] for row in result.areas] == [
        [30, None, None],
        [None, 40, None],
        [None, None, 33],
    ]
    assert [row.n for row in result.areas] == [51, 76, 67]
    assert [share.n for share in result.areas[0].shares] == [51, 51, 51]
    assert result.areas[1].shares[1].share == pytest.approx(40 / 76)
    assert_honest_table(counts, *published_breakdown(result))


table_counts = st.integers(1, 5).flatmap(
    lambda n_rows: st.integers(1, 5).flatmap(
        lambda n_columns: st.lists(
            st.lists(
                st.one_of(st.integers(0, 14), st.integers(0, 60)),
                min_size=n_columns,
                max_size=n_columns,
            ),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
)


@given(table_counts)
@settings(max_examples=300, deadline=None)
def test_breakdown_never_shows_or_leaks_a_small_count(counts: list[list[int]]) -> None:
    options = [f"option {j}" for j in range(len(counts[0]))]
    result = breakdown(area_rows(counts, options), options)
    # Areas with no answers at all never appear unless named, so keep the true table aligned.
    kept = [row for row in counts if sum(row)]
    assert len(result.areas) == len(kept)
    if not kept:
        assert result.suppressed and result.total.n is None
        return
    assert_honest_table(kept, *published_breakdown(result))
    for row in result.areas:
        assert row.suppressed == (row.n is None)
        for share in row.shares:
            assert (share.count is None) == share.suppressed == (share.share is None)
            if share.count is not None and row.n is not None:
                assert share.share == share.count / row.n


@given(table_counts)
@settings(max_examples=200, deadline=None)
def test_breakdown_total_row_is_the_whole_survey_choice_table(counts: list[list[int]]) -> None:
    options = [f"option {j}" for j in range(len(counts[0]))]
    rows = area_rows(counts, options)
    result = breakdown(rows, options)
    whole = choice_table([answer for _, answer in rows], options)
    assert result.total.n == whole.n
    assert list(result.total.shares) == list(whole.shares)


@given(table_counts, st.data())
@settings(max_examples=200, deadline=None)
def test_share_choosing_any_adds_nothing_an_attacker_can_use(
    counts: list[list[int]], data: st.DataObject
) -> None:
    options = [f"option {j}" for j in range(len(counts[0]))]
    chosen = data.draw(st.sets(st.sampled_from(options), min_size=1))
    picked = sorted(options.index(option) for option in chosen)
    rows = area_rows(counts, options)
    result = breakdown(rows, options)
    shares = share_choosing_any(rows, options, chosen)
    kept = [row for row in counts if sum(row)]
    extra: list[tuple[list[Var], Var, int]] = []
    for i, (area, true) in enumerate(zip(shares.areas, kept, strict=True)):
        share = area.share
        if share.count is not None:
            assert share.count == sum(true[j] for j in picked) >= SMALL_GROUP_MIN
            assert share.n == sum(true)
            extra.append(([("c", i, j) for j in picked], ("s", i), share.count))
    if shares.total.share.count is not None:
        extra.append(([("k", j) for j in picked], ("s", "total"), shares.total.share.count))
    if kept:
        assert_unrecoverable(*published_breakdown(result), extra=extra)


def test_share_choosing_any_shows_only_sums_the_table_implies() -> None:
    rows = [("A", "Very safe")] * 30 + [("A", "Fairly safe")] * 14
    rows += [("A", "Fairly unsafe")] * 6 + [("A", "Very unsafe")] * 5
    rows += [("B", "Very safe")] * 20 + [("B", "Fairly safe")] * 20
    rows += [("B", "Fairly unsafe")] * 15 + [("B", "Very unsafe")] * 12
    unsafe = share_choosing_any(rows, FEEL, {"Very unsafe", "Fairly unsafe"})
    assert unsafe.chosen == ("Fairly unsafe", "Very unsafe")
    area_a, area_b = unsafe.areas
    assert (area_a.share.count, area_a.share.n) == (11, 55)
    assert (area_a.share.low, area_a.share.high) == pytest.approx(scipy_wilson(11, 55), abs=1e-12)
    assert (area_b.share.count, area_b.share.n) == (27, 67)
    assert (unsafe.total.share.count, unsafe.total.share.n) == (38, 122)
    # Fairly safe or fairly unsafe would split A's two hidden cells (6 and 5).
    split = share_choosing_any(rows, FEEL, {"Fairly safe", "Fairly unsafe"})
    assert split.areas[0].share.suppressed and split.areas[0].share.n == 55
    assert split.areas[1].share.suppressed  # B's secondary cells are 15 and 12
    assert split.total.share.count == 34 + 21


# --- cross-tabulations --------------------------------------------------------------------------


def test_crosstab_counts_shares_totals_and_exclusions() -> None:
    pairs: list[tuple[str | None, str | None]] = []
    for row, column, count in [
        ("Day", "Safe", 40),
        ("Day", "Unsafe", 12),
        ("Night", "Safe", 15),
        ("Night", "Unsafe", 25),
    ]:
        pairs += [(row, column)] * count
    pairs += [("Night", None), (None, "Safe"), (None, None)]
    table = crosstab(pairs, ["Day", "Night"], ["Safe", "Unsafe"])
    assert (table.n, table.excluded, table.suppressed) == (92, 3, False)
    cell = table.cell("Day", "Unsafe")
    assert (cell.count, cell.n, cell.share) == (12, 52, 12 / 52)
    assert (cell.low, cell.high) == pytest.approx(scipy_wilson(12, 52), abs=1e-12)
    assert [share.count for share in table.row_totals] == [52, 40]
    assert [share.count for share in table.column_totals] == [55, 37]
    assert table.column_totals[1].share == pytest.approx(37 / 92)


def test_crosstab_cell_of_nine_is_hidden_and_unrecoverable() -> None:
    counts = [[40, 12, 30], [9, 25, 18], [22, 14, 50]]
    rows, columns = ["R0", "R1", "R2"], ["C0", "C1", "C2"]
    pairs = [(rows[i], columns[j]) for i in range(3) for j in range(3) for _ in range(counts[i][j])]
    table = crosstab(pairs, rows, columns)
    assert table.cell("R1", "C0").count is None
    assert table.cell("R1", "C0").n == 52  # the row total is still shown
    shown = [[share.count for share in row] for row in table.cells]
    assert sum(count is None for count in shown[1]) >= 2
    assert sum(row[0] is None for row in shown) >= 2
    assert_honest_table(counts, *published_crosstab(table))


def test_crosstab_unknown_labels_are_named() -> None:
    with pytest.raises(ValueError, match="'Dusk'"):
        crosstab([("Dusk", "Safe")], ["Day", "Night"], ["Safe"])
    with pytest.raises(ValueError, match="'Fine'"):
        crosstab([("Day", "Fine")], ["Day", "Night"], ["Safe"])


@given(table_counts)
@settings(max_examples=300, deadline=None)
def test_crosstab_never_shows_or_leaks_a_small_count(counts: list[list[int]]) -> None:
    rows = [f"row {i}" for i in range(len(counts))]
    columns = [f"column {j}" for j in range(len(counts[0]))]
    pairs = [
        (rows[i], columns[j])
        for i, row in enumerate(counts)
        for j, count in enumerate(row)
        for _ in range(count)
    ]
    table = crosstab(pairs, rows, columns)
    assert_honest_table(counts, *published_crosstab(table))
    for i, row in enumerate(table.cells):
        for share in row:
            assert (share.count is None) == share.suppressed
            assert share.n == table.row_totals[i].count
    if table.suppressed:
        assert table.n is None and table.excluded is None


# --- exports ------------------------------------------------------------------------------------


def test_exports_carry_exactly_the_suppressed_numbers() -> None:
    counts = [[30, 12, 9], [25, 40, 11], [14, 20, 33]]
    result = breakdown(area_rows(counts, FEEL[:3]), FEEL[:3], area_names={"W00": "Abbey"})
    exported = json.loads(json.dumps(result.as_dict()))
    assert exported["areas"][0]["name"] == "Abbey"
    first = exported["areas"][0]["options"]
    assert [(o["option"], o["count"], o["suppressed"]) for o in first] == [
        ("Very safe", 30, False),
        ("Fairly safe", None, True),
        ("Fairly unsafe", None, True),
    ]
    assert first[1]["share"] is None and first[1]["low"] is None and first[1]["n"] == 51
    assert exported["total"]["n"] == 194
    table = choice_table(["Yes"] * 9, ["Yes", "No"])
    assert json.loads(json.dumps(table.as_dict()))["n"] is None
    for summary in (
        scale_summary([1, 2, 3, 4, 5] * 4),
        number_summary(list(range(20))),
        ranking_summary([["A", "B"]] * 12, ["A", "B"]),
        crosstab([("a", "b")] * 12, ["a"], ["b"]),
        multiple_choice_table([{"x"}] * 12, ["x"]),
        share_choosing_any([("W", "x")] * 12, ["x"], ["x"]),
    ):
        json.dumps(summary.as_dict())
