"""E-mail and name normalisation: one person signing twice must look like one person."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callingtime.petitions.normalise import email_domain, email_normalise, name_normalise


@pytest.mark.parametrize(
    ("given_email", "mailbox"),
    [
        ("Jo.Bloggs@gmail.com", "jobloggs@gmail.com"),
        ("jo.bloggs+petition@googlemail.com", "jobloggs@gmail.com"),
        ("JOBLOGGS@GMAIL.COM", "jobloggs@gmail.com"),
        ("jo+news@outlook.com", "jo@outlook.com"),
        ("jo.bloggs@outlook.com", "jo.bloggs@outlook.com"),  # only Gmail ignores dots
        ("jo+x@example.org", "jo+x@example.org"),  # unknown providers keep their tags
        ("Jo.Bloggs@Example.ORG", "jo.bloggs@example.org"),
    ],
)
def test_email_normalise_folds_what_providers_ignore(given_email: str, mailbox: str) -> None:
    assert email_normalise(given_email) == mailbox


def test_email_domain_is_the_normalised_domain() -> None:
    assert email_domain("a@GoogleMail.com") == "gmail.com"


def test_name_normalise_ignores_case_spacing_and_compatibility_forms() -> None:
    assert name_normalise("  Jo\u00a0 BLOGGS ") == "jo bloggs"
    assert name_normalise("ﬁona") == "fiona"  # the fi ligature
    assert name_normalise("Zoë") == name_normalise("Zoe\u0308")


@given(st.emails())
def test_email_normalise_is_idempotent(address: str) -> None:
    once = email_normalise(address)
    assert email_normalise(once) == once


@given(st.text(max_size=200))
def test_name_normalise_is_idempotent(text: str) -> None:
    once = name_normalise(text)
    assert name_normalise(once) == once
