"""The staff pages' wiring: sign in and out, what each page shows, the forms they post."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from callingtime.campaigns.services import role_groups_ensure
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import Milestone, Petition, SignatureState
from callingtime.petitions.views_staff import SIGNERS_PER_PAGE
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    PetitionFactory,
    SignatureFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "staff"


def _validated(petition: Petition, **fields: Any) -> Any:
    return SignatureFactory(
        petition=petition,
        state=SignatureState.VALIDATED,
        validated_at=timezone.now() - timedelta(minutes=1),
        **fields,
    )


@pytest.fixture
def office() -> Any:
    return OrganisationFactory(name="Office of the MP for Islington North (test)")


@pytest.fixture
def petition(office: Any) -> Petition:
    campaign = CampaignFactory(organisations=[office])
    petition = PetitionFactory(campaign=campaign)
    for threshold in (2, 1_000):
        Milestone.objects.create(petition=petition, threshold=threshold)
    return petition


def _signed_in(role: str, office: Any) -> Client:
    client = Client()
    client.force_login(staff_member(role, office))
    return client


def test_sign_in_page_logs_staff_in_and_sends_them_to_the_dashboard(office: Any) -> None:
    staff_member("organiser", office, username="casey")
    client = Client()
    page = client.get("/staff/login/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    response = client.post("/staff/login/", {"username": "casey", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_sign_in_refuses_a_wrong_password_and_says_so(office: Any) -> None:
    staff_member("organiser", office, username="casey")
    response = Client().post("/staff/login/", {"username": "casey", "password": "nope"})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()


def test_sign_out_is_a_post_only(office: Any) -> None:
    client = _signed_in("analyst", office)
    assert client.get("/staff/logout/").status_code == 405
    response = client.post("/staff/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/"
    assert client.get("/staff/").status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in_with_a_way_back(petition: Petition) -> None:
    response = Client().get(f"/staff/petitions/{petition.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next=/staff/petitions/{petition.pk}/"


def test_signed_in_account_without_an_organisation_is_refused(petition: Petition) -> None:
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "not on the staff" in response.content.decode()


def test_dashboard_lists_the_campaigns_petitions_with_counts(
    office: Any, petition: Petition
) -> None:
    Petition.objects.filter(pk=petition.pk).update(
        signature_count=1234, signature_count_online=1200, signature_count_paper=34
    )
    elsewhere = PetitionFactory(action="Someone else's petition")
    body = _signed_in("analyst", office).get("/staff/").content.decode()
    assert petition.action in body
    assert "1,234" in body and "1,200" in body
    assert elsewhere.action not in body
    assert "Site-wide switches" not in body


def test_dashboard_offers_the_site_switches_to_admins(office: Any, petition: Petition) -> None:
    body = _signed_in("admin", office).get("/staff/").content.decode()
    assert "/staff/switches/" in body


def test_petition_page_shows_counts_states_and_milestones(office: Any, petition: Petition) -> None:
    _validated(petition)
    _validated(petition)
    SignatureFactory(petition=petition)  # pending
    SignatureFactory(petition=petition, state=SignatureState.FRAUDULENT)
    SignatureFactory(petition=petition, state=SignatureState.DUPLICATE)
    petition_counts_update()
    body = _signed_in("data_entry", office).get(f"/staff/petitions/{petition.pk}/").content
    text = body.decode()
    assert "Signatures counted" in text
    assert "reached" in text  # the 2-signature milestone
    assert "not reached yet" in text  # the 1,000 one
    assert "Pending" in text and "Flagged" in text and "Duplicate" in text
    # Data entry sees counts only: no switches, no signers, no abuse tools.
    assert "Pause signing" not in text
    assert "/signers/" not in text
    assert "/invalidations/" not in text


def test_petition_page_offers_switches_signers_and_abuse_tools_to_organisers(
    office: Any, petition: Petition
) -> None:
    text = _signed_in("organiser", office).get(f"/staff/petitions/{petition.pk}/").content
    body = text.decode()
    for expected in (
        "Pause signing",
        "Pause counting",
        "Reconcile counts",
        f"/staff/petitions/{petition.pk}/signers/",
        f"/staff/petitions/{petition.pk}/signers.csv",
        f"/staff/petitions/{petition.pk}/trending/",
        f"/staff/petitions/{petition.pk}/invalidations/",
    ):
        assert expected in body, expected
    # The block list is site-wide: only admins are offered it.
    assert f"/staff/petitions/{petition.pk}/blocklist/" not in body
    admin = _signed_in("admin", office).get(f"/staff/petitions/{petition.pk}/").content.decode()
    assert f"/staff/petitions/{petition.pk}/blocklist/" in admin


def test_analysts_get_neither_the_trending_ip_report_nor_the_signers(
    office: Any, petition: Petition
) -> None:
    body = _signed_in("analyst", office).get(f"/staff/petitions/{petition.pk}/").content
    assert b"/trending/" not in body
    assert b"/signers/" not in body


def test_pause_signing_form_pauses_and_resume_resumes(office: Any, petition: Petition) -> None:
    client = _signed_in("organiser", office)
    url = f"/staff/petitions/{petition.pk}/switch/"
    response = client.post(url, {"switch": "signing", "paused": "1"}, follow=True)
    petition.refresh_from_db()
    assert petition.signing_paused
    assert "Signing paused." in response.content.decode()
    assert "Resume signing" in response.content.decode()
    client.post(url, {"switch": "signing", "paused": "0"})
    petition.refresh_from_db()
    assert not petition.signing_paused


def test_unknown_switch_is_a_bad_request(office: Any, petition: Petition) -> None:
    client = _signed_in("organiser", office)
    response = client.post(f"/staff/petitions/{petition.pk}/switch/", {"switch": "everything"})
    assert response.status_code == 400


def test_reconcile_shows_what_it_repaired(office: Any, petition: Petition) -> None:
    _validated(petition)
    petition_counts_update()
    Petition.objects.filter(pk=petition.pk).update(signature_count=50)
    client = _signed_in("organiser", office)
    url = f"/staff/petitions/{petition.pk}/reconcile/"
    body = client.post(url, follow=True).content.decode()
    assert "Repaired the petition total: it was 50, the rows say 1." in body
    body = client.post(url, follow=True).content.decode()
    assert "nothing to repair" in body


def test_site_switches_page_pauses_signing_everywhere(office: Any) -> None:
    client = _signed_in("admin", office)
    assert "Pause signing everywhere" in client.get("/staff/switches/").content.decode()
    client.post("/staff/switches/", {"switch": "signing", "paused": "1"})
    from callingtime.petitions.models import SiteSwitches

    assert SiteSwitches.current().signing_paused
    assert "Resume signing everywhere" in client.get("/staff/switches/").content.decode()


def test_signers_page_searches_by_name_and_postcode(office: Any, petition: Petition) -> None:
    _validated(petition, name="Ada Lovelace", postcode="N7 8AA")
    _validated(petition, name="Grace Hopper", postcode="E8 1AA")
    client = _signed_in("organiser", office)
    url = f"/staff/petitions/{petition.pk}/signers/"
    by_name = client.get(url, {"q": "lovelace"}).content.decode()
    assert "Ada Lovelace" in by_name and "Grace Hopper" not in by_name
    by_postcode = client.get(url, {"q": "e81"}).content.decode()
    assert "Grace Hopper" in by_postcode and "Ada Lovelace" not in by_postcode


def test_signers_page_shows_email_only_of_those_who_opted_in(
    office: Any, petition: Petition
) -> None:
    _validated(petition, email="yes@example.org", opt_in=True)
    _validated(petition, email="no@example.org", opt_in=False)
    body = _signed_in("admin", office).get(f"/staff/petitions/{petition.pk}/signers/").content
    assert b"yes@example.org" in body
    assert b"no@example.org" not in body


def test_signers_page_filters_by_state_and_pages(office: Any, petition: Petition) -> None:
    for _ in range(SIGNERS_PER_PAGE + 1):
        _validated(petition)
    SignatureFactory(petition=petition, name="Pending Person")
    client = _signed_in("organiser", office)
    url = f"/staff/petitions/{petition.pk}/signers/"
    first = client.get(url).content.decode()
    assert "Page 1 of 2" in first and "Pending Person" not in first
    assert "Page 2 of 2" in client.get(url, {"page": 2}).content.decode()
    pending = client.get(url, {"state": "pending"}).content.decode()
    assert "Pending Person" in pending and "Page 1 of 1" in pending
    assert client.get(url, {"page": "x"}).status_code == 200  # a bad page is page 1


def test_signers_csv_downloads_with_a_dated_name_and_no_store(
    office: Any, petition: Petition
) -> None:
    _validated(petition, name="=cmd|' /C calc'!A0", opt_in=True, email="a@example.org")
    response = _signed_in("organiser", office).get(f"/staff/petitions/{petition.pk}/signers.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="petition-{petition.pk}-signers-' in response["Content-Disposition"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["email"] == "a@example.org"


def test_every_staff_page_is_private_and_never_stored(office: Any, petition: Petition) -> None:
    client = _signed_in("admin", office)
    for url in (
        "/staff/",
        "/staff/switches/",
        f"/staff/petitions/{petition.pk}/",
        f"/staff/petitions/{petition.pk}/signers/",
        f"/staff/petitions/{petition.pk}/signers.csv",
        "/staff/petitions/999999/",
    ):
        response = client.get(url)
        assert "private" in response["Cache-Control"], url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db(transaction=True)
def test_staff_pages_in_chromium(
    live_server: Any, chromium_browser: Any, demo_stores: tuple[Path, Path]
) -> None:
    """Sign in as a real browser would, and keep screenshots of the two main staff pages."""
    role_groups_ensure()
    office = OrganisationFactory(name="Office of the MP for Islington North (demo)")
    staff_member("organiser", office, username="casey")
    campaign = CampaignFactory(organisations=[office, OrganisationFactory()])
    petition = PetitionFactory(
        campaign=campaign,
        action="Fund more neighbourhood police officers and youth services in our area",
    )
    for threshold in (2, 100, 1_000):
        Milestone.objects.create(petition=petition, threshold=threshold)
    for code in ("E14001305", "E14001305", "E14001306"):
        _validated(petition, constituency_code=code)
    SignatureFactory(petition=petition)
    petition_counts_update()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = chromium_browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto(f"{live_server.url}/staff/")
        assert page.url.startswith(f"{live_server.url}/staff/login/")
        page.fill("input[name=username]", "casey")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/staff/")
        assert page.get_by_role("heading", name="Your campaigns").is_visible()
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        page.click(f"a[href='/staff/petitions/{petition.pk}/']")
        page.wait_for_url(f"{live_server.url}/staff/petitions/{petition.pk}/")
        page.get_by_role("button", name="Pause signing").click()
        page.wait_for_selector("text=Signing paused.")
        assert page.get_by_text("Islington North").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "petition.png"), full_page=True)
    finally:
        page.close()
    petition.refresh_from_db()
    assert petition.signing_paused
