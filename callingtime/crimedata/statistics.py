"""The methods behind an area crime profile: change, rates, rolling windows and concentration.

Pure functions over plain counts, standard library only, each returning a small frozen dataclass.
docs/methods.md states every formula with its source; hotspots (Getis-Ord Gi*) live in
`statistics_spatial`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

# |z| > 2 is "notable": z is about standard normal when the rate has not changed, so about 1 in
# 22 unchanged areas crosses it by chance (two-sided p ≈ 0.046).
NOTABLE_Z = 2.0
# A |z| > 2 change whose exact test gives p at or above this is only "possibly notable": on tiny
# counts the normal approximation overstates significance (4 → 0: z = −2.83, exact p = 0.125).
EXACT_ALPHA = 0.05
# Below 20 crimes a percentage swings wildly (2 → 3 is "+50%"), so no headline percentage.
MIN_COUNT_FOR_PERCENT = 20
RATE_PER = 1000
WINDOW_MONTHS = 12
# The "top 5% of places" takes ceil(5% of n) places, so small sets still have a top place.
TOP_PLACES_PERCENT = 5
# A binomial tail term this much smaller than the largest no longer changes the float sum.
_TAIL_EPSILON = 1e-18

NEGATIVE_COUNT = "{name} must be a count of zero or more, got {value!r}"
BAD_MONTH = "month {month!r} is not a YYYY-MM month"
MISSING_POPULATION_YEAR = "a rate needs the year of its population estimate (e.g. 'mid-2022')"

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def _check_count(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(NEGATIVE_COUNT.format(name=name, value=value))


# --- change between two 12-month totals ------------------------------------------------------


@dataclass(frozen=True)
class ChangeTest:
    """A 12-month total against the same 12 months a year earlier, with its significance."""

    current: int
    previous: int
    absolute: int
    # √2(√current − √previous) = 2(√current − √previous)/√2: about N(0, 1) when the rate has
    # not changed. Each 2√count has variance ≈ 1, so their difference has variance ≈ 2.
    z: float
    p_value: float  # two-sided, normal approximation to z
    notable: bool  # |z| > NOTABLE_Z
    exact_p_value: float  # conditional binomial test; trust this one on small counts
    percent: float | None  # None under MIN_COUNT_FOR_PERCENT or when previous is 0
    summary: str


def change_test(current: int, previous: int) -> ChangeTest:
    """Test a 12-month total against the previous 12 months as two Poisson counts.

    >>> result = change_test(400, 300)
    >>> result.absolute, round(result.z, 2), result.notable, result.summary
    (100, 3.79, True, 'up 100 (+33%), a notable change')
    >>> change_test(317, 283).summary
    'up 34 (+12%), no notable change'
    >>> change_test(0, 4).summary
    'down 4 (too few crimes for a percentage), possibly notable but too few crimes to be sure'
    """
    _check_count("current", current)
    _check_count("previous", previous)
    z = math.sqrt(2.0) * (math.sqrt(current) - math.sqrt(previous))
    notable = abs(z) > NOTABLE_Z
    percent = None
    if min(current, previous) >= MIN_COUNT_FOR_PERCENT:
        percent = 100.0 * (current - previous) / previous
    exact_p = binomial_half_two_sided_p(current, current + previous)
    return ChangeTest(
        current=current,
        previous=previous,
        absolute=current - previous,
        z=z,
        p_value=normal_two_sided_p(z),
        notable=notable,
        exact_p_value=exact_p,
        percent=percent,
        summary=_change_summary(current - previous, percent, notable, exact_p),
    )


def _change_summary(absolute: int, percent: float | None, notable: bool, exact_p: float) -> str:
    verdict = "no notable change"
    if notable:
        sure = exact_p < EXACT_ALPHA
        verdict = "a notable change" if sure else "possibly notable but too few crimes to be sure"
    if absolute == 0:
        return f"unchanged, {verdict}"
    direction = "up" if absolute > 0 else "down"
    share = _format_percent(percent) if percent is not None else "too few crimes for a percentage"
    return f"{direction} {abs(absolute)} ({share}), {verdict}"


def _format_percent(percent: float) -> str:
    # Half away from zero, as people round; under 1% keep one decimal so "+0%" never appears.
    places = 0 if abs(percent) >= 1 else 1
    scale = 10**places
    magnitude = math.floor(abs(percent) * scale + 0.5) / scale
    sign = "+" if percent > 0 else "−" if percent < 0 else ""
    return f"{sign}{magnitude:.{places}f}%"


def normal_two_sided_p(z: float) -> float:
    """Return the two-sided p-value of a standard normal statistic.

    >>> round(normal_two_sided_p(1.959964), 4)
    0.05
    """
    return math.erfc(abs(z) / math.sqrt(2.0))


def binomial_half_two_sided_p(successes: int, trials: int) -> float:
    """Return the two-sided exact p-value of `successes` out of `trials` at probability 1/2.

    Conditional on the total n = current + previous, current ~ Binomial(n, 1/2) when both
    periods share one Poisson rate; p = min(1, 2·min(P(X ≤ c), P(X ≥ c))).

    >>> round(binomial_half_two_sided_p(2, 12), 4)
    0.0386
    """
    _check_count("successes", successes)
    if successes > trials:
        raise ValueError(f"successes ({successes}) cannot exceed trials ({trials})")
    # The distribution is symmetric, so P(X ≥ c) = P(X ≤ n − c): only the lower tail is needed.
    k = min(successes, trials - successes)
    if 2 * k == trials:
        return 1.0
    return min(1.0, 2.0 * _binomial_half_lower_tail(k, trials))


def _binomial_half_lower_tail(k: int, n: int) -> float:
    # P(X ≤ k) for k < n/2: start at the largest term, pmf(k), and walk down with the exact
    # ratio pmf(j−1)/pmf(j) = j/(n−j+1). Terms shrink at least geometrically, so this needs
    # only O(√n) steps and never forms the huge binomial coefficients.
    log_term = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) - n * math.log(2)
    term = math.exp(log_term)
    terms = [term]
    j = k
    while j > 0 and term > _TAIL_EPSILON * terms[0]:
        term *= j / (n - j + 1)
        terms.append(term)
        j -= 1
    return math.fsum(terms)


# --- rates -----------------------------------------------------------------------------------


def rate_per_1000(count: int, population: int) -> float | None:
    """Return crimes per 1,000 residents, or None when the population is unknown or zero.

    >>> rate_per_1000(45, 1500)
    30.0
    """
    _check_count("count", count)
    if population <= 0:
        return None
    return RATE_PER * count / population


@dataclass(frozen=True)
class Rate:
    """A rate per 1,000 residents with the population estimate it rests on."""

    count: int
    population: int
    population_year: str  # e.g. "mid-2022": a rate is meaningless without it
    per_1000: float | None
    summary: str


def crime_rate(count: int, population: int, *, population_year: str) -> Rate:
    """Return crimes per 1,000 residents, labelled with the population year.

    >>> crime_rate(45, 1500, population_year="mid-2022").summary
    '30.0 per 1,000 residents (mid-2022 population)'
    """
    if not population_year.strip():
        raise ValueError(MISSING_POPULATION_YEAR)
    per_1000 = rate_per_1000(count, population)
    if per_1000 is None:
        summary = f"no rate: no {population_year} population for this area"
    else:
        summary = f"{per_1000:,.1f} per 1,000 residents ({population_year} population)"
    return Rate(count, population, population_year, per_1000, summary)


# --- rolling 12-month windows ----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Twelve consecutive months, their total, and the months with no data."""

    start: str
    end: str
    months: tuple[str, ...]
    total: int | None  # None when any month is missing: a gap is never a zero
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Windows:
    """The 12 months ending at a month and the same 12 months a year earlier."""

    current: Window
    previous: Window

    @property
    def complete(self) -> bool:
        """Whether both windows have every month, so the two totals can be compared."""
        return self.current.total is not None and self.previous.total is not None


def rolling_windows(monthly: Mapping[str, int | None], end: str) -> Windows:
    """Split monthly counts into the 12 months ending at `end` and the 12 months before.

    A month absent from `monthly` (or None) is missing, never zero; months outside the two
    windows are ignored.

    >>> counts = {f"2023-{m:02d}": 10 for m in range(1, 13)} | {"2022-12": 7}
    >>> windows = rolling_windows(counts, "2023-12")
    >>> windows.current.total, windows.previous.total, len(windows.previous.missing)
    (120, None, 11)
    """
    for month, count in monthly.items():
        _month_index(month)
        if count is not None:
            _check_count(f"the count for {month}", count)
    last = _month_index(end)
    current = _window(monthly, last)
    previous = _window(monthly, last - WINDOW_MONTHS)
    return Windows(current=current, previous=previous)


def _window(monthly: Mapping[str, int | None], last: int) -> Window:
    months = tuple(_month_label(i) for i in range(last - WINDOW_MONTHS + 1, last + 1))
    missing = tuple(month for month in months if monthly.get(month) is None)
    total = None
    if not missing:
        total = sum(monthly[month] or 0 for month in months)
    return Window(months[0], months[-1], months, total, missing)


def _month_index(month: str) -> int:
    match = _MONTH.fullmatch(month)
    if match is None:
        raise ValueError(BAD_MONTH.format(month=month))
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- concentration of crime over places ------------------------------------------------------


@dataclass(frozen=True)
class Concentration:
    """How concentrated crime is over a set of places (LSOAs, or "on or near" points)."""

    places: int  # n, including places with no crime
    crimes: int  # N
    top_places: int  # ceil(5% of n)
    top_5_percent_share: float | None  # share of crime in the top_places busiest places
    # (share of places, share of crime), busiest place first, from (0, 0) to (1, 1)
    lorenz: tuple[tuple[float, float], ...]
    gini: float | None  # ordinary Gini: 2 × area under `lorenz` − 1
    generalised_gini: float | None  # Bernasco & Steenbeek (2017) G'; equals gini when N ≥ n
    generalised_gini_corrected: float | None  # G' × m/(m − 1), m = min(n, N); 1 at the maximum
    equality_line_end: float | None  # min(N, n)/n: where the line of maximal equality reaches 1
    reason: str | None  # why the measures are None


def concentration(counts: Sequence[int]) -> Concentration:
    """Measure how concentrated crime is over places, one count per place (zeros included).

    >>> result = concentration([3, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    >>> result.top_places, result.top_5_percent_share, result.gini, result.generalised_gini
    (1, 0.6, 0.78, 0.56)
    """
    for count in counts:
        _check_count("a place's count", count)
    n = len(counts)
    total = sum(counts)
    top = -(-n * TOP_PLACES_PERCENT // 100)
    if n == 0 or total == 0:
        reason = "no places" if n == 0 else "no crimes in these places"
        return Concentration(n, total, top, None, (), None, None, None, None, reason)
    busiest_first = sorted(counts, reverse=True)
    running = 0
    lorenz = [(0.0, 0.0)]
    for i, count in enumerate(busiest_first, start=1):
        running += count
        lorenz.append((i / n, running / total))
    # S = Σ i·x_(i) over counts in ascending order, so that exactly (integer arithmetic):
    # G = (2S − (n+1)N)/(nN) and, for N < n, G' = 1 − (n/N)(1 − G) = (N² − (2n+1)N + 2S)/N².
    ascending_weighted = sum(i * x for i, x in enumerate(reversed(busiest_first), start=1))
    gini = Fraction(2 * ascending_weighted - (n + 1) * total, n * total)
    if total >= n:
        generalised = gini
    else:
        generalised = Fraction(
            total * total - (2 * n + 1) * total + 2 * ascending_weighted, total**2
        )
    m = min(n, total)
    corrected = float(generalised * Fraction(m, m - 1)) if m > 1 else None
    return Concentration(
        places=n,
        crimes=total,
        top_places=top,
        top_5_percent_share=sum(busiest_first[:top]) / total,
        lorenz=tuple(lorenz),
        gini=float(gini),
        generalised_gini=float(generalised),
        generalised_gini_corrected=corrected,
        equality_line_end=m / n,
        reason=None,
    )
