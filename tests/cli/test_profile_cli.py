"""`callingtime crime profile`: AREA as a code, a name and a postcode; JSON, table and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from callingtime.cli import main
from tests.crimedata.test_profile_real import LOOKUP, PCON, stores_build

pytestmark = pytest.mark.shared_data
POSTCODES = "postcodes/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_london.csv.gz"
ISLINGTON_NORTH = "E14001305"
JSON_KEYS = {
    "area",
    "category",
    "source",
    "window",
    "count",
    "previous_count",
    "population",
    "rate_per_1000",
    "change",
    "monthly",
    "excluded_no_location",
    "caveats",
}


@pytest.fixture(scope="module")
def stores(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    areas_db, crime_db = stores_build(shared_data, tmp_path_factory.mktemp("profile-cli"))
    return str(areas_db), str(crime_db)


def _invoke(stores: tuple[str, str], *args: str) -> tuple[int, str, str]:
    areas_db, crime_db = stores
    command = ["crime", "profile", *args, "--db", crime_db, "--areas-db", areas_db]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _profile_json(stores: tuple[str, str], *args: str) -> dict[str, object]:
    code, out, err = _invoke(stores, *args, "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def _postcode_inside(shared: Path, constituency: str) -> str:
    """A live postcode whose 2011 LSOA maps to one 2021 LSOA, wholly in the constituency."""
    lookup = pd.read_csv(shared / LOOKUP, dtype=str, keep_default_na=False)
    unsplit = lookup.groupby("LSOA11CD")["LSOA21CD"].nunique() == 1
    to21 = lookup[lookup.LSOA11CD.map(unsplit)].set_index("LSOA11CD")["LSOA21CD"]
    pcon = pd.read_csv(shared / PCON, dtype=str, keep_default_na=False)
    inside = set(pcon.loc[constituency == pcon.PCON24CD, "LSOA21CD"])
    codes = pd.read_csv(shared / POSTCODES, dtype=str, keep_default_na=False)
    live = codes[(codes.doterm == "") & (codes.usertype == "0")]
    found = live[live.lsoa11cd.map(to21).isin(inside)]
    return str(found.pcds.sort_values().iloc[0])


def test_json_by_code_carries_every_field_and_consistent_figures(
    stores: tuple[str, str],
) -> None:
    data = _profile_json(stores, ISLINGTON_NORTH, "--category", "burglary")
    assert set(data) >= JSON_KEYS
    area = data["area"]
    assert isinstance(area, dict)
    assert area == {**area, "code": ISLINGTON_NORTH, "type": "constituency"}
    assert area["name"] == "Islington North"
    assert data["category"] == "burglary" and data["source"] == "police-uk"
    monthly = data["monthly"]
    assert isinstance(monthly, list) and len(monthly) == 24
    window = data["window"]
    assert isinstance(window, dict)
    assert monthly[12]["month"] == window["start"] and monthly[-1]["month"] == window["end"]
    assert data["count"] == sum(m["count"] for m in monthly[12:])
    assert data["previous_count"] == sum(m["count"] for m in monthly[:12])
    change = data["change"]
    assert isinstance(change, dict)
    assert set(change) >= {"absolute", "z", "p_value", "notable"}
    assert change["absolute"] == data["count"] - data["previous_count"]  # type: ignore[operator]
    population = data["population"]
    assert isinstance(population, int) and population > 0
    assert data["rate_per_1000"] == pytest.approx(1000 * data["count"] / population)  # type: ignore[operator]
    caveats = data["caveats"]
    assert isinstance(caveats, list) and any("approximate" in c for c in caveats)


def test_a_name_and_a_postcode_give_the_same_profile_as_the_code(
    stores: tuple[str, str], shared_data: Path
) -> None:
    by_code = _profile_json(stores, ISLINGTON_NORTH, "--category", "burglary")
    by_name = _profile_json(stores, "Islington North", "--category", "burglary")
    postcode = _postcode_inside(shared_data, ISLINGTON_NORTH)
    by_postcode = _profile_json(stores, postcode, "--category", "burglary")
    assert by_name == by_code
    assert by_postcode == by_code


def test_end_and_source_choose_the_window_and_the_source(stores: tuple[str, str]) -> None:
    data = _profile_json(
        stores, "E09000019", "--category", "burglary", "--source", "mps", "--end", "2024-06"
    )
    assert data["source"] == "mps"
    assert data["window"] == {"start": "2023-07", "end": "2024-06"}
    monthly = data["monthly"]
    assert isinstance(monthly, list)
    assert [m["month"] for m in monthly][::12] == ["2022-07", "2023-07"]


def test_the_table_is_readable(stores: tuple[str, str]) -> None:
    json_data = _profile_json(stores, ISLINGTON_NORTH, "--category", "burglary")
    code, out, err = _invoke(stores, ISLINGTON_NORTH, "--category", "burglary")
    assert code == 0, err
    window = json_data["window"]
    assert isinstance(window, dict)
    assert "Islington North" in out and "Burglary" in out
    assert f"12 months {window['start']} to {window['end']}" in out
    assert f"{json_data['count']:,}" in out
    assert "Open Government Licence" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("E99999999",), "no area matches"),
        (("E14001305", "--category", "knife-crime"), "valid categories"),
        (("E14001305", "--category", "burglary", "--end", "2024-13"), "is not YYYY-MM"),
        (("E14001305", "--category", "burglary", "--end", "2030-01"), "outside what is loaded"),
        (("E14001305", "--category", "drugs", "--source", "police-uk"), "not loaded"),
    ],
)
def test_errors_exit_non_zero_with_the_message(
    stores: tuple[str, str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = _invoke(stores, *args)
    assert code != 0
    assert message in err and not out.strip()
