"""Processing new signatures: constituency, block lists, IP limits, duplicates, e-mail."""

from __future__ import annotations

import itertools
import re
import smtplib
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from callingtime.core.stores import areas_store
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import BlockedItem, Petition, Signature, SignatureState
from callingtime.petitions.processing import (
    CONFIRM_SUBJECT,
    FLAG_BLOCKED_DOMAIN,
    FLAG_BLOCKED_EMAIL,
    FLAG_BLOCKED_IP,
    FLAG_BURST,
    FLAG_SUSTAINED,
    signatures_process_new,
)
from callingtime.petitions.signing import ConfirmOutcome, signature_confirm
from tests.factories import CampaignFactory, OrganisationFactory, PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db

_ips = (f"198.51.100.{n}" for n in itertools.cycle(range(1, 255)))
_TOKEN = re.compile(r"/signatures/([^/\s]+)/confirm/")


def _signature(petition: Petition, **fields: Any) -> Signature:
    """A new, unprocessed signature from an address of its own unless one is given."""
    fields.setdefault("ip_address", next(_ips))
    return SignatureFactory(petition=petition, **fields)


def _reload(signature: Signature) -> Signature:
    signature.refresh_from_db()
    return signature


def _tokens_for(address: str) -> list[str]:
    return [_TOKEN.findall(m.body)[0] for m in mail.outbox if m.to == [address]]


# Postcode to constituency, from the local lookup only


def test_postcode_maps_to_constituency_from_the_local_lookup(demo_stores: object) -> None:
    with areas_store() as store:
        constituency = store.postcode_lookup("RM10 8AA").constituency
    assert constituency is not None
    signature = _signature(PetitionFactory(), postcode="RM10 8AA")
    assert signatures_process_new() == 1
    signature = _reload(signature)
    assert signature.constituency_code == constituency.code
    assert signature.processed_at is not None


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",  # well-formed London postcode outside the loaded extract
        "N1 1AA",  # terminated in the demo lookup
        "NOTAPC",  # malformed
        "",
    ],
)
def test_postcode_the_lookup_cannot_place_is_constituency_not_known(
    demo_stores: object, postcode: str
) -> None:
    signature = _signature(PetitionFactory(), postcode=postcode)
    assert signatures_process_new() == 1
    signature = _reload(signature)
    assert signature.constituency_code == ""
    assert signature.state == SignatureState.PENDING
    assert len(mail.outbox) == 1


def test_geography_not_loaded_is_not_an_error(tmp_path: Any, settings: Any) -> None:
    settings.AREAS_DB_PATH = tmp_path / "missing.duckdb"
    signature = _signature(PetitionFactory(), postcode="RM10 8AA")
    assert signatures_process_new() == 1
    assert _reload(signature).constituency_code == ""


# Block lists flag silently: the signer still gets an e-mail


@pytest.mark.parametrize(
    ("kind", "value", "fields", "reason"),
    [
        ("ip", "203.0.113.7", {"ip_address": "203.0.113.7"}, FLAG_BLOCKED_IP),
        ("ip", "203.0.113.0/24", {"ip_address": "203.0.113.99"}, FLAG_BLOCKED_IP),
        ("domain", "spam.example", {"email": "a@spam.example"}, FLAG_BLOCKED_DOMAIN),
        ("domain", "spam.example", {"email": "a@mx.spam.example"}, FLAG_BLOCKED_DOMAIN),
        (
            "email",
            "jobloggs@gmail.com",
            {"email": "Jo.Bloggs+x@googlemail.com"},
            FLAG_BLOCKED_EMAIL,
        ),
    ],
)
def test_blocked_signatures_are_flagged_silently_and_still_emailed(
    kind: str, value: str, fields: dict[str, str], reason: str
) -> None:
    BlockedItem.objects.create(kind=kind, value=value)
    flagged = _signature(PetitionFactory(), **fields)
    honest = _signature(flagged.petition, email="honest@example.org")
    signatures_process_new()
    flagged, honest = _reload(flagged), _reload(honest)
    assert (flagged.state, flagged.flag_reason) == (SignatureState.FRAUDULENT, reason)
    assert honest.state == SignatureState.PENDING and honest.flag_reason == ""
    assert sorted(m.to[0] for m in mail.outbox) == sorted([flagged.email, honest.email])
    assert flagged.confirmation_emails_sent == 1


def test_flagged_signature_confirms_to_its_signer_but_never_counts() -> None:
    petition = PetitionFactory()
    BlockedItem.objects.create(kind="ip", value="203.0.113.7")
    _signature(petition, email="bot@example.org", ip_address="203.0.113.7")
    _signature(petition, email="person@example.org")
    signatures_process_new()
    confirmed_at = timezone.now()
    for address in ("bot@example.org", "person@example.org"):
        (token,) = _tokens_for(address)
        result = signature_confirm(token=token, now=confirmed_at)
        assert result.outcome == ConfirmOutcome.CONFIRMED
    run = petition_counts_update(now=confirmed_at + timedelta(minutes=1))
    assert run.added == 1
    petition.refresh_from_db()
    assert petition.signature_count == 1


# Per-IP limits, across petitions, windows ending at each signature's own time


@override_settings(SIGN_BURST_LIMIT=3, SIGN_SUSTAINED_LIMIT=100)
def test_burst_limit_flags_signatures_beyond_it_within_a_minute() -> None:
    start = timezone.now() - timedelta(minutes=30)
    petitions = [PetitionFactory(), PetitionFactory()]
    rows = [
        _signature(
            petitions[n % 2], ip_address="192.0.2.50", created_at=start + timedelta(seconds=n)
        )
        for n in range(5)
    ]
    later = _signature(
        petitions[0], ip_address="192.0.2.50", created_at=start + timedelta(minutes=2)
    )
    assert signatures_process_new(now=start + timedelta(minutes=3)) == 6
    states = [_reload(s).state for s in rows]
    assert states == [SignatureState.PENDING] * 3 + [SignatureState.FRAUDULENT] * 2
    assert {_reload(s).flag_reason for s in rows[3:]} == {FLAG_BURST}
    assert _reload(later).state == SignatureState.PENDING
    assert len(mail.outbox) == 6  # flagged ones are e-mailed too


@override_settings(SIGN_BURST_LIMIT=100, SIGN_SUSTAINED_LIMIT=4)
def test_sustained_limit_flags_signatures_beyond_it_within_an_hour() -> None:
    start = timezone.now() - timedelta(hours=3)
    petition = PetitionFactory()
    rows = [
        _signature(petition, ip_address="2001:db8::1", created_at=start + timedelta(minutes=10 * n))
        for n in range(6)
    ]
    much_later = _signature(
        petition, ip_address="2001:db8::1", created_at=start + timedelta(hours=2)
    )
    signatures_process_new()
    states = [_reload(s).state for s in rows]
    assert states == [SignatureState.PENDING] * 4 + [SignatureState.FRAUDULENT] * 2
    assert _reload(rows[5]).flag_reason == FLAG_SUSTAINED
    assert _reload(much_later).state == SignatureState.PENDING


@override_settings(SIGN_BURST_LIMIT=2)
def test_ip_limit_counts_signatures_processed_in_earlier_batches() -> None:
    petition = PetitionFactory()
    first = [_signature(petition, ip_address="192.0.2.60") for _ in range(2)]
    signatures_process_new()
    third = _signature(petition, ip_address="192.0.2.60")
    signatures_process_new()
    assert {_reload(s).state for s in first} == {SignatureState.PENDING}
    assert _reload(third).state == SignatureState.FRAUDULENT


# Duplicates and the household rule


def test_same_person_again_is_duplicate_and_resends_the_pending_original() -> None:
    petition = PetitionFactory()
    original = _signature(
        petition, name="Jo Bloggs", email="jo.bloggs@gmail.com", postcode="RM10 8AA"
    )
    signatures_process_new()
    again = _signature(petition, name="  jo  BLOGGS", email="JoBloggs+petition@googlemail.com",
                       postcode="rm108aa")  # fmt: skip
    signatures_process_new()
    assert _reload(again).state == SignatureState.DUPLICATE
    assert _reload(again).confirmation_emails_sent == 0
    assert _reload(original).confirmation_emails_sent == 2
    assert len(_tokens_for("jo.bloggs@gmail.com")) == 2  # the re-sent link is the original's
    assert len(set(_tokens_for("jo.bloggs@gmail.com"))) == 1


def test_duplicate_of_a_validated_signature_sends_nothing() -> None:
    petition = PetitionFactory()
    _signature(
        petition,
        state=SignatureState.VALIDATED,
        validated_at=timezone.now(),
        processed_at=timezone.now(),
        email="jo@example.org",
        name="Jo",
    )
    again = _signature(petition, email="jo@example.org", name="Jo")
    signatures_process_new()
    assert _reload(again).state == SignatureState.DUPLICATE
    assert mail.outbox == []


def test_duplicates_within_one_batch_are_seen() -> None:
    petition = PetitionFactory()
    first = _signature(petition, email="jo@example.org", name="Jo")
    second = _signature(petition, email="jo@example.org", name="Jo")
    signatures_process_new()
    assert _reload(first).state == SignatureState.PENDING
    assert _reload(second).state == SignatureState.DUPLICATE
    assert _reload(first).confirmation_emails_sent == 2


def test_household_may_sign_twice_from_one_mailbox_but_not_three_times() -> None:
    petition = PetitionFactory()
    jo = _signature(petition, email="family@example.org", name="Jo", postcode="RM10 8AA")
    sam = _signature(petition, email="family@example.org", name="Sam", postcode="RM10 8AA")
    kim = _signature(petition, email="family@example.org", name="Kim", postcode="RM10 8AA")
    signatures_process_new()
    assert [_reload(s).state for s in (jo, sam, kim)] == [
        SignatureState.PENDING,
        SignatureState.PENDING,
        SignatureState.DUPLICATE,
    ]


def test_second_signer_of_a_mailbox_at_another_postcode_is_duplicate() -> None:
    petition = PetitionFactory()
    _signature(petition, email="shared@example.org", name="Jo", postcode="RM10 8AA")
    other = _signature(petition, email="shared@example.org", name="Sam", postcode="N1 9GU")
    signatures_process_new()
    assert _reload(other).state == SignatureState.DUPLICATE


def test_same_mailbox_on_another_petition_is_not_duplicate() -> None:
    first = _signature(PetitionFactory(), email="jo@example.org", name="Jo")
    second = _signature(PetitionFactory(), email="jo@example.org", name="Jo")
    signatures_process_new()
    assert {_reload(first).state, _reload(second).state} == {SignatureState.PENDING}


def test_fraudulent_earlier_signature_does_not_make_a_later_one_duplicate() -> None:
    petition = PetitionFactory()
    BlockedItem.objects.create(kind="ip", value="203.0.113.7")
    _signature(petition, email="jo@example.org", name="Jo", ip_address="203.0.113.7")
    later = _signature(petition, email="jo@example.org", name="Jo")
    signatures_process_new()
    assert _reload(later).state == SignatureState.PENDING


# How many e-mails one mailbox can trigger


@override_settings(CONFIRMATION_EMAILS_MAX=2)
def test_one_mailbox_triggers_at_most_the_configured_emails_per_petition() -> None:
    petition = PetitionFactory()
    for _ in range(4):
        _signature(petition, email="jo@example.org", name="Jo")
        signatures_process_new()
    assert len(_tokens_for("jo@example.org")) == 2
    other_petition = _signature(PetitionFactory(), email="jo@example.org", name="Jo")
    signatures_process_new()
    assert _reload(other_petition).confirmation_emails_sent == 1


@override_settings(CONFIRMATION_EMAILS_MAX=1)
def test_flagged_signatures_share_the_mailbox_email_limit() -> None:
    petition = PetitionFactory()
    BlockedItem.objects.create(kind="email", value="bot@example.org")
    for _ in range(3):
        _signature(petition, email="bot@example.org", name="Bot")
    signatures_process_new()
    assert len(mail.outbox) == 1


# The e-mail itself


def test_confirmation_email_names_the_petition_organisations_and_link(settings: Any) -> None:
    settings.SITE_URL = "https://petitions.example.org"
    organisations = [OrganisationFactory(name="Office of A MP"), OrganisationFactory(name="B Ward")]
    petition = PetitionFactory(campaign=CampaignFactory(organisations=organisations))
    signature = _signature(petition, name="Jo Bloggs & Co", email="jo@example.org")
    signatures_process_new()
    (message,) = mail.outbox
    assert message.subject == CONFIRM_SUBJECT == "Please confirm your signature"
    assert message.to == ["jo@example.org"]
    assert petition.action in message.body
    assert "B Ward and Office of A MP" in message.body  # by name
    assert "Jo Bloggs & Co" in message.body  # plain text: nothing HTML-escaped
    assert "If you did not sign, ignore this e-mail" in message.body
    (token,) = _TOKEN.findall(message.body)
    assert f"https://petitions.example.org/signatures/{token}/confirm/" in message.body
    assert signature_confirm(token=token).outcome == ConfirmOutcome.CONFIRMED
    assert _reload(signature).state == SignatureState.VALIDATED


class _RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({})


@override_settings(EMAIL_BACKEND=f"{__name__}._RefusingBackend")
def test_failed_email_gives_back_the_mailbox_allowance() -> None:
    signature = _signature(PetitionFactory())
    assert signatures_process_new() == 1
    signature = _reload(signature)
    assert signature.processed_at is not None
    assert signature.confirmation_emails_sent == 0


# Batches


def test_processing_is_idempotent() -> None:
    petition = PetitionFactory()
    rows = [_signature(petition) for _ in range(3)]
    assert signatures_process_new() == 3
    assert signatures_process_new() == 0
    assert len(mail.outbox) == 3
    assert {_reload(s).confirmation_emails_sent for s in rows} == {1}


def test_batches_take_the_oldest_first_up_to_the_limit() -> None:
    petition = PetitionFactory()
    rows = [_signature(petition) for _ in range(5)]
    when = datetime(2025, 1, 1, 12, tzinfo=timezone.get_current_timezone())
    assert signatures_process_new(limit=2, now=when) == 2
    assert [_reload(s).processed_at for s in rows] == [when, when, None, None, None]
    assert signatures_process_new(limit=10) == 3


def test_rows_not_pending_only_get_their_constituency(demo_stores: object) -> None:
    paper = _signature(
        PetitionFactory(),
        source="paper",
        state=SignatureState.VALIDATED,
        validated_at=timezone.now(),
        email="",
        postcode="RM10 8AA",
    )
    signatures_process_new()
    paper = _reload(paper)
    assert paper.state == SignatureState.VALIDATED and paper.constituency_code.startswith("E14")
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_workers_on_postgresql_split_the_rows_between_them() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED splitting is a PostgreSQL behaviour; SQLite serialises writers")
    petition = PetitionFactory()
    rows = [_signature(petition) for _ in range(60)]
    done: list[int] = []
    start = threading.Barrier(3)

    def work() -> None:
        start.wait()
        try:
            while processed := signatures_process_new(limit=7):
                done.append(processed)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(done) == 60
    assert {_reload(s).confirmation_emails_sent for s in rows} == {1}
    assert len(mail.outbox) == 60


def test_emailed_link_is_the_public_confirm_page(settings: Any, client: Any) -> None:
    settings.SITE_URL = "https://petitions.example.org"
    signature = _signature(PetitionFactory())
    signatures_process_new()
    (token,) = _TOKEN.findall(mail.outbox[0].body)
    path = reverse("petitions:signature_confirm", kwargs={"token": token})
    assert f"https://petitions.example.org{path}" in mail.outbox[0].body
    assert client.get(path).status_code == 200
    assert _reload(signature).state == SignatureState.PENDING  # a GET changes nothing
    client.post(path)
    assert _reload(signature).state == SignatureState.VALIDATED
