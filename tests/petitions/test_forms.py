"""The sign form's rules: every bad input gets its own message, good input comes out clean."""

from __future__ import annotations

import pytest

from callingtime.petitions.forms import (
    EMAIL_INVALID,
    EMAIL_REQUIRED,
    EMAIL_TOO_LONG,
    LIST_PAGE_INVALID,
    LIST_STATE_INVALID,
    NAME_CONTROL,
    NAME_FORMULA,
    NAME_REQUIRED,
    NAME_TOO_LONG,
    NAME_URL,
    POSTCODE_INVALID,
    POSTCODE_REQUIRED,
    UK_RESIDENT_REQUIRED,
    PetitionListQuery,
    SignatureForm,
)

GOOD = {
    "name": "Jo Bloggs",
    "email": "jo@example.org",
    "postcode": "n1 1aa",
    "uk_resident": "on",
}


def _form(**changes: str | None) -> SignatureForm:
    data = {**GOOD, **changes}
    return SignatureForm({k: v for k, v in data.items() if v is not None})


def _errors(field: str, **changes: str | None) -> list[str]:
    form = _form(**changes)
    assert not form.is_valid()
    return list(form.errors[field])


def test_signature_form_accepts_and_cleans_good_input() -> None:
    form = _form(name="  Zoë   O'Brien-Smith ", email=" jo@example.org ", postcode=" sw1a1aa ")
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["name"] == "Zoë O'Brien-Smith"
    assert data["email"] == "jo@example.org"
    assert data["postcode"] == "SW1A 1AA"
    assert data["uk_resident"] is True
    assert data["opt_in"] is False
    assert data["via"] == ""


def test_signature_form_nfc_normalises_names() -> None:
    decomposed = "Zoe\u0308"  # e + combining diaeresis
    form = _form(name=decomposed)
    assert form.is_valid()
    assert form.cleaned_data["name"] == "Zo\u00eb"


def test_signature_form_counts_length_after_nfc_and_trimming() -> None:
    assert _form(name="  " + "e\u0301" * 100 + "  ").is_valid()  # 200 code points, 100 after NFC
    assert _errors("name", name="a" * 101) == [NAME_TOO_LONG]


@pytest.mark.parametrize("name", ["", "   ", "\u00a0"])
def test_signature_form_requires_a_name(name: str) -> None:
    assert _errors("name", name=name) == [NAME_REQUIRED]


def test_signature_form_requires_a_name_when_missing() -> None:
    assert _errors("name", name=None) == [NAME_REQUIRED]


@pytest.mark.parametrize(
    "name", ["=SUM(A1:A9)", "+44 7700", "-1+1", "@cmd", "  =HYPERLINK()", "\t=1", "\rJo"]
)
def test_signature_form_refuses_names_that_start_like_a_formula(name: str) -> None:
    assert _errors("name", name=name) == [NAME_FORMULA]


@pytest.mark.parametrize(
    "name",
    [
        "http://spam.example",
        "see HTTPS://x.y",
        "www.example",
        "Jo x.com/promo",
        "bit.ly",
        "Visit spam.co.uk today",
    ],
)
def test_signature_form_refuses_web_addresses_as_names(name: str) -> None:
    assert _errors("name", name=name) == [NAME_URL]


@pytest.mark.parametrize("name", ["J. R. Hartley", "Mr.Smith", "Anne-Marie O'Neil", "李小龍"])
def test_signature_form_keeps_names_that_only_look_a_little_like_addresses(name: str) -> None:
    assert _form(name=name).is_valid()


@pytest.mark.parametrize(
    "name",
    [
        "Jo\x00Bloggs",
        "Jo\x07",
        "Jo\nBloggs",
        "Jo\tBloggs",
        "Jo\u202eBloggs",  # right-to-left override
        "Jo\u200bBloggs",  # zero-width space
        "Jo\u2028Bloggs",  # line separator
        "Jo\ue000",  # private use
    ],
)
def test_signature_form_refuses_control_and_invisible_characters(name: str) -> None:
    assert _errors("name", name=name) == [NAME_CONTROL]


def test_signature_form_keeps_zero_width_joiners_that_scripts_need() -> None:
    assert _form(name="می\u200cخواهم").is_valid()


def test_signature_form_refuses_a_megabyte_name_without_reading_it() -> None:
    assert _errors("name", name="a" * 1_000_000) == [NAME_TOO_LONG]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", EMAIL_REQUIRED),
        ("  ", EMAIL_REQUIRED),
        ("jo", EMAIL_INVALID),
        ("jo@", EMAIL_INVALID),
        ("jo@example", EMAIL_INVALID),
        ("jo bloggs@example.org", EMAIL_INVALID),
        ("jo@exa\x00mple.org", EMAIL_INVALID),
        ("a" * 245 + "@example.org", EMAIL_TOO_LONG),
        ("a" * 1_000_000, EMAIL_TOO_LONG),
    ],
)
def test_signature_form_checks_email(email: str, message: str) -> None:
    assert _errors("email", email=email) == [message]


def test_signature_form_accepts_the_longest_email() -> None:
    longest = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 57]) + ".org"
    assert len(longest) == 254
    assert _form(email=longest).is_valid()


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", POSTCODE_REQUIRED),
        ("N1", POSTCODE_INVALID),
        ("not a postcode", POSTCODE_INVALID),
        ("12345", POSTCODE_INVALID),
        ("N1 1AA" + " " * 20, POSTCODE_INVALID),
        ("N1\x001AA", POSTCODE_INVALID),
        ("N" * 1_000_000, POSTCODE_INVALID),
    ],
)
def test_signature_form_checks_postcode_shape(postcode: str, message: str) -> None:
    assert _errors("postcode", postcode=postcode) == [message]


def test_signature_form_postcode_message_does_not_echo_the_input() -> None:
    assert "zzz" not in _errors("postcode", postcode="zzz-9")[0]


@pytest.mark.parametrize("value", [None, "", "false"])
def test_signature_form_requires_the_uk_declaration(value: str | None) -> None:
    assert _errors("uk_resident", uk_resident=value) == [UK_RESIDENT_REQUIRED]


def test_signature_form_keeps_only_known_share_channels() -> None:
    form = _form(via="whatsapp", opt_in="on")
    assert form.is_valid()
    assert form.cleaned_data["via"] == "whatsapp"
    assert form.cleaned_data["opt_in"] is True
    form = _form(via="<script>")
    assert form.is_valid()
    assert form.cleaned_data["via"] == ""


def test_signature_form_error_summary_links_each_error_to_its_field() -> None:
    form = SignatureForm({"name": "=x", "email": "", "postcode": "x"})
    assert not form.is_valid()
    assert form.error_summary() == [
        ("id_name", NAME_FORMULA),
        ("id_email", EMAIL_REQUIRED),
        ("id_postcode", POSTCODE_INVALID),
        ("id_uk_resident", UK_RESIDENT_REQUIRED),
    ]


def test_signature_form_remembers_ticked_boxes() -> None:
    form = SignatureForm({"uk_resident": "on", "opt_in": "false"})
    assert form.ticked("uk_resident") is True
    assert form.ticked("opt_in") is False
    assert SignatureForm().ticked("uk_resident") is False


@pytest.mark.parametrize(
    ("query", "valid", "message"),
    [
        ({}, True, None),
        ({"state": "open", "page": "2"}, True, None),
        ({"state": "all"}, True, None),
        ({"state": "draft"}, False, LIST_STATE_INVALID),
        ({"page": "0"}, False, LIST_PAGE_INVALID),
        ({"page": "x"}, False, LIST_PAGE_INVALID),
        ({"page": "9" * 5000}, False, LIST_PAGE_INVALID),
    ],
)
def test_petition_list_query(query: dict[str, str], valid: bool, message: str | None) -> None:
    form = PetitionListQuery(query)
    assert form.is_valid() is valid
    if message:
        assert form.first_error() == message
