"""Web fixtures for every test folder: the demo extract in temporary stores, and a real Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.conf import settings

from callingtime.core.stores import areas_store
from callingtime.demo import demo_load

CHROMIUM = os.environ.get("CALLINGTIME_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="session")
def demo_store_paths(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Load the shipped demo extract once per test session into temporary stores."""
    folder = tmp_path_factory.mktemp("demo-stores")
    crime_db, areas_db = folder / "crime.duckdb", folder / "areas.duckdb"
    report = demo_load(crime_db=crime_db, areas_db=areas_db)
    assert report.ok, report.summary()
    return crime_db, areas_db


@pytest.fixture
def demo_stores(demo_store_paths: tuple[Path, Path]) -> Iterator[tuple[Path, Path]]:
    """Point the web app at the demo stores for one test."""
    crime_db, areas_db = demo_store_paths
    saved = settings.CRIME_DB_PATH, settings.AREAS_DB_PATH
    settings.CRIME_DB_PATH, settings.AREAS_DB_PATH = crime_db, areas_db
    yield crime_db, areas_db
    settings.CRIME_DB_PATH, settings.AREAS_DB_PATH = saved


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM}: run bin/test as root to install it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API refuses to run inside an event loop; Django's async-unsafe checks
    # would otherwise trip on the live server's thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir() -> Path:
    """Where browser tests save the screenshots people look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_postcodes(demo_stores: tuple[Path, Path]) -> list[str]:
    """Live postcodes of the demo lookup, each placed in a constituency."""
    _, areas_db = demo_stores
    with duckdb.connect(str(areas_db), read_only=True) as con:
        rows = con.execute(
            "SELECT pcds FROM postcode WHERE doterm IS NULL OR doterm = '' ORDER BY pcds LIMIT 400"
        ).fetchall()
    placed = []
    with areas_store() as store:
        for (postcode,) in rows:
            if store.postcode_lookup(postcode).constituency is not None:
                placed.append(postcode)
    assert len(placed) >= 30
    return placed


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"


def axe_serious_violations(page: Any) -> list[str]:
    """Return axe-core's serious and critical findings on the page, one line each."""
    # Evaluated through DevTools: a script tag would be refused by our own CSP, which stays on.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    assert len(result["passes"]) > 10  # axe really ran over the page
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def tab_to(page: Any, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element with this id has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")
