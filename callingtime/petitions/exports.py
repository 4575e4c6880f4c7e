"""The signers CSV: only what consent allows, safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets; anyone can sign with such a "name", so every such cell gets a
leading single quote, which spreadsheets show as text (OWASP's CSV-injection advice).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from callingtime.core.spreadsheet import BYTE_ORDER_MARK, FORMULA_STARTS, cell_safe

__all__ = ["BYTE_ORDER_MARK", "FORMULA_STARTS", "cell_safe"]

SIGNERS_HEADER = (
    "name",
    "postcode",
    "constituency_code",
    "constituency",
    "source",
    "signed_at",
    "validated_at",
    "email",
)


@dataclass(frozen=True)
class SignerRow:
    """One validated signer as the export may show them; `email` is '' unless they opted in."""

    name: str
    postcode: str
    constituency_code: str
    constituency: str
    source: str
    signed_at: datetime
    validated_at: datetime | None
    email: str


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def signer_cells(row: SignerRow) -> list[str]:
    """Return one row's cells in header order, each made safe."""
    cells = [
        row.name,
        row.postcode,
        row.constituency_code,
        row.constituency,
        row.source,
        _when(row.signed_at),
        _when(row.validated_at),
        row.email,
    ]
    return [cell_safe(cell) for cell in cells]


class _Line:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def signers_csv_lines(rows: Iterable[SignerRow]) -> Iterator[str]:
    """Yield the CSV text line by line (for a streaming response), header first."""
    writer = csv.writer(_Line())
    yield BYTE_ORDER_MARK + str(writer.writerow(SIGNERS_HEADER))
    for row in rows:
        yield str(writer.writerow(signer_cells(row)))


def signers_csv_filename(*, petition_id: int, now: datetime | None = None) -> str:
    """Return the download's file name, dated so repeated exports do not overwrite each other."""
    day = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d")
    return f"petition-{petition_id}-signers-{day}.csv"
