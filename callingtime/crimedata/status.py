"""What the crime store holds: sources, force-months by kind, quirks counted, and known gaps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from callingtime.crimedata.gaps import KNOWN_GAPS, KnownGap
from callingtime.crimedata.store import store_open


@dataclass(frozen=True)
class SourceSummary:
    """Files in the import log for one source, kind and status."""

    source: str
    kind: str
    status: str
    files: int
    rows: int
    last_at: str


@dataclass(frozen=True)
class ForceCoverage:
    """The months one force has loaded for one kind of police.uk file."""

    force: str
    kind: str
    first_month: str
    last_month: str
    months: int
    missing_months: tuple[str, ...]  # inside first..last, not loaded
    rows: int
    counted: int
    crime_types: tuple[str, ...]  # street only: types present in any loaded month


@dataclass(frozen=True)
class StoreStatus:
    """Everything `callingtime crime status` shows."""

    db_path: str
    sources: tuple[SourceSummary, ...]
    coverage: tuple[ForceCoverage, ...]
    rows_by_kind: tuple[tuple[str, int], ...]
    no_location: int
    exact_duplicates: int
    duplicate_ids_for_review: int
    lsoa_2011_translated: int
    lsoa_unknown_codes: tuple[tuple[str, int], ...]  # (code, rows)
    lsoa_untranslated: int
    refusals: tuple[tuple[str, str, str], ...]  # (file, message, at), most recent first
    gaps: tuple[KnownGap, ...]
    gaps_touching_loaded: tuple[KnownGap, ...]


def store_status(db_path: Path) -> StoreStatus:
    """Summarise the crime store; raises StoreMissingError when there is none.

    >>> store_status(Path("var/crime.duckdb")).rows_by_kind  # doctest: +SKIP
    (('outcomes', 103000), ('stop-and-search', 515855), ('street', 420000))
    """
    con = store_open(db_path, read_only=True)
    try:
        sources = tuple(
            SourceSummary(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4]), str(r[5]))
            for r in con.execute(
                "SELECT source, kind, status, count(*), sum(rows), max(imported_at)::VARCHAR "
                "FROM import_log GROUP BY ALL ORDER BY ALL"
            ).fetchall()
        )
        coverage = tuple(_coverage_rows(con))
        totals = con.execute(
            "SELECT coalesce(sum(no_location), 0), coalesce(sum(exact_duplicates), 0), "
            "coalesce(sum(duplicate_ids), 0), coalesce(sum(lsoa_2011), 0), "
            "coalesce(sum(lsoa_untranslated), 0) FROM police_coverage"
        ).fetchone()
        assert totals is not None
        unknown = tuple(
            (str(code), int(rows))
            for code, rows in con.execute(
                "SELECT lsoa_code, sum(rows) FROM lsoa_unknown_code GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall()
        )
        rows_by_kind = tuple(
            (str(kind), int(rows))
            for kind, rows in con.execute(
                "SELECT kind, sum(rows_stored) FROM police_coverage GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
        refusals = tuple(
            (str(r[0]), str(r[1]), str(r[2]))
            for r in con.execute(
                "SELECT file, message, imported_at::VARCHAR FROM import_log "
                "WHERE status = 'refused' ORDER BY import_id DESC LIMIT 20"
            ).fetchall()
        )
        loaded = {
            (str(force), str(kind)): (str(first), str(last))
            for force, kind, first, last in con.execute(
                "SELECT force, kind, min(month), max(month) FROM police_coverage GROUP BY ALL"
            ).fetchall()
        }
    finally:
        con.close()
    touching = tuple(
        gap
        for gap in KNOWN_GAPS
        if any(
            (gap.force, kind) in loaded and _overlaps(gap, *loaded[(gap.force, kind)])
            for kind in gap.kinds
        )
    )
    return StoreStatus(
        db_path=str(db_path),
        sources=sources,
        coverage=coverage,
        rows_by_kind=rows_by_kind,
        no_location=int(totals[0]),
        exact_duplicates=int(totals[1]),
        duplicate_ids_for_review=int(totals[2]),
        lsoa_2011_translated=int(totals[3]),
        lsoa_unknown_codes=unknown,
        lsoa_untranslated=int(totals[4]),
        refusals=refusals,
        gaps=KNOWN_GAPS,
        gaps_touching_loaded=touching,
    )


def _overlaps(gap: KnownGap, first: str, last: str) -> bool:
    return gap.start <= last and (gap.end is None or first <= gap.end)


def _coverage_rows(con: duckdb.DuckDBPyConnection) -> list[ForceCoverage]:
    rows = con.execute(
        "SELECT force, kind, min(month), max(month), count(*), sum(rows_stored), "
        "sum(rows_counted), list(month ORDER BY month) FROM police_coverage "
        "GROUP BY ALL ORDER BY force, kind"
    ).fetchall()
    types = {
        str(force): tuple(str(t) for t in names)
        for force, names in con.execute(
            "SELECT force, list(DISTINCT crime_type ORDER BY crime_type) "
            "FROM force_month_crime_type GROUP BY 1"
        ).fetchall()
    }
    result = []
    for force, kind, first, last, months, stored, counted, present in rows:
        result.append(
            ForceCoverage(
                force=str(force),
                kind=str(kind),
                first_month=str(first),
                last_month=str(last),
                months=int(months),
                missing_months=_months_missing(str(first), str(last), {str(m) for m in present}),
                rows=int(stored),
                counted=int(counted),
                crime_types=types.get(str(force), ()) if kind == "street" else (),
            )
        )
    return result


def _months_missing(first: str, last: str, present: set[str]) -> tuple[str, ...]:
    year, month = int(first[:4]), int(first[5:])
    missing = []
    while f"{year:04d}-{month:02d}" <= last:
        label = f"{year:04d}-{month:02d}"
        if label not in present:
            missing.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(missing)
