"""Per-thread handles on the DuckDB stores for the web apps, reopened when a file is swapped.

The geography and crime stores are read-only files that the ingest jobs replace whole; every
web thread keeps one open handle of each and notices a new file by its modification time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.conf import settings

from callingtime.areas.store import AreasStore, AreasStoreMissingError
from callingtime.crimedata.profile import ProfileNotLoadedError
from callingtime.crimedata.store import StoreMissingError, store_open

GEOGRAPHY_NOT_LOADED = (
    "Geography is not loaded yet. Run `callingtime areas import PATH` (or `callingtime demo load`)."
)
CRIME_NOT_LOADED = (
    "No crime data is loaded yet. Run `callingtime crime ingest PATH` (or `callingtime demo load`)."
)


class GeographyNotLoadedError(Exception):
    """The geography store has not been built on this installation."""


_per_thread = threading.local()


def _stamp(path: Path) -> tuple[str, int] | None:
    try:
        return (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


@contextmanager
def areas_store() -> Iterator[AreasStore]:
    """Yield this thread's open geography store, reopened when the file is replaced.

    Opening the store loads its small tables (tens of milliseconds), so each server thread keeps
    one; a rebuilt store swapped in under the same path is picked up by its new mtime.
    """
    path = Path(settings.AREAS_DB_PATH)
    stamp = _stamp(path)
    if stamp is None:
        raise GeographyNotLoadedError(GEOGRAPHY_NOT_LOADED)
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


@contextmanager
def crime_con() -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield this thread's read-only crime store connection, reopened when the file changes.

    Raises ProfileNotLoadedError when there is no crime store at all.
    """
    path = Path(settings.CRIME_DB_PATH)
    stamp = _stamp(path)
    if stamp is None:
        raise ProfileNotLoadedError(CRIME_NOT_LOADED)
    cached: tuple[tuple[str, int], duckdb.DuckDBPyConnection] | None = getattr(
        _per_thread, "crime", None
    )
    if cached is None or cached[0] != stamp:
        if cached is not None:
            cached[1].close()
        try:
            cached = (stamp, store_open(path, read_only=True))
        except StoreMissingError as error:
            raise ProfileNotLoadedError(CRIME_NOT_LOADED) from error
        _per_thread.crime = cached
    yield cached[1]
