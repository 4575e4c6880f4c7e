"""Import police.uk (and, through `mps`, Met recorded-crime) files into the crime store.

Each file is one transaction: either all of it lands (replacing the same force, month and kind)
or none of it does. Refused files leave one `import_log` row with status `refused` and touch no
crime table. A file whose checksum is already what the store holds is `unchanged` and rewrites
nothing, not even the log.
"""

from __future__ import annotations

import hashlib
import importlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from callingtime.crimedata import mps
from callingtime.crimedata.forces import force_by_slug
from callingtime.crimedata.policeuk_files import (
    HEADERS,
    SourceFile,
    file_header_kind,
    file_header_read,
    file_name_parse,
    file_prescan,
    sources_find,
)
from callingtime.crimedata.policeuk_validate import name_expectations, raw_read
from callingtime.crimedata.policeuk_write import (
    WriteCounts,
    lsoa_candidates_load,
    policeuk_file_write,
)
from callingtime.crimedata.results import FileOutcome, IngestFileError
from callingtime.crimedata.store import store_writing

LsoaCandidate = tuple[str, str, float | None, float | None]

PATH_MISSING = "there is no such file or folder"
HEADER_UNKNOWN = (
    "the header is not a police.uk street, outcomes or stop-and-search header, nor a Met "
    "recorded-crime file (first unexpected column: {found!r}, expected {expected!r})"
)
FORCE_OPTION_UNKNOWN = "--force {slug!r} is not a police.uk force slug (e.g. metropolitan)"
NOT_A_CRIME_FILE = "not a crime data file (unknown header); skipped"
MPS_NOT_AVAILABLE = "this is a Met recorded-crime file but the MPS reader is not installed"
NO_GEOGRAPHY = (
    "no geography loaded: LSOA codes are stored as published and lsoa21cd is left empty; "
    "load the areas store and ingest again to translate them"
)
WARN_EXACT_DUPLICATES = "{n} exact duplicate rows dropped"
WARN_DUPLICATE_IDS = (
    "{n} Crime IDs appear on rows that differ: one row each is counted, the others are "
    "listed in street_duplicate_review"
)
WARN_NO_LOCATION = "{n} rows without location: in force totals, left out of area totals"
WARN_LSOA_2011 = "{n} rows carried 2011 LSOA codes, translated to 2021 ({split} in split LSOAs)"
WARN_LSOA_UNKNOWN = "{n} rows have LSOA codes unknown to the ONS lookup (kept, see crime status)"


@dataclass(frozen=True)
class IngestProgress:
    """Where a running ingest is: called before each file and once at the end."""

    file: str
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    rows_done: int


@dataclass(frozen=True)
class IngestReport:
    """Every file's outcome and the warnings that concern the whole run."""

    files: tuple[FileOutcome, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no file was refused."""
        return all(outcome.status != "refused" for outcome in self.files)

    def count(self, status: str) -> int:
        """Return how many files ended with this status."""
        return sum(1 for outcome in self.files if outcome.status == status)

    @property
    def rows_imported(self) -> int:
        """Rows written by the files imported in this run."""
        return sum(outcome.rows for outcome in self.files if outcome.status == "imported")


def ingest_paths(
    paths: Sequence[Path],
    *,
    db_path: Path,
    lsoa_candidates: Sequence[LsoaCandidate] | None = None,
    force: str | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    areas_db: Path | None = None,
) -> IngestReport:
    """Import police.uk files, folders, month trees or archive zips into the crime store.

    With `areas_db` (the geography store), the aggregate tables that profiles read are rebuilt
    at the end when anything was imported.

    >>> report = ingest_paths(  # doctest: +SKIP
    ...     [Path("2024-12.zip")], db_path=Path("var/crime.duckdb"))
    >>> report.ok  # doctest: +SKIP
    True
    """
    if force is not None and force_by_slug(force) is None:
        raise ValueError(FORCE_OPTION_UNKNOWN.format(slug=force))
    outcomes: list[FileOutcome] = []
    warnings: list[str] = [] if lsoa_candidates is not None else [NO_GEOGRAPHY]
    with tempfile.TemporaryDirectory(prefix="callingtime-ingest-") as unpack:
        sources: list[SourceFile] = []
        for path in paths:
            if not path.exists():
                outcomes.append(FileOutcome(str(path), "", "refused", message=PATH_MISSING))
                continue
            try:
                sources.extend(sources_find([path], Path(unpack)))
            except IngestFileError as error:
                outcomes.append(FileOutcome(error.file, "archive", "refused", message=str(error)))
        with store_writing(db_path) as con:
            con.execute("SET TimeZone = 'UTC'")
            # One commit per file: with the default 16 MB threshold most of the time went on
            # checkpoints; the WAL keeps every commit durable until the checkpoint at close.
            con.execute("SET checkpoint_threshold = '256MB'")
            if lsoa_candidates is not None:
                lsoa_candidates_load(con, lsoa_candidates)
            outcomes.extend(
                _sources_ingest(con, sources, lsoa_candidates is not None, force, progress)
            )
            if any(o.status == "imported" and o.kind.startswith("mps") for o in outcomes):
                resolve = _mps_resolver()
                if resolve is not None:
                    con.begin()
                    resolve(con)
                    con.commit()
            if (
                areas_db is not None
                and areas_db.exists()
                and any(o.status == "imported" for o in outcomes)
            ):
                _aggregates_rebuild(con, areas_db)
    return IngestReport(tuple(outcomes), tuple(warnings))


def _aggregates_rebuild(con: duckdb.DuckDBPyConnection, areas_db: Path) -> None:
    from callingtime.areas.store import AreasStore
    from callingtime.crimedata.aggregates import aggregates_rebuild

    with AreasStore.open(areas_db) as areas:
        aggregates_rebuild(con, areas)


def _sources_ingest(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[SourceFile],
    translate: bool,
    force: str | None,
    progress: Callable[[IngestProgress], None] | None,
) -> list[FileOutcome]:
    sizes = [source.path.stat().st_size for source in sources]
    outcomes: list[FileOutcome] = []
    bytes_done = rows_done = 0
    for index, source in enumerate(sources):
        if progress is not None:
            progress(
                IngestProgress(
                    source.display, index, len(sources), bytes_done, sum(sizes), rows_done
                )
            )
        outcome = _file_ingest(con, source, translate, force)
        outcomes.append(outcome)
        bytes_done += sizes[index]
        rows_done += outcome.rows if outcome.status == "imported" else 0
    if progress is not None:
        progress(IngestProgress("", len(sources), len(sources), sum(sizes), sum(sizes), rows_done))
    return outcomes


def _file_ingest(
    con: duckdb.DuckDBPyConnection, source: SourceFile, translate: bool, force: str | None
) -> FileOutcome:
    kind = ""
    try:
        header = file_header_read(source.path, source.display)
        kind = file_header_kind(header) or ""
        scheme = _mps_detect(header) if not kind else None
        if not kind and scheme is None:
            if not source.explicit and file_name_parse(source.path.name) is None:
                return FileOutcome(source.display, "", "skipped", message=NOT_A_CRIME_FILE)
            raise _header_error(source, header)
        prescan = file_prescan(source.path, source.display, header)
        if scheme is not None:
            return _mps_ingest(con, source, prescan.sha256)
        named_force, named_month = name_expectations(source, kind, force)
        unchanged = _unchanged_outcome(con, source, kind, prescan.sha256, translate)
        if unchanged is not None and (
            (named_force is not None and unchanged.forces != (named_force.slug,))
            or (named_month is not None and unchanged.months != (named_month,))
        ):
            unchanged = None  # same bytes under a name that says otherwise: check it in full
        if unchanged is not None:
            return unchanged
        return _policeuk_ingest(con, source, kind, prescan.sha256, prescan.lines, translate, force)
    except IngestFileError as error:
        _refusal_log(con, source, kind, error)
        return FileOutcome(source.display, kind, "refused", message=str(error))


def _mps_detect(header: Sequence[str]) -> str | None:
    """Return the Met file level (or scheme) of a header, None when it is not a Met file."""
    # The level needs only the header; the scheme of a ward file also needs its first rows.
    detect = getattr(mps, "mps_header_level", None) or getattr(mps, "mps_header_scheme", None)
    found = detect(header) if detect is not None else None
    return str(found) if found is not None else None


def _mps_resolver() -> Callable[[duckdb.DuckDBPyConnection], None] | None:
    resolve = getattr(mps, "mps_months_resolve", None)
    if resolve is None:
        try:
            resolve = importlib.import_module(
                "callingtime.crimedata.mps_resolve"
            ).mps_months_resolve
        except (ImportError, AttributeError):
            return None
    return resolve  # type: ignore[no-any-return]


def _header_error(source: SourceFile, header: Sequence[str]) -> IngestFileError:
    closest = max(HEADERS.values(), key=lambda columns: len(set(columns) & set(header)))
    found, expected = next(
        (
            (got, want)
            for got, want in zip([*header, ""], [*closest, ""], strict=False)
            if got.strip() != want
        ),
        ("", ""),
    )
    return IngestFileError(
        HEADER_UNKNOWN.format(found=found, expected=expected),
        file=source.display,
        line=1,
        column=found or None,
    )


def _unchanged_outcome(
    con: duckdb.DuckDBPyConnection, source: SourceFile, kind: str, sha256: str, translate: bool
) -> FileOutcome | None:
    # A slice stored before geography was loaded is re-read once candidates are available.
    row = con.execute(
        "SELECT force, month, rows_stored FROM police_coverage WHERE sha256 = ? AND kind = ? "
        "AND NOT (? AND lsoa_untranslated > 0) LIMIT 1",
        [sha256, kind, translate],
    ).fetchone()
    if row is None:
        return None
    return FileOutcome(
        source.display,
        kind,
        "unchanged",
        rows=int(row[2]),
        forces=(str(row[0]),),
        months=(str(row[1]),),
        message="already imported with the same checksum",
    )


def _policeuk_ingest(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    kind: str,
    sha256: str,
    lines: int,
    translate: bool,
    force: str | None,
) -> FileOutcome:
    row = con.execute("SELECT nextval('import_id_seq')").fetchone()
    assert row is not None
    import_id = int(row[0])
    raw = raw_read(con, source, kind, lines=lines, force_option=force)
    con.begin()
    try:
        counts = policeuk_file_write(
            con,
            raw,
            import_id=import_id,
            sha256=sha256,
            display=source.display,
            translate=translate,
        )
        warnings = (*raw.warnings, *_count_warnings(counts))
        con.execute(
            "INSERT INTO import_log (import_id, file, sha256, source, kind, status, rows, forces, "
            "months, message) VALUES (?, ?, ?, 'police-uk', ?, 'imported', ?, ?, ?, ?)",
            [
                import_id,
                source.display,
                sha256,
                kind,
                counts.rows_stored,
                [raw.force.slug],
                [raw.month],
                "; ".join(warnings),
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return FileOutcome(
        source.display,
        kind,
        "imported",
        rows=counts.rows_stored,
        forces=(raw.force.slug,),
        months=(raw.month,),
        warnings=warnings,
    )


def _count_warnings(counts: WriteCounts) -> tuple[str, ...]:
    notes = [
        (counts.exact_duplicates, WARN_EXACT_DUPLICATES.format(n=counts.exact_duplicates)),
        (counts.duplicate_ids, WARN_DUPLICATE_IDS.format(n=counts.duplicate_ids)),
        (counts.no_location, WARN_NO_LOCATION.format(n=counts.no_location)),
        (counts.lsoa_2011, WARN_LSOA_2011.format(n=counts.lsoa_2011, split=counts.lsoa_split)),
        (counts.lsoa_unknown, WARN_LSOA_UNKNOWN.format(n=counts.lsoa_unknown)),
    ]
    return tuple(text for n, text in notes if n)


def _mps_ingest(con: duckdb.DuckDBPyConnection, source: SourceFile, sha256: str) -> FileOutcome:
    reader = getattr(mps, "mps_file_ingest", None)
    if reader is None:
        raise IngestFileError(MPS_NOT_AVAILABLE, file=source.display, line=1)
    seen = con.execute(
        "SELECT kind, rows, forces, months FROM import_log WHERE sha256 = ? AND source = 'mps' "
        "AND status = 'imported' ORDER BY import_id DESC LIMIT 1",
        [sha256],
    ).fetchone()
    if seen is not None:
        return FileOutcome(
            source.display,
            str(seen[0]),
            "unchanged",
            rows=int(seen[1]),
            forces=tuple(seen[2] or ()),
            months=tuple(seen[3] or ()),
            message="already imported with the same checksum",
        )
    con.begin()
    try:
        outcome: FileOutcome = reader(con, source.path, display_name=source.display, sha256=sha256)
        if outcome.status == "imported":
            con.execute(
                "INSERT INTO import_log (file, sha256, source, kind, status, rows, forces, months, "
                "message) VALUES (?, ?, 'mps', ?, 'imported', ?, ?, ?, ?)",
                [
                    source.display,
                    sha256,
                    outcome.kind,
                    outcome.rows,
                    list(outcome.forces),
                    list(outcome.months),
                    "; ".join(outcome.warnings),
                ],
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return outcome


def _refusal_log(
    con: duckdb.DuckDBPyConnection, source: SourceFile, kind: str, error: IngestFileError
) -> None:
    digest = hashlib.sha256()
    if source.path.is_file():
        with source.path.open("rb") as raw:
            while chunk := raw.read(1 << 20):
                digest.update(chunk)
    con.execute(
        "INSERT INTO import_log (file, sha256, source, kind, status, rows, message) "
        "VALUES (?, ?, ?, ?, 'refused', 0, ?)",
        [
            source.display,
            digest.hexdigest(),
            "mps" if kind.startswith("mps") else "police-uk",
            kind or "unknown",
            str(error),
        ],
    )
