"""Paper from end to end in a real Chromium: ask for a pack, print and post it, key a sheet.

A volunteer asks for a pack on the petition page; an organiser marks it printed, then posted,
and downloads its PDF (rendered to PNG with pdftoppm to look at); a data-entry volunteer keys
a 20-line sheet with the keyboard only; after the counter runs, the petition page shows the
paper signatures. Screenshots go to tests/artifacts/paper/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from callingtime.paper.models import Pack, PackStatus, Sheet
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import Petition, Signature, SignatureState
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    PetitionFactory,
    consent_wording,
    staff_member,
)
from tests.fixtures_web import ARTIFACTS, axe_serious_violations, tab_to

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def artifacts() -> Path:
    folder = ARTIFACTS / "paper"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sign_in(browser: Any, base: str, user: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/staff/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/staff/")
    return context, page


def test_request_post_and_key_a_paper_pack(
    live_server,
    demo_stores: object,
    chromium_browser,
    artifacts: Path,
    demo_postcodes: list[str],
    settings,
) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = live_server.url
    consent_wording()  # an earlier browser test's flush removes the migrated wording
    organisation = OrganisationFactory(name="Office of the Member for Islington North")
    petition: Petition = PetitionFactory(campaign=CampaignFactory(organisations=[organisation]))
    organiser = staff_member("organiser", organisation)
    volunteer = staff_member("data_entry", organisation)
    base = live_server.url

    # A resident asks for a pack from the petition page.
    public = chromium_browser.new_context(viewport={"width": 375, "height": 812})
    page = public.new_page()
    page.goto(f"{base}/petitions/{petition.pk}/")
    page.get_by_role("link", name="Collect signatures on paper").click()
    page.wait_for_url(f"**/petitions/{petition.pk}/paper-pack/")
    assert axe_serious_violations(page) == []
    page.fill("#id_name", "Vera Volunteer")
    page.fill("#id_email", "vera@example.org")
    page.fill("#id_address_line_1", "12 Canal Walk")
    page.fill("#id_town", "London")
    page.fill("#id_postcode", "n1 9gu")
    page.fill("#id_sheet_count", "2")
    page.screenshot(path=str(artifacts / "pack-request-375.png"), full_page=True)
    page.get_by_role("button", name="Request a paper pack").click()
    page.wait_for_url(f"**/petitions/{petition.pk}/paper-pack/requested/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you: we have your request"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the pack pages scroll sideways on a phone: {width}px"
    public.close()
    [message] = mail.outbox
    assert message.to == ["vera@example.org"] and "2 sheets" in message.body
    pack = Pack.objects.get()

    # The organiser marks it printed, then posted, and downloads the PDF.
    context, page = _sign_in(chromium_browser, base, organiser)
    page.goto(f"{base}/staff/petitions/{petition.pk}/paper/packs/")
    for status in ("printed", "posted"):
        page.check(f"#pack-{pack.pk}")
        page.select_option("#id_status", status)
        page.get_by_role("button", name="Change status").click()
        page.wait_for_selector(f"text=Marked 1 pack {status}")
    pack.refresh_from_db()
    assert pack.status == PackStatus.POSTED and pack.printed_at and pack.posted_at
    assert axe_serious_violations(page) == []
    page.screenshot(path=str(artifacts / "pack-queue.png"), full_page=True)
    pdf = page.request.get(f"{base}/staff/petitions/{petition.pk}/paper/packs/{pack.pk}.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    (artifacts / "pack.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                str(artifacts / "pack.pdf"),
                str(artifacts / "pack-page"),
            ],
            check=True,
        )
        assert len(list(artifacts.glob("pack-page-*.png"))) >= 3  # letter and two sheets
    context.close()

    # A data-entry volunteer keys the first sheet, keyboard only.
    sheet = pack.sheets.get(number=1)
    context, page = _sign_in(chromium_browser, base, volunteer)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/staff/petitions/{petition.pk}/paper/key/")
    assert page.evaluate("document.activeElement.id") == "id_sheet"
    page.keyboard.type(sheet.code.lower())
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/paper/sheets/{sheet.pk}/key/")
    assert page.evaluate("document.activeElement.id") == "id_signed_lines"
    page.keyboard.type("20")
    for line in range(1, 21):
        tab_to(page, f"id_name_{line}", limit=6)
        page.keyboard.type(f"Resident {line}")
        page.keyboard.press("Tab")
        page.keyboard.type(demo_postcodes[line - 1].lower())
        page.keyboard.press("Tab")
        if line == 3:
            page.keyboard.type("resident3@example.org")
        page.keyboard.press("Tab")
        if line in (3, 4):
            page.keyboard.press("Space")  # updates ticked; line 4 has no e-mail
    assert "20 keyed" in page.locator("#keyed-count").inner_text()
    assert axe_serious_violations(page) == []
    page.screenshot(path=str(artifacts / "key-sheet-filled.png"), full_page=True)
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"**/staff/petitions/{petition.pk}/paper/key/")
    notices = page.locator(".staff-messages").inner_text()
    assert f"Sheet {sheet.code} saved: 20 signature(s) count." in notices
    assert "line 4" in notices and "no updates" in notices
    page.screenshot(path=str(artifacts / "key-sheet-saved.png"), full_page=True)
    assert errors == []
    context.close()

    paper = Signature.objects.filter(
        petition=petition, source="paper", state=SignatureState.VALIDATED
    )
    assert paper.count() == 20
    assert Sheet.objects.get(pk=sheet.pk).state == "keyed"

    # The counter runs; the public page shows the paper signatures beside the online ones.
    petition_counts_update(now=timezone.now() + timedelta(seconds=30))
    public = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = public.new_page()
    page.goto(f"{base}/petitions/{petition.pk}/")
    assert page.locator("[data-count-number]").inner_text() == "20"
    split = re.sub(r"\s+", " ", page.locator(".count-split").inner_text())
    assert split == "0 online and 20 on paper"
    headers = page.locator("table.constituency-table thead").inner_text()
    assert "Paper" in headers
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "petition-with-paper.png"), full_page=True)
    public.close()
