"""Change tests, rates, rolling windows and concentration, each against an independent computation.

The references are written here from the formulas with numpy, scipy and pandas, never by calling
the code under test.
"""

from __future__ import annotations

import doctest
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from callingtime.crimedata import statistics
from callingtime.crimedata.statistics import (
    BAD_MONTH,
    MIN_COUNT_FOR_PERCENT,
    MISSING_POPULATION_YEAR,
    binomial_half_two_sided_p,
    change_test,
    concentration,
    crime_rate,
    rate_per_1000,
    rolling_windows,
)

counts = st.integers(min_value=0, max_value=5_000)
big_counts = st.integers(min_value=0, max_value=400_000)


def test_statistics_doctests_pass() -> None:
    result = doctest.testmod(statistics)
    assert result.attempted > 0
    assert result.failed == 0


# --- change_test -----------------------------------------------------------------------------


# scipy's binomtest underflows to 0 below ~1e-300 where ours still has a value, so p-values are
# compared to 1e-200 absolute: far below any figure anyone would quote.
def reference_change(current: int, previous: int) -> tuple[float, float, float]:
    # Var(2√X) ≈ 1 for a Poisson count, so the difference of two independent ones has variance
    # ≈ 2 under equal rates and is standardised by √2.
    z = 2 * (np.sqrt(current) - np.sqrt(previous)) / np.sqrt(2)
    p = 2 * stats.norm.sf(abs(z))
    n = current + previous
    exact = 1.0 if n == 0 else stats.binomtest(current, n, 0.5).pvalue
    return float(z), float(p), float(exact)


@settings(max_examples=300)
@given(counts, counts)
def test_change_test_matches_scipy_on_small_and_medium_counts(current: int, previous: int) -> None:
    result = change_test(current, previous)
    z, p, exact = reference_change(current, previous)
    assert result.z == pytest.approx(z, rel=1e-12, abs=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-9, abs=1e-200)
    assert result.exact_p_value == pytest.approx(exact, rel=1e-9, abs=1e-200)
    assert result.absolute == current - previous
    assert result.notable == (abs(z) > 2)


@settings(max_examples=60, deadline=None)
@given(big_counts, big_counts)
def test_exact_p_value_matches_scipy_on_force_sized_counts(current: int, previous: int) -> None:
    _, _, exact = reference_change(current, previous)
    # lgamma on n ≈ 800,000 carries ~1e-9 relative error into the tail; ample for a p-value.
    assert change_test(current, previous).exact_p_value == pytest.approx(
        exact, rel=1e-7, abs=1e-300
    )


@pytest.mark.parametrize(
    ("current", "previous"),
    [(0, 0), (0, 1), (1, 0), (0, 40), (12, 0), (1, 1), (50, 50), (100_000, 99_000), (0, 4)],
)
def test_change_test_matches_scipy_on_edge_counts(current: int, previous: int) -> None:
    result = change_test(current, previous)
    z, p, exact = reference_change(current, previous)
    assert result.z == pytest.approx(z, abs=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-9, abs=1e-200)
    assert result.exact_p_value == pytest.approx(exact, rel=1e-9, abs=1e-200)


@given(counts, counts)
def test_change_test_is_antisymmetric(current: int, previous: int) -> None:
    forward, backward = change_test(current, previous), change_test(previous, current)
    assert forward.z == -backward.z
    assert forward.p_value == backward.p_value
    assert forward.exact_p_value == backward.exact_p_value
    assert forward.notable == backward.notable


@given(counts, counts)
def test_change_test_z_rises_with_current_and_falls_with_previous(
    current: int, previous: int
) -> None:
    result = change_test(current, previous)
    assert change_test(current + 1, previous).z > result.z
    assert change_test(current, previous + 1).z < result.z
    assert 0.0 <= result.p_value <= 1.0
    assert 0.0 <= result.exact_p_value <= 1.0


@given(counts, counts)
def test_percent_only_on_counts_of_twenty_or_more(current: int, previous: int) -> None:
    result = change_test(current, previous)
    if min(current, previous) < MIN_COUNT_FOR_PERCENT:
        assert result.percent is None
        assert "too few crimes for a percentage" in result.summary or current == previous
    else:
        assert result.percent == pytest.approx((current - previous) / previous * 100)


@pytest.mark.parametrize(
    ("current", "previous", "summary"),
    [
        (317, 283, "up 34 (+12%), no notable change"),
        (400, 300, "up 100 (+33%), a notable change"),
        (250, 300, "down 50 (−17%), a notable change"),
        (401, 400, "up 1 (+0.3%), no notable change"),
        (225, 200, "up 25 (+13%), no notable change"),  # 12.5% rounds half away from zero
        (120, 120, "unchanged, no notable change"),
        (0, 0, "unchanged, no notable change"),
        (5, 2, "up 3 (too few crimes for a percentage), no notable change"),
        (30, 0, "up 30 (too few crimes for a percentage), a notable change"),
        (3, 9, "down 6 (too few crimes for a percentage), no notable change"),
        (
            0,
            4,
            "down 4 (too few crimes for a percentage), "
            "possibly notable but too few crimes to be sure",
        ),
    ],
)
def test_change_summary_in_plain_english(current: int, previous: int, summary: str) -> None:
    assert change_test(current, previous).summary == summary


def test_small_counts_where_the_exact_test_disagrees() -> None:
    # 4 → 0 crosses |z| > 2 but the exact conditional test does not reach 5%.
    result = change_test(0, 4)
    assert result.notable
    assert result.exact_p_value == pytest.approx(stats.binomtest(0, 4, 0.5).pvalue)
    assert result.exact_p_value == pytest.approx(0.125)


@pytest.mark.parametrize("rate", [30, 300, 3_000])
def test_notable_changes_are_rare_when_the_rate_has_not_changed(rate: int) -> None:
    # Simulate both 12-month totals from one Poisson rate: about 4.6% should cross |z| > 2.
    # The unstandardised 2(√c − √p) > 2 would flag about 16% of unchanged areas.
    rng = np.random.default_rng(rate)
    pairs = rng.poisson(rate, size=(4_000, 2))
    notable = np.mean([change_test(int(c), int(p)).notable for c, p in pairs])
    assert 0.03 < notable < 0.065
    raw = np.mean(np.abs(2 * (np.sqrt(pairs[:, 0]) - np.sqrt(pairs[:, 1]))) > 2)
    assert raw > 0.13


@given(st.integers(200, 20_000), st.integers(200, 20_000))
def test_normal_and_exact_p_values_agree_on_large_counts(current: int, previous: int) -> None:
    result = change_test(current, previous)
    if result.exact_p_value > 0.01:
        assert result.p_value == pytest.approx(result.exact_p_value, rel=0.2)


def test_change_test_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="previous must be a count"):
        change_test(3, -1)
    with pytest.raises(ValueError, match="cannot exceed"):
        binomial_half_two_sided_p(5, 4)


# --- rates -----------------------------------------------------------------------------------


@given(counts, st.integers(min_value=1, max_value=10_000_000))
def test_rate_per_1000_matches_division(count: int, population: int) -> None:
    assert rate_per_1000(count, population) == pytest.approx(count / population * 1000)


def test_rate_without_population_is_none_and_says_so() -> None:
    assert rate_per_1000(10, 0) is None
    rate = crime_rate(10, 0, population_year="mid-2021")
    assert rate.per_1000 is None
    assert "mid-2021" in rate.summary


def test_rate_carries_its_population_year() -> None:
    rate = crime_rate(1_234, 15_000, population_year="mid-2022")
    assert rate.population_year == "mid-2022"
    assert rate.summary == "82.3 per 1,000 residents (mid-2022 population)"
    with pytest.raises(ValueError, match=MISSING_POPULATION_YEAR[:20]):
        crime_rate(1, 100, population_year=" ")


# --- rolling windows -------------------------------------------------------------------------


def reference_windows(monthly: dict[str, int], end: str) -> tuple[list[str], list[str]]:
    months = pd.period_range(end=pd.Period(end, freq="M"), periods=24, freq="M")
    labels = [str(month) for month in months]
    return labels[12:], labels[:12]


months_2019_2024 = [str(p) for p in pd.period_range("2019-01", "2024-12", freq="M")]


@given(
    st.dictionaries(st.sampled_from(months_2019_2024), st.integers(0, 500), max_size=72),
    st.sampled_from(months_2019_2024[23:]),
)
def test_rolling_windows_match_pandas_periods(monthly: dict[str, int], end: str) -> None:
    windows = rolling_windows(monthly, end)
    current, previous = reference_windows(monthly, end)
    for window, labels in ((windows.current, current), (windows.previous, previous)):
        assert list(window.months) == labels
        assert (window.start, window.end) == (labels[0], labels[-1])
        missing = [month for month in labels if month not in monthly]
        assert list(window.missing) == missing
        expected = None if missing else int(pd.Series(monthly)[labels].sum())
        assert window.total == expected
    assert windows.complete == (
        windows.current.total is not None and windows.previous.total is not None
    )


def test_rolling_windows_cross_a_year_and_treat_gaps_as_gaps() -> None:
    monthly: dict[str, int | None] = {
        str(p): 1 for p in pd.period_range("2021-03", "2023-02", freq="M")
    }
    windows = rolling_windows(monthly, "2023-02")
    assert windows.current.start == "2022-03"
    assert windows.previous.start == "2021-03"
    assert windows.previous.end == "2022-02"
    assert (windows.current.total, windows.previous.total) == (12, 12)
    monthly["2022-07"] = None  # Greater Manchester style: published nothing, not zero
    monthly["2021-05"] = 0  # a real zero stays a zero
    windows = rolling_windows(monthly, "2023-02")
    assert windows.current.total is None
    assert windows.current.missing == ("2022-07",)
    assert windows.previous.total == 11
    assert not windows.complete


@pytest.mark.parametrize("bad", ["2023-13", "2023-1", "23-01", "2023/01", "", "2023-01\n"])
def test_rolling_windows_refuse_bad_months(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a YYYY-MM month"):
        rolling_windows({}, bad)
    with pytest.raises(ValueError, match=BAD_MONTH.format(month=bad).replace("(", r"\(")[:8]):
        rolling_windows({bad: 1}, "2023-01")


# --- concentration ---------------------------------------------------------------------------


def reference_concentration(values: list[int]) -> dict[str, float]:
    x = np.asarray(values, dtype=float)
    n, total = len(x), x.sum()
    # Gini as the mean absolute difference over twice the mean (a different formula again).
    gini = np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean())
    shares = np.concatenate([[0.0], np.cumsum(np.sort(x)[::-1]) / total])
    places = np.linspace(0.0, 1.0, n + 1)
    # G' geometrically (descending Lorenz curve, so above the diagonal): the area between the
    # curve and the line of maximal equality given the data, which reaches 1 at m/n with
    # m = min(N, n), over the area above that line. Both areas by the trapezoid rule on a grid
    # holding every kink.
    m = min(total, n)
    fine = np.linspace(0.0, 1.0, 20 * n + 1)
    under_equality = np.trapezoid(np.minimum(fine * n / m, 1.0), fine)
    under_lorenz = np.trapezoid(np.interp(fine, places, shares), fine)
    generalised = (under_lorenz - under_equality) / (1 - under_equality)
    top = math.ceil(n * 5 / 100)
    return {
        "gini": float(gini),
        "lorenz_gini": float(2 * np.trapezoid(shares, places) - 1),
        "generalised": float(generalised),
        "top": float(pd.Series(values).nlargest(top).sum() / total),
        "top_places": top,
    }


place_counts = st.lists(st.integers(0, 60), min_size=1, max_size=120).filter(lambda v: sum(v) > 0)
sparse_counts = st.lists(st.integers(0, 2), min_size=2, max_size=150).filter(
    lambda v: 0 < sum(v) < len(v)
)


@settings(max_examples=200)
@given(st.one_of(place_counts, sparse_counts))
def test_concentration_matches_numpy(values: list[int]) -> None:
    result = concentration(values)
    reference = reference_concentration(values)
    assert result.gini == pytest.approx(reference["gini"], abs=1e-12)
    assert result.gini == pytest.approx(reference["lorenz_gini"], abs=1e-12)
    assert result.generalised_gini == pytest.approx(reference["generalised"], abs=1e-9)
    assert result.top_5_percent_share == pytest.approx(reference["top"], abs=1e-12)
    assert result.top_places == reference["top_places"]


@given(st.one_of(place_counts, sparse_counts))
def test_concentration_properties(values: list[int]) -> None:
    result = concentration(values)
    assert result.gini is not None and result.generalised_gini is not None
    assert result.lorenz[0] == (0.0, 0.0)
    assert result.lorenz[-1] == (1.0, 1.0)
    assert len(result.lorenz) == len(values) + 1
    shares = [share for _, share in result.lorenz]
    assert shares == sorted(shares)
    steps = np.diff(shares)
    assert np.all(steps[1:] <= steps[:-1] + 1e-12)  # busiest first: the curve is concave
    assert 0.0 <= result.gini <= 1.0
    assert 0.0 <= result.generalised_gini <= 1.0
    # Against the line of maximal equality the data allow, G' can only be lower than G.
    assert result.generalised_gini <= result.gini + 1e-12
    if result.crimes >= result.places:
        assert result.generalised_gini == result.gini
    if result.generalised_gini_corrected is not None:
        assert 0.0 <= result.generalised_gini_corrected <= 1.0 + 1e-12
    assert concentration(sorted(values)) == result  # order of places does not matter


@given(st.integers(2, 200), st.integers(1, 400))
def test_generalised_gini_reaches_one_when_all_crime_is_in_one_place(n: int, crimes: int) -> None:
    result = concentration([crimes] + [0] * (n - 1))
    m = min(n, crimes)
    assert result.gini == pytest.approx(1 - 1 / n)
    assert result.generalised_gini == pytest.approx(1 - 1 / m)
    if m > 1:
        assert result.generalised_gini_corrected == pytest.approx(1.0)


@given(st.integers(2, 200), st.data())
def test_generalised_gini_is_zero_when_crimes_are_as_spread_as_they_can_be(
    n: int, data: st.DataObject
) -> None:
    crimes = data.draw(st.integers(1, n))
    result = concentration([1] * crimes + [0] * (n - crimes))
    assert result.generalised_gini == pytest.approx(0.0, abs=1e-12)
    assert result.gini == pytest.approx(1 - crimes / n)
    assert result.equality_line_end == crimes / n


@pytest.mark.parametrize(
    ("values", "gini", "generalised"),
    [
        # The examples in the lorenzgini R package (Steenbeek & Bernasco), biased versions.
        ([10, 8, 2] + [0] * 7, 0.78, 0.78),
        ([5, 2, 1] + [0] * 7, 0.80, 0.75),
        ([10] + [0] * 9, 0.90, 0.90),
        ([10] + [0] * 99, 0.99, 0.90),
        ([3, 1, 1] + [0] * 7, 0.78, 0.56),
    ],
)
def test_concentration_matches_published_examples(
    values: list[int], gini: float, generalised: float
) -> None:
    result = concentration(values)
    assert result.gini == pytest.approx(gini)
    assert result.generalised_gini == pytest.approx(generalised)


def test_top_five_percent_takes_the_ceiling_of_places() -> None:
    assert concentration([1] * 19).top_places == 1
    assert concentration([1] * 20).top_places == 1
    assert concentration([1] * 21).top_places == 2
    assert concentration([1] * 100).top_places == 5
    assert concentration([1] * 101).top_places == 6


def test_concentration_edge_cases() -> None:
    nothing = concentration([])
    assert nothing.reason == "no places" and nothing.gini is None and nothing.lorenz == ()
    no_crime = concentration([0, 0, 0])
    assert no_crime.reason == "no crimes in these places" and no_crime.top_5_percent_share is None
    single = concentration([7])
    assert (single.gini, single.generalised_gini, single.top_5_percent_share) == (0.0, 0.0, 1.0)
    assert single.generalised_gini_corrected is None  # m/(m − 1) needs m ≥ 2
    with pytest.raises(ValueError, match="count of zero or more"):
        concentration([1, -1])


# --- real figures: West Yorkshire, July 2016 and July 2017 -----------------------------------


def west_yorkshire(shared_data: Path, year: int) -> pd.DataFrame:
    path = shared_data / "police" / "west_yorkshire" / f"{year}-07-west-yorkshire-street.csv.gz"
    return pd.read_csv(path, usecols=["Crime ID", "LSOA code", "Crime type"])


@pytest.mark.shared_data
@pytest.mark.parametrize("crime_type", ["Burglary", "Robbery"])
def test_concentration_over_west_yorkshire_lsoas_matches_pandas(
    shared_data: Path, crime_type: str
) -> None:
    frame = west_yorkshire(shared_data, 2017).dropna(subset=["LSOA code"])
    # Places: every LSOA with any street-level record that month, so zeros are real zeros.
    places = frame["LSOA code"].unique()
    per_lsoa = frame[frame["Crime type"] == crime_type].groupby("LSOA code").size()
    per_lsoa = per_lsoa.reindex(places, fill_value=0)
    result = concentration([int(v) for v in per_lsoa])

    n, total = len(per_lsoa), int(per_lsoa.sum())
    ordered = per_lsoa.sort_values(ascending=False).to_numpy()
    top = math.ceil(0.05 * n)
    lorenz_y = np.concatenate([[0], ordered.cumsum() / total])
    gini = 2 * np.trapezoid(lorenz_y, dx=1 / n) - 1
    generalised = 1 - max(1, n / total) * (1 - gini)  # lorenzgini: max(1, n/N)·(G − 1) + 1

    assert (result.places, result.crimes) == (n, total)
    assert result.top_places == top
    assert result.top_5_percent_share == pytest.approx(ordered[:top].sum() / total)
    assert result.gini == pytest.approx(gini, abs=1e-12)
    assert result.generalised_gini == pytest.approx(generalised, abs=1e-12)
    assert result.lorenz[-1] == (1.0, 1.0)
    if crime_type == "Burglary":
        assert total > 2_000 and total > n  # N ≥ n: G' is G
        assert result.generalised_gini == result.gini
    else:
        assert total < n  # robbery is sparse over LSOAs: G' corrects G downwards
        assert result.generalised_gini < result.gini


@pytest.mark.shared_data
def test_change_test_on_west_yorkshire_burglary_matches_scipy(shared_data: Path) -> None:
    # One July against the July before: a real pair of counts, not the 12-month method itself.
    before, after = (west_yorkshire(shared_data, year) for year in (2016, 2017))
    previous = int((before["Crime type"] == "Burglary").sum())
    current = int((after["Crime type"] == "Burglary").sum())
    result = change_test(current, previous)
    z, p, exact = reference_change(current, previous)
    assert current == 2_231
    assert result.z == pytest.approx(z)
    assert result.p_value == pytest.approx(p, rel=1e-9)
    assert result.exact_p_value == pytest.approx(exact, rel=1e-9, abs=1e-200)
    assert result.percent == pytest.approx((current - previous) / previous * 100)
