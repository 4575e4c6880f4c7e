"""CSV cells that spreadsheets show as text, never run as formulas (OWASP's CSV injection).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets; anyone can type such a "name" into a public form, so every
export guards its text cells with a leading single quote, which spreadsheets show as text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a UTF-8 CSV as Windows-1252 unless it opens with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"


def cell_safe(value: Any) -> Any:
    """Return a cell that no spreadsheet runs as a formula (None as '', booleans as yes/no).

    >>> cell_safe("=HYPERLINK(1)"), cell_safe(-3), cell_safe(None), cell_safe("Ada")
    ("'=HYPERLINK(1)", -3, '', 'Ada')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
