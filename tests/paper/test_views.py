"""The paper pages through Django's test client: wiring, messages, and bad input saving nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from callingtime.paper.models import Pack, PackStatus, PaperSignature, Sheet, SheetState
from callingtime.paper.packs import REQUESTS_PER_IP_PER_HOUR, paper_settings_update
from callingtime.petitions.forms import POSTCODE_INVALID
from callingtime.petitions.models import Petition, PetitionState, Signature, SignatureState
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

REQUEST = {
    "name": "Vera Volunteer",
    "email": "vera@example.org",
    "address_line_1": "12 Canal Walk",
    "address_line_2": "",
    "town": "London",
    "postcode": "n1 9gu",
    "sheet_count": "4",
    "note": "Evenings are best",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(postcodes: list[str], n: int, **extra: str) -> dict[str, str]:
    data = {"signed_lines": str(n)}
    for i in range(1, n + 1):
        data[f"name_{i}"] = f"Door Knock {i}"
        data[f"postcode_{i}"] = postcodes[i - 1].lower().replace(" ", "")
    data.update(extra)
    return data


def test_a_volunteer_requests_a_pack_and_gets_an_email(
    petition: Petition, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    page = client.get(f"/petitions/{petition.pk}/paper-pack/")
    assert page.status_code == 200 and b"Collect signatures on paper" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/petitions/{petition.pk}/paper-pack/", REQUEST)
    assert response.status_code == 303
    assert response["Location"] == f"/petitions/{petition.pk}/paper-pack/requested/"
    pack = Pack.objects.get()
    assert (pack.status, pack.sheet_count, pack.postcode) == (PackStatus.REQUESTED, 4, "N1 9GU")
    assert list(pack.sheets.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert all(code.startswith("S") for code in pack.sheets.values_list("code", flat=True))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vera@example.org"]
    assert "12 Canal Walk" in mail.outbox[0].body and "4 sheets" in mail.outbox[0].body
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NOT A POSTCODE", POSTCODE_INVALID),
        ("sheet_count", "900", "Enter a number of sheets from 1 to 20."),
        ("sheet_count", "lots", "Enter a number of sheets from 1 to 20."),
        ("address_line_1", "", "Enter the first line of the address"),
        ("name", "=HYPERLINK(1)", "cannot start with"),
        ("email", "not-an-email", "right format"),
    ],
)
def test_a_bad_pack_request_says_why_and_saves_nothing(
    petition: Petition, field: str, value: str, message: str
) -> None:
    response = Client().post(f"/petitions/{petition.pk}/paper-pack/", {**REQUEST, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Pack.objects.count() == 0 and Sheet.objects.count() == 0 and not mail.outbox


def test_pack_requests_are_limited_per_connection(petition: Petition) -> None:
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(REQUESTS_PER_IP_PER_HOUR):
        assert client.post(f"/petitions/{petition.pk}/paper-pack/", REQUEST).status_code == 303
    response = client.post(f"/petitions/{petition.pk}/paper-pack/", REQUEST)
    assert response.status_code == 409 and b"try again later" in response.content
    assert Pack.objects.count() == REQUESTS_PER_IP_PER_HOUR


def test_a_closed_petition_takes_no_pack_requests(petition: Petition) -> None:
    Petition.objects.filter(pk=petition.pk).update(state=PetitionState.CLOSED)
    response = Client().post(f"/petitions/{petition.pk}/paper-pack/", REQUEST)
    assert response.status_code == 409 and Pack.objects.count() == 0


def test_staff_mark_packs_printed_then_posted_in_bulk(
    petition: Petition, organiser: Any, pack: Any
) -> None:
    other = Pack.objects.create(
        petition=petition, sheet_count=1, consent=pack.consent, requested_at=timezone.now()
    )
    client = _client(organiser)
    queue = client.get(f"/staff/petitions/{petition.pk}/paper/packs/")
    assert queue.status_code == 200 and b"Vol Unteer" in queue.content
    url = f"/staff/petitions/{petition.pk}/paper/packs/"
    client.post(url, {"status": "printed", "packs": [pack.pk, other.pk]})
    response = client.post(url, {"status": "posted", "packs": [pack.pk]}, follow=True)
    assert b"Marked 1 pack posted" in response.content
    pack.refresh_from_db()
    other.refresh_from_db()
    assert pack.status == PackStatus.POSTED and pack.printed_at and pack.posted_at
    assert other.status == PackStatus.PRINTED
    back = client.post(url, {"status": "printed", "packs": [pack.pk]}, follow=True)
    assert b"cannot go back" in back.content
    pack.refresh_from_db()
    assert pack.status == PackStatus.POSTED


def test_a_volunteer_keys_a_twenty_line_sheet(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    client = _client(keyer)
    sheet = pack.sheets.first()
    found = client.get(f"/staff/petitions/{petition.pk}/paper/key/", {"sheet": sheet.code.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/staff/petitions/{petition.pk}/paper/sheets/{sheet.pk}/key/"
    page = client.get(found["Location"])
    assert page.status_code == 200 and page.content.count(b'name="name_') == 20
    data = _rows(demo_postcodes, 20, email_3="door3@example.org", opt_in_3="on", opt_in_4="on")
    response = client.post(found["Location"], data, follow=True)
    assert response.redirect_chain[-1][0] == f"/staff/petitions/{petition.pk}/paper/key/"
    body = response.content.decode()
    assert f"Sheet {sheet.code} saved: 20 signature(s) count." in body
    assert "Updates were ticked without an e-mail on line 4" in body
    assert Signature.objects.filter(state=SignatureState.VALIDATED, source="paper").count() == 20
    assert Signature.objects.get(paper__line=3).opt_in is True
    assert Signature.objects.get(paper__line=4).opt_in is False


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"postcode_7": "ZZ99 ZZZZ"}, f"Line 7: {POSTCODE_INVALID}"),
        ({"postcode_7": ""}, "Line 7: the name is keyed but not the postcode."),
        ({"name_7": ""}, "Line 7: the postcode is keyed but not the name."),
        ({"email_7": "nope@"}, "Line 7: Enter an e-mail address in the right format"),
        ({"signed_lines": "12"}, "You said 12 lines of the sheet were signed, but keyed 10."),
        ({"signed_lines": "99"}, "Enter how many lines of the sheet are signed, from 0 to 20."),
        ({"name_7": "http://spam.example/x"}, "Line 7: Enter your name, not a web address."),
    ],
)
def test_a_bad_sheet_says_which_line_and_saves_nothing(
    petition: Petition,
    pack: Any,
    keyer: Any,
    demo_postcodes: list[str],
    extra: dict[str, str],
    message: str,
) -> None:
    sheet = pack.sheets.first()
    url = f"/staff/petitions/{petition.pk}/paper/sheets/{sheet.pk}/key/"
    response = _client(keyer).post(url, _rows(demo_postcodes, 10, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "nothing was saved" in response.content.decode()
    assert Signature.objects.count() == 0 and PaperSignature.objects.count() == 0
    sheet.refresh_from_db()
    assert sheet.state == SheetState.BLANK
    # What was typed stays on the page to be corrected.
    assert "Door Knock 1" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("S000000-1", "check digit"),
        ("banana", "is not a sheet id"),
        ("", "Type or scan the sheet id"),
    ],
)
def test_an_unknown_sheet_id_is_refused_on_the_page(
    petition: Petition, keyer: Any, text: str, message: str
) -> None:
    response = _client(keyer).get(f"/staff/petitions/{petition.pk}/paper/key/", {"sheet": text})
    assert response.status_code == 400 and message in response.content.decode()


def test_double_entry_through_the_pages(
    petition: Petition,
    pack: Any,
    keyer: Any,
    second_keyer: Any,
    organiser: Any,
    demo_postcodes: list[str],
) -> None:
    paper_settings_update(
        petition=petition,
        requests_open=True,
        return_instructions="",
        rows_per_sheet=20,
        double_entry=True,
    )
    sheet = pack.sheets.first()
    url = f"/staff/petitions/{petition.pk}/paper/sheets/{sheet.pk}/key/"
    first = _client(keyer).post(url, _rows(demo_postcodes, 3), follow=True)
    assert b"First entry of sheet" in first.content and Signature.objects.count() == 0
    again = _client(keyer).get(url, follow=True)
    assert b"must be keyed by someone else" in again.content
    second = _client(second_keyer).post(
        url, _rows(demo_postcodes, 3, name_2="Door Knock Two"), follow=True
    )
    resolve_url = f"/staff/petitions/{petition.pk}/paper/sheets/{sheet.pk}/resolve/"
    assert second.redirect_chain[-1][0] == resolve_url
    body = second.content.decode()
    assert "Door Knock 2" in body and "Door Knock Two" in body
    assert Signature.objects.count() == 2
    incomplete = _client(organiser).post(resolve_url, {})
    assert incomplete.status_code == 400 and Signature.objects.count() == 2
    done = _client(organiser).post(resolve_url, {"line_2": "second"}, follow=True)
    assert b"1 more signature(s) count" in done.content
    assert Signature.objects.filter(name="Door Knock Two").exists()
    sheet.refresh_from_db()
    assert sheet.state == SheetState.KEYED


def test_held_lines_are_reviewed_by_an_organiser(
    petition: Petition, pack: Any, keyer: Any, organiser: Any, demo_postcodes: list[str]
) -> None:
    SignatureFactory(
        petition=petition,
        name="Door Knock 1",
        postcode=demo_postcodes[0],
        state=SignatureState.VALIDATED,
        validated_at=timezone.now(),
    )
    sheet = pack.sheets.first()
    _client(keyer).post(
        f"/staff/petitions/{petition.pk}/paper/sheets/{sheet.pk}/key/", _rows(demo_postcodes, 2)
    )
    held = Signature.objects.get(state=SignatureState.REVIEW)
    client = _client(organiser)
    page = client.get(f"/staff/petitions/{petition.pk}/paper/review/")
    assert page.content.decode().count("Door Knock 1") >= 2
    client.post(
        f"/staff/petitions/{petition.pk}/paper/review/", {"signature": held.pk, "decision": "count"}
    )
    held.refresh_from_db()
    assert held.state == SignatureState.VALIDATED and held.validated_at is not None
    again = client.post(
        f"/staff/petitions/{petition.pk}/paper/review/",
        {"signature": held.pk, "decision": "duplicate"},
        follow=True,
    )
    assert b"already been decided" in again.content
    held.refresh_from_db()
    assert held.state == SignatureState.VALIDATED
