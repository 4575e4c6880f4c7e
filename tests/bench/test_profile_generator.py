"""The profile benchmark's generator writes real-schema police.uk street files that ingest."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bench.profile_store import (
    STREET_HEADER,
    GeneratedFiles,
    SourceMix,
    files_generate,
    lsoa_table_read,
    month_range,
    source_mix_read,
)
from callingtime.areas.importer import areas_import
from callingtime.areas.store import AreasStore
from callingtime.crimedata.forces import force_by_slug
from callingtime.crimedata.ingest import ingest_paths

AREAS_FOLDERS = ("geography", "postcodes", "parliament", "boundaries")
MONTHS = month_range("2024-11", 2)
ROWS_PER_MONTH = 50_000
SHARE_TOLERANCE = 0.01  # absolute, per crime type, over 100k rows


@pytest.fixture(scope="module")
def areas_db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("profile-areas") / "areas.duckdb"
    areas_import([shared_data / folder for folder in AREAS_FOLDERS], db_path=db)
    return db


@pytest.fixture(scope="module")
def mix(shared_data: Path, areas_db: Path) -> SourceMix:
    return source_mix_read(shared_data, areas_db)


@pytest.fixture(scope="module")
def generated(
    mix: SourceMix, areas_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> GeneratedFiles:
    return files_generate(
        mix=mix,
        lsoas=lsoa_table_read(areas_db),
        out_dir=tmp_path_factory.mktemp("profile-files"),
        months=MONTHS,
        rows_per_month=ROWS_PER_MONTH,
        seed=1,
    )


@pytest.fixture(scope="module")
def rows(generated: GeneratedFiles) -> Iterator[pd.DataFrame]:
    frames = []
    for path in generated.files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["file"] = path.name
        frames.append(frame)
    yield pd.concat(frames, ignore_index=True)


def test_profile_generator_writes_the_exact_street_header(generated: GeneratedFiles) -> None:
    for path in generated.files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            assert handle.readline().rstrip("\n") == STREET_HEADER, path.name


def test_profile_generator_months_and_forces_match_file_names(
    generated: GeneratedFiles, rows: pd.DataFrame
) -> None:
    assert len(rows) == generated.rows
    assert rows["file"].str[:7].eq(rows["Month"]).all()
    for name, group in rows.groupby("file"):
        slug = str(name)[8 : -len("-street.csv.gz")]
        force = force_by_slug(slug)
        assert force is not None, name
        assert set(group["Reported by"]) == {force.name}, name
        assert set(group["Falls within"]) == {force.name}, name
    assert {str(name)[:7] for name in rows["file"]} == set(MONTHS)
    assert rows["file"].nunique() == 2 * 43  # every territorial force of England and Wales


def test_profile_generator_keeps_the_west_yorkshire_proportions(
    mix: SourceMix, rows: pd.DataFrame
) -> None:
    located = rows["LSOA code"] != ""
    assert abs((~located).mean() - mix.no_location_share) < SHARE_TOLERANCE
    shares = rows.loc[located, "Crime type"].value_counts(normalize=True)
    for crime_type, expected in zip(mix.crime_types, mix.located_share, strict=True):
        assert abs(shares.get(crime_type, 0.0) - expected) < SHARE_TOLERANCE, crime_type
    asb = rows["Crime type"] == "Anti-social behaviour"
    assert rows.loc[asb, "Crime ID"].eq("").all()
    assert rows.loc[asb, "Last outcome category"].eq("").all()
    assert rows.loc[~asb, "Crime ID"].str.fullmatch(r"[0-9a-f]{64}").all()
    unlocated = rows[~located]
    assert unlocated["Location"].eq("No Location").all()
    assert unlocated["Longitude"].eq("").all() and unlocated["Latitude"].eq("").all()
    assert rows.loc[located, "Location"].str.startswith("On or near ").all()


def test_profile_generator_files_ingest_with_no_refusals(
    generated: GeneratedFiles, areas_db: Path, tmp_path: Path
) -> None:
    with AreasStore.open(areas_db) as areas:
        candidates = areas.lsoa_code_candidates()
    report = ingest_paths(
        [generated.folder], db_path=tmp_path / "crime.duckdb", lsoa_candidates=candidates
    )
    assert report.ok
    assert report.count("imported") == len(generated.files)
    assert 0 < generated.rows - report.rows_imported < generated.rows * 0.01  # exact duplicates
