"""LSOA contiguity for hotspot statistics: queen neighbours from boundaries, else 6 nearest.

Two LSOAs are queen neighbours when their boundary polygons share any point, allowing
`QUEEN_TOLERANCE_M` for the sub-metre slivers that generalising the published boundaries opens
at some corners. An LSOA with no loaded boundary (outside London in the shared data) is linked
to the `KNN_NEIGHBOURS` LSOAs with the nearest centroids (great-circle distance, ties to the
lower code) instead, and each such link is added in both directions so the relation stays
symmetric. Rules and timings are in docs/hotspots.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree

from callingtime.areas.geometry import geometry_metres

QUEEN_TOLERANCE_M = 1.0
KNN_NEIGHBOURS = 6
METHOD_QUEEN = "queen"
METHOD_KNN = f"knn{KNN_NEIGHBOURS}"

_METRES_PER_DEGREE = 111_320.0
_CENTRAL_LON = -2.0  # as in geometry_metres, so both rules measure in the same plane
_FIRST_RADIUS_M = 1_500.0  # most LSOAs have six centroids within this; the rest search wider
_TRUSTED_SHARE = 0.8
_EARTH_RADIUS_M = 6_371_000.0

Centroid = tuple[str, float | None, float | None]


@dataclass(frozen=True)
class LsoaNeighbour:
    """One direction of a neighbour link between two 2021 LSOAs, and the rule that made it."""

    lsoa21cd: str
    neighbour_cd: str
    method: str  # "queen" or "knn6"


def lsoa_contiguity_compute(
    boundaries: Sequence[tuple[str, dict[str, Any]]],
    centroids: Sequence[Centroid],
    *,
    tolerance_m: float = QUEEN_TOLERANCE_M,
    k: int = KNN_NEIGHBOURS,
) -> list[LsoaNeighbour]:
    """Return every LSOA neighbour link, both directions, sorted by code then neighbour.

    `boundaries` are (code, GeoJSON geometry); `centroids` are (code, lat, lon) of every LSOA.
    A pair found by both rules is "queen".

    >>> lsoa_contiguity_compute([("A", square_a), ("B", square_b)], [])  # doctest: +SKIP
    [LsoaNeighbour(lsoa21cd='A', neighbour_cd='B', method='queen'), ...]
    """
    pairs: dict[tuple[str, str], str] = {}
    for a, b in _queen_pairs(boundaries, tolerance_m):
        pairs[(a, b)] = pairs[(b, a)] = METHOD_QUEEN
    with_boundary = {code for code, _ in boundaries}
    method = f"knn{k}"
    for a, b in _knn_pairs(centroids, with_boundary, k):
        for pair in ((a, b), (b, a)):
            pairs.setdefault(pair, method)
    return [LsoaNeighbour(a, b, m) for (a, b), m in sorted(pairs.items())]


def _queen_pairs(
    boundaries: Sequence[tuple[str, dict[str, Any]]], tolerance_m: float
) -> list[tuple[str, str]]:
    codes = [code for code, _ in boundaries]
    shapes = [shapely.make_valid(geometry_metres(shape(geometry))) for _, geometry in boundaries]
    if not shapes:
        return []
    tree = STRtree(shapes)
    left, right = tree.query(shapes, predicate="dwithin", distance=tolerance_m)
    return [
        (codes[i], codes[j])
        for i, j in zip(left.tolist(), right.tolist(), strict=True)
        if i < j and codes[i] != codes[j]
    ]


def _knn_pairs(
    centroids: Sequence[Centroid], with_boundary: set[str], k: int
) -> list[tuple[str, str]]:
    """Each LSOA without a boundary, with each of its k nearest centroids (ties: lower code)."""
    placed = sorted(
        (code, lat, lon) for code, lat, lon in centroids if lat is not None and lon is not None
    )
    if len(placed) < 2:
        return []
    codes = [code for code, _, _ in placed]
    lat = numpy.array([row[1] for row in placed], dtype=float)
    lon = numpy.array([row[2] for row in placed], dtype=float)
    xy = numpy.column_stack(
        [
            (lon - _CENTRAL_LON) * _METRES_PER_DEGREE * numpy.cos(numpy.radians(lat)),
            lat * _METRES_PER_DEGREE,
        ]
    )
    points = shapely.points(xy)
    tree = STRtree(points)
    wanted = numpy.array([code not in with_boundary for code in codes])
    pending = numpy.flatnonzero(wanted)
    found: list[tuple[str, str]] = []
    radius = _FIRST_RADIUS_M
    need = min(k, len(placed) - 1)
    while pending.size:
        left, right = tree.query(points[pending], predicate="dwithin", distance=radius)
        queries, near = pending[left], right
        gaps = _great_circle_m(lat[queries], lon[queries], lat[near], lon[near])
        # The plane is only a filter (its distances are off by up to ~6% across Great
        # Britain): rank by great-circle distance, and trust a ranking only when k
        # candidates lie well inside the radius searched.
        keep = (queries != near) & (gaps <= _TRUSTED_SHARE * radius)
        queries, near, gaps = queries[keep], near[keep], gaps[keep]
        order = numpy.lexsort((near, gaps, queries))
        queries, near = queries[order], near[order]
        rank = numpy.arange(queries.size) - numpy.searchsorted(queries, queries, side="left")
        enough = numpy.bincount(queries, minlength=len(codes)) >= need
        chosen = (rank < need) & enough[queries]
        found.extend(
            (codes[q], codes[j])
            for q, j in zip(queries[chosen].tolist(), near[chosen].tolist(), strict=True)
        )
        pending = pending[~enough[pending]]
        radius *= 2
        if radius > 2 * math.pi * _EARTH_RADIUS_M:
            break
    return found


def _great_circle_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Haversine distances in metres between paired points (degrees in, numpy arrays out)."""
    p1, p2 = numpy.radians(lat1), numpy.radians(lat2)
    dp, dl = p2 - p1, numpy.radians(lon2 - lon1)
    h = numpy.sin(dp / 2) ** 2 + numpy.cos(p1) * numpy.cos(p2) * numpy.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * numpy.arcsin(numpy.sqrt(numpy.minimum(h, 1.0)))
