"""Arbitrary input to the pack request and keying forms: never a 500, never a partial write."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callingtime.paper.models import Pack, PaperSignature, Sheet, SheetState
from callingtime.petitions.models import Signature
from tests.paper.conftest import pack_for

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
_huge = st.builds(lambda char, n: char * n, st.characters(codec="utf-8"), st.integers(200, 50_000))
_odd = st.one_of(
    st.none(), _any_text, _huge, st.sampled_from(["", "0", "-1", "20", "21", "N1 9GU"])
)

REQUEST = {
    "name": "Vera Volunteer",
    "email": "vera@example.org",
    "address_line_1": "12 Canal Walk",
    "address_line_2": "",
    "town": "London",
    "postcode": "N1 9GU",
    "sheet_count": "4",
    "note": "",
}


@st.composite
def _replaced(draw: st.DrawFn, good: dict[str, str]) -> dict[str, str]:
    data: dict[str, str | None] = dict(good)
    for field in draw(st.lists(st.sampled_from(sorted(good)), max_size=3, unique=True)):
        data[field] = draw(_odd)
    return {key: value for key, value in data.items() if value is not None}


@EXAMPLES
@given(data=_replaced(REQUEST))
def test_the_pack_request_form_never_fails_and_writes_all_or_nothing(
    petition: Any, data: dict[str, str]
) -> None:
    with transaction.atomic():
        response = Client().post(f"/petitions/{petition.pk}/paper-pack/", data)
        assert response.status_code in (200, 303, 409)
        packs = Pack.objects.count()
        if response.status_code == 303:
            pack = Pack.objects.get()
            assert pack.sheets.count() == pack.sheet_count
        else:
            assert packs == 0 and Sheet.objects.count() == 0
        transaction.set_rollback(True)


def _good_sheet() -> dict[str, str]:
    data = {"signed_lines": "3"}
    for line, postcode in enumerate(["N1 9GU", "N7 6PA", "E1 6AN"], start=1):
        data[f"name_{line}"] = f"Resident {line}"
        data[f"postcode_{line}"] = postcode
    data["email_2"] = "two@example.org"
    data["opt_in_2"] = "on"
    return data


@st.composite
def _sheet_posts(draw: st.DrawFn) -> dict[str, str]:
    data: dict[str, str | None] = dict(_good_sheet())
    fields = [*sorted(data), "name_5", "postcode_5", "email_9", "opt_in_20", "name_21"]
    for field in draw(st.lists(st.sampled_from(fields), max_size=4, unique=True)):
        data[field] = draw(_odd)
    return {key: value for key, value in data.items() if value is not None}


@EXAMPLES
@given(data=_sheet_posts())
def test_the_keying_form_never_fails_and_saves_a_sheet_whole_or_not_at_all(
    petition: Any, keyer: Any, data: dict[str, str]
) -> None:
    with transaction.atomic():
        sheet = pack_for(petition, sheets=1).sheets.get()
        client = Client()
        client.force_login(keyer)
        response = client.post(f"/staff/petitions/{petition.pk}/paper/sheets/{sheet.pk}/key/", data)
        assert response.status_code in (302, 400)
        sheet.refresh_from_db()
        rows = Signature.objects.count()
        if response.status_code == 302:
            assert sheet.state == SheetState.KEYED
            assert rows == sheet.signed_lines == PaperSignature.objects.count()
        else:
            assert sheet.state == SheetState.BLANK and rows == 0
        transaction.set_rollback(True)
