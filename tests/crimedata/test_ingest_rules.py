"""The stated quirk rules, each on a tiny file made from real rows."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest

from callingtime.crimedata import policeuk_validate as validate
from callingtime.crimedata.ingest import NO_GEOGRAPHY, IngestProgress, ingest_paths
from tests.crimedata.conftest import Candidate, csv_write

pytestmark = pytest.mark.shared_data

Rows = list[list[str]]
NAME = "2022-07-city-of-london-street.csv"


def _query(db_path: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _with(row: list[str], header: list[str], **values: str) -> list[str]:
    changed = list(row)
    for key, value in values.items():
        changed[header.index(key.replace("_", " "))] = value
    return changed


def _first_crime(col_rows: Rows) -> list[str]:
    header = col_rows[0]
    return next(
        row
        for row in col_rows[1:]
        if row[header.index("Crime ID")]
        and row[header.index("Longitude")]
        and "unavailable" not in row[header.index("Last outcome category")]
    )


def test_reimport_of_a_revised_month_replaces_it(tmp_path: Path, col_rows: Rows) -> None:
    db_path = tmp_path / "crime.duckdb"
    first = csv_write(tmp_path / "v1" / NAME, col_rows)
    revised = csv_write(tmp_path / "v2" / NAME, col_rows[:31])

    ingest_paths([first], db_path=db_path)
    report = ingest_paths([revised], db_path=db_path)

    assert report.files[0].status == "imported"
    stored = _query(db_path, "SELECT count(*) FROM police_street")[0][0]
    assert stored == 30
    assert _query(db_path, "SELECT file FROM police_coverage") == [(str(revised),)]
    assert _query(db_path, "SELECT count(*) FROM import_log WHERE status = 'imported'") == [(2,)]


def test_reingest_of_the_same_file_is_unchanged_and_writes_nothing(
    tmp_path: Path, col_rows: Rows
) -> None:
    db_path = tmp_path / "crime.duckdb"
    path = csv_write(tmp_path / NAME, col_rows)
    ingest_paths([path], db_path=db_path)
    log_before = _query(db_path, "SELECT * EXCLUDE (imported_at) FROM import_log")

    again = ingest_paths([path], db_path=db_path)

    assert [o.status for o in again.files] == ["unchanged"]
    assert _query(db_path, "SELECT * EXCLUDE (imported_at) FROM import_log") == log_before


def test_duplicate_crime_ids_keep_one_row_by_the_stated_rule(
    tmp_path: Path, col_rows: Rows
) -> None:
    header, crime = col_rows[0], _first_crime(col_rows)
    crime_id = crime[header.index("Crime ID")]
    unavailable = _with(crime, header, Last_outcome_category="Status update unavailable")
    no_location = _with(crime, header, Longitude="", Latitude="", Location="No location")
    others = [row for row in col_rows[1:11] if row[0] != crime_id]
    # file order: unavailable outcome first, then no location, then the kept row and its copy
    rows = [header, *others, unavailable, no_location, crime, crime]
    db_path = tmp_path / "crime.duckdb"

    report = ingest_paths([csv_write(tmp_path / NAME, rows)], db_path=db_path)

    kept_line = len(others) + 4
    assert report.files[0].rows == len(rows) - 2  # the exact copy is dropped
    stored = _query(
        db_path,
        "SELECT line, counted FROM police_street WHERE crime_id = ? ORDER BY line",
        [crime_id],
    )
    assert stored == [(kept_line - 2, False), (kept_line - 1, False), (kept_line, True)]
    review = _query(
        db_path,
        "SELECT kept_line, line, differs FROM street_duplicate_review ORDER BY line",
    )
    assert review == [
        (kept_line, kept_line - 2, ["Last outcome category"]),
        (kept_line, kept_line - 1, ["Longitude", "Latitude", "Location"]),
    ]


def test_identical_antisocial_behaviour_rows_are_each_counted(
    tmp_path: Path, col_rows: Rows
) -> None:
    header = col_rows[0]
    asb = next(row for row in col_rows[1:] if row[header.index("Crime type")] == validate.ASB)
    rows = [header, asb, asb, asb, *col_rows[1:6]]
    db_path = tmp_path / "crime.duckdb"

    ingest_paths([csv_write(tmp_path / NAME, rows)], db_path=db_path)

    counted = _query(
        db_path,
        "SELECT count(*) FROM police_street WHERE crime_type = ? AND counted",
        [validate.ASB],
    )[0][0]
    expected = sum(1 for row in rows[1:] if row[header.index("Crime type")] == validate.ASB)
    assert counted == expected >= 3


def test_lsoa_codes_are_translated_code_by_code(
    tmp_path: Path, col_rows: Rows, lsoa_candidates: list[Candidate]
) -> None:
    header = col_rows[0]
    by_code: dict[str, list[Candidate]] = {}
    for candidate in lsoa_candidates:
        by_code.setdefault(candidate[0], []).append(candidate)
    split = next(
        code
        for code, found in sorted(by_code.items())
        if len(found) == 2 and all(c[2] is not None for c in found) and code.startswith("E01")
    )
    first, second = sorted(by_code[split], key=lambda c: c[1])
    merged = next(
        code for code, found in sorted(by_code.items()) if len(found) == 1 and found[0][1] != code
    )
    base = [row for row in col_rows[1:] if row[header.index("LSOA code")]][:5]
    near_second = _with(
        base[0], header, LSOA_code=split, Latitude=f"{second[2]:.6f}", Longitude=f"{second[3]:.6f}"
    )
    no_point = _with(base[1], header, LSOA_code=split, Latitude="", Longitude="")
    unknown = _with(base[2], header, LSOA_code="E01999999")
    old = _with(base[3], header, LSOA_code=merged)
    current = base[4]
    rows = [header, near_second, no_point, unknown, old, current]
    db_path = tmp_path / "crime.duckdb"

    report = ingest_paths(
        [csv_write(tmp_path / NAME, rows)], db_path=db_path, lsoa_candidates=lsoa_candidates
    )

    assert report.ok and not report.warnings
    got = _query(
        db_path, "SELECT lsoa_code, lsoa21cd, lsoa_rule, counted FROM police_street ORDER BY line"
    )
    current_code = current[header.index("LSOA code")]
    assert got == [
        (split, second[1], "split-nearest", True),
        (split, first[1], "split-first", True),
        ("E01999999", None, "unknown", True),
        (merged, by_code[merged][0][1], "2011-translated", True),
        (current_code, current_code, "2021", True),
    ]
    assert _query(db_path, "SELECT lsoa_code, rows FROM lsoa_unknown_code") == [("E01999999", 1)]


def test_ingest_without_geography_warns_and_translates_later(
    tmp_path: Path, col_rows: Rows, lsoa_candidates: list[Candidate]
) -> None:
    db_path = tmp_path / "crime.duckdb"
    path = csv_write(tmp_path / NAME, col_rows)

    plain = ingest_paths([path], db_path=db_path)
    untranslated = _query(db_path, "SELECT count(*) FROM police_street WHERE lsoa21cd IS NOT NULL")[
        0
    ][0]
    later = ingest_paths([path], db_path=db_path, lsoa_candidates=lsoa_candidates)

    assert plain.warnings == (NO_GEOGRAPHY,)
    assert untranslated == 0
    assert later.files[0].status == "imported"
    with_code = sum(1 for row in col_rows[1:] if row[col_rows[0].index("LSOA code")])
    translated = _query(db_path, "SELECT count(*) FROM police_street WHERE lsoa21cd IS NOT NULL")
    assert translated == [(with_code,)]


def test_crime_types_present_are_recorded_per_force_month(tmp_path: Path, col_rows: Rows) -> None:
    header = col_rows[0]
    db_path = tmp_path / "crime.duckdb"
    ingest_paths([csv_write(tmp_path / NAME, col_rows)], db_path=db_path)

    recorded = _query(db_path, "SELECT crime_type, rows FROM force_month_crime_type ORDER BY 1")

    expected: dict[str, int] = {}
    for row in col_rows[1:]:
        crime_type = row[header.index("Crime type")]
        expected[crime_type] = expected.get(crime_type, 0) + 1
    assert recorded == sorted(expected.items())


def test_ingest_reads_a_police_uk_archive_zip(
    tmp_path: Path, col_rows: Rows, stop_search_rows: Rows
) -> None:
    archive = tmp_path / "2022-07.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"2022-07/{NAME}", "".join(",".join(r) + "\n" for r in col_rows))
        zf.writestr(
            "2024-06/2024-06-metropolitan-stop-and-search.csv",
            "".join(",".join(f'"{v}"' for v in r) + "\n" for r in stop_search_rows),
        )
    db_path = tmp_path / "crime.duckdb"

    steps: list[IngestProgress] = []
    report = ingest_paths([archive], db_path=db_path, progress=steps.append)

    assert [(s.files_done, s.files_total) for s in steps] == [(0, 2), (1, 2), (2, 2)]
    assert steps[-1].rows_done == report.rows_imported and steps[-1].bytes_done > 0
    assert [(o.file, o.status, o.rows) for o in report.files] == [
        (f"{archive}:2022-07/{NAME}", "imported", len(col_rows) - 1),
        (
            f"{archive}:2024-06/2024-06-metropolitan-stop-and-search.csv",
            "imported",
            len(stop_search_rows) - 1,
        ),
    ]


def test_stop_search_month_is_the_uk_local_month(tmp_path: Path, stop_search_rows: Rows) -> None:
    header = stop_search_rows[0]
    summer_midnight = _with(stop_search_rows[1], header, Date="2024-05-31T23:30:00+00:00")
    still_may = _with(stop_search_rows[2], header, Date="2024-05-31T22:30:00+00:00")
    name = "2024-06-metropolitan-stop-and-search.csv"
    db_path = tmp_path / "crime.duckdb"

    accepted = ingest_paths(
        [csv_write(tmp_path / "a" / name, [header, summer_midnight])], db_path=db_path
    )
    refused = ingest_paths(
        [csv_write(tmp_path / "b" / name, [header, summer_midnight, still_may])], db_path=db_path
    )

    assert accepted.files[0].status == "imported"
    assert refused.files[0].message.startswith(f"{tmp_path / 'b' / name}, line 3, column 'Date': ")
    assert validate.MONTH_CONTRADICTS.split("{")[0] in refused.files[0].message
