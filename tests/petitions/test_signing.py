"""Signing writes one row; confirming is once-only, expiring, and never double-counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from callingtime.petitions.models import ConsentWording, PetitionState, Signature, SignatureState
from callingtime.petitions.signing import (
    SIGNING_CLOSED,
    SIGNING_PAUSED,
    ConfirmOutcome,
    SigningUnavailableError,
    signature_confirm,
    signature_create,
    signature_token,
    signing_context_forget,
)
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_signing_context() -> None:
    signing_context_forget()


def _sign(petition: object, **fields: object) -> Signature:
    values: dict[str, object] = {
        "name": "Jo Bloggs",
        "email": "Jo.Bloggs@example.org",
        "postcode": "N1 1AA",
        "uk_resident": True,
        "opt_in": False,
        "ip_address": "192.0.2.1",
    }
    values.update(fields)
    pk = signature_create(petition_id=petition.pk, **values)  # type: ignore[arg-type]
    return Signature.objects.get(pk=pk)


def test_signature_create_writes_exactly_one_insert_and_nothing_else() -> None:
    petition = PetitionFactory()
    _sign(petition)  # warms the per-process signing context
    signing_context_forget()
    _sign(petition, email="warm@example.org")
    with CaptureQueriesContext(connection) as queries:
        signature = _sign(petition, email="second@example.org")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("INSERT")
    assert signature.state == SignatureState.PENDING and signature.processed_at is None
    assert signature.email_normalised == "second@example.org"


def test_signature_create_refuses_a_closed_petition() -> None:
    petition = PetitionFactory(closing_date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(SigningUnavailableError, match=SIGNING_CLOSED):
        _sign(petition)
    draft = PetitionFactory(state=PetitionState.DRAFT)
    with pytest.raises(SigningUnavailableError, match=SIGNING_CLOSED):
        _sign(draft)
    assert Signature.objects.count() == 0


def test_signature_create_refuses_while_signing_is_paused() -> None:
    petition = PetitionFactory(signing_paused=True)
    with pytest.raises(SigningUnavailableError, match=SIGNING_PAUSED):
        _sign(petition)


def test_confirm_validates_once() -> None:
    signature = SignatureFactory()
    token = signature_token(signature=signature)
    assert signature_confirm(token=token).outcome == ConfirmOutcome.CONFIRMED
    assert signature_confirm(token=token).outcome == ConfirmOutcome.ALREADY_CONFIRMED
    signature.refresh_from_db()
    assert signature.state == SignatureState.VALIDATED and signature.validated_at is not None


@pytest.mark.parametrize("token", ["", "x", "a" * 5000, "eyJzIjoxfQ:1abc:bad", "😀", "\x00"])
def test_confirm_rejects_tampered_or_junk_tokens(token: str) -> None:
    SignatureFactory()
    assert signature_confirm(token=token).outcome == ConfirmOutcome.INVALID
    assert not Signature.objects.filter(state=SignatureState.VALIDATED).exists()


def test_confirm_rejects_expired_token(settings: object) -> None:
    signature = SignatureFactory()
    token = signature_token(signature=signature)
    settings.CONFIRM_TOKEN_MAX_AGE = -1  # type: ignore[attr-defined]
    assert signature_confirm(token=token).outcome == ConfirmOutcome.EXPIRED
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING


def test_a_flagged_signature_reads_as_confirmed_but_stays_flagged() -> None:
    signature = SignatureFactory(state=SignatureState.FRAUDULENT, flag_reason="burst")
    result = signature_confirm(token=signature_token(signature=signature))
    assert result.outcome == ConfirmOutcome.CONFIRMED
    signature.refresh_from_db()
    assert signature.state == SignatureState.FRAUDULENT and signature.validated_at is None


def test_the_same_mailbox_confirming_twice_counts_once() -> None:
    petition = PetitionFactory()
    first = SignatureFactory(petition=petition, name="Jo Bloggs", email="jo.bloggs@gmail.com")
    again = SignatureFactory(petition=petition, name="Jo Bloggs", email="JoBloggs+x@googlemail.com")
    assert signature_confirm(token=signature_token(signature=first)).outcome == (
        ConfirmOutcome.CONFIRMED
    )
    assert signature_confirm(token=signature_token(signature=again)).outcome == (
        ConfirmOutcome.ALREADY_SIGNED
    )
    again.refresh_from_db()
    assert again.state == SignatureState.DUPLICATE


def test_household_rule_allows_one_more_name_at_the_same_postcode() -> None:
    petition = PetitionFactory()
    shared = {"petition": petition, "email": "family@example.org", "postcode": "N1 1AA"}
    parent = SignatureFactory(name="Sam Patel", **shared)
    child = SignatureFactory(name="Alex Patel", **shared)
    third = SignatureFactory(name="Kim Patel", **shared)
    elsewhere = SignatureFactory(
        petition=petition, name="Lee Patel", email="family@example.org", postcode="E8 1AA"
    )
    outcomes = [
        signature_confirm(token=signature_token(signature=s)).outcome
        for s in (parent, child, third, elsewhere)
    ]
    assert outcomes == [
        ConfirmOutcome.CONFIRMED,
        ConfirmOutcome.CONFIRMED,
        ConfirmOutcome.ALREADY_SIGNED,
        ConfirmOutcome.ALREADY_SIGNED,
    ]


def test_confirming_after_the_petition_closed_does_not_count() -> None:
    signature = SignatureFactory()
    token = signature_token(signature=signature)
    petition = signature.petition
    petition.closing_date = timezone.localdate() - timedelta(days=1)
    petition.save()
    assert signature_confirm(token=token).outcome == ConfirmOutcome.CLOSED
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING


def test_an_anonymised_signature_cannot_be_confirmed() -> None:
    signature = SignatureFactory(anonymised_at=timezone.now())
    assert signature_confirm(token=signature_token(signature=signature)).outcome == (
        ConfirmOutcome.INVALID
    )


def test_the_unchecked_keys_still_cascade_and_protect() -> None:
    # The database no longer checks a signature's petition and consent keys; Django must.
    signature = SignatureFactory()
    with pytest.raises(ProtectedError):
        ConsentWording.objects.filter(pk=signature.consent_id).delete()
    signature.petition.delete()
    assert not Signature.objects.filter(pk=signature.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_confirming_never_waits_for_the_petition_row() -> None:
    """The counter updates the petition row; a confirmation locks only its own signature."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every writer anyway")
    signature = SignatureFactory()
    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:
            holder.set_autocommit(False)
            cursor.execute(
                "SELECT id FROM petitions_petition WHERE id = %s FOR UPDATE",
                [signature.petition_id],
            )
            with connection.cursor() as mine:
                mine.execute("SET lock_timeout = '2s'")
            result = signature_confirm(token=signature_token(signature=signature))
        holder.rollback()
    finally:
        holder.close()
    assert result.outcome == ConfirmOutcome.CONFIRMED
    assert result.petition is not None and result.petition.campaign.hashtag is not None
    signature.refresh_from_db()
    assert signature.state == SignatureState.VALIDATED
