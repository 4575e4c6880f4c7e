from __future__ import annotations

import time
from pathlib import Path

import pytest

from callingtime.graphics import infographic_png, infographic_svg
from callingtime.graphics.infographic import SIZES, png_dimensions
from callingtime.graphics.models import HeadlineFigures, MonthlyPoint
from tests.graphics.examples import (
    MET_SOURCE,
    islington_north_burglary,
    leeds_two_months,
    months_from,
)
from tests.graphics.svgparse import SVG, all_text, drawn_texts, parse_svg, rects

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "graphics"
SIXTY_CHARACTERS = "Newcastle upon Tyne East and Wallsend and Longbenton Northum"
LONG_NAMES = ["Hornsey and Friern Barnet", "Bethnal Green and Stepney", SIXTY_CHARACTERS]
SMALL_COUNTS = (1, 0, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 2, 1, 1, 0, 3, 1, 2, 1, 2, 1, 2, 1)
BOTH_SIZES = pytest.mark.parametrize("size", ["square", "landscape"])


def test_sixty_character_name_is_sixty_characters() -> None:
    assert len(SIXTY_CHARACTERS) == 60


@BOTH_SIZES
def test_infographic_is_well_formed_with_title_and_desc(size: str) -> None:
    root = parse_svg(infographic_svg(islington_north_burglary(), size=size))  # type: ignore[arg-type]
    width, height = SIZES[size]
    assert (root.get("width"), root.get("height")) == (str(width), str(height))
    assert root.find(f"{SVG}title").text == "Islington North: Burglary, Dec 2023 – Nov 2024"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "1,500 recorded in Dec 2023 – Nov 2024" in desc and MET_SOURCE in desc


@BOTH_SIZES
@pytest.mark.parametrize("name", LONG_NAMES)
def test_long_area_names_stay_inside_the_canvas(size: str, name: str) -> None:
    figures = islington_north_burglary(
        area_name=name, category_label="Violence and sexual offences", count=123456
    )
    root = parse_svg(infographic_svg(figures, size=size))  # type: ignore[arg-type]
    width, height = SIZES[size]
    texts = drawn_texts(root)
    for text in texts:
        assert text.left > 0 and text.right < width, text
        assert text.size <= text.baseline < height, text
    # The name is wrapped or shrunk, never cut short.
    assert (
        " ".join(t.content for t in texts if t.bold and len(t.content) > 3 and t.content in name)
        == name
    )


@BOTH_SIZES
def test_text_blocks_do_not_overlap(size: str) -> None:
    figures = islington_north_burglary(area_name=SIXTY_CHARACTERS, hashtag="#" + "Safer" * 6)
    texts = [t for t in drawn_texts(parse_svg(infographic_svg(figures, size=size))) if t.size >= 20]  # type: ignore[arg-type]
    for index, first in enumerate(texts):
        for second in texts[index + 1 :]:
            side_by_side = first.right <= second.left or second.right <= first.left
            # Ink runs from about cap height above the baseline to the descender below it.
            top_a, bottom_a = first.baseline - 0.72 * first.size, first.baseline + 0.21 * first.size
            top_b, bottom_b = (
                second.baseline - 0.72 * second.size,
                second.baseline + 0.21 * second.size,
            )
            stacked = bottom_a <= top_b + 1 or bottom_b <= top_a + 1
            assert side_by_side or stacked, (first, second)


@BOTH_SIZES
def test_hashtag_present_when_given_and_absent_when_not(size: str) -> None:
    with_tag = infographic_svg(islington_north_burglary(), size=size)  # type: ignore[arg-type]
    assert "#SaferIslingtonNorth" in all_text(parse_svg(with_tag))
    without = parse_svg(infographic_svg(islington_north_burglary(hashtag=None), size=size))  # type: ignore[arg-type]
    assert "#" not in all_text(without)
    assert not [el for el in without.iter() if el.get("class") in {"ct-hashtag", "ct-hashtag-band"}]


@BOTH_SIZES
def test_source_line_and_caveat_are_always_drawn(size: str) -> None:
    figures = leeds_two_months()
    text = all_text(parse_svg(infographic_svg(figures, size=size)))  # type: ignore[arg-type]
    assert figures.caveat in text
    assert (
        figures.source_line.split()
        == [word for word in text.split() if word in figures.source_line.split()][
            -len(figures.source_line.split()) :
        ]
    )


@BOTH_SIZES
def test_small_counts_get_no_percentage_of_our_own(size: str) -> None:
    figures = islington_north_burglary(
        count=17, previous_count=12, change_text="up 5, no notable change"
    )
    text = all_text(parse_svg(infographic_svg(figures, size=size)))  # type: ignore[arg-type]
    assert "%" not in text
    assert "Up 5, no notable change" in text


@BOTH_SIZES
def test_gap_month_is_marked_in_the_infographic_chart(size: str) -> None:
    root = parse_svg(infographic_svg(islington_north_burglary(), size=size))  # type: ignore[arg-type]
    assert [gap.get("data-month") for gap in rects(root, "ct-gap")] == ["2023-07"]
    assert "Not loaded" in all_text(root)


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="square"):
        infographic_svg(islington_north_burglary(), size="portrait")  # type: ignore[arg-type]


def _example_figures() -> dict[str, HeadlineFigures]:
    return {
        "islington-north-burglary": islington_north_burglary(),
        "islington-north-burglary-complete": islington_north_burglary(gap_month=None),
        "leeds-two-months": leeds_two_months(),
        "hornsey-and-friern-barnet": islington_north_burglary(
            gap_month=None,
            area_name="Hornsey and Friern Barnet",
            hashtag="#HornseyAndFriernBarnetSafeStreets",
        ),
        "bethnal-green-small-count": islington_north_burglary(
            gap_month=None,
            area_name="Bethnal Green & St Peter's",
            area_type="Ward",
            category_label="Robbery",
            count=17,
            previous_count=12,
            change_text="up 5, no notable change",
            rate_text=None,
            hashtag=None,
            monthly=tuple(
                MonthlyPoint(month, count)
                for month, count in zip(months_from(2022, 12, 24), SMALL_COUNTS, strict=True)
            ),
        ),
        "sixty-character-name": islington_north_burglary(
            gap_month=None, area_name=SIXTY_CHARACTERS
        ),
    }


@BOTH_SIZES
def test_example_pngs_have_exact_size_and_render_quickly(size: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    infographic_png(leeds_two_months(), size=size)  # type: ignore[arg-type]  # warm up the renderer
    timings = []
    for name, figures in _example_figures().items():
        started = time.perf_counter()
        png = infographic_png(figures, size=size)  # type: ignore[arg-type]
        timings.append(time.perf_counter() - started)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert png_dimensions(png) == SIZES[size]
        (ARTIFACTS / f"{name}-{size}.png").write_bytes(png)
        svg = infographic_svg(figures, size=size)  # type: ignore[arg-type]
        (ARTIFACTS / f"{name}-{size}.svg").write_text(svg, encoding="utf-8")
    # Aim is under 1 s on a shared two-core machine; fail only when far off.
    assert max(timings) < 3.0, timings


@BOTH_SIZES
def test_long_source_line_is_wrapped_never_cut(size: str) -> None:
    source = MET_SOURCE + " Population: ONS mid-2020 estimates. Boundaries: ONS Open Geography." * 2
    root = parse_svg(infographic_svg(islington_north_burglary(source_line=source), size=size))  # type: ignore[arg-type]
    text = all_text(root)
    assert "…" not in text
    assert all(word in text.split() for word in source.split())
    assert all(t.right < SIZES[size][0] for t in drawn_texts(root))
