"""The demo extract: small, attributed, and importable unchanged into a working store."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from callingtime.areas.demo_extract import areas_demo_extract
from callingtime.areas.importer import areas_import
from callingtime.areas.postcodes import PostcodeError, postcode_normalise
from callingtime.areas.sources import source_detect
from callingtime.areas.store import AreasStore

DEMO_LADS = (
    "E09000019",
    "E09000002",
    "E08000032",
    "E08000033",
    "E08000034",
    "E08000035",
    "E08000036",
)
POSTCODES = "postcodes/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_london.csv.gz"


@pytest.fixture(scope="module")
def demo(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo") / "areas"
    return out, areas_demo_extract(shared_data, out, lad_codes=DEMO_LADS)


@pytest.fixture(scope="module")
def demo_store(
    demo: tuple[Path, list[Path]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AreasStore]:
    db = tmp_path_factory.mktemp("demo-db") / "areas.duckdb"
    report = areas_import([demo[0]], db_path=db)
    assert report.unknown == ()
    with AreasStore.open(db) as store:
        yield store


@pytest.mark.shared_data
def test_demo_extract_is_small_and_attributed(demo: tuple[Path, list[Path]]) -> None:
    out, files = demo
    assert sum(path.stat().st_size for path in files) < 1_500_000
    attribution = (out / "ATTRIBUTION.md").read_text()
    for path in files:
        if path.name != "ATTRIBUTION.md":
            assert f"`{path.relative_to(out)}`" in attribution
    assert "Open Parliament Licence v3.0" in attribution and "Royal Mail" in attribution


@pytest.mark.shared_data
def test_demo_extract_keeps_headers_and_layouts(
    shared_data: Path, demo: tuple[Path, list[Path]]
) -> None:
    out, files = demo
    for path in files:
        if path.name == "ATTRIBUTION.md":
            continue
        original = shared_data / path.relative_to(out)
        assert source_detect(path).layout == source_detect(original).layout
        if path.name.endswith(".csv.gz"):
            with gzip.open(path, "rb") as small, gzip.open(original, "rb") as big:
                assert small.readline() == big.readline()


@pytest.mark.shared_data
def test_demo_extract_keeps_the_postcodes_of_the_boroughs(
    shared_data: Path, demo: tuple[Path, list[Path]]
) -> None:
    out, _ = demo

    def rows(path: Path) -> list[dict[str, str]]:
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    expected = [r["pcds"] for r in rows(shared_data / POSTCODES) if r["ladcd"] in DEMO_LADS]
    assert [r["pcds"] for r in rows(out / POSTCODES)] == expected


@pytest.mark.shared_data
def test_demo_store_looks_up_islington_and_dagenham(
    shared_data: Path, demo_store: AreasStore
) -> None:
    with gzip.open(shared_data / POSTCODES, "rt", encoding="utf-8-sig", newline="") as handle:
        live = [r for r in csv.DictReader(handle) if not r["doterm"]]
    islington = next(
        r["pcds"] for r in live if r["pcds"].startswith("N1 ") and r["ladcd"] == "E09000019"
    )
    result = demo_store.postcode_lookup(islington)
    assert result.borough is not None and result.borough.name == "Islington"
    assert result.bcu is not None and result.bcu.name == "Central North"
    assert result.mp is not None and result.constituency is not None
    dagenham = next(r["pcds"] for r in live if r["pcds"].startswith("RM10 "))
    result = demo_store.postcode_lookup(dagenham)
    assert result.borough is not None and result.borough.name == "Barking and Dagenham"
    assert result.force is not None and result.force.name == "Metropolitan Police"


@pytest.mark.shared_data
def test_demo_store_places_leeds_in_west_yorkshire(demo_store: AreasStore) -> None:
    leeds = demo_store.area_lsoas("E08000035")
    assert leeds
    parents = {a.type: a.name for a in demo_store.area_parents(leeds[0])}
    assert parents["force"] == "West Yorkshire"
    islington_north = demo_store.area_search("Islington North", type="constituency")[0]
    assert "Hornsey and Friern Barnet" in {
        a.name for a in demo_store.area_neighbours(islington_north.code)
    }


@pytest.mark.shared_data
def test_the_batch_constituency_lookup_agrees_with_one_lookup_each(
    shared_data: Path, demo_store: AreasStore
) -> None:
    with gzip.open(shared_data / POSTCODES, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ladcd"] in DEMO_LADS]
    live = [r["pcds"] for r in rows if not r["doterm"]][::40]
    terminated = [r["pcds"] for r in rows if r["doterm"]][::200]
    assert live and terminated
    # Written as people type them, with postcodes the file does not hold and non-postcodes.
    texts = [p.lower().replace(" ", "") for p in live] + terminated
    texts += ["LS1 1AA", "ZZ99 9ZZ", "not a postcode", "", "N1"]

    def one_each(text: str) -> str | None:
        try:
            constituency = demo_store.postcode_lookup(text).constituency
        except PostcodeError:
            return None
        return constituency.code if constituency else None

    expected = {postcode_normalise(t): one_each(t) for t in texts if one_each(t) is not None}
    assert len(expected) == len(live)  # every live postcode of the extract is in a constituency
    assert demo_store.postcode_constituency_codes(texts) == expected
    assert demo_store.postcode_constituency_codes([]) == {}
