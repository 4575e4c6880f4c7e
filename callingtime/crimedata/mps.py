"""The Met's recorded crime by borough and ward (London Datastore wide monthly files).

Each file is one publication (a "vintage") of one level in one category scheme. Ingest writes its
long rows to `mps_count`; `mps_months_resolve` (mps_resolve.py) then picks, month by month, the
newest publication that is not flagged as implausibly low.
"""

from __future__ import annotations

import csv
import gzip
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import duckdb

from callingtime.crimedata.categories import mps_category_major_known, mps_category_slugs
from callingtime.crimedata.mps_resolve import mps_coverage, mps_monthly, mps_months_resolve
from callingtime.crimedata.mps_schema import (
    LONDON_CODE,
    MPS_BOROUGH_CODES,
    MPS_PSEUDO_AREAS,
    MPS_SCHEMA,
    WARD_BEST_FIT_CAVEAT,
)
from callingtime.crimedata.results import FileOutcome, IngestFileError

__all__ = [
    "LONDON_CODE",
    "MPS_BOROUGH_CODES",
    "MPS_PSEUDO_AREAS",
    "MPS_SCHEMA",
    "WARD_BEST_FIT_CAVEAT",
    "mps_coverage",
    "mps_file_ingest",
    "mps_header_level",
    "mps_header_scheme",
    "mps_monthly",
    "mps_months_resolve",
]

NOT_MPS_FILE = "not a Met recorded-crime file: the header has no Major/Minor and area columns"
NO_MONTH_COLUMNS = "the header has no month columns (YYYYMM)"
BAD_MONTH_COLUMN = "column {column!r} is not a real month (YYYYMM with month 01-12)"
MONTHS_OUT_OF_ORDER = "month column {column!r} does not follow {previous!r}: months must increase"
WRONG_FIELD_COUNT = "the row has {found} fields but the header has {expected}"
BAD_COUNT = "count {value!r} is not a non-negative whole number"
UNKNOWN_CATEGORY = "unknown {scheme}-scheme category: major {major!r}, minor {minor!r}"
UNKNOWN_BOROUGH = "unknown borough {name!r}: not one of the 33 London authorities or a pseudo-area"
BAD_WARD_CODE = "ward code {code!r} is not a GSS ward code (E05 and six digits)"
DUPLICATE_ROW = "duplicate row: {area!r}, {major!r}, {minor!r} already appeared on line {first}"
NO_DATA_ROWS = "the file has a header but no data rows"
NOT_UTF8 = "the file is not UTF-8 text ({error})"
BAD_GZIP = "the gzip stream is damaged or truncated ({error})"
UNDECIDED_SCHEME = (
    "cannot tell the detailed from the coarse scheme: MajorText is neither Title nor UPPER case"
)

_MONTH_RE = re.compile(r"^(\d{4})(\d{2})$")
_COUNT_RE = re.compile(r"^\d+$")
_WARD_RE = re.compile(r"^E05\d{6}$")
_OLD_HEADER = ("Borough", "Major Category", "Minor Category")
_BOROUGH_HEADERS = {
    ("MajorText", "MinorText", "LookUp_BoroughName"): "borough",
    ("MajorText", "MinorText", "BoroughName"): "borough",
}
_WARD_HEADER = ("MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName")
# The 2002 London ward codes: every one was abolished by the 2014-2022 ward reviews.
_PRE_2022_WARD_BLOCK = ("E05000026", "E05000649")


def mps_header_level(header: Sequence[str]) -> str | None:
    """Return 'borough' or 'ward' when the header is a Met wide file's, else None.

    >>> mps_header_level(["MajorText", "MinorText", "LookUp_BoroughName", "202401"])
    'borough'
    """
    fixed = tuple(header[:5])
    if fixed == _WARD_HEADER:
        return "ward"
    if tuple(header[:3]) == _OLD_HEADER or tuple(header[:3]) in _BOROUGH_HEADERS:
        return "borough"
    return None


def mps_header_scheme(
    header: Sequence[str], first_rows: Sequence[Sequence[str]] = ()
) -> str | None:
    """Return '<scheme>-<level>' (scheme old|detailed|coarse) for a Met file, else None.

    The detailed and coarse schemes share their ward header, so pass the first data rows: the
    coarse scheme writes MajorText in UPPER CASE, the detailed one in Title Case. Without rows a
    borough file is told apart by its area column (LookUp_BoroughName is detailed, BoroughName
    coarse); a ward file without rows gives None.

    >>> mps_header_scheme(["MajorText", "MinorText", "BoroughName", "202401"])
    'coarse-borough'
    >>> mps_header_scheme(list(_WARD_HEADER) + ["202401"], [["ROBBERY", "ROBBERY", "A"]])
    'coarse-ward'
    """
    level = mps_header_level(header)
    if level is None:
        return None
    if tuple(header[:3]) == _OLD_HEADER:
        return "old-borough"
    majors = [row[0] for row in first_rows if row and row[0].strip()]
    if majors:
        if all(m.isupper() for m in majors):
            return f"coarse-{level}"
        if not any(m.isupper() for m in majors):
            return f"detailed-{level}"
        return None
    if level == "borough":
        return "detailed-borough" if header[2] == "LookUp_BoroughName" else "coarse-borough"
    return None


def _text_lines(handle: Iterable[bytes], display_name: str) -> Iterator[str]:
    # decode line by line so that an encoding error names its own line
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            message = NOT_UTF8.format(error=error.reason)
            raise IngestFileError(message, file=display_name, line=number) from error


def _rows_read(path: Path, display_name: str) -> Iterator[tuple[int, list[str]]]:
    line = 1
    try:
        with gzip.open(path) if path.name.endswith(".gz") else path.open("rb") as handle:
            reader = csv.reader(_text_lines(handle, display_name))
            for row in reader:
                yield line, row
                line = reader.line_num + 1
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        message = BAD_GZIP.format(error=error)
        raise IngestFileError(message, file=display_name, line=line) from error


def _month_columns(header: Sequence[str], first: int, display_name: str) -> list[str]:
    months: list[str] = []
    for column in header[first:]:
        match = _MONTH_RE.match(column)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise IngestFileError(
                BAD_MONTH_COLUMN.format(column=column), file=display_name, line=1, column=column
            )
        month = f"{match.group(1)}-{match.group(2)}"
        if months and month <= months[-1]:
            message = MONTHS_OUT_OF_ORDER.format(column=column, previous=months[-1])
            raise IngestFileError(message, file=display_name, line=1, column=column)
        months.append(month)
    if not months:
        raise IngestFileError(NO_MONTH_COLUMNS, file=display_name, line=1)
    return months


def _area_resolve(
    level: str, row: Sequence[str], header: Sequence[str], line: int, display_name: str
) -> tuple[str, str, str, str | None, bool]:
    """Return (area code, area name, borough name, borough code, pseudo) for one row."""
    if level == "ward":
        name_col, code_col, borough_col = 2, 3, 4
    else:
        borough_col = 0 if header[0] == "Borough" else 2
        name_col = code_col = borough_col
    borough = row[borough_col].strip()
    pseudo = borough in MPS_PSEUDO_AREAS
    borough_code = MPS_BOROUGH_CODES.get(borough)
    if borough_code is None and not pseudo:
        raise IngestFileError(
            UNKNOWN_BOROUGH.format(name=borough),
            file=display_name,
            line=line,
            column=header[borough_col],
        )
    if level == "ward":
        code = row[code_col].strip()
        if not _WARD_RE.match(code):
            raise IngestFileError(
                BAD_WARD_CODE.format(code=code), file=display_name, line=line, column="WardCode"
            )
        if pseudo:
            # the same ward also has its ordinary rows under its borough: keep the two apart
            code = f"{MPS_PSEUDO_AREAS[borough]}:{code}"
        return code, row[name_col].strip(), borough, borough_code, pseudo
    area_code = borough_code if borough_code is not None else MPS_PSEUDO_AREAS[borough]
    return area_code, borough, borough, borough_code, pseudo


def mps_file_ingest(
    con: duckdb.DuckDBPyConnection, path: Path, *, display_name: str, sha256: str
) -> FileOutcome:
    """Validate one Met wide file and write its long rows as one vintage (replacing it).

    Writes only on `con`; the caller owns the transaction and the import log, and calls
    `mps_months_resolve(con)` after its last Met file.

    >>> mps_file_ingest(con, Path("w.csv"), display_name="w.csv", sha256="ab")  # doctest: +SKIP
    FileOutcome(file='w.csv', kind='mps-ward', status='imported', ...)
    """
    rows = _rows_read(path, display_name)
    first = next(rows, None)
    if first is None or mps_header_level(first[1]) is None:
        raise IngestFileError(NOT_MPS_FILE, file=display_name, line=1)
    header = first[1]
    level = mps_header_level(header) or ""
    fixed = 5 if level == "ward" else 3
    months = _month_columns(header, fixed, display_name)
    scheme = ""
    seen: dict[tuple[str, str, str], int] = {}
    ward_geography: str | None = "2022" if level == "ward" else None
    pseudo_names: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        long_path = Path(tmp) / "long.csv"
        with long_path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for line, row in rows:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    message = WRONG_FIELD_COUNT.format(found=len(row), expected=len(header))
                    raise IngestFileError(message, file=display_name, line=line)
                if not scheme:
                    scheme = _scheme_of(header, row, line, display_name)
                major_col, minor_col = (1, 2) if scheme == "old" else (0, 1)
                major, minor = row[major_col].strip(), row[minor_col].strip()
                slugs = mps_category_slugs(scheme, major, minor)
                if slugs is None:
                    known_major = mps_category_major_known(scheme, major)
                    raise IngestFileError(
                        UNKNOWN_CATEGORY.format(scheme=scheme, major=major, minor=minor),
                        file=display_name,
                        line=line,
                        column=header[minor_col if known_major else major_col],
                    )
                code, name, borough, borough_code, pseudo = _area_resolve(
                    level, row, header, line, display_name
                )
                if pseudo:
                    pseudo_names.add(borough)
                if level == "ward" and _PRE_2022_WARD_BLOCK[0] <= code <= _PRE_2022_WARD_BLOCK[1]:
                    ward_geography = "2018"
                key = (code, major, minor)
                if key in seen:
                    message = DUPLICATE_ROW.format(
                        area=code, major=major, minor=minor, first=seen[key]
                    )
                    raise IngestFileError(message, file=display_name, line=line)
                seen[key] = line
                counts = [value.strip() for value in row[fixed:]]
                if not all(value.isascii() and value.isdigit() for value in counts):
                    at = next(i for i, v in enumerate(counts) if not _COUNT_RE.match(v))
                    raise IngestFileError(
                        BAD_COUNT.format(value=counts[at]),
                        file=display_name,
                        line=line,
                        column=header[fixed + at],
                    )
                flag = "true" if pseudo else "false"
                joined = ";".join(counts)
                writer.writerow(
                    [code, name, borough, borough_code or "", flag, major, minor, slugs[0], joined]
                )
        if not seen:
            raise IngestFileError(NO_DATA_ROWS, file=display_name, line=2)
        vintage = f"{level}-{scheme}-{months[0]}-{months[-1]}"
        previous = con.execute(
            "SELECT sha256 FROM mps_vintage WHERE vintage = ?", [vintage]
        ).fetchone()
        kind = f"mps-{level}"
        shown = tuple(months)
        if previous is not None and previous[0] == sha256:
            return FileOutcome(display_name, kind, "unchanged", len(seen), ("metropolitan",), shown)
        _vintage_write(con, vintage, level, scheme, months, ward_geography, long_path)
        con.execute(
            "INSERT INTO mps_vintage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                vintage,
                level,
                scheme,
                display_name,
                sha256,
                months[0],
                months[-1],
                len(months),
                len(seen),
                ward_geography,
            ],
        )
    warnings = tuple(
        f"pseudo-area {name!r} kept and flagged; it counts towards London, never a borough"
        for name in sorted(pseudo_names)
    )
    if ward_geography == "2018":
        warnings += ("ward codes are of the older (pre-2022) London ward geography",)
    message = f"{len(seen)} rows x {len(months)} months, {scheme} scheme, vintage {vintage}"
    return FileOutcome(
        display_name, kind, "imported", len(seen), ("metropolitan",), shown, message, warnings
    )


def _scheme_of(header: Sequence[str], row: Sequence[str], line: int, display_name: str) -> str:
    found = mps_header_scheme(header, [row])
    if found is None:
        raise IngestFileError(UNDECIDED_SCHEME, file=display_name, line=line, column=header[0])
    return found.split("-", 1)[0]


def _vintage_write(
    con: duckdb.DuckDBPyConnection,
    vintage: str,
    level: str,
    scheme: str,
    months: list[str],
    ward_geography: str | None,
    long_path: Path,
) -> None:
    con.execute("DELETE FROM mps_count WHERE vintage = ?", [vintage])
    con.execute("DELETE FROM mps_vintage WHERE vintage = ?", [vintage])
    # one line per wide row; DuckDB spreads the month counts into long rows
    con.execute(
        """
        INSERT INTO mps_count
        SELECT ?, ?, ?, area_code, COALESCE(area_name, ''), COALESCE(borough_name, ''),
               borough_code, pseudo_area, ?, major, minor, category,
               unnest(?::VARCHAR[]), CAST(unnest(string_split(counts, ';')) AS BIGINT)
        FROM read_csv(?, header = false, quote = '"', columns = {
            'area_code': 'VARCHAR', 'area_name': 'VARCHAR', 'borough_name': 'VARCHAR',
            'borough_code': 'VARCHAR', 'pseudo_area': 'BOOLEAN', 'major': 'VARCHAR',
            'minor': 'VARCHAR', 'category': 'VARCHAR', 'counts': 'VARCHAR'})
        """,
        [vintage, level, scheme, ward_geography, months, str(long_path)],
    )
