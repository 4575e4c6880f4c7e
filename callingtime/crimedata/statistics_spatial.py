"""Hotspots for analysts: Getis-Ord Gi* over areas with binary contiguity, and an FDR adjustment.

Standard library only. Formulas and their sources are in docs/methods.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from callingtime.crimedata.statistics import normal_two_sided_p

# Two-sided p-value cut-offs for the hot/cold labels (|z| > 1.645, 1.960, 2.576), the bins
# analysts know from ArcGIS "Hot Spot Analysis"; strictest first.
CONFIDENCE_LEVELS: tuple[tuple[int, float], ...] = ((99, 0.01), (95, 0.05), (90, 0.10))
NOT_SIGNIFICANT = "not significant"

UNKNOWN_AREA = "neighbours names area {area!r}, which has no value"
NOT_FINITE = "the value for area {area!r} is not a finite number: {value!r}"
BAD_FDR_ALPHA = "fdr_alpha must lie strictly between 0 and 1, got {alpha!r}"
TOO_FEW_AREAS = "Gi needs at least {needed} areas, got {n}"
ALL_EQUAL = "every area has the same value, so there is no variation to test"
COVERS_ALL = "this area's neighbourhood is every area, so it cannot differ from the mean"
NO_NEIGHBOURS = "this area has no neighbours"
OTHERS_EQUAL = "every other area has the same value, so there is no variation to compare with"


@dataclass(frozen=True)
class GiStar:
    """The Getis-Ord local statistic of one area, as a z-score with its label."""

    area: str
    value: float
    neighbours: int  # neighbours with weight 1, not counting the area itself
    z: float | None  # None when undefined; `reason` says why
    p_value: float | None  # two-sided, normal approximation
    label: str  # "hot spot, 99% confidence", "cold spot, 90% confidence", "not significant"
    confidence: int | None  # 99, 95 or 90; None when not significant or undefined
    q_value: float | None  # Benjamini–Hochberg adjusted p-value over the areas with a z
    significant_fdr: bool | None  # q_value ≤ fdr_alpha; None unless fdr_alpha was given
    reason: str | None


def getis_ord_gi_star(
    values: Mapping[str, float],
    neighbours: Mapping[str, Sequence[str]],
    *,
    include_self: bool = True,
    fdr_alpha: float | None = None,
) -> list[GiStar]:
    """Compute Getis-Ord Gi* z-scores with binary contiguity weights, one per area.

    `neighbours` maps an area to the areas it touches; an area missing from it has none.
    With `include_self` (Gi*, Ord & Getis 1995) each area counts in its own neighbourhood
    and the mean and spread are over all n areas; without it this is Gi (Getis & Ord 1992),
    with the mean and spread over the other n − 1. `fdr_alpha` adds a Benjamini–Hochberg flag.

    >>> values = {"a": 10.0, "b": 9.0, "c": 1.0, "d": 0.0, "e": 2.0}
    >>> touching = {"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c", "e"], "e": ["d"]}
    >>> [(g.area, round(g.z, 2), g.label) for g in getis_ord_gi_star(values, touching)][:2]
    [('a', 1.97, 'hot spot, 95% confidence'), ('b', 1.31, 'not significant')]
    """
    if fdr_alpha is not None and not 0 < fdr_alpha < 1:
        raise ValueError(BAD_FDR_ALPHA.format(alpha=fdr_alpha))
    for area, value in values.items():
        if not math.isfinite(value):
            raise ValueError(NOT_FINITE.format(area=area, value=value))
    for area, listed in neighbours.items():
        for name in (area, *listed):
            if name not in values:
                raise ValueError(UNKNOWN_AREA.format(area=name))
    n = len(values)
    needed = 2 if include_self else 3
    # Centre once on the overall mean: the sums below then lose no precision to cancellation.
    mean = math.fsum(values.values()) / n if n else 0.0
    deviation = {area: value - mean for area, value in values.items()}
    squares = math.fsum(d * d for d in deviation.values())
    tally = Counter(values.values())

    rows: list[tuple[str, int, float | None, str | None]] = []
    for area in values:
        # Binary weights: a repeated neighbour still weighs 1, and self-loops are set by the flag.
        touching = set(neighbours.get(area, ())) - {area}
        z, reason = None, None
        if n < needed:
            reason = TOO_FEW_AREAS.format(needed=needed, n=n)
        elif len(tally) == 1 or (not include_self and len(tally) == 2 and tally[values[area]] == 1):
            # Exact test on the values, not on a rounded S: the others may all be equal too.
            reason = ALL_EQUAL
        elif include_self:
            z, reason = _gi_star_z(area, touching, deviation, squares, n)
        else:
            z, reason = _gi_z(area, touching, deviation, squares, n)
        rows.append((area, len(touching), z, reason))

    defined = [z for _, _, z, _ in rows if z is not None]
    adjusted = iter(benjamini_hochberg([normal_two_sided_p(z) for z in defined]))
    results = []
    for area, count, z, reason in rows:
        p = normal_two_sided_p(z) if z is not None else None
        q = next(adjusted) if z is not None else None
        flag = None if fdr_alpha is None or q is None else q <= fdr_alpha
        label, confidence = _label(z, p)
        results.append(GiStar(area, values[area], count, z, p, label, confidence, q, flag, reason))
    return results


def _gi_star_z(
    area: str, touching: set[str], deviation: Mapping[str, float], squares: float, n: int
) -> tuple[float | None, str | None]:
    # Gi* = (Σ_j w_ij x_j − X̄ W_i) / (S √[(n W_i − W_i²)/(n − 1)]) with binary w, w_ii = 1,
    # so Σ w_ij² = W_i, and Σ_j w_ij x_j − X̄ W_i = Σ over the neighbourhood of (x_j − X̄).
    weight = len(touching) + 1
    if weight >= n:
        return None, COVERS_ALL
    spread = math.sqrt(squares / n)
    numerator = math.fsum(deviation[j] for j in (area, *touching))
    return numerator / (spread * math.sqrt((n * weight - weight**2) / (n - 1))), None


def _gi_z(
    area: str, touching: set[str], deviation: Mapping[str, float], squares: float, n: int
) -> tuple[float | None, str | None]:
    # Gi (Getis & Ord 1992): as Gi* but w_ii = 0 and X̄(i), S(i) over the n − 1 other areas.
    weight = len(touching)
    others = n - 1
    if weight == 0:
        return None, NO_NEIGHBOURS
    if weight >= others:
        return None, COVERS_ALL
    own = deviation[area]
    # Mean of the others is X̄ − d_i/(n−1); their sum of squares about it follows exactly.
    shift = -own / others
    others_squares = squares - own * own - others * shift * shift
    spread = math.sqrt(max(others_squares, 0.0) / others)
    if spread == 0.0:
        # Only this area differs (or the rest differ by less than floating point resolves).
        return None, OTHERS_EQUAL
    numerator = math.fsum(deviation[j] - shift for j in touching)
    variance_factor = (others * weight - weight**2) / (others - 1)
    return numerator / (spread * math.sqrt(variance_factor)), None


def _label(z: float | None, p: float | None) -> tuple[str, int | None]:
    if z is None or p is None:
        return "undefined", None
    for confidence, cut_off in CONFIDENCE_LEVELS:
        if p < cut_off:
            kind = "hot spot" if z > 0 else "cold spot"
            return f"{kind}, {confidence}% confidence", confidence
    return NOT_SIGNIFICANT, None


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Return Benjamini–Hochberg adjusted p-values (q-values), in the order given.

    An area is significant at false discovery rate α when its q-value is at most α.

    >>> [round(q, 4) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.2])]
    [0.04, 0.0533, 0.0533, 0.2]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    # q_(k) = min over j ≥ k of p_(j)·m/j, taken from the largest p-value down.
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted
