"""The area profile page and its downloads: wiring, content types and errors, on the demo stores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from callingtime.areas.store import AreasStore
from callingtime.cli.crime import crime
from callingtime.crimedata.profile import area_profile
from callingtime.crimedata.store import store_open
from callingtime.evidence.exports import cell_safe, csv_text

pytestmark = pytest.mark.django_db

ISLINGTON_NORTH = "E14001305"
DAGENHAM = "E14001189"
BURGLARY = {"category": "burglary"}
NOT_LOADED = {"category": "shoplifting", "source": "police-uk"}  # the demo has Met burglary only


def test_profile_page_shows_every_section(client: Client, demo_stores: object) -> None:
    response = client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Islington North" in body
    for heading in (
        "Burglary: the latest 12 months",
        "Month by month",
        "Neighbourhood by neighbourhood",
        "Compared with other areas",
        "Where crimes were recorded (approximate)",
        "What happened next",
        "Stop and search",
        "What is loaded, and the limits of these figures",
        "Share these figures",
    ):
        assert heading in body, heading
    assert 'aria-label="Breadcrumb"' in body and "/areas/E09000019/" in body
    assert f'data-geojson-url="/areas/{ISLINGTON_NORTH}/map.geojson?category=burglary' in body
    assert "<svg" in body and "<title" in body and "<desc" in body
    assert "Police recorded crime is not National Statistics." in body
    assert "on or near" in body.lower()


def test_profile_page_has_no_inline_styles_or_scripts(client: Client, demo_stores: object) -> None:
    body = client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY).content.decode()
    assert ' style="' not in body
    assert "<script>" not in body and "<script " in body  # external scripts only


def test_profile_page_tables_have_captions_and_scopes(client: Client, demo_stores: object) -> None:
    body = client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY).content.decode()
    assert body.count("<table") == body.count("<caption>") >= 5
    assert 'scope="col"' in body and 'scope="row"' in body


def test_profile_page_marks_incomplete_outcome_months(client: Client, demo_stores: object) -> None:
    body = client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY).content.decode()
    assert "incomplete" in body


def test_met_counts_profile_renders(client: Client, demo_stores: object) -> None:
    response = client.get(f"/areas/{DAGENHAM}/", {"category": "violent-crime", "source": "mps"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dagenham and Rainham" in body and "Violence and sexual offences" in body
    assert "Metropolitan Police" in body


def test_unknown_category_is_a_400_with_the_valid_list(client: Client, demo_stores: object) -> None:
    response = client.get(f"/areas/{ISLINGTON_NORTH}/", {"category": "knife-crime"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is no crime category" in body
    assert "burglary" in body and "possession-of-weapons" in body
    for url in ("profile.json", "lsoas.csv", "map.geojson", "infographic.png"):
        assert client.get(f"/areas/{ISLINGTON_NORTH}/{url}", {"category": "x"}).status_code == 400


def test_not_loaded_category_says_what_is_loaded(client: Client, demo_stores: object) -> None:
    response = client.get(f"/areas/{ISLINGTON_NORTH}/", NOT_LOADED)
    assert response.status_code == 200
    body = response.content.decode()
    assert "No crime figures to show for this choice" in body
    assert "not loaded" in body.lower()
    assert "What this installation has loaded" in body and "Burglary" in body
    assert "Islington North" in body  # the geography is still shown
    json_response = client.get(f"/areas/{ISLINGTON_NORTH}/profile.json", NOT_LOADED)
    assert json_response.status_code == 404
    assert "not loaded" in json_response.content.decode().lower()


def test_bad_end_month_is_a_400(client: Client, demo_stores: object) -> None:
    assert client.get(f"/areas/{ISLINGTON_NORTH}/", {"end": "2024-13"}).status_code == 400
    response = client.get(f"/areas/{ISLINGTON_NORTH}/", {**BURGLARY, "end": "1999-01"})
    assert response.status_code == 400
    assert "1999-01" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["", "profile.json", "profile.csv", "lsoas.csv", "map.geojson", "infographic.png"],
)
def test_unknown_area_is_a_404(client: Client, demo_stores: object, url: str) -> None:
    assert client.get(f"/areas/E99999999/{url}", BURGLARY).status_code == 404


def test_profile_json_equals_the_cli_json(client: Client, demo_stores: tuple[Path, Path]) -> None:
    response = client.get(f"/areas/{ISLINGTON_NORTH}/profile.json", BURGLARY)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    crime_db, areas_db = demo_stores
    result = CliRunner().invoke(
        crime,
        ["profile", ISLINGTON_NORTH, "--category", "burglary", "--json",
         "--db", str(crime_db), "--areas-db", str(areas_db)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert response.json() == json.loads(result.output)
    assert response.json()["area"] == {
        "code": ISLINGTON_NORTH,
        "name": "Islington North",
        "type": "constituency",
    }


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.parametrize(
    ("table", "header"),
    [
        ("profile", ["area_code", "area_name", "area_type", "category", "category_label"]),
        ("lsoas", ["lsoa21cd", "name", "count", "population", "rate_per_1000"]),
        ("places", ["location_approximate", "lsoa21cd", "count", "latitude", "longitude"]),
        ("comparisons", ["relation", "area_code", "area_name", "area_type", "count"]),
        ("outcomes", ["month", "crimes", "charged", "no_suspect", "share_charged"]),
        ("stop-search", ["breakdown", "label", "count", "share"]),
        ("coverage", ["item", "value"]),
    ],
)
def test_csv_downloads_have_headers_and_rows(
    client: Client, demo_stores: object, table: str, header: list[str]
) -> None:
    response = client.get(f"/areas/{ISLINGTON_NORTH}/{table}.csv", BURGLARY)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert f"{ISLINGTON_NORTH}-burglary-" in response.headers["Content-Disposition"]
    rows = _rows(response.content)
    assert rows[0][: len(header)] == header
    assert len(rows) > 1
    if table == "stop-search":  # the demo has six months of stop and search: never a full window
        reason = client.get(f"/areas/{ISLINGTON_NORTH}/profile.json", BURGLARY).json()
        assert rows[1][:2] == ["not available", reason["stop_search"]["reason"]]
    else:
        assert rows[1][0] != "not available"


def test_profile_csv_months_match_the_json(client: Client, demo_stores: object) -> None:
    profile = client.get(f"/areas/{ISLINGTON_NORTH}/profile.json", BURGLARY).json()
    rows = _rows(client.get(f"/areas/{ISLINGTON_NORTH}/profile.csv", BURGLARY).content)
    header = rows[0]
    months = {row[header.index("month")]: row[header.index("count")] for row in rows[1:]}
    expected = {
        m["month"]: "" if m["count"] is None else str(m["count"]) for m in profile["monthly"]
    }
    assert months == expected
    assert rows[1][header.index("window_count")] == str(profile["count"])


def test_lsoa_csv_totals_the_area_count(client: Client, demo_stores: object) -> None:
    profile = client.get(f"/areas/{ISLINGTON_NORTH}/profile.json", BURGLARY).json()
    rows = _rows(client.get(f"/areas/{ISLINGTON_NORTH}/lsoas.csv", BURGLARY).content)
    assert sum(int(row[2]) for row in rows[1:]) == profile["count"]


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=x"])
def test_csv_guards_against_formula_injection(text: str) -> None:
    rows = list(csv.reader(io.StringIO(csv_text(["a", "b"], [[text, -5]]))))
    assert rows[1][0] == "'" + text
    assert rows[1][1] == "-5"  # numbers stay numbers
    assert cell_safe("On or near High Street") == "On or near High Street"


def test_map_geojson_has_area_and_ring_features(client: Client, demo_stores: object) -> None:
    response = client.get(f"/areas/{ISLINGTON_NORTH}/map.geojson", BURGLARY)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    inside = [f for f in data["features"] if f["properties"]["in_area"]]
    ring = [f for f in data["features"] if not f["properties"]["in_area"]]
    profile = client.get(f"/areas/{ISLINGTON_NORTH}/profile.json", BURGLARY).json()
    assert len(inside) == len(profile["lsoas"]) > 0
    assert sum(f["properties"]["count"] for f in inside) == profile["count"]
    assert ring and all(f["properties"]["name"] for f in ring)
    assert any(f["properties"]["count"] is not None for f in ring)
    for feature in data["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert set(feature["properties"]) >= {"name", "count", "rate_per_1000", "in_area", "band"}
    bands = {f["properties"]["band"] for f in data["features"]} - {None}
    assert bands == set(range(len(data["legend"]))) and len(data["legend"]) == 5


def test_infographic_downloads_are_pngs_of_the_right_size(
    client: Client, demo_stores: object
) -> None:
    for size, expected in (("square", (1080, 1080)), ("landscape", (1200, 630))):
        response = client.get(
            f"/areas/{ISLINGTON_NORTH}/infographic.png", {**BURGLARY, "size": size}
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/png"
        assert "attachment" in response.headers["Content-Disposition"]
        body = response.content
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
        assert (width, height) == expected


def test_infographic_svg_carries_hashtag_source_and_caveat(
    client: Client, demo_stores: object
) -> None:
    response = client.get(
        f"/areas/{ISLINGTON_NORTH}/infographic.svg", {**BURGLARY, "hashtag": "SaferIslington"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "#SaferIslington" in svg
    assert "Police recorded crime is not National Statistics." in svg
    assert "Open Government Licence v3.0" in svg and "police.uk" in svg


@pytest.mark.parametrize("hashtag", ["two words", "#" + "a" * 41, "semi;colon", "##double"])
def test_infographic_refuses_a_bad_hashtag(
    client: Client, demo_stores: object, hashtag: str
) -> None:
    response = client.get(
        f"/areas/{ISLINGTON_NORTH}/infographic.png", {**BURGLARY, "hashtag": hashtag}
    )
    assert response.status_code == 400
    assert "hashtag" in response.content.decode().lower()


def test_search_and_postcode_results_link_to_the_profile(
    client: Client, demo_stores: object
) -> None:
    search = client.get("/areas/", {"q": "Islington North"}).content.decode()
    assert f'href="/areas/{ISLINGTON_NORTH}/"' in search
    lookup = client.get("/lookup/", {"postcode": "rm108aa"}).content.decode()
    assert f'href="/areas/{DAGENHAM}/"' in lookup


def test_map_tiles_are_offered_only_when_configured(
    client: Client, demo_stores: object, settings
) -> None:
    body = client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY).content.decode()
    assert "data-tiles-url" not in body
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "© Example map contributors"
    body = client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY).content.decode()
    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in body
    assert "© Example map contributors" in body


def test_tile_host_goes_into_the_csp_img_src() -> None:
    from config.settings import _tile_origin

    assert _tile_origin("") == []
    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == [
        "https://*.tile.example.org"
    ]
    with pytest.raises(Exception, match="http"):
        _tile_origin("javascript:alert(1)")


def test_profile_page_is_fast_when_warm(client: Client, demo_stores: tuple[Path, Path]) -> None:
    import time

    client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        assert client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY).status_code == 200
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.3, timings


def test_page_figures_equal_the_library(client: Client, demo_stores: tuple[Path, Path]) -> None:
    crime_db, areas_db = demo_stores
    con = store_open(crime_db, read_only=True)
    try:
        with AreasStore.open(areas_db) as areas:
            profile = area_profile(con=con, areas=areas, code=ISLINGTON_NORTH, category="burglary")
    finally:
        con.close()
    body = client.get(f"/areas/{ISLINGTON_NORTH}/", BURGLARY).content.decode()
    assert profile.count is not None and f"{profile.count:,}" in body
    assert profile.change is not None and profile.change.summary[1:] in body


def test_area_page_without_a_category_shows_a_loaded_one_and_says_so(
    client: Client, demo_stores: object
) -> None:
    # The demo's Met police.uk files hold burglary only, so all crime is not loaded there.
    response = client.get("/areas/E14001305/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not loaded for Islington North, so this page shows" in body
    assert 'class="chart"' in body


def test_area_page_with_a_chosen_category_never_falls_back(
    client: Client, demo_stores: object
) -> None:
    response = client.get("/areas/E14001305/", {"category": "all-crime"})
    assert response.status_code == 200
    assert "so this page shows" not in response.content.decode()
