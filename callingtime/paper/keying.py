"""Keying returned sheets: finding the sheet, saving its lines, double entry and its mismatches.

Every keying is all or nothing: one transaction claims the sheet by moving its state on (a
conditional UPDATE, so two people keying the same sheet cannot both succeed), stores the entry
and creates the signatures. A paper signature counts (is VALIDATED, so the counter adds it)
once keyed in single-entry mode, once both entries agree in double-entry mode, and once staff
resolve it if it looked like a signature already on the petition (REVIEW until then).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from callingtime.campaigns.roles import User
from callingtime.paper.lines import KeyedLine
from callingtime.paper.models import PaperSignature, Sheet, SheetEntry, SheetState
from callingtime.paper.packs import paper_settings_get
from callingtime.paper.sheet_codes import SheetCodeError, sheet_code_parse
from callingtime.petitions.models import (
    Petition,
    Signature,
    SignatureSource,
    SignatureState,
)
from callingtime.petitions.processing import ConstituencyCodes
from callingtime.petitions.signing import HOUSEHOLD_SIGNATURES

SHEET_UNKNOWN = "There is no sheet {code}. Check the id at the bottom of the sheet."
SHEET_OTHER_PETITION = (
    "Sheet {code} belongs to another petition (“{action}”), not this one. "
    "Key it under that petition."
)
SHEET_ALREADY_KEYED = "Sheet {code} has already been keyed, on {when}. A sheet is keyed once."
SHEET_SECOND_ENTRY_SAME_PERSON = (
    "You keyed the first entry of sheet {code}. In double-entry mode the second entry must be "
    "keyed by someone else."
)
SHEET_MISMATCH_WAITING = (
    "The two entries of sheet {code} disagree. Resolve the differences before anything else."
)
SHEET_CHANGED_MEANWHILE = (
    "Someone else saved sheet {code} while you were keying it. Nothing of yours was saved; "
    "open the sheet again to see where it stands."
)
LINES_COUNT_MISMATCH = (
    "You said {declared} line{declared_s} of the sheet {declared_are} signed, but keyed "
    "{keyed}. Key every signed line (or correct the number) before saving."
)
NOTHING_KEYED = "No lines were keyed. A sheet that came back blank needs nothing keyed."
LINE_OUT_OF_RANGE = "Line {line} is not on this sheet, which has {rows} lines."
RESOLUTION_INCOMPLETE = "Choose an answer for every line that differs (lines {lines})."
NOT_MISMATCHED = "Sheet {code} has no differences waiting to be resolved."

Pass = Literal[1, 2]
Choice = Literal["first", "second", "neither"]

# Signatures a keyed line may be a second copy of (duplicates, flags and removals are not).
_MATCHABLE = (SignatureState.PENDING, SignatureState.VALIDATED, SignatureState.REVIEW)


class KeyingError(Exception):
    """Keying cannot go on; the message says what to do. Nothing was saved."""


@dataclass(frozen=True)
class KeyingTarget:
    """The sheet found for a typed id, and which entry of it the user would key."""

    sheet: Sheet
    pass_number: Pass
    double_entry: bool


@dataclass(frozen=True)
class KeyingOutcome:
    """What saving an entry did."""

    sheet: Sheet
    state: str
    counted: int = 0
    held_for_review: int = 0
    mismatched_lines: tuple[int, ...] = ()
    opt_in_dropped_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class LineComparison:
    """One line whose two entries disagree (None: that entry left the line blank)."""

    line: int
    first: KeyedLine | None
    second: KeyedLine | None


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "an earlier date"
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M")


def sheet_for_keying(*, petition: Petition, code_text: str, user: User) -> KeyingTarget:
    """Return the sheet a typed or scanned id names, if this user may key it now."""
    try:
        sheet_id = sheet_code_parse(code_text)
    except SheetCodeError as error:
        raise KeyingError(str(error)) from error
    sheet = Sheet.objects.select_related("petition", "pack").filter(pk=sheet_id).first()
    shown = code_text.strip()[:20]
    if sheet is None:
        raise KeyingError(SHEET_UNKNOWN.format(code=shown))
    if sheet.petition_id != petition.pk:
        raise KeyingError(
            SHEET_OTHER_PETITION.format(code=sheet.code, action=sheet.petition.action)
        )
    return _target(sheet=sheet, user=user)


def _target(*, sheet: Sheet, user: User) -> KeyingTarget:
    if sheet.state == SheetState.KEYED:
        raise KeyingError(SHEET_ALREADY_KEYED.format(code=sheet.code, when=_when(sheet.keyed_at)))
    if sheet.state == SheetState.MISMATCH:
        raise KeyingError(SHEET_MISMATCH_WAITING.format(code=sheet.code))
    if sheet.state == SheetState.FIRST_ENTRY:
        first = sheet.entries.filter(pass_number=1).first()
        if first is not None and first.keyed_by_id == user.pk:
            raise KeyingError(SHEET_SECOND_ENTRY_SAME_PERSON.format(code=sheet.code))
        return KeyingTarget(sheet=sheet, pass_number=2, double_entry=True)
    double_entry = paper_settings_get(petition=sheet.petition).double_entry
    return KeyingTarget(sheet=sheet, pass_number=1, double_entry=double_entry)


def _lines_check(sheet: Sheet, lines: Sequence[KeyedLine], signed_lines: int) -> None:
    rows = sheet.pack.rows_per_sheet
    for keyed in lines:
        if not 1 <= keyed.line <= rows:
            raise KeyingError(LINE_OUT_OF_RANGE.format(line=keyed.line, rows=rows))
    if not lines and signed_lines == 0:
        raise KeyingError(NOTHING_KEYED)
    if len(lines) != signed_lines:
        raise KeyingError(
            LINES_COUNT_MISMATCH.format(
                declared=signed_lines,
                declared_s="" if signed_lines == 1 else "s",
                declared_are="was" if signed_lines == 1 else "were",
                keyed=len(lines),
            )
        )


def _claim(sheet: Sheet, expected: str, new_state: str, now: datetime, signed: int) -> None:
    """Move the sheet on from `expected`, or fail if someone else moved it first."""
    fields: dict[str, object] = {"state": new_state, "signed_lines": signed}
    if new_state == SheetState.KEYED:
        fields["keyed_at"] = now
    claimed = Sheet.objects.filter(pk=sheet.pk, state=expected).update(**fields)
    if claimed != 1:
        raise KeyingError(SHEET_CHANGED_MEANWHILE.format(code=sheet.code))


def sheet_key(
    *,
    sheet: Sheet,
    user: User,
    lines: Sequence[KeyedLine],
    signed_lines: int,
    now: datetime | None = None,
) -> KeyingOutcome:
    """Save one entry of a sheet; in single-entry mode (or a second entry) create its signatures."""
    now = now or timezone.now()
    sheet.refresh_from_db(fields=["state", "keyed_at", "signed_lines"])
    target = _target(sheet=sheet, user=user)
    _lines_check(sheet, lines, signed_lines)
    dropped = tuple(k.line for k in lines if k.opt_in_dropped)
    with transaction.atomic():
        entry = SheetEntry(
            sheet=sheet,
            keyed_by_id=user.pk,
            keyed_at=now,
            pass_number=target.pass_number,
            signed_lines=signed_lines,
            lines=[k.as_json() for k in lines],
        )
        if target.pass_number == 1 and target.double_entry:
            _claim(sheet, SheetState.BLANK, SheetState.FIRST_ENTRY, now, signed_lines)
            entry.save()
            return KeyingOutcome(
                sheet=sheet, state=SheetState.FIRST_ENTRY, opt_in_dropped_lines=dropped
            )
        if target.pass_number == 1:
            _claim(sheet, SheetState.BLANK, SheetState.KEYED, now, signed_lines)
            entry.save()
            created = _signatures_create(sheet, lines, keyed_by=user, second=None, now=now)
            return KeyingOutcome(
                sheet=sheet,
                state=SheetState.KEYED,
                counted=created.counted,
                held_for_review=created.held,
                opt_in_dropped_lines=dropped,
            )
        first = _entry_lines(sheet, 1)
        comparisons = _compare(first, {k.line: k for k in lines})
        agreed = [k for k in lines if k.line not in {c.line for c in comparisons}]
        state = SheetState.MISMATCH if comparisons else SheetState.KEYED
        _claim(sheet, SheetState.FIRST_ENTRY, state, now, signed_lines)
        entry.save()
        first_keyer = sheet.entries.get(pass_number=1).keyed_by
        created = _signatures_create(sheet, agreed, keyed_by=first_keyer, second=user, now=now)
        return KeyingOutcome(
            sheet=sheet,
            state=state,
            counted=created.counted,
            held_for_review=created.held,
            mismatched_lines=tuple(c.line for c in comparisons),
            opt_in_dropped_lines=dropped,
        )


def _entry_lines(sheet: Sheet, pass_number: int) -> dict[int, KeyedLine]:
    entry = sheet.entries.get(pass_number=pass_number)
    return {k.line: k for k in (KeyedLine.from_json(d) for d in entry.lines)}


def _compare(first: dict[int, KeyedLine], second: dict[int, KeyedLine]) -> list[LineComparison]:
    differing = []
    for line in sorted(set(first) | set(second)):
        a, b = first.get(line), second.get(line)
        if a is None or b is None or not a.agrees_with(b):
            differing.append(LineComparison(line=line, first=a, second=b))
    return differing


def sheet_mismatches(*, sheet: Sheet) -> list[LineComparison]:
    """Return the lines whose two entries disagree and are not yet resolved."""
    if sheet.state != SheetState.MISMATCH:
        return []
    resolved = set(sheet.signatures.values_list("line", flat=True))
    comparisons = _compare(_entry_lines(sheet, 1), _entry_lines(sheet, 2))
    return [c for c in comparisons if c.line not in resolved]


def sheet_resolve(
    *,
    sheet: Sheet,
    user: User,
    choices: dict[int, Choice],
    now: datetime | None = None,
) -> KeyingOutcome:
    """Settle every differing line of a double-keyed sheet by choosing an entry (or neither)."""
    now = now or timezone.now()
    comparisons = sheet_mismatches(sheet=sheet)
    if not comparisons:
        raise KeyingError(NOT_MISMATCHED.format(code=sheet.code))
    missing = [
        c.line for c in comparisons if choices.get(c.line) not in ("first", "second", "neither")
    ]
    if missing:
        raise KeyingError(RESOLUTION_INCOMPLETE.format(lines=", ".join(map(str, missing))))
    chosen: list[KeyedLine] = []
    for comparison in comparisons:
        pick = choices[comparison.line]
        keyed = (
            comparison.first if pick == "first" else comparison.second if pick == "second" else None
        )
        if keyed is not None:
            chosen.append(keyed)
    with transaction.atomic():
        _claim(sheet, SheetState.MISMATCH, SheetState.KEYED, now, sheet.signed_lines or 0)
        entries = {e.pass_number: e for e in sheet.entries.select_related("keyed_by")}
        created = _signatures_create(
            sheet,
            chosen,
            keyed_by=entries[1].keyed_by,
            second=entries[2].keyed_by,
            now=now,
            resolved_by=user,
        )
    return KeyingOutcome(
        sheet=sheet, state=SheetState.KEYED, counted=created.counted, held_for_review=created.held
    )


@dataclass
class _Created:
    counted: int = 0
    held: int = 0


@dataclass
class _Known:
    """Signatures already on the petition, by what a paper line is matched on."""

    by_name_postcode: dict[tuple[str, str], int | None] = field(default_factory=dict)
    by_email: dict[str, list[tuple[int | None, str, str]]] = field(default_factory=dict)

    def add(self, pk: int | None, name: str, postcode: str, email: str) -> None:
        if name and postcode:
            self.by_name_postcode.setdefault((name, postcode), pk)
        if email:
            self.by_email.setdefault(email, []).append((pk, name, postcode))

    def match(self, keyed: KeyedLine) -> tuple[bool, int | None]:
        """Return whether the line looks like a known signature, and which (None: this sheet)."""
        key = (keyed.name_normalised, keyed.postcode)
        if key in self.by_name_postcode:
            return True, self.by_name_postcode[key]
        others = self.by_email.get(keyed.email_normalised, []) if keyed.email else []
        if not others:
            return False, None
        # The online household rule: one more signer at the same postcode, by another name.
        household = (
            len(others) < HOUSEHOLD_SIGNATURES
            and others[0][2] == keyed.postcode
            and others[0][1] != keyed.name_normalised
        )
        return (False, None) if household else (True, others[0][0])


def _known_signatures(petition_id: int, lines: Iterable[KeyedLine]) -> _Known:
    lines = list(lines)
    postcodes = {k.postcode for k in lines}
    emails = {k.email_normalised for k in lines if k.email}
    known = _Known()
    rows = (
        Signature.objects.filter(petition_id=petition_id, state__in=_MATCHABLE)
        .filter(Q(postcode__in=postcodes) | Q(email_normalised__in=emails))
        .order_by("pk")
        .values_list("pk", "name_normalised", "postcode", "email_normalised")
    )
    for pk, name, postcode, email in rows:
        known.add(pk, name, postcode, email)
    return known


def _signatures_create(
    sheet: Sheet,
    lines: Sequence[KeyedLine],
    *,
    keyed_by: User | None,
    second: User | None,
    now: datetime,
    resolved_by: User | None = None,
) -> _Created:
    created = _Created()
    if not lines:
        return created
    codes = ConstituencyCodes()
    codes.prefetch(k.postcode for k in lines)
    known = _known_signatures(sheet.petition_id, lines)
    signatures: list[Signature] = []
    matches: list[int | None] = []
    for keyed in sorted(lines, key=lambda k: k.line):
        duplicate, matched = known.match(keyed)
        name_normalised = keyed.name_normalised
        signature = Signature(
            petition_id=sheet.petition_id,
            source=SignatureSource.PAPER,
            state=SignatureState.REVIEW if duplicate else SignatureState.VALIDATED,
            name=keyed.name,
            name_normalised=name_normalised,
            email=keyed.email,
            email_normalised=keyed.email_normalised,
            email_domain=keyed.email_normalised.rpartition("@")[2],
            postcode=keyed.postcode,
            constituency_code=codes.code(keyed.postcode),
            uk_resident=True,  # declared by signing under the sheet's printed declaration
            opt_in=keyed.opt_in,
            consent_id=sheet.pack.consent_id,
            created_at=now,
            processed_at=now,  # nothing for the online processing to do: no e-mail is sent
            validated_at=None if duplicate else now,
            flag_reason=_flag_reason(matched) if duplicate else "",
            keyed_by_id=keyed_by.pk if keyed_by else None,
        )
        signatures.append(signature)
        matches.append(matched)
        known.add(None, name_normalised, keyed.postcode, keyed.email_normalised)
        if duplicate:
            created.held += 1
        else:
            created.counted += 1
    saved = Signature.objects.bulk_create(signatures)
    PaperSignature.objects.bulk_create(
        PaperSignature(
            signature=signature,
            sheet=sheet,
            line=keyed.line,
            keyed_by_id=keyed_by.pk if keyed_by else None,
            keyed_at=now,
            second_keyed_by_id=second.pk if second else None,
            matched_id=matched,
            resolved_by_id=resolved_by.pk if resolved_by else None,
            resolved_at=now if resolved_by else None,
        )
        for signature, keyed, matched in zip(
            saved, sorted(lines, key=lambda k: k.line), matches, strict=True
        )
    )
    return created


def _flag_reason(matched: int | None) -> str:
    if matched is None:
        return "same as a line on this sheet"
    return f"matches signature {matched}"
