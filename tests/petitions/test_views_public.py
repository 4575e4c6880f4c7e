"""The public pages' wiring: what each shows, the one-INSERT sign POST, confirm by POST only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from callingtime.petitions.forms import NAME_FORMULA, NAME_TOO_LONG, POSTCODE_INVALID
from callingtime.petitions.http_cache import PRIVATE_NO_STORE, public_cache_control
from callingtime.petitions.models import (
    ConstituencyCount,
    PetitionState,
    Signature,
    SignatureState,
    SiteSwitches,
)
from callingtime.petitions.selectors import CONSTITUENCY_NOT_KNOWN, GEOGRAPHY_MISSING_NOTE
from callingtime.petitions.share import SHARE_CHANNELS
from callingtime.petitions.signing import (
    SIGNING_CLOSED,
    SIGNING_PAUSED,
    signature_token,
    signing_context_forget,
)
from tests.factories import (
    MilestoneFactory,
    OrganisationFactory,
    PetitionFactory,
    SignatureFactory,
    consent_wording,
)

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Jo Bloggs",
    "email": "jo@example.org",
    "postcode": "n7 6pa",
    "uk_resident": "on",
}


@pytest.fixture(autouse=True)
def _fresh_signing_context() -> Iterator[None]:
    # The signing context is cached per process by petition id, and ids repeat across tests.
    signing_context_forget()
    yield
    signing_context_forget()


@pytest.fixture
def no_geography(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.AREAS_DB_PATH = tmp_path / "missing-areas.duckdb"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _assert_cacheable(response) -> None:  # type: ignore[no-untyped-def]
    assert response["Cache-Control"] == public_cache_control()
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    assert not response.cookies, "a cached page must not set cookies"
    assert "Cookie" not in response.get("Vary", "")


# --- The petition page


def test_petition_page_shows_the_petition_count_and_sign_link(client: Client) -> None:
    petition = PetitionFactory(
        background="Knife crime has doubled on our estate.",
        additional_details="Figures from police.uk.",
        signature_count=1234,
        signature_count_online=1234,
    )
    response = client.get(f"/petitions/{petition.pk}/")
    body = _text(response)
    assert response.status_code == 200
    for words in (
        petition.campaign.title,
        petition.action,
        "Knife crime has doubled on our estate.",
        "Figures from police.uk.",
        "A petition to The Home Secretary",
        "#CallingTimeOnCrime",
        "1,234",
        'aria-live="polite"',
    ):
        assert words in body
    assert f'href="/petitions/{petition.pk}/sign/"' in body
    assert "data-count-paper" not in body  # no paper signatures: no split
    _assert_cacheable(response)


def test_petition_page_is_cacheable_by_a_cdn(client: Client) -> None:
    petition = PetitionFactory()
    response = client.get(f"/petitions/{petition.pk}/")
    _assert_cacheable(response)
    assert "csrfmiddlewaretoken" not in _text(response)
    assert not client.cookies  # no session, no CSRF cookie: nothing stored for this visitor


def test_petition_page_splits_online_and_paper(client: Client) -> None:
    petition = PetitionFactory(
        signature_count=30, signature_count_online=20, signature_count_paper=10
    )
    body = _text(client.get(f"/petitions/{petition.pk}/"))
    assert re.search(r"20</span> online and\s+<span data-count-paper>10</span> on paper", body)


def test_petition_page_shows_milestones_reached_and_progress(client: Client) -> None:
    petition = PetitionFactory(signature_count=150)
    when = timezone.now() - timedelta(days=3)
    MilestoneFactory(petition=petition, threshold=100, label="Local press", reached_at=when)
    MilestoneFactory(petition=petition, threshold=1000, label="A debate")
    body = _text(client.get(f"/petitions/{petition.pk}/"))
    assert "Milestones reached" in body
    assert "100 signatures</strong>: Local press" in body
    assert timezone.localtime(when).strftime("%-d %B %Y") in body
    assert "850 more to reach" in body and "1,000: A debate" in body
    assert '<progress id="milestone-progress" max="1000" value="150">' in body


def test_petition_page_lists_constituencies_with_mps(client: Client, demo_stores: object) -> None:
    petition = PetitionFactory(signature_count=12)
    ConstituencyCount.objects.create(petition=petition, ons_code="E14001305", signature_count=9)
    ConstituencyCount.objects.create(petition=petition, ons_code="", signature_count=3)
    body = _text(client.get(f"/petitions/{petition.pk}/"))
    assert re.search(r"Islington North</th><td>Jeremy Corbyn</td><td class=\"num\">9<", body)
    assert CONSTITUENCY_NOT_KNOWN in body
    # The count in the map's address keeps the cached map in step with the cached page.
    assert f'data-geojson-url="/petitions/{petition.pk}/map.geojson?count=12"' in body
    assert "vendor/leaflet-1.9.4/leaflet.js" in body and "petitions/petition-map.js" in body


def test_petition_page_without_geography_says_so(client: Client, no_geography: None) -> None:
    petition = PetitionFactory()
    ConstituencyCount.objects.create(petition=petition, ons_code="E14001305", signature_count=2)
    response = client.get(f"/petitions/{petition.pk}/")
    body = _text(response)
    assert response.status_code == 200
    assert GEOGRAPHY_MISSING_NOTE in body
    assert "E14001305" in body
    assert 'id="petition-map"' not in body and "leaflet.js" not in body


def test_petition_page_share_links_carry_their_channel(client: Client) -> None:
    petition = PetitionFactory()
    body = _text(client.get(f"/petitions/{petition.pk}/"))
    for channel in SHARE_CHANNELS:
        assert f"via%3D{channel}" in body or f"via={channel}" in body, channel
    assert "https://twitter.com/intent/tweet?" in body and "hashtags=CallingTimeOnCrime" in body
    assert "https://www.facebook.com/sharer/sharer.php?" in body
    assert "https://wa.me/?text=" in body and "%23CallingTimeOnCrime" in body
    assert "mailto:?subject=" in body


def test_petition_page_passes_the_share_channel_to_the_sign_link(client: Client) -> None:
    petition = PetitionFactory()
    body = _text(client.get(f"/petitions/{petition.pk}/?via=whatsapp"))
    assert f'href="/petitions/{petition.pk}/sign/?via=whatsapp"' in body
    body = _text(client.get(f"/petitions/{petition.pk}/?via=%3Cscript%3E"))
    assert f'href="/petitions/{petition.pk}/sign/"' in body


@pytest.mark.parametrize("lapsed", [False, True])
def test_closed_petition_page_says_closed_and_offers_no_sign_link(
    client: Client, lapsed: bool
) -> None:
    if lapsed:
        petition = PetitionFactory(closing_date=timezone.localdate() - timedelta(days=1))
    else:
        petition = PetitionFactory(state=PetitionState.CLOSED, closed_at=timezone.now())
    body = _text(client.get(f"/petitions/{petition.pk}/"))
    assert "This petition is closed." in body
    assert "Sign this petition" not in body and "/sign/" not in body


@pytest.mark.parametrize("path", ["/petitions/{}/", "/petitions/{}.json", "/petitions/{}/sign/"])
def test_drafts_and_missing_petitions_are_not_found(client: Client, path: str) -> None:
    draft = PetitionFactory(state=PetitionState.DRAFT)
    for petition_id in (draft.pk, draft.pk + 100, 10**30):
        assert client.get(path.format(petition_id)).status_code == 404


# --- The list


def test_petition_list_shows_open_petitions_and_links_to_closed(client: Client) -> None:
    open_one = PetitionFactory(action="Open the youth club")
    PetitionFactory(action="An old closed one", state=PetitionState.CLOSED)
    PetitionFactory(action="A secret draft", state=PetitionState.DRAFT)
    response = client.get("/petitions/")
    body = _text(response)
    assert "Open the youth club" in body and f"/petitions/{open_one.pk}/" in body
    assert "An old closed one" not in body and "A secret draft" not in body
    assert 'href="/petitions/?state=closed"' in body
    _assert_cacheable(response)
    closed = _text(client.get("/petitions/?state=closed"))
    assert "An old closed one" in closed and "Open the youth club" not in closed


def test_petition_list_refuses_a_bad_query(client: Client) -> None:
    assert client.get("/petitions/?page=nope").status_code == 404
    assert client.get("/petitions/?state=draft").status_code == 404


def test_site_navigation_links_to_petitions(client: Client) -> None:
    assert 'href="/petitions/">Petitions</a>' in _text(client.get("/petitions/"))


# --- Sign


def test_sign_page_shows_the_form_wording_and_data_controllers(client: Client) -> None:
    wording = consent_wording()
    first = OrganisationFactory(name="Office of Jo MP", privacy_contact="jo.office@example.org")
    second = OrganisationFactory(name="Safer Streets Group", privacy_contact="1 High St, N1")
    petition = PetitionFactory(campaign__organisations=[first, second])
    response = client.get(f"/petitions/{petition.pk}/sign/?via=facebook")
    body = _text(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE_NO_STORE
    assert "csrfmiddlewaretoken" in body
    for field in ("id_name", "id_email", "id_postcode", "id_uk_resident", "id_opt_in"):
        assert f'<label for="{field}">' in body
    assert wording.declaration in body and wording.opt_in in body
    assert wording.privacy_summary in body
    for org in (first, second):
        assert org.name in body and org.privacy_contact in body
    assert 'name="via" value="facebook"' in body


def test_sign_post_writes_one_row_with_one_insert_and_redirects(client: Client) -> None:
    consent_wording()
    SiteSwitches.current()
    petition = PetitionFactory()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/petitions/{petition.pk}/sign/",
            {**GOOD, "name": " Zoe\u0308  Bloggs ", "opt_in": "on", "via": "whatsapp"},
            REMOTE_ADDR="203.0.113.9",
        )
    assert response.status_code == 303
    assert response["Location"] == f"/petitions/{petition.pk}/signed/"
    assert response["Cache-Control"] == PRIVATE_NO_STORE
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("INSERT")
    assert "petitions_signature" in writes[0]
    signature = Signature.objects.get()
    assert signature.name == "Zoë Bloggs"
    assert signature.postcode == "N7 6PA"
    assert signature.share_channel == "whatsapp"
    assert signature.ip_address == "203.0.113.9"
    assert signature.uk_resident and signature.opt_in
    assert signature.state == SignatureState.PENDING


def test_sign_post_with_errors_shows_a_linked_summary_and_writes_nothing(client: Client) -> None:
    wording = consent_wording()
    petition = PetitionFactory()
    response = client.post(
        f"/petitions/{petition.pk}/sign/", {**GOOD, "name": "=cmd", "postcode": "nope"}
    )
    body = _text(response)
    assert response.status_code == 200
    assert Signature.objects.count() == 0
    assert "There is a problem" in body
    assert f'<a href="#id_name">{NAME_FORMULA}</a>' in body
    assert f'<a href="#id_postcode">{POSTCODE_INVALID}</a>' in body
    assert 'aria-invalid="true"' in body and 'aria-describedby="id_name-error"' in body
    assert 'value="jo@example.org"' in body  # what was right is kept
    assert 'id="id_uk_resident" name="uk_resident" checked' in body
    assert f'<label for="id_uk_resident">{wording.declaration}</label>' in body
    assert f'<label for="id_opt_in">{wording.opt_in}</label>' in body


def test_sign_post_with_a_megabyte_field_is_a_form_error(client: Client) -> None:
    consent_wording()
    petition = PetitionFactory()
    response = client.post(f"/petitions/{petition.pk}/sign/", {**GOOD, "name": "x" * 1_000_000})
    assert response.status_code == 200
    assert NAME_TOO_LONG in _text(response)
    assert len(response.content) < 50_000  # the megabyte is not echoed back
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"state": PetitionState.CLOSED}, SIGNING_CLOSED),
        ({"signing_paused": True}, SIGNING_PAUSED),
    ],
)
def test_sign_when_signing_is_unavailable(
    client: Client, changes: dict[str, object], message: str
) -> None:
    consent_wording()
    petition = PetitionFactory(**changes)
    page = client.get(f"/petitions/{petition.pk}/sign/")
    assert page.status_code == 200 and message in _text(page)
    assert 'name="email"' not in _text(page)
    response = client.post(f"/petitions/{petition.pk}/sign/", GOOD)
    assert response.status_code == 409 and message in _text(response)
    assert Signature.objects.count() == 0


def test_sign_post_without_csrf_token_is_forbidden(client: Client) -> None:
    consent_wording()
    petition = PetitionFactory()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/petitions/{petition.pk}/sign/", GOOD)
    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_signed_page_asks_the_signer_to_check_their_email(client: Client) -> None:
    petition = PetitionFactory()
    response = client.get(f"/petitions/{petition.pk}/signed/")
    assert response.status_code == 200
    assert "Check your e-mail" in _text(response)
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_the_signed_page_reads_the_petition_the_sign_page_read(client: Client) -> None:
    consent_wording()
    petition = PetitionFactory()
    assert client.get(f"/petitions/{petition.pk}/sign/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/petitions/{petition.pk}/signed/")
    assert response.status_code == 200 and petition.action in _text(response)
    assert len(queries) == 0, [q["sql"] for q in queries]
    draft = PetitionFactory(state=PetitionState.DRAFT)
    assert client.get(f"/petitions/{draft.pk}/signed/").status_code == 404
    assert client.get("/petitions/999999999/signed/").status_code == 404


# --- Confirm


def _pending() -> tuple[Signature, str]:
    signature = SignatureFactory()
    return signature, signature_token(signature=signature)


def test_confirm_get_only_shows_a_button(client: Client) -> None:
    signature, token = _pending()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/signatures/{token}/confirm/")
    body = _text(response)
    assert response.status_code == 200
    assert re.search(r'<form method="post"[^>]*>', body)
    assert "Confirm my signature" in body and signature.petition.action in body
    assert response["Cache-Control"] == PRIVATE_NO_STORE
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING


def test_confirm_post_confirms_then_says_already_confirmed(client: Client) -> None:
    signature, token = _pending()
    response = client.post(f"/signatures/{token}/confirm/")
    body = _text(response)
    assert response.status_code == 200
    assert "Thank you for signing" in body and "Ask others to sign" in body
    assert "via%3Dtwitter" in body
    signature.refresh_from_db()
    assert signature.state == SignatureState.VALIDATED
    again = client.post(f"/signatures/{token}/confirm/")
    assert "You have already confirmed your signature" in _text(again)


def test_confirm_post_of_a_second_signature_says_already_signed(client: Client) -> None:
    first, first_token = _pending()
    client.post(f"/signatures/{first_token}/confirm/")
    second = SignatureFactory(
        petition=first.petition, email=first.email, name=first.name, postcode=first.postcode
    )
    response = client.post(f"/signatures/{signature_token(signature=second)}/confirm/")
    assert "You have already signed this petition" in _text(response)


def test_confirm_of_an_expired_link_explains_and_links_to_sign_again(
    client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    signature, token = _pending()
    settings.CONFIRM_TOKEN_MAX_AGE = -1
    for response in (
        client.get(f"/signatures/{token}/confirm/"),
        client.post(f"/signatures/{token}/confirm/"),
    ):
        assert response.status_code == 410
        assert "This link has expired" in _text(response)
        assert 'href="/petitions/"' in _text(response)
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING


def test_confirm_of_a_closed_petition_says_closed(client: Client) -> None:
    signature, token = _pending()
    signature.petition.state = PetitionState.CLOSED
    signature.petition.save()
    response = client.post(f"/signatures/{token}/confirm/")
    assert "This petition is closed" in _text(response)
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING


@pytest.mark.parametrize("token", ["nonsense", "a:b:c", "x" * 5000, "%00", "é"])
def test_confirm_of_an_invalid_link_is_not_found(client: Client, token: str) -> None:
    for response in (
        client.get(f"/signatures/{token}/confirm/"),
        client.post(f"/signatures/{token}/confirm/"),
    ):
        assert response.status_code == 404
        assert "This link does not work" in _text(response)


def test_confirm_post_without_csrf_token_is_forbidden() -> None:
    signature, token = _pending()
    response = Client(enforce_csrf_checks=True).post(f"/signatures/{token}/confirm/")
    assert response.status_code == 403
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING


# --- The map's data


def test_map_geojson_is_cacheable_geojson(client: Client, demo_stores: object) -> None:
    petition = PetitionFactory()
    ConstituencyCount.objects.create(petition=petition, ons_code="E14001305", signature_count=4)
    response = client.get(f"/petitions/{petition.pk}/map.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert [f["properties"]["name"] for f in response.json()["features"]] == ["Islington North"]
    _assert_cacheable(response)


def test_map_geojson_without_geography_is_unavailable(client: Client, no_geography: None) -> None:
    petition = PetitionFactory()
    response = client.get(f"/petitions/{petition.pk}/map.geojson")
    assert response.status_code == 503
    assert "Geography is not loaded" in response.json()["error"]


def test_sign_post_larger_than_django_accepts_is_a_bad_request(client: Client) -> None:
    consent_wording()
    petition = PetitionFactory()
    response = client.post(f"/petitions/{petition.pk}/sign/", {**GOOD, "name": "x" * 3_000_000})
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_the_sign_page_reads_nothing_within_a_second_and_shows_a_save_at_once(
    client: Client,
) -> None:
    consent_wording()
    SiteSwitches.current()
    petition = PetitionFactory()
    url = f"/petitions/{petition.pk}/sign/"
    assert petition.action in _text(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200 and petition.action in _text(again)
    assert len(queries) == 0, [q["sql"] for q in queries]

    petition.action = "Light every alley off the high street"
    petition.save()
    assert "Light every alley off the high street" in _text(client.get(url))
    organisation = OrganisationFactory(name="Riverside Residents")
    petition.campaign.organisations.add(organisation)
    assert "Riverside Residents" in _text(client.get(url))


def test_a_petition_hidden_without_a_save_goes_with_the_signing_context(client: Client) -> None:
    consent_wording()
    petition = PetitionFactory()
    url = f"/petitions/{petition.pk}/sign/"
    assert client.get(url).status_code == 200
    # An UPDATE sends no signal; the staff switches and tests forget the signing context.
    type(petition).objects.filter(pk=petition.pk).update(state=PetitionState.DRAFT)
    signing_context_forget()
    assert client.get(url).status_code == 404
