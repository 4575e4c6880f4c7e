"""Header recognition: every supported layout, whatever the file is called, BOM or gzip."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from callingtime.areas.demo_extract import BEST_FIT, EXACT_FIT
from callingtime.areas.sources import file_year, source_detect, source_files_walk

TINY_LAYOUTS = {
    "geography/exact_fit.csv.gz": "lsoa11_lsoa21",
    "geography/best_fit.csv.gz": "lsoa21_ward_lad",
    "geography/DERIVED_pcon.csv.gz": "lsoa21_pcon",
    "geography/lad_pfa.csv": "lad_pfa",
    "geography/pfa.csv": "pfa_names",
    "geography/lookups/la_all_codes.csv.gz": "la_codes",
    "geography/bcu.csv": "met_bcu",
    "geography/lookups/lsoa_latlong.csv.gz": "lsoa_centroid",
    "geography/census.csv.gz": "population_census2011",
    "geography/london-mid2020-pop.csv.gz": "population_lsoa11",
    "postcodes/pcd.csv.gz": "postcode",
    "parliament/mps.csv": "mps",
    "boundaries/pcon.geojson.gz": "pcon_boundary",
    "boundaries/ward/E09000019.geojson": "ward_boundary",
}

SHARED_LAYOUTS = {
    EXACT_FIT: "lsoa11_lsoa21",
    BEST_FIT: "lsoa21_ward_lad",
    "geography/DERIVED_LSOA21_WD24_LAD24_PCON24_EW_pointinpolygon.csv.gz": "lsoa21_pcon",
    "geography/LAD19_CSP19_PFA19_EW_LU.csv": "lad_pfa",
    "geography/PFA19_UK_NC.csv": "pfa_names",
    "geography/drkane-geo-lookups/la_all_codes.csv.gz": "la_codes",
    "geography/drkane-geo-lookups/ward_all_codes.csv.gz": "ward_codes",
    "geography/DERIVED_met_bcu_boroughs.csv": "met_bcu",
    "geography/drkane-geo-lookups/lsoa_latlong.csv.gz": "lsoa_centroid",
    "geography/census_2011_population_hh.csv.gz": "population_census2011",
    "geography/london-mid2020-pop.csv.gz": "population_lsoa11",
    "postcodes/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_london.csv.gz": "postcode",
    "parliament/mps.csv": "mps",
    "boundaries/PCON_JULY_2024_UK_BUC.geojson.gz": "pcon_boundary",
    "boundaries/drkane-geo-lookups/lsoa/E09000019.geojson.gz": "lsoa21_boundary",
    "boundaries/drkane-geo-lookups/ward/E09000019.geojson.gz": "ward_boundary",
    "geography/WD19_PCON19_LAD19_UTLA19_UK_LU.csv": "ward_pcon2010",
    "geography/PoliceforceLSOA.csv.gz": "lsoa11_force",
    "geography/LLSOA_Dec_2021_PWC_for_England_and_Wales.csv.gz": "lsoa21_pwc",
}


@pytest.mark.parametrize(("relative", "layout"), sorted(TINY_LAYOUTS.items()))
def test_source_detect_recognises_tiny_layout(
    tiny_sources: Path, relative: str, layout: str
) -> None:
    detected = source_detect(tiny_sources / relative)
    assert detected.layout is not None
    assert detected.layout.name == layout


@pytest.mark.parametrize(("relative", "layout"), sorted(TINY_LAYOUTS.items()))
def test_source_detect_ignores_the_file_name(
    tiny_sources: Path, tmp_path: Path, relative: str, layout: str
) -> None:
    source = tiny_sources / relative
    suffix = "".join(source.suffixes[-2:]) if source.name.endswith(".gz") else source.suffix
    renamed = tmp_path / f"renamed{suffix}"
    shutil.copy(source, renamed)
    detected = source_detect(renamed)
    assert detected.layout is not None and detected.layout.name == layout


def test_source_detect_reads_bom_and_gzip_alike(tiny_sources: Path, tmp_path: Path) -> None:
    gz = tiny_sources / "geography" / "exact_fit.csv.gz"
    raw = gzip.decompress(gz.read_bytes())
    assert raw.startswith(b"\xef\xbb\xbf")
    plain = tmp_path / "plain.csv"
    plain.write_bytes(raw)
    no_bom = tmp_path / "nobom.csv"
    no_bom.write_bytes(raw[3:])
    for path in (gz, plain, no_bom):
        detected = source_detect(path)
        assert detected.layout is not None and detected.layout.name == "lsoa11_lsoa21"
        assert detected.columns["lsoa11cd"] == 0


def test_source_detect_takes_the_first_of_duplicate_columns(tiny_sources: Path) -> None:
    detected = source_detect(tiny_sources / "geography" / "census.csv.gz")
    assert detected.columns["people"] == 9  # the first of three "Persons" columns


def test_source_detect_reports_unknown_header(tiny_sources: Path) -> None:
    assert source_detect(tiny_sources / "README.txt.csv").layout is None


def test_source_files_walk_finds_nested_files_once(tiny_sources: Path) -> None:
    files = source_files_walk([tiny_sources, tiny_sources / "parliament" / "mps.csv"])
    assert len(files) == len(set(files)) == len(TINY_LAYOUTS) + 1


def test_file_year_reads_mid_year_from_the_name() -> None:
    assert file_year(Path("london-mid2020-pop.csv.gz")) == 2020
    assert file_year(Path("population.csv")) is None


@pytest.mark.shared_data
@pytest.mark.parametrize(("relative", "layout"), sorted(SHARED_LAYOUTS.items()))
def test_source_detect_recognises_real_file(shared_data: Path, relative: str, layout: str) -> None:
    detected = source_detect(shared_data / relative)
    assert detected.layout is not None
    assert detected.layout.name == layout
