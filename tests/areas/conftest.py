"""Fixtures for the geography tests: a tiny store built per test and the real one per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callingtime.areas.importer import areas_import
from callingtime.areas.store import AreasStore
from tests.areas.tiny import tiny_sources_write

SHARED_FOLDERS = ("geography", "postcodes", "parliament", "boundaries")


@pytest.fixture
def tiny_sources(tmp_path: Path) -> Path:
    """A folder of tiny source files in every supported layout."""
    return tiny_sources_write(tmp_path / "sources")


@pytest.fixture
def tiny_db(tiny_sources: Path, tmp_path: Path) -> Path:
    """A geography store built from the tiny sources."""
    db = tmp_path / "areas.duckdb"
    areas_import([tiny_sources], db_path=db)
    return db


@pytest.fixture
def tiny_store(tiny_db: Path) -> Iterator[AreasStore]:
    with AreasStore.open(tiny_db) as store:
        yield store


@pytest.fixture(scope="session")
def shared_db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The geography store built once from the real shared data."""
    db = tmp_path_factory.mktemp("areas-shared") / "areas.duckdb"
    areas_import([shared_data / folder for folder in SHARED_FOLDERS], db_path=db)
    return db


@pytest.fixture(scope="session")
def shared_store(shared_db: Path) -> Iterator[AreasStore]:
    with AreasStore.open(shared_db) as store:
        yield store
