"""Find police.uk files, tell their kind from the header, and check bytes before DuckDB reads them.

DuckDB's CSV reader is the fast path, but it accepts invalid UTF-8 and a gzip stream cut at a
line boundary without complaint, so every file is first streamed once in Python: the pass that
computes the checksum also proves the gzip stream is whole and the text is UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from callingtime.crimedata.results import IngestFileError

STREET_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
OUTCOMES_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
)
STOP_SEARCH_COLUMNS: tuple[str, ...] = (
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)
HEADERS: dict[str, tuple[str, ...]] = {
    "street": STREET_COLUMNS,
    "outcomes": OUTCOMES_COLUMNS,
    "stop-and-search": STOP_SEARCH_COLUMNS,
}

FILE_EMPTY = "the file is empty: there is no header line"
GZIP_TRUNCATED = "the gzip stream ends early (truncated download?); nothing was imported"
GZIP_CORRUPT = "the file is not a valid gzip stream: {error}"
NOT_UTF8 = "the text is not UTF-8 (byte 0x{byte:02x}); police.uk files are UTF-8"
FIELD_COUNT_WRONG = "the row has {found} fields where the header has {expected}"
CSV_UNREADABLE = "the CSV cannot be parsed: {error}"
ZIP_CORRUPT = "the zip archive is corrupt: {error}"

_NAME = re.compile(
    r"^(?P<month>\d{4}-\d{2})-(?P<slug>[a-z][a-z-]*?)-(?P<kind>street|outcomes|stop-and-search)"
    r"\.csv(?:\.gz)?$"
)
_FOLDER_MONTH = re.compile(r"^\d{4}-\d{2}$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    """One CSV to import: where to read it, what to call it, and the month of its folder."""

    path: Path
    display: str
    folder_month: str | None
    explicit: bool  # named by the user, not found while walking a folder or an archive


@dataclass(frozen=True)
class FileName:
    """What a police.uk file name says: YYYY-MM-<force slug>-<kind>.csv(.gz)."""

    month: str
    slug: str
    kind: str


@dataclass(frozen=True)
class Prescan:
    """The checksum of a file's bytes and the number of text lines it holds."""

    sha256: str
    lines: int


def file_name_parse(name: str) -> FileName | None:
    """Return the month, force slug and kind in a police.uk file name, or None.

    >>> file_name_parse("2024-12-metropolitan-street.csv.gz")
    FileName(month='2024-12', slug='metropolitan', kind='street')
    """
    match = _NAME.match(name)
    if match is None:
        return None
    return FileName(match["month"], match["slug"], match["kind"])


def file_header_kind(header: Sequence[str]) -> str | None:
    """Return street, outcomes or stop-and-search for a police.uk header, else None.

    >>> file_header_kind(["Type", "Date"])
    """
    cleaned = tuple(column.strip() for column in header)
    for kind, columns in HEADERS.items():
        if cleaned == columns:
            return kind
    return None


def sources_find(paths: Sequence[Path], unpack_dir: Path) -> Iterator[SourceFile]:
    """Yield every CSV under the given files, folders and zip archives, in name order.

    Zip members are extracted into `unpack_dir`, keeping their YYYY-MM folder.
    >>> list(sources_find([Path("2024-01-kent-street.csv")], Path("/tmp")))  # doctest: +SKIP
    """
    for path in paths:
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                if found.name.endswith((".csv", ".csv.gz")):
                    yield SourceFile(found, str(found), _folder_month(found.parent.name), False)
                elif found.suffix == ".zip":
                    yield from _zip_sources(found, unpack_dir, explicit=False)
        elif path.suffix == ".zip":
            yield from _zip_sources(path, unpack_dir, explicit=True)
        else:
            yield SourceFile(path, str(path), _folder_month(path.parent.name), True)


def _folder_month(name: str) -> str | None:
    return name if _FOLDER_MONTH.match(name) else None


def _zip_sources(archive: Path, unpack_dir: Path, *, explicit: bool) -> Iterator[SourceFile]:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = sorted(
                info.filename
                for info in zf.infolist()
                if not info.is_dir() and info.filename.endswith((".csv", ".csv.gz"))
            )
            target_root = unpack_dir / f"{len(list(unpack_dir.iterdir()))}-{archive.stem}"
            for member in members:
                inner = Path(member)
                # Never trust member paths: keep only the folder name and the file name.
                folder = inner.parent.name
                target = target_root / folder / inner.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as source, target.open("wb") as sink:
                    while chunk := source.read(_CHUNK):
                        sink.write(chunk)
                yield SourceFile(target, f"{archive}:{member}", _folder_month(folder), explicit)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise IngestFileError(ZIP_CORRUPT.format(error=error), file=str(archive)) from error


def _text_open(path: Path) -> BinaryIO:
    if path.name.endswith(".gz"):
        return cast(BinaryIO, gzip.open(path, "rb"))
    return path.open("rb")


def file_header_read(path: Path, display: str) -> list[str]:
    """Return the header fields of a CSV (plain or gzip), without a byte-order mark.

    >>> file_header_read(Path("2024-01-kent-street.csv"), "x")[0]  # doctest: +SKIP
    'Crime ID'
    """
    try:
        with _text_open(path) as raw:
            first = raw.readline()
    except (OSError, EOFError, zlib.error) as error:
        raise IngestFileError(GZIP_CORRUPT.format(error=error), file=display, line=1) from error
    if not first.strip():
        raise IngestFileError(FILE_EMPTY, file=display, line=1)
    text = first.decode("utf-8-sig", errors="replace")
    return next(csv.reader([text]))


def file_prescan(path: Path, display: str, header: Sequence[str]) -> Prescan:
    """Checksum a file and prove it is whole and UTF-8, naming the line and column if not.

    >>> file_prescan(Path("2024-01-kent-street.csv"), "x", ["Crime ID"]).lines  # doctest: +SKIP
    """
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(_CHUNK):
            digest.update(chunk)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0
    ends_with_newline = True
    read_so_far = bytearray()  # only the current line, to name the column of a bad byte
    try:
        with _text_open(path) as stream:
            while chunk := stream.read(_CHUNK):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    before = chunk[: error.start]
                    line = lines + before.count(b"\n") + 1
                    start = before.rfind(b"\n") + 1
                    prefix = bytes(read_so_far) + before[start:] if start == 0 else before[start:]
                    raise IngestFileError(
                        NOT_UTF8.format(byte=chunk[error.start]),
                        file=display,
                        line=line,
                        column=_column_at(prefix, header),
                    ) from error
                lines += chunk.count(b"\n")
                ends_with_newline = chunk.endswith(b"\n")
                last_break = chunk.rfind(b"\n")
                if last_break >= 0:
                    read_so_far = bytearray(chunk[last_break + 1 :])
                else:
                    read_so_far += chunk
            decoder.decode(b"", final=True)
    except EOFError as error:
        raise IngestFileError(GZIP_TRUNCATED, file=display, line=lines + 1) from error
    except (gzip.BadGzipFile, zlib.error) as error:
        raise IngestFileError(
            GZIP_CORRUPT.format(error=error), file=display, line=lines + 1
        ) from error
    except UnicodeDecodeError as error:  # a multi-byte character cut off at the very end
        raise IngestFileError(
            NOT_UTF8.format(byte=error.object[error.start]), file=display, line=lines + 1
        ) from error
    if not ends_with_newline:
        lines += 1
    return Prescan(digest.hexdigest(), lines)


def _column_at(line_prefix: bytes, header: Sequence[str]) -> str | None:
    """Name the column in which a line's text, cut at some byte, ends."""
    text = line_prefix.decode("utf-8", errors="replace")
    fields = next(csv.reader([text]), [""])
    index = max(len(fields) - 1, 0)
    return header[index] if index < len(header) else None


def file_scan_errors(path: Path, display: str, header: Sequence[str]) -> None:
    """Read a CSV with the csv module and raise at the first row DuckDB could not read.

    Used only after DuckDB's reader fails, to name the exact line and column.
    >>> file_scan_errors(Path("bad.csv"), "bad.csv", ["Crime ID"])  # doctest: +SKIP
    """
    expected = len(header)
    with _text_open(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, strict=True)
        try:
            next(reader)
            for row in reader:
                if not row:
                    continue
                if len(row) != expected:
                    column = header[len(row)] if len(row) < expected else f"field {expected + 1}"
                    raise IngestFileError(
                        FIELD_COUNT_WRONG.format(found=len(row), expected=expected),
                        file=display,
                        line=reader.line_num,
                        column=column,
                    )
        except csv.Error as error:
            raise IngestFileError(
                CSV_UNREADABLE.format(error=error), file=display, line=reader.line_num
            ) from error
