"""Abuse controls: block-list values, the trending report, invalidation by condition."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from callingtime.petitions.abuse import (
    BLOCK_DOMAIN_INVALID,
    BLOCK_EMAIL_INVALID,
    BLOCK_EXISTS,
    BLOCK_IP_INVALID,
    BLOCK_KIND_INVALID,
    BLOCK_NETWORK_TOO_WIDE,
    BLOCK_NOT_FOUND,
    CONDITION_DATE_INVALID,
    CONDITION_DATES_ORDER,
    CONDITION_IP_INVALID,
    CONDITION_STATE_INVALID,
    CONDITIONS_EMPTY,
    TRENDING_KEEP,
    AbuseInputError,
    InvalidationConditionsError,
    blocked_item_add,
    blocked_item_remove,
    invalidation_apply,
    invalidation_conditions_parse,
    invalidation_preview,
    invalidations_anonymise,
    trending_latest,
    trending_report_build,
)
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import (
    BlockedItem,
    ConstituencyCount,
    Petition,
    Signature,
    SignatureState,
    TrendingEntry,
)
from callingtime.petitions.signing import ConfirmOutcome, signature_confirm, signature_token
from tests.factories import PetitionFactory, SignatureFactory, staff_member

pytestmark = pytest.mark.django_db


# Block-list values are normalised so they match what processing compares


@pytest.mark.parametrize(
    ("kind", "given_value", "stored"),
    [
        ("ip", " 192.0.2.7 ", "192.0.2.7"),
        ("ip", "2001:DB8:0:0::1", "2001:db8::1"),
        ("ip", "192.0.2.7/24", "192.0.2.0/24"),
        ("domain", "@GoogleMail.COM", "gmail.com"),
        ("domain", "Spam.Example", "spam.example"),
        ("email", "Jo.Bloggs+x@GoogleMail.com", "jobloggs@gmail.com"),
    ],
)
def test_blocked_item_add_stores_the_normalised_value(
    kind: str, given_value: str, stored: str
) -> None:
    item = blocked_item_add(kind=kind, value=given_value, reason="bot run")
    assert (item.kind, item.value, item.reason) == (kind, stored, "bot run")


@pytest.mark.parametrize(
    ("kind", "given_value", "message"),
    [
        ("ip", "192.0.2", BLOCK_IP_INVALID.format(value="192.0.2")),
        ("ip", "192.0.2.0/33", BLOCK_IP_INVALID.format(value="192.0.2.0/33")),
        ("ip", "10.0.0.0/8", BLOCK_NETWORK_TOO_WIDE.format(value="10.0.0.0/8", v4=16, v6=48)),
        ("domain", "not a domain", BLOCK_DOMAIN_INVALID.format(value="not a domain")),
        ("email", "nobody", BLOCK_EMAIL_INVALID.format(value="nobody")),
        ("email", "a@b", BLOCK_EMAIL_INVALID.format(value="a@b")),
        ("name", "Jo", BLOCK_KIND_INVALID.format(kind="name")),
    ],
)
def test_blocked_item_add_refuses_bad_values_clearly(
    kind: str, given_value: str, message: str
) -> None:
    with pytest.raises(AbuseInputError) as raised:
        blocked_item_add(kind=kind, value=given_value)
    assert str(raised.value) == message
    assert not BlockedItem.objects.exists()


def test_blocked_item_add_twice_says_it_is_blocked_already() -> None:
    blocked_item_add(kind="email", value="jo@example.org")
    with pytest.raises(AbuseInputError, match="already on the block list"):
        blocked_item_add(kind="email", value="JO@example.org")
    assert BLOCK_EXISTS.format(value="jo@example.org").startswith("jo@example.org")


def test_blocked_item_remove_deletes_it_and_refuses_what_is_gone() -> None:
    user = staff_member("organiser")
    item = blocked_item_add(kind="ip", value="192.0.2.7", user=user)
    assert item.created_by == user
    blocked_item_remove(item_id=item.pk, user=user)
    assert not BlockedItem.objects.exists()
    with pytest.raises(AbuseInputError, match=BLOCK_NOT_FOUND):
        blocked_item_remove(item_id=item.pk, user=user)


# The trending report


def _signed(petition: Petition, ip: str, domain: str, when: Any, n: int = 1) -> None:
    for _ in range(n):
        SignatureFactory(
            petition=petition, ip_address=ip, email=f"x{Signature.objects.count()}@{domain}",
            created_at=when,
        )  # fmt: skip


def test_trending_report_lists_the_fastest_ips_and_domains_per_petition() -> None:
    now = timezone.now()
    petition, other = PetitionFactory(), PetitionFactory()
    _signed(petition, "192.0.2.1", "bot.example", now - timedelta(minutes=5), n=5)
    _signed(petition, "192.0.2.2", "example.org", now - timedelta(minutes=10), n=3)
    _signed(petition, "192.0.2.3", "once.example", now - timedelta(minutes=20))
    _signed(petition, "192.0.2.9", "old.example", now - timedelta(hours=2), n=9)
    _signed(other, "192.0.2.4", "other.example", now - timedelta(minutes=1), n=2)
    written = trending_report_build(now=now, top=1)
    assert written == 4  # top IP and top domain, for each of the two petitions
    report = trending_latest(petition=petition)
    assert report is not None and report.window_end == now
    assert [(e.value, e.signature_count) for e in report.ips] == [("192.0.2.1", 5)]
    assert [(e.value, e.signature_count) for e in report.domains] == [("bot.example", 5)]
    full = trending_report_build(now=now)
    assert full == 6  # seen once is not a trend; the rerun replaces the same window
    assert TrendingEntry.objects.filter(window_end=now).count() == 6


def test_trending_report_keeps_a_month_and_latest_is_the_newest() -> None:
    now = timezone.now()
    petition = PetitionFactory()
    _signed(petition, "192.0.2.1", "bot.example", now - TRENDING_KEEP - timedelta(days=1), n=2)
    trending_report_build(now=now - TRENDING_KEEP - timedelta(days=1) + timedelta(minutes=1))
    assert TrendingEntry.objects.count() == 2
    _signed(petition, "192.0.2.5", "new.example", now - timedelta(minutes=1), n=2)
    trending_report_build(now=now)
    assert set(TrendingEntry.objects.values_list("value", flat=True)) == {
        "192.0.2.5",
        "new.example",
    }
    assert trending_latest(petition=PetitionFactory()) is None


# Invalidation conditions


def test_conditions_parse_normalises_and_ignores_other_fields() -> None:
    conditions = invalidation_conditions_parse(
        {
            "ip": "192.0.2.77/24",
            "email_domain": "@Bot.Example",
            "postcode_prefix": " rm10 ",
            "created_after": "2025-01-01",
            "created_before": "2025-01-02T10:30",
            "state": "Validated",
            "name_contains": "",
            "csrfmiddlewaretoken": "x",
            "action": "preview",
        }
    )
    assert conditions == {
        "ip": "192.0.2.0/24",
        "email_domain": "bot.example",
        "postcode_prefix": "RM10",
        "created_after": "2025-01-01",
        "created_before": "2025-01-02T10:30",
        "state": "validated",
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "", CONDITIONS_EMPTY),
        ({"ip": "  ", "name_contains": ""}, "", CONDITIONS_EMPTY),
        ({"ip": "192.0.2.0/99"}, "ip", CONDITION_IP_INVALID.format(value="192.0.2.0/99")),
        ({"ip": "bot"}, "ip", CONDITION_IP_INVALID.format(value="bot")),
        (
            {"created_after": "yesterday"},
            "created_after",
            CONDITION_DATE_INVALID.format(value="yesterday"),
        ),
        (
            {"created_before": "2025-02-30"},
            "created_before",
            CONDITION_DATE_INVALID.format(value="2025-02-30"),
        ),
        (
            {"created_after": "2025-02-02", "created_before": "2025-02-01"},
            "created_before",
            CONDITION_DATES_ORDER,
        ),
        ({"state": "duplicate"}, "state", CONDITION_STATE_INVALID.format(value="duplicate")),
    ],
)
def test_conditions_parse_refuses_bad_values_clearly(
    data: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(InvalidationConditionsError) as raised:
        invalidation_conditions_parse(data)
    assert raised.value.errors == {field: message}


def test_choose_at_least_one_condition_is_the_message() -> None:
    assert CONDITIONS_EMPTY.lower().startswith("choose at least one condition")


@given(st.text(max_size=60))
def test_conditions_parse_ip_never_fails_otherwise(text: str) -> None:
    try:
        conditions = invalidation_conditions_parse({"ip": text})
    except InvalidationConditionsError as error:
        assert set(error.errors) <= {"ip", ""}
    else:
        assert conditions["ip"]


# Preview and apply


def _signatures(petition: Petition) -> dict[str, Signature]:
    when = timezone.now() - timedelta(days=2)
    rows: dict[str, dict[str, Any]] = {
        "bot1": {"ip_address": "203.0.113.5", "email": "a@bot.example", "name": "Bot One",
                 "postcode": "RM10 8AA", "constituency_code": "E14001189", "created_at": when,
                 "state": SignatureState.VALIDATED, "validated_at": when},
        "bot2": {"ip_address": "203.0.113.200", "email": "b@mail.bot.example",
                 "name": "Bot Two", "postcode": "RM10 9ZZ", "constituency_code": "E14001189",
                 "created_at": when + timedelta(hours=1)},
        "person": {"ip_address": "198.51.100.1", "email": "jo@example.org", "name": "Jo Bloggs",
                   "postcode": "N1 9GU", "constituency_code": "E14001305",
                   "created_at": when + timedelta(days=1), "state": SignatureState.VALIDATED,
                   "validated_at": when},
        "flagged": {"ip_address": "203.0.113.6", "email": "c@bot.example", "name": "Bot Three",
                    "state": SignatureState.FRAUDULENT, "created_at": when},
    }  # fmt: skip
    SignatureFactory(ip_address="203.0.113.7", email="d@bot.example")  # another petition
    return {key: SignatureFactory(petition=petition, **fields) for key, fields in rows.items()}


@pytest.mark.parametrize(
    ("conditions", "matched"),
    [
        ({"ip": "203.0.113.5"}, {"bot1"}),
        ({"ip": "203.0.113.0/24"}, {"bot1", "bot2"}),
        ({"ip": "2001:db8::/32"}, set()),
        ({"email_domain": "bot.example"}, {"bot1", "bot2"}),
        ({"email_contains": "@MAIL."}, {"bot2"}),
        ({"name_contains": "BOT"}, {"bot1", "bot2"}),
        ({"postcode_prefix": "RM10 8"}, {"bot1"}),
        ({"constituency_code": "E14001305"}, {"person"}),
        ({"state": "pending"}, {"bot2"}),
        ({"email_domain": "bot.example", "state": "validated"}, {"bot1"}),
    ],
)
def test_invalidation_preview_counts_what_apply_invalidates(
    conditions: dict[str, str], matched: set[str]
) -> None:
    petition = PetitionFactory()
    rows = _signatures(petition)
    parsed = invalidation_conditions_parse(conditions)
    preview = invalidation_preview(petition=petition, conditions=parsed)
    assert preview == len(matched)
    invalidation = invalidation_apply(petition=petition, conditions=parsed, user=None)
    assert (invalidation.matched_count, invalidation.invalidated_count) == (preview, preview)
    invalidated = {
        key for key, row in rows.items() if Signature.objects.get(pk=row.pk).state == "invalidated"
    }
    assert invalidated == matched
    assert Signature.objects.get(pk=rows["flagged"].pk).state == SignatureState.FRAUDULENT


def test_invalidation_by_dates_uses_from_inclusive_and_before_exclusive() -> None:
    petition = PetitionFactory()
    rows = _signatures(petition)
    start = rows["bot1"].created_at
    conditions = {
        "created_after": start.isoformat(),
        "created_before": rows["person"].created_at.isoformat(),
    }
    assert invalidation_preview(petition=petition, conditions=conditions) == 2


def test_invalidation_apply_records_it_and_the_counts_drop() -> None:
    organiser = staff_member("organiser")
    petition = PetitionFactory(campaign__organisations=[organiser.memberships.get().organisation])
    rows = _signatures(petition)
    petition_counts_update(now=timezone.now())
    petition.refresh_from_db()
    assert petition.signature_count == 2
    conditions = invalidation_conditions_parse({"email_domain": "bot.example"})
    invalidation = invalidation_apply(
        petition=petition, conditions=conditions, user=organiser, matched_count=2
    )
    assert invalidation.conditions == {"email_domain": "bot.example"}
    assert invalidation.summary == "E-mail domain: bot.example"
    assert (invalidation.matched_count, invalidation.invalidated_count) == (2, 2)
    assert invalidation.created_by == organiser and invalidation.applied_at is not None
    petition.refresh_from_db()
    assert petition.signature_count == 1
    counts = dict(
        ConstituencyCount.objects.filter(petition=petition).values_list(
            "ons_code", "signature_count"
        )
    )
    assert counts == {"E14001189": 0, "E14001305": 1}
    bot = Signature.objects.get(pk=rows["bot1"].pk)
    assert bot.invalidated_at == invalidation.applied_at
    pending = Signature.objects.get(pk=rows["bot2"].pk)
    token = signature_token(signature=pending)
    assert signature_confirm(token=token).outcome == ConfirmOutcome.ALREADY_SIGNED


def test_invalidation_apply_refuses_a_role_that_cannot_operate_the_petition() -> None:
    analyst = staff_member("analyst")
    petition = PetitionFactory(campaign__organisations=[analyst.memberships.get().organisation])
    _signatures(petition)
    with pytest.raises(PermissionDenied):
        invalidation_apply(petition=petition, conditions={"ip": "203.0.113.5"}, user=analyst)
    assert not Signature.objects.filter(state=SignatureState.INVALIDATED).exists()


def test_invalidations_anonymise_blanks_conditions_that_name_people() -> None:
    petition = PetitionFactory()
    conditions = {"ip": "203.0.113.5", "state": "validated", "created_after": "2025-01-01"}
    invalidation = invalidation_apply(petition=petition, conditions=conditions, user=None)
    assert invalidations_anonymise(petition_id=petition.pk) == 1
    invalidation.refresh_from_db()
    assert invalidation.conditions == {
        "ip": "(anonymised)",
        "state": "validated",
        "created_after": "2025-01-01",
    }
    assert "203.0.113.5" not in invalidation.summary
    assert invalidations_anonymise(petition_id=petition.pk) == 0
