"""Sheet ids as printed and typed: `S000123-7`, the sheet's number and a check digit.

The check digit (Luhn) catches one mistyped digit and most swapped neighbours, so a typo
names no other sheet. A scanned QR code types the petition URL with `?sheet=S000123-7`;
both forms are accepted.
"""

from __future__ import annotations

import re

CODE_INVALID = "“{text}” is not a sheet id. Sheet ids look like S000123-7 (bottom of the sheet)."
CODE_CHECK_FAILED = (
    "The check digit of “{text}” does not match: one character is mistyped. "
    "Look again at the id at the bottom of the sheet."
)

_CODE = re.compile(r"(?:sheet=)?\s*S?\s*(\d{1,9})\s*[-–\s]?\s*(\d)\s*$", re.IGNORECASE)
_WIDTH = 6


class SheetCodeError(ValueError):
    """The text typed or scanned is not a valid sheet id; the message says why."""


def _luhn_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def sheet_code(sheet_id: int) -> str:
    """Return the printed id of a sheet.

    >>> sheet_code(123)
    'S000123-0'
    """
    digits = f"{sheet_id:0{_WIDTH}d}"
    return f"S{digits}-{_luhn_digit(digits)}"


def sheet_code_parse(text: str) -> int:
    """Return the sheet's database id from a typed or scanned sheet id.

    >>> sheet_code_parse("s123-0")
    123
    >>> sheet_code_parse("https://example.org/petitions/1/?sheet=S000123-0")
    123

    Raises SheetCodeError with CODE_INVALID or CODE_CHECK_FAILED.
    """
    shown = text.strip()[:80]
    match = _CODE.search(shown.rsplit("/", 1)[-1].split("&", 1)[0])
    if match is None:
        raise SheetCodeError(CODE_INVALID.format(text=shown))
    number, check = match.groups()
    if _luhn_digit(f"{int(number):0{_WIDTH}d}") != int(check):
        raise SheetCodeError(CODE_CHECK_FAILED.format(text=shown))
    return int(number)
