"""Constituency neighbours from the polygons, and joining Met ward rows to 2024 wards."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from callingtime.areas.store import AreasStore
from tests.areas import tiny

MET_WARDS_2022 = "london/ward/2022-02_2024-01/MPS Ward Level Crime (most recent 24 months).csv.gz"


def _names(areas: list[object]) -> set[str]:
    return {getattr(a, "name") for a in areas}  # noqa: B009


def test_tiny_neighbours_need_a_shared_border(tiny_store: AreasStore) -> None:
    assert [a.code for a in tiny_store.area_neighbours(tiny.ISL_SOUTH)] == [tiny.ISL_NORTH]
    assert [a.code for a in tiny_store.area_neighbours(tiny.ISL_NORTH)] == [tiny.ISL_SOUTH]
    assert tiny_store.area_neighbours(tiny.LEEDS_NW) == []
    assert tiny_store.area_neighbours(tiny.CORNER) == []  # a corner touch is not a border


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("constituency", "neighbour"),
    [
        ("Islington North", "Hornsey and Friern Barnet"),
        ("Islington North", "Hackney North and Stoke Newington"),
        ("Islington North", "Islington South and Finsbury"),
        ("Dagenham and Rainham", "Barking"),
        ("Leeds Central and Headingley", "Leeds North West"),
    ],
)
def test_known_constituency_neighbours(
    shared_store: AreasStore, constituency: str, neighbour: str
) -> None:
    area = shared_store.area_search(constituency, type="constituency", limit=1)[0]
    other = shared_store.area_search(neighbour, type="constituency", limit=1)[0]
    assert neighbour in _names(shared_store.area_neighbours(area.code))
    assert constituency in _names(shared_store.area_neighbours(other.code))


@pytest.mark.shared_data
def test_distant_constituencies_are_not_neighbours(shared_store: AreasStore) -> None:
    islington_north = shared_store.area_search("Islington North", type="constituency")[0]
    names = _names(shared_store.area_neighbours(islington_north.code))
    assert "Cities of London and Westminster" not in names
    assert "Barking" not in names
    assert 3 <= len(names) <= 10


@pytest.mark.shared_data
def test_borough_neighbours_are_bcu_siblings(shared_store: AreasStore) -> None:
    assert _names(shared_store.area_neighbours("E09000019")) == {"Camden"}


@pytest.mark.shared_data
def test_ward_resolve_joins_met_2022_ward_rows(shared_data: Path, shared_store: AreasStore) -> None:
    with gzip.open(shared_data / MET_WARDS_2022, "rt", encoding="utf-8-sig", newline="") as handle:
        wards = {
            (r["WardCode"], r["WardName"], r["LookUp_BoroughName"]) for r in csv.DictReader(handle)
        }
    boroughs = {b for _, _, b in wards if not b.startswith("Aviation")}
    real = [w for w in wards if w[2] in boroughs]
    unmatched = [w for w in real if shared_store.ward_resolve(*w) is None]
    assert len(unmatched) <= len(real) * 0.02, unmatched
    code, name, borough = next(w for w in real if shared_store.area_get(w[0]) is not None)
    resolved = shared_store.ward_resolve(code, name, borough)
    assert resolved is not None and resolved.code == code


@pytest.mark.shared_data
def test_ward_resolve_by_name_in_borough(shared_store: AreasStore) -> None:
    resolved = shared_store.ward_resolve("E05999999", "highbury", "Islington")
    assert resolved is not None and resolved.name == "Highbury"
    assert resolved.note is not None and "by name" in resolved.note
    assert shared_store.ward_resolve("E05999999", "No Such Ward", "Islington") is None


@pytest.mark.shared_data
def test_constituency_boundary_is_stored(shared_store: AreasStore) -> None:
    islington_north = shared_store.area_search("Islington North", type="constituency")[0]
    geojson = shared_store.boundary_geojson(islington_north.code)
    assert geojson is not None and '"type":"Polygon"' in geojson.replace(" ", "")
