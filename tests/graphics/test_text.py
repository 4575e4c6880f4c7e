from __future__ import annotations

from callingtime.graphics._palette import (
    ACCENT,
    GAP_HATCH,
    INK,
    PANEL,
    PREVIOUS_BAR,
    SECONDARY_TEXT,
    WHITE,
    contrast_ratio,
)
from callingtime.graphics._text import ELLIPSIS, fit_text, text_width, wrap_text, xml_text

LONG_NAME = "Newcastle upon Tyne East and Wallsend and Somewhere Else Too"


def test_text_width_matches_arial_metrics() -> None:
    # Liberation Sans is metric-compatible with Arial: "M" is 0.833 em, "i" 0.222 em.
    assert round(text_width("M", 100), 1) == 83.3
    assert round(text_width("i", 100), 1) == 22.2
    assert text_width("Burglary", 20, bold=True) > text_width("Burglary", 20)


def test_text_width_counts_unknown_characters_as_a_full_em() -> None:
    assert text_width("\U0001f6a8", 20) == 20


def test_wrap_text_keeps_every_line_within_width() -> None:
    lines = wrap_text(LONG_NAME, 300, 40, bold=True)
    assert " ".join(lines) == LONG_NAME
    assert all(text_width(line, 40, bold=True) <= 300 for line in lines)


def test_wrap_text_breaks_a_word_longer_than_the_box() -> None:
    lines = wrap_text("#" + "x" * 80, 200, 20)
    assert len(lines) > 1
    assert all(text_width(line, 20) <= 200 for line in lines)


def test_fit_text_shrinks_before_truncating() -> None:
    fitted = fit_text(
        "Hornsey and Friern Barnet", max_width=600, max_lines=1, size=60, min_size=30, bold=True
    )
    assert fitted.lines == ("Hornsey and Friern Barnet",)
    assert fitted.size < 60


def test_fit_text_truncates_only_at_min_size_and_stays_inside() -> None:
    fitted = fit_text(LONG_NAME, max_width=200, max_lines=1, size=40, min_size=30)
    assert fitted.size == 30
    assert fitted.lines[0].endswith(ELLIPSIS)
    assert text_width(fitted.lines[0], 30) <= 200


def test_fit_text_balance_avoids_a_lone_last_word() -> None:
    fitted = fit_text(
        "Hornsey and Friern Barnet",
        max_width=800,
        max_lines=2,
        size=76,
        min_size=76,
        bold=True,
        balance=True,
    )
    assert fitted.lines == ("Hornsey and", "Friern Barnet")


def test_xml_text_escapes_markup_and_quotes() -> None:
    assert xml_text("A & B <c> 'd' \"e\"") == "A &amp; B &lt;c&gt; &#x27;d&#x27; &quot;e&quot;"


def test_palette_text_pairs_meet_wcag_aa() -> None:
    for text, background in [
        (INK, PANEL),
        (ACCENT, PANEL),
        (WHITE, ACCENT),
        (SECONDARY_TEXT, PANEL),
    ]:
        assert contrast_ratio(text, background) >= 4.5, (text, background)


def test_palette_chart_marks_meet_non_text_contrast() -> None:
    for mark in (ACCENT, PREVIOUS_BAR, GAP_HATCH):
        assert contrast_ratio(mark, WHITE) >= 3.0, mark
