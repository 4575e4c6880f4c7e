"""What an ingest reports back, file by file: shared by every source's reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# skipped: found while walking a folder or zip, and not a crime file at all (no known header)
FileStatus = Literal["imported", "unchanged", "refused", "skipped"]


class IngestFileError(Exception):
    """A file cannot be imported; the message names the file, the line and the column."""

    def __init__(
        self, message: str, *, file: str, line: int | None = None, column: str | None = None
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = message
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class FileOutcome:
    """The result of importing one file."""

    file: str
    kind: str
    status: FileStatus
    rows: int = 0
    forces: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    message: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)
