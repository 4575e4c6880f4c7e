"""Fixtures shared by the whole suite: the shared real data and per-test stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DATA = REPO_ROOT / "callingtime" / "demo" / "data"


def shared_data_dir() -> Path | None:
    """Return the larger shared data folder, or None when it is not on this machine."""
    configured = os.environ.get(
        "CALLINGTIME_SHARED_DATA", str(REPO_ROOT.parent / "shared" / "data")
    )
    path = Path(configured)
    return path if (path / "police").is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real data; skips without it, except under CI=true where a skip would hide it."""
    path = shared_data_dir()
    if path is None:
        message = (
            "the shared data set is not here: set CALLINGTIME_SHARED_DATA to the folder that "
            "holds police/, geography/ and london/"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: these tests must run)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def demo_data() -> Path:
    """The small real extract shipped with the package."""
    return DEMO_DATA


# The web fixtures are imported here once, so every folder shares one Playwright per session.
from tests.fixtures_web import (  # noqa: E402
    chromium_browser,
    demo_postcodes,
    demo_store_paths,
    demo_stores,
    screenshot_dir,
)

__all__ = [
    "chromium_browser",
    "demo_postcodes",
    "demo_store_paths",
    "demo_stores",
    "screenshot_dir",
]
