"""Reads behind the evidence pages: thin wrappers over `callingtime.areas` and `crimedata`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore, AreasStoreMissingError
from callingtime.crimedata.status import StoreStatus, store_status
from callingtime.crimedata.store import StoreMissingError

GEOGRAPHY_NOT_LOADED = (
    "Geography is not loaded yet. Run `callingtime areas import PATH` (or `callingtime demo load`)."
)


class GeographyNotLoadedError(Exception):
    """The geography store has not been built on this installation."""


@dataclass(frozen=True)
class AreaGeography:
    """An area with what surrounds it."""

    area: Area
    parents: list[Area]
    children_by_type: dict[str, list[Area]]
    neighbours: list[Area]
    population: object | None


_per_thread = threading.local()


@contextmanager
def _areas_store() -> Iterator[AreasStore]:
    """Yield this thread's open geography store, reopened when the file is replaced.

    Opening the store loads its small tables (tens of milliseconds), so each server thread keeps
    one; a rebuilt store swapped in under the same path is picked up by its new mtime.
    """
    path = Path(settings.AREAS_DB_PATH)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError as error:
        raise GeographyNotLoadedError(GEOGRAPHY_NOT_LOADED) from error
    cached: tuple[tuple[str, int], AreasStore] | None = getattr(_per_thread, "areas", None)
    if cached is None or cached[0] != stamp:
        if cached is not None:
            cached[1].close()
        try:
            cached = (stamp, AreasStore.open(path))
        except AreasStoreMissingError as error:
            raise GeographyNotLoadedError(GEOGRAPHY_NOT_LOADED) from error
        _per_thread.areas = cached
    yield cached[1]


def postcode_areas(*, postcode: str) -> object:
    """Return the areas a postcode lies in (raises the areas package's postcode errors)."""
    with _areas_store() as store:
        return store.postcode_lookup(postcode)


def areas_find(*, text: str, limit: int = 30) -> list[Area]:
    """Return areas whose name matches the text."""
    with _areas_store() as store:
        return store.area_search(text, limit=limit)


def area_geography(*, code: str) -> AreaGeography | None:
    """Return an area with its parents, children, neighbours and population, or None."""
    with _areas_store() as store:
        area = store.area_get(code)
        if area is None:
            return None
        children: dict[str, list[Area]] = {}
        for child in store.area_children(code):
            children.setdefault(child.type, []).append(child)
        return AreaGeography(
            area=area,
            parents=store.area_parents(code),
            children_by_type=children,
            neighbours=store.area_neighbours(code),
            population=store.area_population(code),
        )


def crime_store_summary() -> StoreStatus | None:
    """Return what the crime store holds, or None when nothing has been loaded."""
    try:
        return store_status(Path(settings.CRIME_DB_PATH))
    except StoreMissingError:
        return None
