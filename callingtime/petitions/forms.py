"""The sign form: what a signer types, checked before the one INSERT.

Names end up in exports that staff open in spreadsheets, so a name may not start like a
formula, and may carry no links, control or invisible characters. Every check looks at the
length first, so a megabyte of input costs no more than a hundred characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EMPTY_VALUES, EmailValidator

from callingtime.areas.postcodes import PostcodeMalformedError, postcode_normalise
from callingtime.petitions.share import share_channel_clean

NAME_MAX = 100
EMAIL_MAX = 254
POSTCODE_MAX = 16  # a postcode is at most 8 characters; room for stray spaces
# Decomposed text shrinks under NFC, so allow some slack before refusing unread.
_NAME_RAW_MAX = NAME_MAX * 4

NAME_REQUIRED = "Enter your name."
NAME_TOO_LONG = f"Enter a name of {NAME_MAX} characters or fewer."
NAME_FORMULA = "Your name cannot start with =, +, - or @."
NAME_URL = "Enter your name, not a web address."
NAME_CONTROL = "Your name contains a control or invisible character. Type it again."
EMAIL_REQUIRED = "Enter your e-mail address."
EMAIL_TOO_LONG = f"Enter an e-mail address of {EMAIL_MAX} characters or fewer."
EMAIL_INVALID = "Enter an e-mail address in the right format, like name@example.org."
POSTCODE_REQUIRED = "Enter your postcode."
POSTCODE_INVALID = "Enter a UK postcode, like N1 1AA."
UK_RESIDENT_REQUIRED = "Tick the box to confirm that you are eligible to sign."

# Spreadsheet formula starters (OWASP's CSV injection list), tab and CR included.
_FORMULA_START = frozenset("=+-@\t\r")
_URL = re.compile(
    r"https?://|www\.|[\w-]+\.[a-z]{2,}/"
    r"|[\w-]+\.(?:com|net|org|info|biz|io|ly|uk|xyz|ru|cn|tk|top|app|link)\b",
    re.IGNORECASE,
)
# Zero-width joiners are part of how some scripts and emoji are written; other format
# characters (bidi overrides, zero-width spaces) only hide what a name really says.
_JOINERS = frozenset("\u200c\u200d")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
_validate_email = EmailValidator(message=EMAIL_INVALID)


def _unprintable(text: str) -> bool:
    # Printable ASCII has none of the refused characters: most names need no closer look.
    if text.isascii() and text.isprintable():
        return False
    for char in text:
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES or (category == "Cf" and char not in _JOINERS):
            return True
    return False


def name_clean(raw: str) -> str:
    """Return a signer's name, NFC-normalised with runs of spaces made one.

    >>> name_clean("  Jo   Bloggs ")
    'Jo Bloggs'

    Raises ValidationError with one of the NAME_* messages.
    """
    if len(raw) > _NAME_RAW_MAX:
        raise ValidationError(NAME_TOO_LONG)
    text = unicodedata.normalize("NFC", raw)
    if text.lstrip(" ")[:1] in _FORMULA_START:
        raise ValidationError(NAME_FORMULA)
    if _unprintable(text):
        raise ValidationError(NAME_CONTROL)
    name = " ".join(text.split())
    if not name:
        raise ValidationError(NAME_REQUIRED)
    if len(name) > NAME_MAX:
        raise ValidationError(NAME_TOO_LONG)
    if name[0] in _FORMULA_START:
        raise ValidationError(NAME_FORMULA)
    if _URL.search(name):
        raise ValidationError(NAME_URL)
    return name


def email_clean(raw: str) -> str:
    """Return an e-mail address as typed, without surrounding spaces; ValidationError if bad."""
    email = raw.strip()
    if not email:
        raise ValidationError(EMAIL_REQUIRED)
    if len(email) > EMAIL_MAX:
        raise ValidationError(EMAIL_TOO_LONG)
    _validate_email(email)
    return email


def postcode_clean(raw: str) -> str:
    """Return a UK-shaped postcode as 'N1 1AA'; ValidationError if it has another shape."""
    if not raw.strip():
        raise ValidationError(POSTCODE_REQUIRED)
    if len(raw) > POSTCODE_MAX:
        raise ValidationError(POSTCODE_INVALID)
    try:
        return postcode_normalise(raw)
    except PostcodeMalformedError as error:
        # The library's message quotes the input back; ours stays short and says what to type.
        raise ValidationError(POSTCODE_INVALID) from error


class _RawText(forms.CharField):
    """Text passed through unstripped to the form's own checks (which give our messages)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strip=False, required=False, **kwargs)
        self.validators = []


class SignatureForm(forms.Form):
    """Name, e-mail, postcode, the UK declaration and the optional opt-in.

    The page labels the two boxes with the stored consent wording the signer sees.
    """

    name = _RawText()
    email = _RawText()
    postcode = _RawText()
    uk_resident = forms.BooleanField(error_messages={"required": UK_RESIDENT_REQUIRED})
    opt_in = forms.BooleanField(required=False)
    via = _RawText()

    def clean_name(self) -> str:
        return name_clean(self.cleaned_data["name"])

    def clean_email(self) -> str:
        return email_clean(self.cleaned_data["email"])

    def clean_postcode(self) -> str:
        return postcode_clean(self.cleaned_data["postcode"])

    def clean_via(self) -> str:
        return share_channel_clean(self.cleaned_data["via"])

    def ticked(self, name: str) -> bool:
        """Return whether a checkbox shows ticked (as submitted, or as first offered)."""
        if not self.is_bound:
            return bool(self.initial.get(name))
        widget = self.fields[name].widget
        return bool(widget.value_from_datadict(self.data, self.files, self.add_prefix(name)))

    def error_summary(self) -> list[tuple[str, str]]:
        """Return (field id, message) for every error, in the order the fields appear."""
        return [
            (self[name].id_for_label, str(message))
            for name in self.fields
            for message in self.errors.get(name, [])
        ]


@dataclass(frozen=True)
class SignatureSubmission:
    """A sign form that passed every check, as `SignatureForm.cleaned_data` would hold it."""

    name: str
    email: str
    postcode: str
    uk_resident: bool
    opt_in: bool
    via: str


def _posted_text(data: Mapping[str, Any], name: str) -> str:
    # What `_RawText` cleans to: the value as sent, or "" when absent or empty.
    value = data.get(name)
    return "" if value in EMPTY_VALUES else str(value)


def _posted_tick(data: Mapping[str, Any], name: str) -> bool:
    # What CheckboxInput then BooleanField make of a box: absent, empty or "false" is unticked.
    if name not in data:
        return False
    value = data.get(name)
    if isinstance(value, str):
        return value != "" and value.lower() != "false"
    return bool(value)


def signature_submission(data: Mapping[str, Any]) -> SignatureSubmission | None:
    """Return a valid sign POST's values, or None when the form would show any error.

    The sign POST is the hot path of a viral spike, and building `SignatureForm` (copying its
    fields and widgets, binding each one) costs ten times its checks. This runs the same
    checks on the posted values; on None the view builds the form for its messages. A test
    holds the two to the same answer on arbitrary input.
    """
    try:
        submission = SignatureSubmission(
            name=name_clean(_posted_text(data, "name")),
            email=email_clean(_posted_text(data, "email")),
            postcode=postcode_clean(_posted_text(data, "postcode")),
            uk_resident=_posted_tick(data, "uk_resident"),
            opt_in=_posted_tick(data, "opt_in"),
            via=share_channel_clean(_posted_text(data, "via")),
        )
    except ValidationError:
        return None
    return submission if submission.uk_resident else None


LIST_STATE_INVALID = "state must be one of: open, closed, all."
LIST_PAGE_INVALID = "page must be a whole number from 1."


class PetitionListQuery(forms.Form):
    """The query of the petition lists: `?state=open|closed|all&page=N`."""

    state = forms.ChoiceField(
        required=False,
        choices=[(s, s) for s in ("open", "closed", "all")],
        error_messages={"invalid_choice": LIST_STATE_INVALID},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10**9,
        error_messages={
            "invalid": LIST_PAGE_INVALID,
            "min_value": LIST_PAGE_INVALID,
            "max_value": LIST_PAGE_INVALID,
        },
    )

    def first_error(self) -> str:
        """Return the first error's message, for a one-line JSON error."""
        return next(str(m) for messages in self.errors.values() for m in messages)
