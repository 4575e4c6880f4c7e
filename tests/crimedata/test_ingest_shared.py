"""All shared police.uk files: counts equal an independent pandas count; a rerun changes nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from callingtime.crimedata.ingest import IngestReport, ingest_paths
from callingtime.crimedata.status import store_status
from tests.crimedata.conftest import ONS_LOOKUP, Candidate

pytestmark = pytest.mark.shared_data

SLUGS = {
    "Metropolitan Police Service": "metropolitan",
    "West Yorkshire Police": "west-yorkshire",
    "City of London Police": "city-of-london",
}
ALL_TABLES = (
    "import_log",
    "police_street",
    "police_outcome",
    "police_stop_search",
    "police_coverage",
    "force_month_crime_type",
    "street_duplicate_review",
    "lsoa_unknown_code",
)


def _roots(shared_data: Path) -> list[Path]:
    return [shared_data / "police", shared_data / "london" / "city-of-london-street"]


def _fingerprint(db_path: Path) -> dict[str, tuple[object, ...]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            table: tuple(
                con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone() or ()
            )
            for table in ALL_TABLES
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path, lsoa_candidates: list[Candidate]
) -> tuple[Path, IngestReport]:
    db_path = tmp_path_factory.mktemp("store") / "crime.duckdb"
    report = ingest_paths(_roots(shared_data), db_path=db_path, lsoa_candidates=lsoa_candidates)
    return db_path, report


def _read(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for path in paths:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["order"] = range(len(frame))
        frame["file"] = path.name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def street(shared_data: Path) -> pd.DataFrame:
    paths = sorted((shared_data / "police").rglob("*-street.csv.gz"))
    paths += sorted((shared_data / "london" / "city-of-london-street").glob("*.csv.gz"))
    return _read(paths)


def test_every_shared_file_imports(loaded: tuple[Path, IngestReport]) -> None:
    _, report = loaded
    assert report.ok
    assert report.count("imported") == 72 + 72 + 38 + 2 + 12
    # the Home Office recorded-crime table sits in police/ but is not a police.uk file
    assert [Path(o.file).name for o in report.files if o.status == "skipped"] == [
        "prc-pfa-201718_new.csv.gz"
    ]


def test_counts_by_force_month_and_type_equal_an_independent_count(
    loaded: tuple[Path, IngestReport], street: pd.DataFrame
) -> None:
    db_path, _ = loaded
    columns = [c for c in street.columns if c not in ("order", "file")]
    asb = street[street["Crime ID"] == ""]
    crimes = street[street["Crime ID"] != ""].drop_duplicates(subset=columns)
    # the stated rule: a row with a location, then a known outcome, then the first in the file
    crimes = crimes.assign(
        no_location=(crimes["Longitude"] == "") | (crimes["Latitude"] == ""),
        no_outcome=(crimes["Last outcome category"] == "")
        | crimes["Last outcome category"].str.endswith("unavailable"),
    ).sort_values(["no_location", "no_outcome", "file", "order"])
    kept = crimes.drop_duplicates(subset=["Reported by", "Month", "Crime ID"])
    expected_frame = pd.concat([kept, asb])
    expected = {
        (SLUGS[force], month, crime_type): n
        for (force, month, crime_type), n in expected_frame.groupby(
            ["Reported by", "Month", "Crime type"]
        )
        .size()
        .items()
    }

    con = duckdb.connect(str(db_path), read_only=True)
    got = {
        (force, month, crime_type): n
        for force, month, crime_type, n in con.execute(
            "SELECT force, month, crime_type, count(*) FROM police_street WHERE counted "
            "GROUP BY ALL"
        ).fetchall()
    }
    review = con.execute("SELECT count(*) FROM street_duplicate_review").fetchone()
    con.close()

    assert got == expected
    assert review == (len(crimes) - len(kept),)
    assert len(crimes) - len(kept) > 100  # the real Met files do hold differing duplicate IDs


def test_outcomes_and_searches_equal_an_independent_count(
    loaded: tuple[Path, IngestReport], shared_data: Path
) -> None:
    db_path, _ = loaded
    met = shared_data / "police" / "metropolitan"
    outcomes = _read(sorted(met.glob("*-outcomes.csv.gz")))
    outcome_columns = [c for c in outcomes.columns if c not in ("order",)]
    expected_outcomes = outcomes.drop_duplicates(subset=outcome_columns).groupby("Month").size()
    searches = _read(sorted(met.glob("*-stop-and-search.csv.gz")))
    expected_searches = searches.groupby(searches["file"].str[:7]).size()

    con = duckdb.connect(str(db_path), read_only=True)
    got_outcomes = dict(
        con.execute("SELECT month, count(*) FROM police_outcome GROUP BY 1").fetchall()
    )
    got_searches = dict(
        con.execute("SELECT month, count(*) FROM police_stop_search GROUP BY 1").fetchall()
    )
    con.close()

    assert got_outcomes == expected_outcomes.to_dict()
    assert got_searches == expected_searches.to_dict()


def test_lsoa_codes_of_both_vintages_are_translated(
    loaded: tuple[Path, IngestReport], street: pd.DataFrame, shared_data: Path
) -> None:
    db_path, _ = loaded
    lookup = pd.read_csv(shared_data / ONS_LOOKUP, dtype=str, keep_default_na=False)
    only_2011 = set(lookup["LSOA11CD"]) - set(lookup["LSOA21CD"])
    met = street[street["Reported by"] == "Metropolitan Police Service"]
    mixed = met[met["LSOA code"].isin(only_2011)]["Month"].unique()

    con = duckdb.connect(str(db_path), read_only=True)
    translated = dict(
        con.execute(
            "SELECT month, count(*) FROM police_street WHERE force = 'metropolitan' AND lsoa_rule "
            "IN ('2011-translated', 'split-nearest', 'split-first') GROUP BY 1"
        ).fetchall()
    )
    missing = con.execute(
        "SELECT count(*) FROM police_street WHERE lsoa_code IS NOT NULL AND lsoa21cd IS NULL"
    ).fetchone()
    no_place = con.execute(
        "SELECT count(*) FILTER (WHERE counted), count(*) FILTER (WHERE lsoa21cd IS NOT NULL) "
        "FROM police_street WHERE lsoa_code IS NULL"
    ).fetchone()
    con.close()

    assert len(mixed) > 0
    assert set(translated) >= set(mixed)
    assert missing == (0,)
    no_location = street[street["LSOA code"] == ""]
    assert no_place is not None and no_place[1] == 0
    assert no_place[0] > 0 and no_place[0] <= len(no_location)


def test_status_lists_forces_months_and_a_burglary_only_met(
    loaded: tuple[Path, IngestReport],
) -> None:
    db_path, _ = loaded
    status = store_status(db_path)
    met_street = next(
        c for c in status.coverage if c.force == "metropolitan" and c.kind == "street"
    )
    assert (met_street.first_month, met_street.last_month, met_street.months) == (
        "2019-01",
        "2024-12",
        72,
    )
    assert met_street.crime_types == ("Burglary",)
    assert status.gaps and all(gap.source_url.startswith("https://") for gap in status.gaps)


def test_ingesting_again_changes_nothing(
    loaded: tuple[Path, IngestReport], shared_data: Path, lsoa_candidates: list[Candidate]
) -> None:
    db_path, _ = loaded
    before = _fingerprint(db_path)

    again = ingest_paths(_roots(shared_data), db_path=db_path, lsoa_candidates=lsoa_candidates)

    assert {o.status for o in again.files} == {"unchanged", "skipped"}
    assert _fingerprint(db_path) == before
