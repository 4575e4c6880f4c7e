"""Postcode normalisation and lookup, with the three distinct failures."""

from __future__ import annotations

import csv
import gzip
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callingtime.areas.postcodes import (
    POSTCODE_MALFORMED,
    POSTCODE_TERMINATED,
    PostcodeError,
    PostcodeMalformedError,
    PostcodeTerminatedError,
    PostcodeUnknownError,
    postcode_normalise,
)
from callingtime.areas.store import AreasStore
from tests.areas import tiny

LETTERS = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = st.sampled_from("0123456789")
OUTWARD = st.one_of(
    st.tuples(LETTERS, DIGITS).map("".join),
    st.tuples(LETTERS, DIGITS, DIGITS).map("".join),
    st.tuples(LETTERS, LETTERS, DIGITS).map("".join),
    st.tuples(LETTERS, LETTERS, DIGITS, LETTERS).map("".join),
    st.tuples(LETTERS, DIGITS, LETTERS).map("".join),
)
INWARD = st.tuples(DIGITS, LETTERS, LETTERS).map("".join)
SPACES = st.text(alphabet=" \t", max_size=3)


@given(OUTWARD, INWARD, SPACES, SPACES, SPACES, st.booleans())
def test_postcode_normalise_folds_case_and_spaces(
    outward: str, inward: str, before: str, middle: str, after: str, lower: bool
) -> None:
    text = f"{before}{outward}{middle}{inward}{after}"
    normalised = postcode_normalise(text.lower() if lower else text)
    assert normalised == f"{outward} {inward}"
    assert postcode_normalise(normalised) == normalised


@given(st.text(max_size=12))
def test_postcode_normalise_accepts_only_postcode_shapes(text: str) -> None:
    try:
        normalised = postcode_normalise(text)
    except PostcodeMalformedError as error:
        assert str(error) == POSTCODE_MALFORMED.format(text=text)
    else:
        outward, inward = normalised.split(" ")
        assert 2 <= len(outward) <= 4 and len(inward) == 3
        assert inward[0].isdigit() and inward[1:].isalpha()


@pytest.mark.parametrize("text", ["n11aa", " N1  1AA ", "n1 1aa", "N1\t1AA"])
def test_postcode_normalise_examples(text: str) -> None:
    assert postcode_normalise(text) == "N1 1AA"


@pytest.mark.parametrize(
    "text", ["", "N1", "1AA N1", "N1 1A", "NNN1 1AA", "N111 1AA", "N1 AAA", "N1-1AA"]
)
def test_postcode_normalise_rejects_malformed(text: str) -> None:
    with pytest.raises(PostcodeMalformedError):
        postcode_normalise(text)


def test_postcode_lookup_live(tiny_store: AreasStore) -> None:
    result = tiny_store.postcode_lookup(" n1  9gu ")
    assert result.postcode == "N1 9GU"
    assert result.lsoa21.code == tiny.UNCHANGED
    assert result.borough is not None and result.borough.code == tiny.ISLINGTON
    assert result.bcu is not None and result.bcu.name == "Central North"
    assert result.force is not None and result.force.code == tiny.MET
    assert result.constituency is not None and result.constituency.code == tiny.ISL_SOUTH
    assert result.constituency_approximate and result.constituency_method == "pwc_in_polygon"
    assert result.mp is not None and result.mp.name == "Emily Thornberry"
    assert result.introduced == "2008-11"


def test_postcode_lookup_terminated_gives_the_date(tiny_store: AreasStore) -> None:
    with pytest.raises(PostcodeTerminatedError) as raised:
        tiny_store.postcode_lookup("N1 1AA")
    assert raised.value.terminated == "2015-11"
    expected = POSTCODE_TERMINATED.format(
        postcode="N1 1AA", terminated="2015-11", introduced="2015-06"
    )
    assert str(raised.value) == expected


def test_postcode_lookup_unknown_says_what_is_loaded(tiny_store: AreasStore) -> None:
    with pytest.raises(PostcodeUnknownError, match="covers only what was imported") as raised:
        tiny_store.postcode_lookup("LS1 1AA")
    assert "3 postcodes in 1 local authorities (Islington)" in str(raised.value)


def test_postcode_errors_are_distinct(tiny_store: AreasStore) -> None:
    raised = []
    for text in ("not a postcode", "LS1 1AA", "N1 1AA"):
        with pytest.raises(PostcodeError) as error:
            tiny_store.postcode_lookup(text)
        raised.append(type(error.value))
    assert raised == [PostcodeMalformedError, PostcodeUnknownError, PostcodeTerminatedError]


def _real_postcodes(shared_data: Path) -> list[dict[str, str]]:
    path = shared_data / "postcodes" / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_london.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shared_data
def test_postcode_normalise_keeps_every_real_pcds(shared_data: Path) -> None:
    rows = _real_postcodes(shared_data)
    assert all(postcode_normalise(row["pcds"]) == row["pcds"] for row in rows)
    assert all(postcode_normalise(row["pcd7"]) == row["pcds"] for row in rows)


@pytest.mark.shared_data
def test_postcode_lookup_real_counts_match_the_file(
    shared_data: Path, shared_store: AreasStore
) -> None:
    rows = _real_postcodes(shared_data)
    live = [row for row in rows if not row["doterm"]]
    assert shared_store.postcode_count() == len({row["pcds"] for row in rows})
    islington = next(row for row in live if row["ladcd"] == "E09000019")
    result = shared_store.postcode_lookup(islington["pcds"].lower().replace(" ", ""))
    assert result.borough is not None and result.borough.name == "Islington"
    assert result.force is not None and result.force.name == "Metropolitan Police"
    assert result.mp is not None
    dagenham = next(row for row in live if row["pcds"].startswith("RM10 "))
    result = shared_store.postcode_lookup(dagenham["pcds"])
    assert result.borough is not None and result.borough.name == "Barking and Dagenham"
    assert result.bcu is not None and result.bcu.name == "East"


@pytest.mark.shared_data
def test_postcode_lookup_is_fast(shared_data: Path, shared_store: AreasStore) -> None:
    live = [row["pcds"] for row in _real_postcodes(shared_data) if not row["doterm"]][::900]
    shared_store.postcode_lookup(live[0])  # the first call reads the small tables
    started = time.perf_counter()
    for postcode in live:
        shared_store.postcode_lookup(postcode)
    per_lookup_ms = (time.perf_counter() - started) / len(live) * 1000
    assert per_lookup_ms < 10
