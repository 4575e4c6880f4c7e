"""Read one police.uk file into a temporary table and check it row by row in SQL.

Every refusal names the file, the line and the column. Line numbers are the data row's position
plus one for the header: police.uk files hold no line breaks inside quoted fields, and when the
row count does not match the file's line count the outcome carries a warning saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from callingtime.crimedata.forces import Force, force_by_name, force_by_slug
from callingtime.crimedata.policeuk_files import (
    CSV_UNREADABLE,
    HEADERS,
    SourceFile,
    file_name_parse,
    file_scan_errors,
)
from callingtime.crimedata.results import IngestFileError

KIND_CONTRADICTS = "the header is a {header_kind} file but the file name says {name_kind}"
FORCE_SLUG_UNKNOWN = "the file name names an unknown force {slug!r} (see crimedata/forces.py)"
FORCE_OPTION_CONTRADICTS = "the file name says force {name!r} but --force says {option!r}"
FORCE_NAME_UNKNOWN = "{value!r} is not a police.uk force name"
FORCE_CONTRADICTS = "the row is reported by {value!r} but the file is for {expected!r}"
FORCE_MISSING = (
    "a stop-and-search file has no force column: name it YYYY-MM-<force>-stop-and-search.csv "
    "or pass --force"
)
MONTH_IMPOSSIBLE = "{value!r} is not a month (YYYY-MM, 01-12)"
MONTH_CONTRADICTS = "the row is for {value!r} but the file is for {expected!r}"
MONTH_NAME_FOLDER = "the file name says {name!r} but its folder says {folder!r}"
MONTH_MISSING = "the file has no rows and its name gives no month"
DATE_IMPOSSIBLE = "{value!r} is not an ISO 8601 date and time with an offset"
COORDINATE_NOT_NUMERIC = "{value!r} is not a coordinate in degrees"
CRIME_ID_MISSING = "the Crime ID is empty on a row that is not anti-social behaviour"
VALUE_MISSING = "the value is empty"
LINE_NUMBERS_APPROXIMATE = (
    "the file has {lines} lines for {rows} rows (blank lines or line breaks inside fields), so "
    "line numbers in the store are approximate"
)

ASB = "Anti-social behaviour"
_MONTH_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_SNAKE = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "last_outcome",
    "Context": "context",
    "Outcome type": "outcome_type",
    "Type": "search_type",
    "Date": "date_raw",
    "Part of a policing operation": "part_of_operation",
    "Policing operation": "policing_operation",
    "Gender": "gender",
    "Age range": "age_range",
    "Self-defined ethnicity": "self_defined_ethnicity",
    "Officer-defined ethnicity": "officer_defined_ethnicity",
    "Legislation": "legislation",
    "Object of search": "object_of_search",
    "Outcome": "outcome",
    "Outcome linked to object of search": "outcome_linked_to_object",
    "Removal of more than just outer clothing": "removal_of_outer_clothing",
}
_COLUMN_OF = {snake: column for column, snake in _SNAKE.items()}
# Stop-and-search dates are UTC instants; the month they belong to is the UK's local month.
_LOCAL_MONTH = (
    "strftime(timezone('Europe/London', try_strptime(date_raw, '%Y-%m-%dT%H:%M:%S%z')), '%Y-%m')"
)


@dataclass(frozen=True)
class RawFile:
    """A file read into the temporary table `_rows`, with the force and month it is for."""

    kind: str
    force: Force
    month: str
    rows: int
    warnings: tuple[str, ...]


def raw_read(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    kind: str,
    *,
    lines: int,
    force_option: str | None,
) -> RawFile:
    """Load one file into `_rows` (all text, a `line` column) and check it; raise if it is bad.

    Call it outside a transaction: line numbers come from the temporary table's row ids.

    >>> raw_read(con, source, "street", lines=10, force_option=None)  # doctest: +SKIP
    """
    columns = HEADERS[kind]
    spec = ", ".join(f"'{column}': 'VARCHAR'" for column in columns)
    renamed = ", ".join(f'"{column}" AS {_SNAKE[column]}' for column in columns)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _csv AS SELECT {renamed} FROM read_csv(?, "
            f"columns={{{spec}}}, header=true, auto_detect=false, delim=',', quote='\"', "
            "escape='\"', strict_mode=true)",
            [str(source.path)],
        )
    except duckdb.Error as error:
        file_scan_errors(source.path, source.display, columns)
        raise IngestFileError(
            CSV_UNREADABLE.format(error=str(error).splitlines()[0]), file=source.display
        ) from error
    # Read outside any transaction, so that rowid is the 0-based row order of the file.
    con.execute("CREATE OR REPLACE TEMP VIEW _rows AS SELECT rowid + 2 AS line, * FROM _csv")
    row = con.execute("SELECT count(*) FROM _rows").fetchone()
    rows = int(row[0]) if row else 0
    warnings: list[str] = []
    if lines - 1 != rows:
        warnings.append(LINE_NUMBERS_APPROXIMATE.format(lines=lines, rows=rows))

    expected_force, expected_month = name_expectations(source, kind, force_option)
    if kind == "stop-and-search":
        if expected_force is None:
            raise IngestFileError(FORCE_MISSING, file=source.display)
        month = _month_check(con, source, _LOCAL_MONTH, "date_raw", expected_month, rows)
        _coordinates_check(con, source)
        return RawFile(kind, expected_force, month, rows, tuple(warnings))
    month = _month_check(con, source, "month", "month", expected_month, rows)
    force = _force_check(con, source, expected_force)
    _coordinates_check(con, source)
    _required_check(con, source, kind)
    return RawFile(kind, force, month, rows, tuple(warnings))


def name_expectations(
    source: SourceFile, kind: str, force_option: str | None
) -> tuple[Force | None, str | None]:
    """Return the force and month a file's name, folder and --force say; raise if they clash.

    >>> name_expectations(source, "street", None)  # doctest: +SKIP
    (Force(slug='metropolitan', ...), '2024-12')
    """
    name = file_name_parse(source.path.name)
    if name is not None and name.kind != kind:
        raise IngestFileError(
            KIND_CONTRADICTS.format(header_kind=kind, name_kind=name.kind), file=source.display
        )
    month = _expected_month(source, name.month if name else None)
    return _expected_force(source, name.slug if name else None, force_option), month


def _expected_month(source: SourceFile, name_month: str | None) -> str | None:
    for value in (name_month, source.folder_month):
        if value is not None and not re.match(_MONTH_RE, value):
            raise IngestFileError(MONTH_IMPOSSIBLE.format(value=value), file=source.display)
    if name_month and source.folder_month and name_month != source.folder_month:
        raise IngestFileError(
            MONTH_NAME_FOLDER.format(name=name_month, folder=source.folder_month),
            file=source.display,
        )
    return name_month or source.folder_month


def _expected_force(source: SourceFile, slug: str | None, force_option: str | None) -> Force | None:
    if slug is not None and force_option is not None and slug != force_option:
        raise IngestFileError(
            FORCE_OPTION_CONTRADICTS.format(name=slug, option=force_option), file=source.display
        )
    wanted = slug or force_option
    if wanted is None:
        return None
    force = force_by_slug(wanted)
    if force is None:
        raise IngestFileError(FORCE_SLUG_UNKNOWN.format(slug=wanted), file=source.display)
    return force


def _first(
    con: duckdb.DuckDBPyConnection, condition: str, value: str
) -> tuple[int, str | None] | None:
    row = con.execute(
        f"SELECT line, {value} FROM _rows WHERE {condition} ORDER BY line LIMIT 1"
    ).fetchone()
    return (int(row[0]), row[1]) if row else None


def _month_check(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    month_sql: str,
    column: str,
    expected: str | None,
    rows: int,
) -> str:
    bad = _first(
        con,
        f"{month_sql} IS NULL OR NOT regexp_full_match({month_sql}, '{_MONTH_RE}')",
        column,
    )
    if bad is not None:
        template = DATE_IMPOSSIBLE if column == "date_raw" else MONTH_IMPOSSIBLE
        raise IngestFileError(
            template.format(value=bad[1]),
            file=source.display,
            line=bad[0],
            column=_COLUMN_OF[column],
        )
    if expected is None:
        if rows == 0:
            raise IngestFileError(MONTH_MISSING, file=source.display)
        first = con.execute(f"SELECT {month_sql} FROM _rows ORDER BY line LIMIT 1").fetchone()
        expected = str(first[0]) if first else ""
    other = con.execute(
        f"SELECT line, {column}, {month_sql} FROM _rows WHERE {month_sql} <> ? "
        "ORDER BY line LIMIT 1",
        [expected],
    ).fetchone()
    if other is not None:
        raise IngestFileError(
            MONTH_CONTRADICTS.format(value=other[2], expected=expected),
            file=source.display,
            line=int(other[0]),
            column=_COLUMN_OF[column],
        )
    return expected


def _force_check(
    con: duckdb.DuckDBPyConnection, source: SourceFile, expected: Force | None
) -> Force:
    names = con.execute(
        "SELECT reported_by, min(line) FROM _rows GROUP BY reported_by ORDER BY 2"
    ).fetchall()
    if not names:
        if expected is None:
            raise IngestFileError(MONTH_MISSING, file=source.display)
        return expected
    for value, line in names:
        force = force_by_name(value or "")
        if force is None:
            raise IngestFileError(
                FORCE_NAME_UNKNOWN.format(value=value),
                file=source.display,
                line=int(line),
                column="Reported by",
            )
        if expected is None:
            expected = force
        elif force != expected:
            raise IngestFileError(
                FORCE_CONTRADICTS.format(value=value, expected=expected.name),
                file=source.display,
                line=int(line),
                column="Reported by",
            )
    assert expected is not None
    return expected


def _coordinates_check(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    for column, limit in (("longitude", 180), ("latitude", 90)):
        bad = _first(
            con,
            f"{column} IS NOT NULL AND NOT coalesce(abs(try_cast({column} AS DOUBLE)) <= {limit}"
            ", false)",
            column,
        )
        if bad is not None:
            raise IngestFileError(
                COORDINATE_NOT_NUMERIC.format(value=bad[1]),
                file=source.display,
                line=bad[0],
                column=_COLUMN_OF[column],
            )


def _required_check(con: duckdb.DuckDBPyConnection, source: SourceFile, kind: str) -> None:
    if kind == "street":
        bad = _first(con, f"crime_id IS NULL AND crime_type IS DISTINCT FROM '{ASB}'", "crime_id")
        if bad is not None:
            raise IngestFileError(
                CRIME_ID_MISSING, file=source.display, line=bad[0], column="Crime ID"
            )
    required = ("crime_type",) if kind == "street" else ("crime_id", "outcome_type")
    for column in required:
        bad = _first(con, f"{column} IS NULL", column)
        if bad is not None:
            raise IngestFileError(
                VALUE_MISSING, file=source.display, line=bad[0], column=_COLUMN_OF[column]
            )
