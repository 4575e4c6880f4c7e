"""A resident finds their area in a real Chromium, by keyboard, on a phone-sized screen."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_postcode_search_by_keyboard_on_a_phone(
    live_server, demo_stores: object, chromium_browser, screenshot_dir: Path
) -> None:
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.get_by_label("Your postcode").fill("rm10 8aa")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lookup/**")
    assert page.get_by_role("heading", level=1).inner_text() == "RM10 8AA"
    assert page.get_by_text("Dagenham and Rainham").first.is_visible()
    page.screenshot(path=str(screenshot_dir / "postcode-lookup-phone.png"), full_page=True)
    assert errors == []
    context.close()
