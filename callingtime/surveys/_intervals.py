"""The 95% intervals behind survey results: Wilson score for shares, Student's t for means.

Standard library only. The t quantile is computed here rather than read from a table or
approximated by the normal, so a mean over 12 answers gets the interval it should (t = 2.201,
not 1.960): up to 1000 degrees of freedom by bisection on the t distribution function (the
regularised incomplete beta function by its continued fraction), beyond that by the
Cornish-Fisher expansion (Abramowitz and Stegun 26.7.5), exact there to about 1e-13.
"""

from __future__ import annotations

import math
from statistics import NormalDist

# The 0.975 quantile of the standard normal: a two-sided 95% interval.
Z_95 = 1.959963984540054

NO_ANSWERS = "a share needs at least one answer, but n is {n}"
COUNT_OUT_OF_RANGE = "a count must be between 0 and n ({n}), got {count}"
BAD_DEGREES = "a t quantile needs at least one degree of freedom, got {df}"
BAD_PROBABILITY = "a quantile needs a probability strictly between 0 and 1, got {p}"

_CF_EPSILON = 1e-16
_CF_MAX_TERMS = 10_000
_BISECTION_STEPS = 200
# Past this the incomplete beta loses digits in lgamma(df/2) while the expansion gains them.
_EXPANSION_FROM_DF = 1000


def wilson_interval(count: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Return the Wilson score interval for count successes out of n, as proportions.

    No continuity correction (Newcombe 1998, method 3). Unlike the Wald interval it never
    leaves 0..1 and does not collapse to a point at 0 or n.

    >>> low, high = wilson_interval(81, 263)
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    >>> wilson_interval(0, 20)[0]
    0.0
    """
    if n < 1:
        raise ValueError(NO_ANSWERS.format(n=n))
    if not 0 <= count <= n:
        raise ValueError(COUNT_OUT_OF_RANGE.format(n=n, count=count))
    p = count / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = (z / denominator) * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n))
    # At 0 and n the exact bound is 0 or 1; rounding would otherwise leave ±1e-17.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return low, high


def t_quantile(p: float, df: int) -> float:
    """Return the p quantile of Student's t distribution with df degrees of freedom.

    >>> round(t_quantile(0.975, 11), 4)
    2.201
    >>> round(t_quantile(0.975, 1), 3)
    12.706
    """
    if df < 1:
        raise ValueError(BAD_DEGREES.format(df=df))
    if not 0.0 < p < 1.0:
        raise ValueError(BAD_PROBABILITY.format(p=p))
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if df > _EXPANSION_FROM_DF:
        return _t_quantile_expansion(p, df)
    high = 1.0
    while _t_cdf(high, df) < p:
        high *= 2.0
    low = 0.0
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if _t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def mean_interval(mean: float, stdev: float, n: int) -> tuple[float, float]:
    """Return the 95% t interval for a mean of n values with sample standard deviation stdev.

    >>> low, high = mean_interval(3.0, 1.0, 12)
    >>> round(low, 3), round(high, 3)
    (2.365, 3.635)
    """
    if n < 2:
        raise ValueError(BAD_DEGREES.format(df=n - 1))
    half = t_quantile(0.975, n - 1) * stdev / math.sqrt(n)
    return mean - half, mean + half


def _t_quantile_expansion(p: float, df: int) -> float:
    x = NormalDist().inv_cdf(p)
    x2 = x * x
    g1 = (x2 + 1) * x / 4
    g2 = ((5 * x2 + 16) * x2 + 3) * x / 96
    g3 = (((3 * x2 + 19) * x2 + 17) * x2 - 15) * x / 384
    g4 = ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945) * x / 92160
    return x + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _t_cdf(t: float, df: int) -> float:
    # For t >= 0: P(T <= t) = 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t^2).
    # 1 - x is passed exactly as well: for large df, x is within 1e-6 of 1 and 1 - x would
    # otherwise lose half its digits.
    t2 = t * t
    return 1.0 - 0.5 * _incomplete_beta(df / (df + t2), t2 / (df + t2), df / 2.0, 0.5)


def _incomplete_beta(x: float, y: float, a: float, b: float) -> float:
    # Regularised I_x(a, b) with y = 1 - x; the continued fraction converges fast below the
    # mean a/(a+b), so above it use the symmetry I_x(a, b) = 1 - I_y(b, a).
    if y <= 0.0:
        return 1.0
    if x <= 0.0:
        return 0.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(y, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    # Lentz's method for the continued fraction of I_x(a, b) (Numerical Recipes, betacf).
    tiny = 1e-300
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, _CF_MAX_TERMS):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < _CF_EPSILON:
            break
    return result
