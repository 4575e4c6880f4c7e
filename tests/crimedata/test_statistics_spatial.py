"""Getis-Ord Gi* and the FDR adjustment, against numpy matrix forms, esda and scipy."""

from __future__ import annotations

import doctest
import math
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from callingtime.crimedata import statistics_spatial
from callingtime.crimedata.statistics_spatial import (
    ALL_EQUAL,
    BAD_FDR_ALPHA,
    COVERS_ALL,
    NO_NEIGHBOURS,
    NOT_SIGNIFICANT,
    OTHERS_EQUAL,
    benjamini_hochberg,
    getis_ord_gi_star,
)


def test_statistics_spatial_doctests_pass() -> None:
    result = doctest.testmod(statistics_spatial)
    assert result.attempted > 0
    assert result.failed == 0


# --- fixtures built here: a rook lattice and random values -----------------------------------


def rook_lattice(rows: int, cols: int) -> dict[str, list[str]]:
    def name(r: int, c: int) -> str:
        return f"r{r}c{c}"

    touching: dict[str, list[str]] = {}
    for r in range(rows):
        for c in range(cols):
            steps = ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
            touching[name(r, c)] = [name(i, j) for i, j in steps if 0 <= i < rows and 0 <= j < cols]
    return touching


def adjacency(areas: list[str], touching: dict[str, list[str]]) -> np.ndarray:
    index = {area: i for i, area in enumerate(areas)}
    matrix = np.zeros((len(areas), len(areas)))
    for area, others in touching.items():
        for other in others:
            matrix[index[area], index[other]] = 1.0
    return matrix


def gi_star_matrix(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Ord & Getis (1995) eq. for Gi*, written in matrix form straight from the formula."""
    n = len(x)
    w = a + np.eye(n)
    mean = x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    sum_w = w.sum(axis=1)
    sum_w2 = (w**2).sum(axis=1)
    return (w @ x - mean * sum_w) / (s * np.sqrt((n * sum_w2 - sum_w**2) / (n - 1)))


def gi_star_lagged(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """A second formulation: the spatial lag of x standardised by its permutation moments.

    Under random relabelling of the n values, a sum over k = W_i fixed areas has mean k·X̄ and
    variance k(n − k)/(n − 1)·σ² (sampling without replacement), σ² the population variance.
    """
    n = len(x)
    lag = (a + np.eye(n)) @ x
    k = a.sum(axis=1) + 1
    variance = k * (n - k) / (n - 1) * np.var(x)
    return (lag - k * x.mean()) / np.sqrt(variance)


def gi_matrix(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Getis & Ord (1992) Gi, no self weight, moments over the other n − 1 areas."""
    n = len(x)
    out = np.empty(n)
    for i in range(n):
        others = np.delete(x, i)
        w = np.delete(a[i], i)
        k = w.sum()
        mean, s = others.mean(), others.std()
        out[i] = (w @ others - k * mean) / (s * np.sqrt(((n - 1) * k - k**2) / (n - 2)))
    return out


lattice_sizes = st.tuples(st.integers(2, 6), st.integers(2, 6))
values_strategy = st.floats(min_value=0, max_value=500, allow_nan=False, allow_infinity=False)


@st.composite
def lattice_case(draw: st.DrawFn) -> tuple[dict[str, float], dict[str, list[str]]]:
    rows, cols = draw(lattice_sizes)
    touching = rook_lattice(rows, cols)
    numbers = draw(st.lists(values_strategy, min_size=rows * cols, max_size=rows * cols))
    if max(numbers) - min(numbers) < 1e-3:
        numbers[0] += 1.0
    return dict(zip(touching, numbers, strict=True)), touching


# --- Gi* against independent computations ----------------------------------------------------


@settings(max_examples=150)
@given(lattice_case())
def test_gi_star_matches_the_numpy_matrix_form_and_the_lagged_sum(
    case: tuple[dict[str, float], dict[str, list[str]]],
) -> None:
    values, touching = case
    areas = list(values)
    x = np.array([values[a] for a in areas])
    a = adjacency(areas, touching)
    results = getis_ord_gi_star(values, touching)
    z = np.array([r.z for r in results], dtype=float)
    np.testing.assert_allclose(z, gi_star_matrix(x, a), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(z, gi_star_lagged(x, a), rtol=1e-9, atol=1e-9)
    p = np.array([r.p_value for r in results], dtype=float)
    np.testing.assert_allclose(p, 2 * stats.norm.sf(np.abs(z)), rtol=1e-9, atol=1e-300)


@settings(max_examples=100)
@given(lattice_case())
def test_gi_without_self_matches_the_numpy_form(
    case: tuple[dict[str, float], dict[str, list[str]]],
) -> None:
    values, touching = case
    areas = list(values)
    x = np.array([values[a] for a in areas])
    # Some area's others all equal (or equal to within floating point): checked separately.
    if any(np.ptp(np.delete(x, i)) < 1e-6 for i in range(len(x))) or len(x) < 4:
        return
    results = getis_ord_gi_star(values, touching, include_self=False)
    z = np.array([r.z for r in results], dtype=float)
    np.testing.assert_allclose(z, gi_matrix(x, adjacency(areas, touching)), rtol=1e-8, atol=1e-9)


try:  # PySAL's esda is the published reference; the numpy forms above run without it
    import esda
    import libpysal
except ImportError:  # pragma: no cover - depends on the environment
    esda = libpysal = None


_SQUARE = {
    "r0c0": ["r1c0", "r0c1"],
    "r0c1": ["r1c1", "r0c0"],
    "r1c0": ["r0c0", "r1c1"],
    "r1c1": ["r0c1", "r1c0"],
}


@pytest.mark.skipif(esda is None, reason="esda and libpysal are not installed")
@settings(max_examples=40, deadline=None)
@given(lattice_case(), st.booleans())
@example(  # values a thousand times apart: the two forms agree to about 1e-8 relative
    ({"r0c0": 0.0, "r0c1": 0.0, "r1c0": 244.80875700760967, "r1c1": 0.015625}, _SQUARE), False
)
@example(  # others equal to within floating point: skipped, as in the numpy comparison
    ({"r0c0": 0.0, "r0c1": 0.0, "r1c0": 245.8087570076, "r1c1": 4.0876046702124897e-26}, _SQUARE),
    False,
)
def test_gi_star_and_gi_match_esda(
    case: tuple[dict[str, float], dict[str, list[str]]], star: bool
) -> None:
    values, touching = case
    areas = list(values)
    x = np.array([values[a] for a in areas])
    # Others all equal, or equal to within floating point (4e-26 beside 245): Gi is 0/0 there,
    # esda says nan and we say OTHERS_EQUAL; checked separately.
    if x.sum() == 0 or (not star and any(np.ptp(np.delete(x, i)) < 1e-6 for i in range(len(x)))):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = libpysal.weights.W(touching, id_order=areas, silence_warnings=True)
        reference = esda.getisord.G_Local(x, weights, transform="B", star=star, permutations=0)
    results = getis_ord_gi_star(values, touching, include_self=star)
    z = np.array([r.z for r in results], dtype=float)
    # esda computes the variance another way; values a thousand times apart (245 beside 0.016)
    # leave the two forms agreeing to about 1e-8 relative, not to the last digits.
    np.testing.assert_allclose(z, reference.Zs, rtol=1e-7, atol=1e-9)
    # esda's p_norm is one-sided; ours is two-sided.
    p = np.array([r.p_value for r in results], dtype=float)
    np.testing.assert_allclose(p, 2 * reference.p_norm, rtol=1e-7, atol=1e-300)


@given(lattice_case(), st.floats(0.1, 100), st.floats(-1000, 1000))
def test_gi_star_ignores_scale_and_shift_and_flips_with_sign(
    case: tuple[dict[str, float], dict[str, list[str]]], scale: float, shift: float
) -> None:
    values, touching = case
    base = [r.z for r in getis_ord_gi_star(values, touching)]
    moved = getis_ord_gi_star({k: v * scale + shift for k, v in values.items()}, touching)
    flipped = getis_ord_gi_star({k: -v for k, v in values.items()}, touching)
    for z, m, f in zip(base, moved, flipped, strict=True):
        assert z is not None and m.z is not None and f.z is not None
        assert m.z == pytest.approx(z, rel=1e-6, abs=1e-6)
        assert f.z == pytest.approx(-z, abs=1e-9)


# --- labels and the FDR adjustment -----------------------------------------------------------


def test_labels_follow_the_confidence_bins() -> None:
    # A 9×9 lattice with one very high corner block: the corner is a hot spot at 99%.
    touching = rook_lattice(9, 9)
    values = {area: 1.0 for area in touching}
    for area in ("r0c0", "r0c1", "r1c0", "r1c1"):
        values[area] = 40.0
    results = {r.area: r for r in getis_ord_gi_star(values, touching, fdr_alpha=0.05)}
    corner = results["r0c0"]
    assert corner.label == "hot spot, 99% confidence" and corner.confidence == 99
    assert corner.significant_fdr is True
    for result in results.values():
        assert result.z is not None and result.p_value is not None
        if result.p_value >= 0.10:
            assert (result.label, result.confidence) == (NOT_SIGNIFICANT, None)
            continue
        confidence = 99 if result.p_value < 0.01 else 95 if result.p_value < 0.05 else 90
        kind = "hot spot" if result.z > 0 else "cold spot"
        assert (result.label, result.confidence) == (
            f"{kind}, {confidence}% confidence",
            confidence,
        )


@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=0, max_size=200))
def test_benjamini_hochberg_matches_scipy(p_values: list[float]) -> None:
    adjusted = benjamini_hochberg(p_values)
    if p_values:
        expected = stats.false_discovery_control(np.array(p_values), method="bh")
        np.testing.assert_allclose(adjusted, expected, rtol=1e-12, atol=1e-15)
    else:
        assert adjusted == []


def test_fdr_flag_only_when_asked() -> None:
    touching = rook_lattice(3, 3)
    values = {area: float(i) for i, area in enumerate(touching)}
    plain = getis_ord_gi_star(values, touching)
    assert all(r.significant_fdr is None for r in plain)
    assert all(r.q_value is not None for r in plain)
    flagged = getis_ord_gi_star(values, touching, fdr_alpha=0.10)
    q = stats.false_discovery_control([r.p_value for r in flagged], method="bh")
    assert [r.significant_fdr for r in flagged] == [bool(v <= 0.10) for v in q]
    with pytest.raises(ValueError, match=BAD_FDR_ALPHA.format(alpha=1.5)):
        getis_ord_gi_star(values, touching, fdr_alpha=1.5)


# --- edge cases: never divide by zero --------------------------------------------------------


def test_all_equal_values_leave_gi_star_undefined() -> None:
    touching = rook_lattice(3, 3)
    results = getis_ord_gi_star({area: 4.0 for area in touching}, touching, fdr_alpha=0.05)
    assert all(r.z is None and r.p_value is None and r.reason == ALL_EQUAL for r in results)
    assert all(r.q_value is None and r.significant_fdr is None for r in results)
    assert {r.label for r in results} == {"undefined"}


def test_gi_undefined_where_the_other_areas_are_all_equal() -> None:
    touching = rook_lattice(2, 2)
    values = {"r0c0": 9.0, "r0c1": 1.0, "r1c0": 1.0, "r1c1": 1.0}
    results = {r.area: r for r in getis_ord_gi_star(values, touching, include_self=False)}
    assert results["r0c0"].z is None and results["r0c0"].reason == ALL_EQUAL
    assert results["r0c1"].z is not None


def test_single_area_and_two_areas() -> None:
    single = getis_ord_gi_star({"E01000001": 5.0}, {})
    assert single[0].z is None and "at least 2 areas" in (single[0].reason or "")
    pair = getis_ord_gi_star({"a": 1.0, "b": 3.0}, {"a": ["b"], "b": ["a"]})
    assert all(r.z is None and r.reason == COVERS_ALL for r in pair)
    apart = getis_ord_gi_star({"a": 1.0, "b": 3.0}, {})
    # An island's Gi* is its own standardised value: (x_i − X̄)/S.
    assert [r.z for r in apart] == pytest.approx([-1.0, 1.0])
    assert apart[0].neighbours == 0


def test_gi_without_self_needs_neighbours() -> None:
    touching = {"a": ["b"], "b": ["a"], "c": []}
    results = getis_ord_gi_star({"a": 1.0, "b": 2.0, "c": 7.0}, touching, include_self=False)
    assert results[2].z is None and results[2].reason == NO_NEIGHBOURS


def test_weights_are_binary_and_self_is_set_by_the_flag() -> None:
    touching = rook_lattice(3, 3)
    values = {area: float(i * i) for i, area in enumerate(touching)}
    noisy = {area: [*others, *others, area] for area, others in touching.items()}
    assert getis_ord_gi_star(values, noisy) == getis_ord_gi_star(values, touching)


def test_gi_star_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="'z', which has no value"):
        getis_ord_gi_star({"a": 1.0, "b": 2.0}, {"a": ["z"]})
    with pytest.raises(ValueError, match="not a finite number"):
        getis_ord_gi_star({"a": 1.0, "b": math.nan}, {})


def test_gi_without_self_has_no_z_where_the_others_differ_below_floating_point() -> None:
    # Found by hypothesis: the others' spread squares to zero, which once divided by zero.
    touching = rook_lattice(2, 2)
    values = {"r0c0": 1.0, "r0c1": 0.0, "r1c0": 0.0, "r1c1": 3.380010346044714e-74}
    results = {r.area: r for r in getis_ord_gi_star(values, touching, include_self=False)}
    assert results["r0c0"].z is None and results["r0c0"].reason == OTHERS_EQUAL
