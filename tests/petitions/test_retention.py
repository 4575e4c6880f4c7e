"""The end of a petition: closing on its date, then anonymising signers after retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from callingtime.petitions.abuse import invalidation_apply
from callingtime.petitions.counting import petition_counts_reconcile, petition_counts_update
from callingtime.petitions.models import (
    ConstituencyCount,
    Invalidation,
    Petition,
    PetitionState,
    Signature,
    SignatureState,
    TrendingEntry,
)
from callingtime.petitions.retention import (
    petitions_anonymise_due,
    petitions_close_due,
    signatures_anonymise_due,
)
from callingtime.petitions.signing import ConfirmOutcome, signature_confirm, signature_token
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def test_petitions_close_due_closes_open_petitions_past_their_date() -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    past = PetitionFactory(closing_date=today - timedelta(days=1))
    last_day = PetitionFactory(closing_date=today)
    draft = PetitionFactory(state=PetitionState.DRAFT, closing_date=today - timedelta(days=5))
    assert petitions_close_due(now=now) == 1
    past.refresh_from_db()
    assert (past.state, past.closed_at) == (PetitionState.CLOSED, now)
    last_day.refresh_from_db()
    draft.refresh_from_db()
    assert last_day.state == PetitionState.OPEN and draft.state == PetitionState.DRAFT
    assert petitions_close_due(now=now) == 0


def _closed(days_ago: int, **fields: object) -> Petition:
    now = timezone.now()
    return PetitionFactory(
        state=PetitionState.CLOSED,
        closing_date=timezone.localdate(now) - timedelta(days=days_ago + 1),
        closed_at=now - timedelta(days=days_ago),
        **fields,
    )


@override_settings(ANONYMISE_AFTER_DAYS=183)
def test_petitions_are_due_some_time_after_they_close() -> None:
    today = timezone.localdate()
    due = _closed(200)
    _closed(100)
    left_open = PetitionFactory(closing_date=today - timedelta(days=190))  # never marked closed
    closed_early = PetitionFactory(
        state=PetitionState.CLOSED,
        closing_date=today + timedelta(days=30),
        closed_at=timezone.now() - timedelta(days=190),
    )
    assert {p.pk for p in petitions_anonymise_due()} == {due.pk, left_open.pk, closed_early.pk}


@override_settings(ANONYMISE_AFTER_DAYS=183)
def test_anonymise_blanks_personal_data_and_keeps_counts() -> None:
    petition = _closed(200)
    keep = _closed(10)
    when = timezone.now() - timedelta(days=260)
    signed = [
        SignatureFactory(petition=petition, state=SignatureState.VALIDATED, validated_at=when,
                         constituency_code="E14001189", created_at=when, opt_in=True,
                         share_channel="whatsapp"),
        SignatureFactory(petition=petition, state=SignatureState.VALIDATED, validated_at=when,
                         constituency_code="E14001305", created_at=when, source="paper"),
        SignatureFactory(petition=petition, state=SignatureState.PENDING, created_at=when),
    ]  # fmt: skip
    kept = SignatureFactory(petition=keep, state=SignatureState.VALIDATED, validated_at=when)
    TrendingEntry.objects.create(
        petition=petition, kind="ip", value="192.0.2.10", signature_count=3,
        window_start=when, window_end=when,
    )  # fmt: skip
    invalidation_apply(petition=petition, conditions={"name_contains": "nobody"}, user=None)
    petition_counts_update(now=timezone.now())
    token = signature_token(signature=signed[2])
    before = {
        c.ons_code: c.signature_count for c in ConstituencyCount.objects.filter(petition=petition)
    }
    now = timezone.now()

    assert signatures_anonymise_due(now=now) == 3

    for row in Signature.objects.filter(petition=petition):
        assert (row.name, row.name_normalised, row.email, row.email_normalised) == ("", "", "", "")
        assert (row.email_domain, row.postcode, row.ip_address) == ("", "", None)
        assert row.anonymised_at == now
    survivors = list(
        Signature.objects.filter(petition=petition)
        .order_by("pk")
        .values_list("constituency_code", "state", "source", "created_at", "opt_in")
    )
    assert survivors == [
        ("E14001189", "validated", "online", when, True),
        ("E14001305", "validated", "paper", when, False),
        ("", "pending", "online", when, False),
    ]
    petition.refresh_from_db()
    assert petition.anonymised_at == now and petition.signature_count == 2
    assert petition_counts_reconcile(petition_id=petition.pk) == []
    after = {
        c.ons_code: c.signature_count for c in ConstituencyCount.objects.filter(petition=petition)
    }
    assert after == before == {"E14001189": 1, "E14001305": 1}
    assert not TrendingEntry.objects.filter(petition=petition).exists()
    assert Invalidation.objects.get(petition=petition).conditions == {
        "name_contains": "(anonymised)"
    }
    assert signature_confirm(token=token).outcome == ConfirmOutcome.INVALID
    kept.refresh_from_db()
    assert kept.email and kept.anonymised_at is None


@override_settings(ANONYMISE_AFTER_DAYS=183)
def test_anonymise_is_idempotent() -> None:
    petition = _closed(200)
    SignatureFactory(petition=petition)
    first = timezone.now()
    assert signatures_anonymise_due(now=first) == 1
    assert signatures_anonymise_due(now=first + timedelta(days=1)) == 0
    petition.refresh_from_db()
    assert petition.anonymised_at == first
