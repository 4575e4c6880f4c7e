"""The area profile in a real Chromium: map and chart render, no console errors, axe-core clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures_web import axe_serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/areas/E14001305/?category=burglary"  # Islington North, burglary: in the demo extract


def _open(browser, url: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("#area-map[data-map-ready]", state="attached", timeout=15_000)
    return context, page, errors


def test_profile_page_renders_map_and_chart_and_passes_axe(
    live_server, demo_stores: object, chromium_browser, screenshot_dir: Path
) -> None:
    context, page, errors = _open(
        chromium_browser, live_server.url + PAGE, {"width": 1280, "height": 900}
    )
    assert page.locator("#area-map path.leaflet-interactive").count() > 0
    assert page.locator("#area-map-legend li").count() >= 2
    chart = page.locator("figure.chart svg")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300  # type: ignore[index]
    assert page.locator("figure.chart svg rect").count() > 12
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / "profile-islington-north.png"), full_page=True)
    assert errors == []
    assert axe_serious_violations(page) == []
    context.close()


def test_profile_page_on_a_phone_by_keyboard(
    live_server, demo_stores: object, chromium_browser, screenshot_dir: Path
) -> None:
    context, page, errors = _open(
        chromium_browser, live_server.url + PAGE, {"width": 390, "height": 844}
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px"
    assert page.locator("#area-map path.leaflet-interactive").count() > 0
    page.screenshot(path=str(screenshot_dir / "profile-islington-north-phone.png"), full_page=True)
    # Keyboard only: reach the category select, choose robbery, submit with Enter.
    page.keyboard.press("Tab")
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == "id_category":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_category"
    page.select_option("#id_category", "robbery")  # as the arrow keys would, without a mouse
    page.keyboard.press("Tab")  # last month
    page.keyboard.press("Tab")  # source
    page.keyboard.press("Tab")  # the submit button
    assert page.evaluate("document.activeElement.textContent").strip() == "Show figures"
    page.keyboard.press("Enter")
    page.wait_for_url("**category=robbery**")
    assert "Robbery" in page.get_by_role("heading", level=2).first.inner_text()
    assert errors == []
    assert axe_serious_violations(page) == []
    context.close()
