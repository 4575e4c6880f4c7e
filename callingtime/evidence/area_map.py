"""The area map's GeoJSON: an area's LSOAs, a ring of neighbouring LSOAs, quantile bands.

Plain Python over the geography store and profiles. Boundaries are read one code at a time by
the store, so parsed geometries and each area's ring are cached per geography file.
"""

from __future__ import annotations

import json
import math
import threading
from bisect import bisect_right
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from callingtime.areas.store import AreasStore
from callingtime.crimedata.profile import ProfileError
from callingtime.crimedata.profile_model import AreaProfile, LsoaFigure

BANDS = 5
_CACHE_LIMIT = 4000
_lock = threading.Lock()
_geometry_cache: dict[tuple[str, str], dict[str, Any] | None] = {}
_ring_cache: dict[tuple[str, str], tuple[str, ...]] = {}


def _store_key(store: AreasStore) -> str:
    path = store.path
    try:
        return f"{path}:{path.stat().st_mtime_ns}"
    except FileNotFoundError:
        return str(path)


def _geometry(store: AreasStore, code: str) -> dict[str, Any] | None:
    key = (_store_key(store), code)
    with _lock:
        if key in _geometry_cache:
            return _geometry_cache[key]
    text = store.boundary_geojson(code)
    geometry = json.loads(text) if text else None
    with _lock:
        if len(_geometry_cache) > _CACHE_LIMIT:
            _geometry_cache.clear()
        _geometry_cache[key] = geometry
    return geometry


def ring_lsoas(store: AreasStore, code: str) -> tuple[str, ...]:
    """Return the LSOAs that touch an area from outside (queen contiguity), sorted.

    >>> ring_lsoas(store, "E14001305")[:2]  # doctest: +SKIP
    ('E01000914', 'E01000916')
    """
    key = (_store_key(store), code)
    with _lock:
        if key in _ring_cache:
            return _ring_cache[key]
    inside = store.area_lsoas(code)
    members = set(inside)
    touching = store.lsoa_neighbours(inside) if inside else {}
    ring = tuple(sorted({n for found in touching.values() for n in found} - members))
    with _lock:
        _ring_cache[key] = ring
    return ring


def quantile_breaks(values: list[float], bands: int = BANDS) -> list[float]:
    """Return the upper bounds of up to `bands` quantile classes (distinct, ascending).

    >>> quantile_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    [2.0, 4.0, 6.0, 8.0, 10.0]
    """
    if not values:
        return []
    ordered = sorted(values)
    breaks: list[float] = []
    for index in range(1, bands + 1):
        position = min(len(ordered) - 1, math.ceil(index * len(ordered) / bands) - 1)
        value = float(ordered[position])
        if not breaks or value > breaks[-1]:
            breaks.append(value)
    return breaks


def _band(value: float | None, breaks: list[float]) -> int | None:
    if value is None or not breaks:
        return None
    return min(bisect_right(breaks, value - 1e-9), len(breaks) - 1)


def _legend(breaks: list[float], metric: str) -> list[dict[str, Any]]:
    legend = []
    low = 0.0
    for band, high in enumerate(breaks):
        if metric == "rate":
            label = f"{low:,.1f} to {high:,.1f} per 1,000 residents"
        else:
            label = f"{low:,.0f} to {high:,.0f} crimes"
        legend.append({"band": band, "low": low, "high": high, "label": label})
        low = high
    return legend


def _feature(
    code: str, name: str, figure: LsoaFigure | None, in_area: bool, geometry: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "code": code,
            "name": figure.name if figure else name,
            "count": figure.count if figure else None,
            "population": figure.population if figure else None,
            "rate_per_1000": figure.rate_per_1000 if figure else None,
            "in_area": in_area,
        },
    }


def map_collection(
    store: AreasStore,
    profile: AreaProfile,
    ring_profile: Callable[[tuple[str, ...]], AreaProfile],
) -> dict[str, Any]:
    """Return the map's FeatureCollection for a profile; the ring's figures from `ring_profile`."""
    code = profile.area.code
    figures = {lsoa.lsoa21cd: lsoa for lsoa in profile.lsoas}
    ring = ring_lsoas(store, code)
    hierarchy = store.lsoas
    if ring:
        with suppress(ProfileError):  # else the ring is drawn without figures: not loaded
            figures.update({f.lsoa21cd: f for f in ring_profile(ring).lsoas if f.lsoa21cd in ring})
    features = []
    for lsoa, in_area in [(c, True) for c in store.area_lsoas(code)] + [(c, False) for c in ring]:
        geometry = _geometry(store, lsoa)
        if geometry is not None:
            name = hierarchy[lsoa].name if lsoa in hierarchy else lsoa
            features.append(_feature(lsoa, name, figures.get(lsoa), in_area, geometry))
    metric = "rate" if all(f.rate_per_1000 is not None for f in profile.lsoas) else "count"
    key = "rate_per_1000" if metric == "rate" else "count"
    breaks = quantile_breaks(
        [f["properties"][key] for f in features if f["properties"][key] is not None]
    )
    for feature in features:
        feature["properties"]["band"] = _band(feature["properties"][key], breaks)
    return {
        "type": "FeatureCollection",
        "features": features,
        "area": {"code": code, "name": profile.area.name},
        "category_label": profile.category_label,
        "window": {"start": profile.window.start, "end": profile.window.end},
        "metric": metric,
        "legend": _legend(breaks, metric),
        "attribution": "Boundaries: Office for National Statistics, OGL v3.0; contains OS data "
        "© Crown copyright and database right.",
    }
