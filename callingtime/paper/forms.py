"""Forms of the paper side: asking for a pack, the staff queue and settings, and keying.

The keying form is one row per printed line. A blank row is a line nobody signed; a row with
some fields and not others is an error, so a half-typed line is never saved as a signature.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from callingtime.paper.lines import KeyedLine
from callingtime.paper.models import (
    ROWS_PER_SHEET_MAX,
    ROWS_PER_SHEET_MIN,
    SHEETS_PER_PACK_MAX,
    SHEETS_PER_REQUEST_MAX,
    PackStatus,
)
from callingtime.petitions.forms import email_clean, name_clean, postcode_clean

ADDRESS_REQUIRED = "Enter the first line of the address to post the pack to."
TOWN_REQUIRED = "Enter the town or city."
SHEETS_INVALID = f"Enter a number of sheets from 1 to {SHEETS_PER_REQUEST_MAX}."
STAFF_SHEETS_INVALID = f"Enter a number of sheets from 1 to {SHEETS_PER_PACK_MAX}."
NOTE_TOO_LONG = "Keep the note to 500 characters or fewer."
TEXT_TOO_LONG = "Keep this to 100 characters or fewer."
SIGNED_LINES_INVALID = "Enter how many lines of the sheet are signed, from 0 to {rows}."
LINE_NAME_MISSING = "Line {line}: the postcode is keyed but not the name."
LINE_POSTCODE_MISSING = "Line {line}: the name is keyed but not the postcode."
LINE_PREFIX = "Line {line}: {message}"
CHOOSE_PACKS = "Tick at least one pack."
CHOOSE_STATUS = "Choose what to mark the packs as."
SHEET_ID_REQUIRED = "Type or scan the sheet id (bottom of the sheet, like S000123-7)."


class _ErrorSummary:
    """(field id, message) for every error in field order, for the summary at the top."""

    def error_summary(self: Any) -> list[tuple[str, str]]:
        summary = [
            (self[name].id_for_label, str(message))
            for name in self.fields
            for message in self.errors.get(name, [])
        ]
        first = next(iter(self.fields), None)
        summary += [
            (self[first].id_for_label if first else "", str(message))
            for message in self.non_field_errors()
        ]
        return summary


def _plain_text(raw: str, *, required_message: str | None, limit: int = 100) -> str:
    text = " ".join(raw.split())
    if required_message and not text:
        raise ValidationError(required_message)
    if len(text) > limit:
        raise ValidationError(TEXT_TOO_LONG)
    if any(ord(c) < 32 for c in text):
        raise ValidationError("Remove the control characters from this field.")
    return text


class PackRequestForm(_ErrorSummary, forms.Form):
    """A volunteer asking for sheets to collect signatures on."""

    name = forms.CharField(required=False, strip=False, max_length=400)
    email = forms.CharField(required=False, strip=False, max_length=400)
    address_line_1 = forms.CharField(required=False, max_length=400)
    address_line_2 = forms.CharField(required=False, max_length=400)
    town = forms.CharField(required=False, max_length=400)
    postcode = forms.CharField(required=False, strip=False, max_length=40)
    sheet_count = forms.IntegerField(
        min_value=1,
        max_value=SHEETS_PER_REQUEST_MAX,
        initial=5,
        error_messages={
            "required": SHEETS_INVALID,
            "invalid": SHEETS_INVALID,
            "min_value": SHEETS_INVALID,
            "max_value": SHEETS_INVALID,
        },
    )
    note = forms.CharField(
        required=False, max_length=500, error_messages={"max_length": NOTE_TOO_LONG}
    )

    def clean_name(self) -> str:
        return name_clean(self.cleaned_data["name"])

    def clean_email(self) -> str:
        return email_clean(self.cleaned_data["email"])

    def clean_address_line_1(self) -> str:
        return _plain_text(self.cleaned_data["address_line_1"], required_message=ADDRESS_REQUIRED)

    def clean_address_line_2(self) -> str:
        return _plain_text(self.cleaned_data["address_line_2"], required_message=None)

    def clean_town(self) -> str:
        return _plain_text(self.cleaned_data["town"], required_message=TOWN_REQUIRED, limit=60)

    def clean_postcode(self) -> str:
        return postcode_clean(self.cleaned_data["postcode"])


class PaperSettingsForm(_ErrorSummary, forms.Form):
    """How the petition's paper side works."""

    requests_open = forms.BooleanField(required=False, label="The public may ask for packs")
    return_instructions = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    rows_per_sheet = forms.IntegerField(min_value=ROWS_PER_SHEET_MIN, max_value=ROWS_PER_SHEET_MAX)
    double_entry = forms.BooleanField(required=False, label="Double entry")


class StaffPackForm(_ErrorSummary, forms.Form):
    """A pack the campaign prints for its own volunteers."""

    sheet_count = forms.IntegerField(
        min_value=1,
        max_value=SHEETS_PER_PACK_MAX,
        error_messages={
            "required": STAFF_SHEETS_INVALID,
            "invalid": STAFF_SHEETS_INVALID,
            "min_value": STAFF_SHEETS_INVALID,
            "max_value": STAFF_SHEETS_INVALID,
        },
    )
    note = forms.CharField(
        required=False, max_length=500, error_messages={"max_length": NOTE_TOO_LONG}
    )


class PackStatusForm(forms.Form):
    """Mark the ticked packs printed, posted, returned or cancelled."""

    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in PackStatus if s != PackStatus.REQUESTED],
        error_messages={"required": CHOOSE_STATUS, "invalid_choice": CHOOSE_STATUS},
    )
    packs = forms.TypedMultipleChoiceField(coerce=int, error_messages={"required": CHOOSE_PACKS})

    def __init__(self, *args: Any, pack_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        packs = self.fields["packs"]
        assert isinstance(packs, forms.TypedMultipleChoiceField)
        packs.choices = [(pk, str(pk)) for pk in pack_ids]


class SheetFindForm(forms.Form):
    """The sheet id, typed or scanned."""

    sheet = forms.CharField(max_length=200, error_messages={"required": SHEET_ID_REQUIRED})


class SheetKeyingForm(_ErrorSummary, forms.Form):
    """Every printed line of one sheet, and how many of them are signed."""

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["signed_lines"] = forms.IntegerField(
            min_value=0,
            max_value=rows,
            error_messages={
                key: SIGNED_LINES_INVALID.format(rows=rows)
                for key in ("required", "invalid", "min_value", "max_value")
            },
        )
        for line in range(1, rows + 1):
            self.fields[f"name_{line}"] = forms.CharField(
                required=False, strip=False, max_length=400
            )
            self.fields[f"postcode_{line}"] = forms.CharField(
                required=False, strip=False, max_length=40
            )
            self.fields[f"email_{line}"] = forms.CharField(
                required=False, strip=False, max_length=400
            )
            self.fields[f"opt_in_{line}"] = forms.BooleanField(required=False)

    def lines(self) -> list[dict[str, Any]]:
        """Return each printed line's bound fields, for the template's rows."""
        return [
            {
                "line": line,
                "name": self[f"name_{line}"],
                "postcode": self[f"postcode_{line}"],
                "email": self[f"email_{line}"],
                "opt_in": self[f"opt_in_{line}"],
            }
            for line in range(1, self.rows + 1)
        ]

    def _line_clean(self, line: int, data: dict[str, Any]) -> KeyedLine | None:
        raw_name = str(data.get(f"name_{line}") or "")
        raw_postcode = str(data.get(f"postcode_{line}") or "")
        raw_email = str(data.get(f"email_{line}") or "")
        ticked = bool(data.get(f"opt_in_{line}"))
        if not (raw_name.strip() or raw_postcode.strip() or raw_email.strip()):
            return None  # a line nobody signed (a lone tick means nothing without a name)
        problems: list[tuple[str, str]] = []
        values: dict[str, str] = {}
        for field, raw, clean in (
            ("name", raw_name, name_clean),
            ("postcode", raw_postcode, postcode_clean),
        ):
            if not raw.strip():
                message = LINE_NAME_MISSING if field == "name" else LINE_POSTCODE_MISSING
                problems.append((field, message.format(line=line)))
                continue
            try:
                values[field] = clean(raw)
            except ValidationError as error:
                problems.append((field, LINE_PREFIX.format(line=line, message=error.messages[0])))
        if raw_email.strip():
            try:
                values["email"] = email_clean(raw_email)
            except ValidationError as error:
                problems.append(("email", LINE_PREFIX.format(line=line, message=error.messages[0])))
        for field, message in problems:
            self.add_error(f"{field}_{line}", message)
        if problems:
            return None
        return KeyedLine.from_keyed(
            line=line,
            name=values["name"],
            postcode=values["postcode"],
            email=values.get("email", ""),
            ticked=ticked,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.keyed: list[KeyedLine] = []
        for line in range(1, self.rows + 1):
            keyed = self._line_clean(line, data)
            if keyed is not None:
                self.keyed.append(keyed)
        return data


class ResolveForm(forms.Form):
    """For each line the two entries disagree on: which entry is right, or neither."""

    def __init__(self, *args: Any, lines: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_numbers = lines
        for line in lines:
            self.fields[f"line_{line}"] = forms.ChoiceField(
                choices=[
                    ("first", "First entry"),
                    ("second", "Second entry"),
                    ("neither", "Neither"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": f"Line {line}: choose which entry is right."},
            )

    def choices(self) -> dict[int, Any]:
        return {line: self.cleaned_data[f"line_{line}"] for line in self.line_numbers}


class ReviewDecisionForm(forms.Form):
    """Count a held paper line, or mark it a duplicate."""

    signature = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("count", "Count it"), ("duplicate", "Duplicate")])
