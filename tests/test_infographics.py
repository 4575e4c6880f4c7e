"""Infographics of real demo profiles: the figures, the source line, the caveat and the sizes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from callingtime.areas.store import AreasStore
from callingtime.crimedata.profile import area_profile
from callingtime.crimedata.profile_model import AreaProfile
from callingtime.crimedata.store import store_open
from callingtime.demo import demo_load
from callingtime.infographics import (
    CAVEAT,
    InfographicUnavailableError,
    hashtag_clean,
    infographic_filename,
    infographic_render,
    infographic_text,
    profile_figures,
)
from callingtime.sources import OGL_LINE

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "infographics"


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, AreasStore]]:
    folder = tmp_path_factory.mktemp("infographic-stores")
    crime_db, areas_db = folder / "crime.duckdb", folder / "areas.duckdb"
    assert demo_load(crime_db=crime_db, areas_db=areas_db).ok
    con = store_open(crime_db, read_only=True)
    areas = AreasStore.open(areas_db)
    yield con, areas
    areas.close()
    con.close()


def _profile(stores: tuple[object, AreasStore], code: str, **kwargs: str) -> AreaProfile:
    con, areas = stores
    return area_profile(con=con, areas=areas, code=code, **kwargs)  # type: ignore[arg-type]


def test_figures_carry_the_profile_word_for_word(stores: tuple[object, AreasStore]) -> None:
    profile = _profile(stores, "E14001305", category="burglary")
    figures = profile_figures(profile, hashtag="SaferIslington")
    assert figures.area_name == "Islington North" and figures.area_type == "Constituency"
    assert figures.count == profile.count and figures.previous_count == profile.previous_count
    assert profile.change is not None and figures.change_text == profile.change.summary
    assert figures.caveat == CAVEAT == "Police recorded crime is not National Statistics."
    assert profile.source_label in figures.source_line and OGL_LINE in figures.source_line
    assert figures.hashtag == "#SaferIslington"
    assert [p.count for p in figures.monthly] == [m.count for m in profile.monthly]
    assert figures.rate_text is not None and str(profile.population_year) in figures.rate_text


def test_possession_of_weapons_is_never_called_knife_crime(
    stores: tuple[object, AreasStore],
) -> None:
    profile = _profile(stores, "E14001189", category="possession-of-weapons", source="mps")
    svg = infographic_render(profile, size="square", fmt="svg").decode()
    assert "Possession of weapons" in svg
    assert "knife" not in svg.lower()
    assert "knife" not in (infographic_text(profile) or "").lower()


@pytest.mark.parametrize(
    ("code", "kwargs", "name"),
    [
        ("E14001305", {"category": "burglary"}, "islington-north-burglary"),
        ("E14001189", {"category": "violent-crime", "source": "mps"}, "dagenham-violent-crime"),
    ],
)
def test_demo_examples_render_at_exact_sizes(
    stores: tuple[object, AreasStore], code: str, kwargs: dict[str, str], name: str
) -> None:
    profile = _profile(stores, code, **kwargs)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for size, expected in (("square", (1080, 1080)), ("landscape", (1200, 630))):
        png = infographic_render(profile, size=size, fmt="png", hashtag="SaferStreets")  # type: ignore[arg-type]
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == expected
        (ARTIFACTS / f"{name}-{size}.png").write_bytes(png)
        svg = infographic_render(profile, size=size, fmt="svg")  # type: ignore[arg-type]
        assert f'width="{expected[0]}"' in svg.decode() and CAVEAT in svg.decode()
        (ARTIFACTS / f"{name}-{size}.svg").write_bytes(svg)


def test_a_profile_without_a_count_cannot_be_drawn(stores: tuple[object, AreasStore]) -> None:
    profile = replace(_profile(stores, "E14001305", category="burglary"), count=None)
    with pytest.raises(InfographicUnavailableError, match="nothing to share"):
        profile_figures(profile)
    assert infographic_text(profile) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("SaferStreets", "#SaferStreets"), ("#Safer_2025", "#Safer_2025"), ("  ", None), (None, None)],
)
def test_hashtag_clean_accepts(text: str | None, expected: str | None) -> None:
    assert hashtag_clean(text) == expected


@pytest.mark.parametrize("text", ["two words", "a" * 41, "#semi;colon", "##x", "#2025", "#"])
def test_hashtag_clean_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        hashtag_clean(text)


def test_filename_names_area_category_month_and_size(stores: tuple[object, AreasStore]) -> None:
    profile = _profile(stores, "E14001305", category="burglary")
    name = infographic_filename(profile, size="landscape", fmt="png")
    assert name == f"islington-north-burglary-{profile.window.end}-landscape.png"
