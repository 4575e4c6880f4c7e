"""Constituency neighbours from boundary polygons, and GeoJSON features ready to store.

The ONS BUC polygons are generalised to about 500 m, so two constituencies count as neighbours
when their polygons come within `NEIGHBOUR_TOLERANCE_M` of each other along at least
`NEIGHBOUR_MIN_BORDER_M` of boundary (a corner touch is not a shared border).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

NEIGHBOUR_TOLERANCE_M = 75.0
NEIGHBOUR_MIN_BORDER_M = 200.0

_METRES_PER_DEGREE = 111_320.0
_CENTRAL_LON = -2.0  # the British National Grid's central meridian keeps the shear small


@dataclass(frozen=True)
class Neighbour:
    """Two constituencies that share a border, with its approximate length in metres."""

    code: str
    neighbour_code: str
    border_m: float


def geometry_metres(geometry: BaseGeometry) -> BaseGeometry:
    """Project WGS84 lon/lat to a sinusoidal plane in metres, good to ~1% across Great Britain."""

    def project(coords: Any) -> Any:
        lon, lat = coords[:, 0], coords[:, 1]
        x = (lon - _CENTRAL_LON) * _METRES_PER_DEGREE * numpy.cos(numpy.radians(lat))
        return numpy.column_stack([x, lat * _METRES_PER_DEGREE])

    return shapely.transform(geometry, project)


def neighbours_compute(
    features: Sequence[tuple[str, dict[str, Any]]],
    *,
    tolerance_m: float = NEIGHBOUR_TOLERANCE_M,
    min_border_m: float = NEIGHBOUR_MIN_BORDER_M,
) -> list[Neighbour]:
    """Return every pair of areas (both directions) whose polygons share a border.

    >>> neighbours_compute([("A", square_a), ("B", square_b)])  # doctest: +SKIP
    [Neighbour(code='A', neighbour_code='B', border_m=1000.0), ...]
    """
    codes = [code for code, _ in features]
    shapes = [shapely.make_valid(geometry_metres(shape(geometry))) for _, geometry in features]
    tree = STRtree(shapes)
    found: list[Neighbour] = []
    for i, j in _candidate_pairs(tree, shapes, tolerance_m):
        border = _border_length(shapes[i], shapes[j], tolerance_m)
        if border >= min_border_m:
            found.append(Neighbour(codes[i], codes[j], round(border, 1)))
            found.append(Neighbour(codes[j], codes[i], round(border, 1)))
    return sorted(found, key=lambda n: (n.code, n.neighbour_code))


def _candidate_pairs(
    tree: STRtree, shapes: Sequence[BaseGeometry], tolerance_m: float
) -> Iterable[tuple[int, int]]:
    left, right = tree.query(shapes, predicate="dwithin", distance=tolerance_m)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j:
            yield i, j


def _border_length(a: BaseGeometry, b: BaseGeometry, tolerance_m: float) -> float:
    """Length of b's outline lying within the tolerance of a (the shared stretch of border)."""
    near = b.boundary.intersection(a.buffer(tolerance_m))
    return float(near.length)


def geometry_to_geojson(geometry: dict[str, Any]) -> str:
    """Return a GeoJSON geometry as compact text, coordinates as given."""
    return json.dumps(geometry, separators=(",", ":"))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
