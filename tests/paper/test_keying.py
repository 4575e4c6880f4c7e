"""Keying sheets: single entry, the checks that refuse a sheet whole, duplicates, double entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from callingtime.core.stores import areas_store
from callingtime.paper import keying
from callingtime.paper.keying import KeyingError, sheet_for_keying, sheet_key, sheet_mismatches
from callingtime.paper.lines import KeyedLine
from callingtime.paper.models import PaperSignature, Sheet, SheetEntry, SheetState
from callingtime.paper.packs import paper_settings_update
from callingtime.paper.sheet_codes import CODE_CHECK_FAILED, sheet_code
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import (
    ConstituencyCount,
    Petition,
    Signature,
    SignatureSource,
    SignatureState,
)
from callingtime.petitions.signing import (
    ConfirmOutcome,
    signature_confirm,
    signature_create,
    signature_token,
    signing_context_forget,
)
from tests.factories import PetitionFactory, SignatureFactory
from tests.paper.conftest import pack_for

pytestmark = pytest.mark.django_db


def _lines(postcodes: list[str], n: int, **overrides: Any) -> list[KeyedLine]:
    return [
        KeyedLine.from_keyed(
            line=i,
            name=overrides.get("name", f"Paper Signer {i}"),
            postcode=postcodes[i - 1],
            email=overrides.get("email", ""),
            ticked=False,
        )
        for i in range(1, n + 1)
    ]


def _line(
    number: int, name: str, postcode: str, email: str = "", ticked: bool = False
) -> KeyedLine:
    """One keyed line: a name and postcode, and an e-mail and opt-in tick if given."""
    return KeyedLine.from_keyed(
        line=number, name=name, postcode=postcode, email=email, ticked=ticked
    )


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Signature.objects.order_by("pk").values_list("pk", "state")),
        list(PaperSignature.objects.values_list("pk", flat=True)),
        list(SheetEntry.objects.values_list("pk", flat=True)),
        list(Sheet.objects.order_by("pk").values_list("pk", "state")),
    )


def test_single_entry_creates_validated_paper_signatures_with_provenance(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    sheet = pack.sheets.get(number=2)
    outcome = sheet_key(sheet=sheet, user=keyer, lines=_lines(demo_postcodes, 20), signed_lines=20)
    assert (outcome.state, outcome.counted, outcome.held_for_review) == (SheetState.KEYED, 20, 0)
    rows = Signature.objects.filter(petition=petition).select_related("paper")
    assert rows.count() == 20
    with areas_store() as store:
        expected = {p: store.postcode_lookup(p).constituency.code for p in demo_postcodes[:20]}
    for signature in rows:
        assert signature.source == SignatureSource.PAPER
        assert signature.state == SignatureState.VALIDATED
        assert signature.validated_at is not None and signature.processed_at is not None
        assert signature.constituency_code == expected[signature.postcode]
        assert signature.consent_id == pack.consent_id
        assert signature.keyed_by_id == keyer.pk
        provenance = signature.paper
        assert (provenance.sheet_id, provenance.keyed_by_id) == (sheet.pk, keyer.pk)
        assert provenance.sheet.pack_id == pack.pk
        assert signature.name == f"Paper Signer {provenance.line}"
    sheet.refresh_from_db()
    assert (sheet.state, sheet.signed_lines) == (SheetState.KEYED, 20)


def test_paper_signatures_join_the_counts_by_constituency_through_the_counter(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    online = SignatureFactory(
        petition=petition,
        state=SignatureState.VALIDATED,
        validated_at=timezone.now() - timezone.timedelta(minutes=1),
        constituency_code="E14000001",
    )
    assert online.source == SignatureSource.ONLINE
    lines = [
        KeyedLine.from_keyed(
            line=i, name=f"P {i}", postcode=demo_postcodes[0], email="", ticked=False
        )
        for i in range(1, 6)
    ]
    sheet_key(sheet=pack.sheets.first(), user=keyer, lines=lines, signed_lines=5)
    petition_counts_update(now=timezone.now() + timezone.timedelta(seconds=30))
    petition.refresh_from_db()
    assert (
        petition.signature_count,
        petition.signature_count_online,
        petition.signature_count_paper,
    ) == (6, 1, 5)
    with areas_store() as store:
        code = store.postcode_lookup(demo_postcodes[0]).constituency.code
    count = ConstituencyCount.objects.get(petition=petition, ons_code=code)
    assert (count.signature_count_paper, count.signature_count_online) == (5, 0)


def test_a_sheet_is_keyed_once(
    pack: Any, keyer: Any, second_keyer: Any, demo_postcodes: list[str]
) -> None:
    sheet = pack.sheets.first()
    sheet_key(sheet=sheet, user=keyer, lines=_lines(demo_postcodes, 3), signed_lines=3)
    before = _snapshot()
    with pytest.raises(KeyingError, match="already been keyed"):
        sheet_for_keying(petition=pack.petition, code_text=sheet.code, user=second_keyer)
    with pytest.raises(KeyingError, match="already been keyed"):
        sheet_key(sheet=sheet, user=second_keyer, lines=_lines(demo_postcodes, 3), signed_lines=3)
    assert _snapshot() == before


def test_the_claim_fails_when_someone_else_moved_the_sheet_on_meanwhile(pack: Any) -> None:
    sheet = pack.sheets.first()
    Sheet.objects.filter(pk=sheet.pk).update(state=SheetState.KEYED)  # another keyer won
    before = _snapshot()
    with pytest.raises(KeyingError, match="Someone else saved"):
        keying._claim(sheet, SheetState.BLANK, SheetState.KEYED, timezone.now(), 2)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (sheet_code(999_999), "There is no sheet"),
        ("hello", "is not a sheet id"),
        ("", "is not a sheet id"),
    ],
)
def test_sheet_ids_that_name_no_sheet_are_refused(
    pack: Any, keyer: Any, text: str, message: str
) -> None:
    with pytest.raises(KeyingError, match=message):
        sheet_for_keying(petition=pack.petition, code_text=text, user=keyer)


def test_a_mistyped_digit_fails_the_check_digit(pack: Any, keyer: Any) -> None:
    code = pack.sheets.first().code
    digits = code[1:7]
    wrong = f"S{digits[:-1]}{(int(digits[-1]) + 1) % 10}-{code[-1]}"
    with pytest.raises(KeyingError) as error:
        sheet_for_keying(petition=pack.petition, code_text=wrong, user=keyer)
    assert str(error.value) == CODE_CHECK_FAILED.format(text=wrong)


def test_a_scanned_qr_url_finds_its_sheet(pack: Any, keyer: Any) -> None:
    sheet = pack.sheets.last()
    url = f"https://example.org/petitions/{pack.petition.pk}/?sheet={sheet.code}"
    assert sheet_for_keying(petition=pack.petition, code_text=url, user=keyer).sheet == sheet


def test_a_sheet_of_another_petition_is_refused_by_name(pack: Any, keyer: Any) -> None:
    other = PetitionFactory(action="Light the towpath")
    other_sheet = pack_for(other, sheets=1).sheets.get()
    with pytest.raises(KeyingError, match=r"belongs to another petition .*Light the towpath"):
        sheet_for_keying(petition=pack.petition, code_text=other_sheet.code, user=keyer)
    assert sheet_code(other_sheet.pk) == other_sheet.code


@pytest.mark.parametrize(("declared", "keyed"), [(5, 4), (3, 4), (0, 1)])
def test_keyed_lines_must_match_the_declared_signed_lines(
    pack: Any, keyer: Any, demo_postcodes: list[str], declared: int, keyed: int
) -> None:
    before = _snapshot()
    with pytest.raises(KeyingError, match=f"You said {declared} line"):
        sheet_key(
            sheet=pack.sheets.first(),
            user=keyer,
            lines=_lines(demo_postcodes, keyed),
            signed_lines=declared,
        )
    assert _snapshot() == before


def test_a_blank_sheet_has_nothing_to_key(pack: Any, keyer: Any) -> None:
    with pytest.raises(KeyingError, match="No lines were keyed"):
        sheet_key(sheet=pack.sheets.first(), user=keyer, lines=[], signed_lines=0)


def test_a_line_beyond_the_printed_rows_is_refused(
    pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    line = _line(21, "Extra", demo_postcodes[0])
    with pytest.raises(KeyingError, match="Line 21 is not on this sheet"):
        sheet_key(sheet=pack.sheets.first(), user=keyer, lines=[line], signed_lines=1)


def test_an_opt_in_without_an_email_is_kept_as_no_opt_in(
    pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    lines = [
        _line(1, "No Mail", demo_postcodes[0], ticked=True),
        _line(2, "Has Mail", demo_postcodes[1], email="has@example.org", ticked=True),
    ]
    outcome = sheet_key(sheet=pack.sheets.first(), user=keyer, lines=lines, signed_lines=2)
    assert outcome.opt_in_dropped_lines == (1,)
    assert dict(Signature.objects.values_list("name", "opt_in")) == {
        "No Mail": False,
        "Has Mail": True,
    }


def test_a_line_matching_an_online_signature_by_name_and_postcode_is_held(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    online = SignatureFactory(
        petition=petition,
        name="Ada Lovelace",
        postcode=demo_postcodes[0],
        state=SignatureState.VALIDATED,
        validated_at=timezone.now(),
    )
    lines = [
        _line(1, "  ADA   lovelace ", demo_postcodes[0]),
        _line(2, "Ada Lovelace", demo_postcodes[1]),
    ]
    outcome = sheet_key(sheet=pack.sheets.first(), user=keyer, lines=lines, signed_lines=2)
    assert (outcome.counted, outcome.held_for_review) == (1, 1)
    held = PaperSignature.objects.get(line=1)
    assert held.signature.state == SignatureState.REVIEW and held.signature.validated_at is None
    assert held.matched_id == online.pk
    petition_counts_update(now=timezone.now() + timezone.timedelta(seconds=30))
    petition.refresh_from_db()
    assert petition.signature_count_paper == 1


def _online_sign(petition: Petition, name: str, postcode: str) -> str:
    """Sign online with a mailbox of the signer's own; return the confirmation token."""
    signing_context_forget()
    pk = signature_create(
        petition_id=petition.pk,
        name=name,
        email=f"{name.strip().replace(' ', '.')}.{postcode.replace(' ', '')}@example.org",
        postcode=postcode,
        uk_resident=True,
        opt_in=False,
        ip_address="192.0.2.7",
    )
    return signature_token(signature=Signature.objects.get(pk=pk))


def _online_signs_and_confirms(petition: Petition, name: str, postcode: str) -> ConfirmOutcome:
    return signature_confirm(token=_online_sign(petition, name, postcode)).outcome


def _counts(petition: Petition) -> tuple[int, int]:
    petition_counts_update(now=timezone.now() + timezone.timedelta(seconds=30))
    petition.refresh_from_db()
    return petition.signature_count, petition.signature_count_paper


def test_signing_online_after_a_counted_paper_line_without_email_counts_once(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    line = _line(1, "Grace Hopper", demo_postcodes[0])
    sheet_key(sheet=pack.sheets.first(), user=keyer, lines=[line], signed_lines=1)
    # The same person online, the name written another way, a mailbox paper never saw.
    outcome = _online_signs_and_confirms(petition, " grace  HOPPER", demo_postcodes[0])
    assert outcome == ConfirmOutcome.ALREADY_SIGNED
    online = Signature.objects.get(source=SignatureSource.ONLINE)
    assert online.state == SignatureState.DUPLICATE and online.validated_at is None
    assert _counts(petition) == (1, 1)


def test_online_signers_unlike_every_counted_paper_line_all_count(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    first, second = pack.sheets.order_by("number")[:2]
    grace = _line(1, "Grace Hopper", demo_postcodes[0])
    sheet_key(sheet=first, user=keyer, lines=[grace], signed_lines=1)
    assert _online_signs_and_confirms(petition, "Grace Hopper", demo_postcodes[1]) == (
        ConfirmOutcome.CONFIRMED
    )
    assert _online_signs_and_confirms(petition, "Grace Harper", demo_postcodes[0]) == (
        ConfirmOutcome.CONFIRMED
    )
    # A line held for review (it repeats a pending online signature) is not counted, so it
    # does not stop that signer confirming.
    token = _online_sign(petition, "Ada Lovelace", demo_postcodes[2])
    ada = _line(1, "Ada Lovelace", demo_postcodes[2])
    assert sheet_key(sheet=second, user=keyer, lines=[ada], signed_lines=1).held_for_review == 1
    assert signature_confirm(token=token).outcome == ConfirmOutcome.CONFIRMED
    assert _counts(petition) == (4, 1)


def test_a_line_matching_by_email_under_the_online_rules_is_held(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    SignatureFactory(
        petition=petition,
        name="Jo Bloggs",
        email="jo.bloggs@gmail.com",
        postcode=demo_postcodes[5],
        state=SignatureState.PENDING,
    )
    line = _line(1, "Joanna Bloggs", demo_postcodes[0], email="JoBloggs+paper@googlemail.com")
    outcome = sheet_key(sheet=pack.sheets.first(), user=keyer, lines=[line], signed_lines=1)
    assert outcome.held_for_review == 1


def test_the_household_rule_lets_one_more_name_share_an_email_at_the_same_postcode(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    SignatureFactory(
        petition=petition,
        name="Jo Bloggs",
        email="home@example.org",
        postcode=demo_postcodes[0],
        state=SignatureState.VALIDATED,
        validated_at=timezone.now(),
    )
    lines = [
        _line(1, "Sam Bloggs", demo_postcodes[0], email="home@example.org"),
        _line(2, "Kit Bloggs", demo_postcodes[0], email="home@example.org"),
    ]
    outcome = sheet_key(sheet=pack.sheets.first(), user=keyer, lines=lines, signed_lines=2)
    assert (outcome.counted, outcome.held_for_review) == (1, 1)
    assert PaperSignature.objects.get(line=2).signature.state == SignatureState.REVIEW


def test_two_lines_of_one_sheet_that_repeat_each_other_hold_the_second(
    pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    lines = [
        _line(1, "Twice Signed", demo_postcodes[0]),
        _line(2, "twice signed", demo_postcodes[0]),
    ]
    outcome = sheet_key(sheet=pack.sheets.first(), user=keyer, lines=lines, signed_lines=2)
    assert (outcome.counted, outcome.held_for_review) == (1, 1)
    held = PaperSignature.objects.get(line=2)
    assert held.matched_id is None and "this sheet" in held.signature.flag_reason


def test_a_second_sheet_repeating_a_paper_signature_is_held(
    pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    first, second = pack.sheets.order_by("number")[:2]
    sheet_key(sheet=first, user=keyer, lines=_lines(demo_postcodes, 2), signed_lines=2)
    outcome = sheet_key(sheet=second, user=keyer, lines=_lines(demo_postcodes, 1), signed_lines=1)
    assert outcome.held_for_review == 1


# Double entry.


@pytest.fixture
def double_entry(petition: Petition) -> Petition:
    paper_settings_update(
        petition=petition,
        requests_open=True,
        return_instructions="",
        rows_per_sheet=20,
        double_entry=True,
    )
    return petition


def test_double_entry_counts_nothing_until_the_second_entry_agrees(
    double_entry: Petition, pack: Any, keyer: Any, second_keyer: Any, demo_postcodes: list[str]
) -> None:
    sheet = pack.sheets.first()
    first = sheet_key(sheet=sheet, user=keyer, lines=_lines(demo_postcodes, 4), signed_lines=4)
    assert first.state == SheetState.FIRST_ENTRY and Signature.objects.count() == 0
    target = sheet_for_keying(petition=double_entry, code_text=sheet.code, user=second_keyer)
    assert target.pass_number == 2
    retyped = [
        KeyedLine.from_keyed(
            line=k.line, name=k.name.upper(), postcode=k.postcode, email="", ticked=False
        )
        for k in _lines(demo_postcodes, 4)
    ]
    second = sheet_key(
        sheet=Sheet.objects.get(pk=sheet.pk), user=second_keyer, lines=retyped, signed_lines=4
    )
    assert (second.state, second.counted) == (SheetState.KEYED, 4)
    provenance = PaperSignature.objects.get(line=1)
    assert (provenance.keyed_by_id, provenance.second_keyed_by_id) == (keyer.pk, second_keyer.pk)


def test_the_second_entry_must_be_someone_else(
    double_entry: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    sheet = pack.sheets.first()
    sheet_key(sheet=sheet, user=keyer, lines=_lines(demo_postcodes, 2), signed_lines=2)
    before = _snapshot()
    with pytest.raises(KeyingError, match="must be keyed by someone else"):
        sheet_key(
            sheet=Sheet.objects.get(pk=sheet.pk),
            user=keyer,
            lines=_lines(demo_postcodes, 2),
            signed_lines=2,
        )
    assert _snapshot() == before


def test_mismatched_entries_wait_side_by_side_and_resolve(
    double_entry: Petition,
    pack: Any,
    keyer: Any,
    second_keyer: Any,
    organiser: Any,
    demo_postcodes: list[str],
) -> None:
    sheet = pack.sheets.first()
    sheet_key(sheet=sheet, user=keyer, lines=_lines(demo_postcodes, 3), signed_lines=3)
    second_lines = _lines(demo_postcodes, 3)
    second_lines[1] = _line(2, "Paper Singer 2", demo_postcodes[1])
    second_lines[2] = _line(3, "Paper Signer 3", demo_postcodes[9])
    outcome = sheet_key(
        sheet=Sheet.objects.get(pk=sheet.pk), user=second_keyer, lines=second_lines, signed_lines=3
    )
    assert (outcome.state, outcome.counted, outcome.mismatched_lines) == (
        SheetState.MISMATCH,
        1,
        (2, 3),
    )
    sheet.refresh_from_db()
    comparisons = sheet_mismatches(sheet=sheet)
    assert [(c.line, c.first.name, c.second.name) for c in comparisons] == [
        (2, "Paper Signer 2", "Paper Singer 2"),
        (3, "Paper Signer 3", "Paper Signer 3"),
    ]
    assert comparisons[1].first.postcode != comparisons[1].second.postcode
    with pytest.raises(KeyingError, match="Choose an answer for every line"):
        keying.sheet_resolve(sheet=sheet, user=organiser, choices={2: "first"})
    resolved = keying.sheet_resolve(sheet=sheet, user=organiser, choices={2: "first", 3: "neither"})
    assert resolved.counted == 1
    assert sorted(Signature.objects.values_list("name", flat=True)) == [
        "Paper Signer 1",
        "Paper Signer 2",
    ]
    assert PaperSignature.objects.get(line=2).resolved_by_id == organiser.pk
    sheet.refresh_from_db()
    assert sheet.state == SheetState.KEYED and sheet_mismatches(sheet=sheet) == []
    with pytest.raises(KeyingError, match="already been keyed"):
        sheet_for_keying(petition=double_entry, code_text=sheet.code, user=organiser)


def test_a_mismatched_sheet_cannot_be_keyed_again_until_resolved(
    double_entry: Petition,
    pack: Any,
    keyer: Any,
    second_keyer: Any,
    organiser: Any,
    demo_postcodes: list[str],
) -> None:
    sheet = pack.sheets.first()
    sheet_key(sheet=sheet, user=keyer, lines=_lines(demo_postcodes, 2), signed_lines=2)
    sheet_key(
        sheet=Sheet.objects.get(pk=sheet.pk),
        user=second_keyer,
        lines=_lines(demo_postcodes, 1),
        signed_lines=1,
    )
    with pytest.raises(KeyingError, match="disagree"):
        sheet_for_keying(petition=double_entry, code_text=sheet.code, user=organiser)
