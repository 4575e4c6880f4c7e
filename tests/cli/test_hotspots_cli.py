"""`callingtime crime hotspots`: wiring from AREA to the library result, as a table and JSON."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from callingtime.areas.store import AreasStore
from callingtime.cli.analysis import AREA_AMBIGUOUS, AREA_NOT_FOUND, hotspots
from callingtime.crimedata.hotspots import area_hotspots
from callingtime.crimedata.store import store_open
from tests.crimedata import test_hotspots_stores as stores_module
from tests.crimedata.test_hotspots_stores import ISLINGTON, HotspotStores

pytestmark = pytest.mark.shared_data

hotspot_stores = stores_module.hotspot_stores


def run(stores: HotspotStores, *args: str) -> tuple[int, str]:
    dbs = ["--db", str(stores.crime_db), "--areas-db", str(stores.areas_db)]
    result = CliRunner().invoke(hotspots, [*args, *dbs])
    return result.exit_code, result.output


def library_result(stores: HotspotStores, code: str, **options: object) -> dict[str, object]:
    con = store_open(stores.crime_db, read_only=True)
    try:
        with AreasStore.open(stores.areas_db) as areas:
            result = area_hotspots(con=con, areas=areas, code=code, **options)  # type: ignore[arg-type]
    finally:
        con.close()
    payload = dataclasses.asdict(result)
    payload["window"] = result.window
    return json.loads(json.dumps(payload))  # tuples as lists, as the CLI prints them


def test_json_by_exact_name_is_the_library_result(hotspot_stores: HotspotStores) -> None:
    code, output = run(hotspot_stores, "Islington", "--category", "burglary", "--json")
    assert code == 0, output
    assert json.loads(output) == library_result(hotspot_stores, ISLINGTON, category="burglary")


def test_table_lists_every_hot_and_cold_spot_with_its_name(hotspot_stores: HotspotStores) -> None:
    code, output = run(hotspot_stores, ISLINGTON, "--category", "burglary")
    assert code == 0, output
    expected = library_result(hotspot_stores, ISLINGTON, category="burglary")
    rows = [r for r in expected["lsoas"] if r["confidence"] is not None]  # type: ignore[attr-defined]
    assert rows  # the real data has hot spots at these confidences
    lines = output.splitlines()
    for row in rows:
        line = next(line for line in lines if line.startswith(row["lsoa21cd"]))
        assert row["name"] in line and f"{row['z']:+.2f}" in line
        assert f"{'hot' if row['z'] > 0 else 'cold'} {row['confidence']}%" in line
    unflagged = [r for r in expected["lsoas"] if r["confidence"] is None]  # type: ignore[attr-defined]
    assert not any(line.startswith(unflagged[0]["lsoa21cd"]) for line in lines)
    assert f"{expected['hot_spots']} hot, {expected['cold_spots']} cold" in output
    assert "one test per LSOA" in output  # the multiple-testing caveat


def test_a_ward_is_widened_and_its_lsoas_are_starred(hotspot_stores: HotspotStores) -> None:
    code, output = run(hotspot_stores, "Arsenal", "--category", "burglary", "--json")
    assert code == 0, output
    payload = json.loads(output)
    assert payload["region"]["code"] == ISLINGTON and payload["area"]["name"] == "Arsenal"
    code, table = run(hotspot_stores, "Arsenal", "--category", "burglary")
    assert "* in Arsenal" in table


def test_unknown_area_and_unloaded_category_fail_with_their_messages(
    hotspot_stores: HotspotStores,
) -> None:
    code, output = run(hotspot_stores, "Nowhere Special")
    assert code == 1 and AREA_NOT_FOUND.format(text="Nowhere Special") in output
    code, output = run(hotspot_stores, ISLINGTON, "--category", "robbery")
    assert code == 1 and "Robbery is not loaded" in output


def test_missing_store_is_reported(hotspot_stores: HotspotStores, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        hotspots,
        [
            ISLINGTON,
            "--db",
            str(tmp_path / "none.duckdb"),
            "--areas-db",
            str(hotspot_stores.areas_db),
        ],
    )
    assert result.exit_code == 1 and "There is no crime store" in result.output


def test_ambiguous_names_ask_for_a_code(hotspot_stores: HotspotStores) -> None:
    with AreasStore.open(hotspot_stores.areas_db) as store:
        seen: dict[str, list[str]] = {}
        for area in store.areas.values():
            seen.setdefault(area.name, []).append(area.code)
    name = next(name for name, codes in sorted(seen.items()) if len(codes) > 1)
    code, output = run(hotspot_stores, name)
    assert code == 1
    assert AREA_AMBIGUOUS.split("{choices}")[0].format(text=name) in output
