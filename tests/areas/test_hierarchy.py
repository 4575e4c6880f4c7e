"""The LSOA hierarchy, LSOA code translation and populations, checked against the ONS files."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from pathlib import Path

import pytest

from callingtime.areas.store import AreasStore
from tests.areas import tiny

EXACT_FIT = (
    "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_for_EW_(V3)"
    ".csv.gz"
)
BEST_FIT = "LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv.gz"
ISLINGTON = "E09000019"


def _read(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def exact_fit(shared_data: Path) -> list[dict[str, str]]:
    return _read(shared_data / "geography" / EXACT_FIT)


@pytest.fixture(scope="module")
def best_fit(shared_data: Path) -> list[dict[str, str]]:
    return _read(shared_data / "geography" / BEST_FIT)


@pytest.mark.shared_data
def test_islington_lsoa_parents(shared_store: AreasStore, best_fit: list[dict[str, str]]) -> None:
    row = next(r for r in best_fit if r["LAD24CD"] == ISLINGTON)
    parents = {a.type: a for a in shared_store.area_parents(row["LSOA21CD"])}
    assert parents["ward"].code == row["WD24CD"]
    assert parents["borough"].name == "Islington"
    assert parents["bcu"].name == "Central North"
    assert parents["force"].name == "Metropolitan Police"
    assert parents["region"].name == "London"
    assert parents["constituency"].approximate


@pytest.mark.shared_data
def test_leeds_lsoa_is_west_yorkshire(
    shared_store: AreasStore, best_fit: list[dict[str, str]]
) -> None:
    row = next(r for r in best_fit if r["LAD24CD"] == "E08000035")
    parents = {a.type: a.name for a in shared_store.area_parents(row["LSOA21CD"])}
    assert parents["force"] == "West Yorkshire"
    assert "bcu" not in parents
    assert parents["region"] == "Yorkshire and The Humber"


@pytest.mark.shared_data
def test_city_of_london_is_its_own_force_without_bcu(shared_store: AreasStore) -> None:
    parents = {a.type: a.name for a in shared_store.area_parents("E09000001")}
    assert parents["force"] == "City of London"
    assert "bcu" not in parents


@pytest.mark.shared_data
def test_every_lsoa_has_a_force_and_borough(
    shared_store: AreasStore, best_fit: list[dict[str, str]]
) -> None:
    hierarchy = shared_store.lsoa21_hierarchy()
    assert len(hierarchy) == len(best_fit)
    assert all(h.force_cd and h.borough_cd and h.ward_cd for h in hierarchy)
    assert all(h.lat is not None and h.lon is not None for h in hierarchy)


@pytest.mark.shared_data
def test_lsoa_code_candidates_follow_the_ons_lookup(
    shared_store: AreasStore, exact_fit: list[dict[str, str]]
) -> None:
    codes21 = {r["LSOA21CD"] for r in exact_fit}
    expected: dict[str, set[str]] = defaultdict(set)
    for row in exact_fit:
        expected[row["LSOA21CD"]].add(row["LSOA21CD"])
        if row["LSOA11CD"] not in codes21:
            expected[row["LSOA11CD"]].add(row["LSOA21CD"])
    got: dict[str, set[str]] = defaultdict(set)
    for any_code, lsoa21, lat, lon in shared_store.lsoa_code_candidates():
        got[any_code].add(lsoa21)
        assert lat is not None and lon is not None
    assert got == expected


@pytest.mark.shared_data
def test_split_and_merge_translation(
    shared_store: AreasStore, exact_fit: list[dict[str, str]]
) -> None:
    split = next(r["LSOA11CD"] for r in exact_fit if r["CHGIND"] == "S")
    children = {r["LSOA21CD"] for r in exact_fit if r["LSOA11CD"] == split}
    merged = next(r["LSOA21CD"] for r in exact_fit if r["CHGIND"] == "M")
    parents = {r["LSOA11CD"] for r in exact_fit if r["LSOA21CD"] == merged}
    candidates = shared_store.lsoa_code_candidates()
    assert {b for a, b, _, _ in candidates if a == split} == children and len(children) > 1
    for parent in parents:
        assert {b for a, b, _, _ in candidates if a == parent} == {merged}
    assert len(parents) > 1


@pytest.mark.shared_data
def test_population_recomputed_from_the_ons_files(
    shared_data: Path, shared_store: AreasStore, exact_fit: list[dict[str, str]]
) -> None:
    mid2020 = {r["LSOA11CD"]: float(r["Persons_All-Ages"]) for r in _read(
        shared_data / "geography" / "london-mid2020-pop.csv.gz")}  # fmt: skip
    partners: dict[str, list[str]] = defaultdict(list)
    for row in exact_fit:
        partners[row["LSOA11CD"]].append(row["LSOA21CD"])
    people21: dict[str, float] = defaultdict(float)
    for lsoa11, people in mid2020.items():
        for lsoa21 in partners[lsoa11]:
            people21[lsoa21] += people / len(partners[lsoa11])
    islington = shared_store.area_lsoas(ISLINGTON)
    population = shared_store.area_population(ISLINGTON)
    assert population is not None
    assert population.people == round(sum(people21[c] for c in islington))
    assert population.years == (2020,)
    split = next(r for r in exact_fit if r["CHGIND"] == "S" and r["LSOA11CD"] in mid2020)
    one = shared_store.area_population(split["LSOA21CD"])
    assert one is not None
    assert one.people == round(mid2020[split["LSOA11CD"]] / len(partners[split["LSOA11CD"]]))


@pytest.mark.shared_data
def test_population_outside_london_is_census_2011(
    shared_data: Path, shared_store: AreasStore
) -> None:
    census = _read(shared_data / "geography" / "census_2011_population_hh.csv.gz")
    row = next(r for r in census if r["Local authority code"] == "E08000035")
    lsoa = row["LSOA Code"]
    population = shared_store.area_population(lsoa)
    assert population is not None and population.years == (2011,)
    with gzip.open(shared_data / "geography" / "census_2011_population_hh.csv.gz", "rt") as handle:
        raw = next(line for line in handle if f",{lsoa}," in line)
    first_persons = next(csv.reader([raw]))[9]
    assert population.people == int(first_persons.replace(",", ""))


@pytest.mark.shared_data
def test_area_lsoas_of_a_borough_match_the_best_fit_file(
    shared_store: AreasStore, best_fit: list[dict[str, str]]
) -> None:
    expected = sorted(r["LSOA21CD"] for r in best_fit if r["LAD24CD"] == ISLINGTON)
    assert shared_store.area_lsoas(ISLINGTON) == expected
    wards = {r["WD24CD"] for r in best_fit if r["LAD24CD"] == ISLINGTON}
    assert {a.code for a in shared_store.area_children(ISLINGTON, type="ward")} == wards


@pytest.mark.shared_data
def test_ward_constituency_is_best_fit(
    shared_store: AreasStore, best_fit: list[dict[str, str]]
) -> None:
    wards = {r["WD24CD"] for r in best_fit if r["LAD24CD"] == ISLINGTON}
    for ward in wards:
        constituencies = [a for a in shared_store.area_parents(ward) if a.type == "constituency"]
        assert constituencies
        if len(constituencies) > 1:
            assert constituencies[0].note is not None and constituencies[0].note.startswith(
                "best-fit"
            )


@pytest.mark.shared_data
def test_area_search_finds_boroughs_by_name(shared_store: AreasStore) -> None:
    found = shared_store.area_search("ISLINGTON", type="borough")
    assert [a.code for a in found] == [ISLINGTON]
    assert {a.name for a in shared_store.area_search("islington", type="constituency")} == {
        "Islington North",
        "Islington South and Finsbury",
    }


def test_tiny_area_parents_and_children(tiny_store: AreasStore) -> None:
    parents = [a.type for a in tiny_store.area_parents(tiny.SPLIT_B)]
    assert parents == ["ward", "constituency", "borough", "bcu", "force", "region", "country"]
    assert {a.code for a in tiny_store.area_children(tiny.ISLINGTON, type="lsoa")} == {
        tiny.UNCHANGED,
        tiny.SPLIT_A,
        tiny.SPLIT_B,
    }
    assert [a.code for a in tiny_store.area_neighbours(tiny.BARNSBURY)] == [tiny.CALEDONIAN]
