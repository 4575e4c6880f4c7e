"""A signer's whole journey in a real Chromium: page, sign by keyboard, e-mail, confirm, count.

Screenshots go to tests/artifacts/petitions/ for people to look at; axe-core checks every page.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from callingtime.campaigns.models import CampaignArea
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import Petition, Signature, SignatureState
from callingtime.petitions.processing import signatures_process_new
from callingtime.petitions.signing import signing_context_forget
from tests.factories import MilestoneFactory, PetitionFactory, consent_wording
from tests.fixtures_web import ARTIFACTS, axe_serious_violations, tab_to

pytestmark = pytest.mark.django_db(transaction=True)

ISLINGTON_NORTH = "E14001305"
POSTCODE = "N7 6PA"  # in Islington North, in the demo geography


@pytest.fixture
def artifacts() -> Path:
    folder = ARTIFACTS / "petitions"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def petition(settings, live_server) -> Petition:  # type: ignore[no-untyped-def]
    settings.SITE_URL = live_server.url  # the e-mailed link must reach this test's server
    signing_context_forget()
    consent_wording()
    petition = PetitionFactory(
        background="Burglary and knife crime have risen on our streets.\n\n"
        "We ask for more neighbourhood officers and for the youth club to reopen.",
    )
    CampaignArea.objects.create(
        campaign=petition.campaign,
        code=ISLINGTON_NORTH,
        name="Islington North",
        type="constituency",
    )
    MilestoneFactory(petition=petition, threshold=1, label="The first signature")
    MilestoneFactory(petition=petition, threshold=100, label="A letter to the Home Secretary")
    return petition


def _map_ready(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#petition-map[data-map-ready=true]", state="attached", timeout=15_000)


def test_sign_confirm_and_see_the_count_rise(
    live_server, demo_stores: object, chromium_browser, petition: Petition, artifacts: Path
) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/petitions/{petition.pk}/?via=whatsapp")
    _map_ready(page)
    assert page.locator("#petition-map path.leaflet-interactive").count() == 1  # campaign area
    assert page.locator("[data-count-number]").inner_text() == "0"
    assert not page.locator("[data-copy-target]").is_hidden()  # the script enhanced the page
    assert axe_serious_violations(page) == []

    page.get_by_role("link", name="Sign this petition").click()
    page.wait_for_url(f"**/petitions/{petition.pk}/sign/?via=whatsapp")
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the sign page scrolls sideways on a phone: {width}px"
    page.screenshot(path=str(artifacts / "sign-form-375.png"), full_page=True)
    assert axe_serious_violations(page) == []

    # Keyboard only. Submitting nothing lands focus on the error summary, which links to fields.
    page.focus("#id_opt_in")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert page.locator(".error-summary a").count() == 4
    assert axe_serious_violations(page) == []
    page.screenshot(path=str(artifacts / "sign-form-errors-375.png"), full_page=True)
    # Then Tab to each field, type, tick with Space, submit with Enter.
    tab_to(page, "id_name")
    page.keyboard.type("Jo Bloggs")
    tab_to(page, "id_email", limit=3)
    page.keyboard.type("jo.bloggs@example.org")
    tab_to(page, "id_postcode", limit=3)
    page.keyboard.type("n7 6pa")
    tab_to(page, "id_uk_resident", limit=3)
    page.keyboard.press("Space")
    tab_to(page, "id_opt_in", limit=3)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Sign this petition"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/petitions/{petition.pk}/signed/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
    signature = Signature.objects.get()
    assert (signature.postcode, signature.share_channel) == (POSTCODE, "whatsapp")

    assert signatures_process_new() == 1
    [message] = mail.outbox
    assert message.to == ["jo.bloggs@example.org"]
    link = re.search(r"https?://\S+/signatures/\S+/confirm/", message.body)
    assert link is not None, message.body
    page.goto(link.group(0))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your signature"
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING  # opening the link changed nothing
    assert axe_serious_violations(page) == []
    page.get_by_role("button", name="Confirm my signature").click()
    page.wait_for_selector("text=Thank you for signing")
    page.screenshot(path=str(artifacts / "confirmed-375.png"), full_page=True)
    signature.refresh_from_db()
    assert signature.state == SignatureState.VALIDATED
    assert signature.constituency_code == ISLINGTON_NORTH

    petition_counts_update(now=timezone.now() + timedelta(seconds=5))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/petitions/{petition.pk}/")
    _map_ready(page)
    assert page.locator("[data-count-number]").inner_text() == "1"
    row = page.locator("table.constituency-table tbody tr").first
    assert re.sub(r"\s+", " ", row.inner_text()).strip() == "Islington North Jeremy Corbyn 1"
    assert "The first signature" in page.locator("ul.milestones").inner_text()
    assert page.locator("#petition-map path.leaflet-interactive").count() == 1
    assert page.locator("#petition-map-legend").inner_text().count("1 signature") == 1
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "petition-page-map.png"), full_page=True)
    assert axe_serious_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the petition page scrolls sideways on a phone: {width}px"
    page.wait_for_timeout(500)  # the map refits once resizing settles
    page.screenshot(path=str(artifacts / "petition-page-375.png"), full_page=True)
    assert errors == []
    context.close()


def test_sign_form_works_without_javascript_and_shows_errors(
    live_server, demo_stores: object, chromium_browser, petition: Petition, artifacts: Path
) -> None:
    context = chromium_browser.new_context(
        viewport={"width": 375, "height": 812}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/petitions/{petition.pk}/")
    assert page.locator(".map-fallback").inner_text().startswith("The map needs JavaScript")
    page.get_by_role("link", name="Sign this petition").click()
    page.fill("#id_name", "=HYPERLINK()")
    page.fill("#id_email", "not an address")
    page.get_by_role("button", name="Sign this petition").click()
    # The form posts and the page reloads; is_visible() does not wait for that.
    page.wait_for_selector(".error-summary")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a").count() == 4  # name, e-mail, postcode, declaration
    assert 'aria-invalid="true"' in page.content()
    page.fill("#id_name", "Jo Bloggs")
    page.fill("#id_email", "jo@example.org")
    page.fill("#id_postcode", POSTCODE)
    page.check("#id_uk_resident")
    page.get_by_role("button", name="Sign this petition").click()
    page.wait_for_url(f"**/petitions/{petition.pk}/signed/")
    assert Signature.objects.count() == 1
    context.close()
