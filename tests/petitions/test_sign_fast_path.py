"""The sign POST's fast path gives the form's answer and writes the row `Model.save()` would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.http import QueryDict
from hypothesis import example, given, settings
from hypothesis import strategies as st

from callingtime.petitions.forms import SignatureForm, signature_submission
from callingtime.petitions.models import Signature
from callingtime.petitions.signing import (
    _insert_plan,
    _sql_constant,
    signature_create,
    signing_context_forget,
)
from tests.factories import PetitionFactory

FIELDS = ("name", "email", "postcode", "uk_resident", "opt_in", "via", "other")
# Values near every rule's edge: formula starters, links, invisible characters, box spellings.
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "on",
        "false",
        "FALSE",
        "0",
        "true",
        "Jo Bloggs",
        "=SUM(A1)",
        " +44",
        "www.example.com",
        "Zoe\u0308",
        "a\u200bb",
        "a\u200db",
        "\x7f",
        "\t",
        "jo@example.org",
        " jo@example.org ",
        "jo@@example.org",
        "N1 1AA",
        "n11aa",
        "SW1A 1AA",
        "zzz-9",
        "whatsapp",
        "<script>",
        "x" * 101,
    ]
)
VALUES = st.one_of(TRICKY, st.text(max_size=30))


@st.composite
def posts(draw: st.DrawFn) -> QueryDict:
    query = QueryDict(mutable=True)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=9)):
        query.appendlist(name, draw(VALUES))  # a field sent twice: the form reads the last
    return query


def _same_answer(query: QueryDict) -> None:
    form = SignatureForm(query)
    submission = signature_submission(query)
    if form.is_valid():
        assert submission is not None, form.data
        assert vars(submission) == {
            name: form.cleaned_data[name]
            for name in ("name", "email", "postcode", "uk_resident", "opt_in", "via")
        }
    else:
        assert submission is None, form.errors


@settings(max_examples=400, deadline=None)
@given(posts())
@example(QueryDict("name=Jo&email=jo%40example.org&postcode=N1+1AA&uk_resident=on"))
@example(QueryDict("name=Jo&email=jo%40example.org&postcode=N1+1AA&uk_resident=FALSE"))
@example(QueryDict("name=Jo&email=jo%40example.org&postcode=N1+1AA&uk_resident=0&opt_in=false"))
@example(QueryDict("name=Jo&name=%3Dx&email=jo%40example.org&postcode=N1+1AA&uk_resident=on"))
@example(QueryDict("name=Jo&email=jo%40example.org&postcode=N1+1AA&uk_resident=on&via=sms"))
def test_the_fast_path_agrees_with_the_form_on_any_post(query: QueryDict) -> None:
    _same_answer(query)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_the_fast_path_agrees_with_the_form_on_any_name(name: str) -> None:
    query = QueryDict(mutable=True)
    query.update({"name": name, "email": "jo@example.org", "postcode": "N1 1AA"})
    query["uk_resident"] = "on"
    _same_answer(query)


@pytest.mark.django_db
def test_the_signing_insert_writes_the_row_model_save_would() -> None:
    signing_context_forget()
    petition = PetitionFactory()
    moment = datetime(2026, 5, 4, 12, 30, tzinfo=UTC)
    values: dict[str, Any] = {
        "name": "Jo Bloggs",
        "email": "Jo.Bloggs+news@gmail.com",
        "postcode": "N1 1AA",
        "uk_resident": True,
        "opt_in": True,
        "ip_address": "192.0.2.7",
        "share_channel": "whatsapp",
    }
    fast = Signature.objects.get(pk=signature_create(petition_id=petition.pk, now=moment, **values))
    saved = Signature(
        petition=petition,
        consent_id=fast.consent_id,
        name_normalised=fast.name_normalised,
        email_normalised=fast.email_normalised,
        email_domain=fast.email_domain,
        created_at=moment,
        **values,
    )
    saved.save()
    saved.refresh_from_db()
    everything_but_the_id = [f.name for f in Signature._meta.concrete_fields if not f.primary_key]
    assert model_to_dict(fast, fields=everything_but_the_id) == model_to_dict(
        saved, fields=everything_but_the_id
    )
    assert fast.email_normalised == "jobloggs@gmail.com"


@pytest.mark.django_db
def test_the_signing_insert_names_every_column_once() -> None:
    sql = _insert_plan(connection)
    columns = sql.split("(", 1)[1].split(")", 1)[0].replace('"', "").replace("`", "").split(", ")
    assert sorted(columns) == sorted(
        f.column for f in Signature._meta.concrete_fields if not f.primary_key
    )


@pytest.mark.parametrize(
    ("value", "sql"), [(None, "NULL"), (0, "0"), (True, "TRUE"), ("pending", "'pending'")]
)
def test_a_default_becomes_an_sql_constant(value: object, sql: str) -> None:
    assert _sql_constant(value) == sql


@pytest.mark.parametrize("value", ["it's", "a b", "Robert'); DROP TABLE x;--", 1.5, b"x"])
def test_a_default_that_is_not_a_plain_constant_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        _sql_constant(value)
