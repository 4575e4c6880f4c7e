"""Shareable infographics: square (1080×1080) and landscape (1200×630), as SVG or PNG.

Every text block is measured with the bundled font's metrics, wrapped and shrunk to its box;
when the blocks together do not fit, all type is scaled down a step and laid out again, so
nothing overflows whatever the area name. The source line and the caveat are always drawn.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from callingtime.graphics import _palette as palette
from callingtime.graphics._blocks import (
    PREVIOUS_LABEL,
    SPECS,
    Spec,
    Stack,
    chart_card,
    footer_block,
    footer_rule,
    hashtag_band,
    headline_stack,
    sentence,
    translate_group,
)
from callingtime.graphics._chart import Box, chart_summary
from callingtime.graphics._text import FONT_DIR, FONT_FAMILY, fit_text, xml_text
from callingtime.graphics.models import HeadlineFigures

Size = Literal["square", "landscape"]
SIZES: dict[str, tuple[int, int]] = {"square": (1080, 1080), "landscape": (1200, 630)}
ERROR_SIZE = "size must be 'square' or 'landscape', got {size!r}"
ERROR_PNG_SIZE = "rendered PNG is {got}, expected {expected}: check the SVG's width and height"


def _square_body(figures: HeadlineFigures, spec: Spec) -> list[str]:
    width = spec.width - 2 * spec.margin
    footer_parts, footer_height = footer_block(figures, spec, spec.margin, width)
    footer_top = spec.height - spec.margin * 0.5 - footer_height
    band_height = spec.hashtag * 1.9 if figures.hashtag else 0
    band_top = footer_top - spec.footer * 1.2 - band_height
    parts: list[str] = []
    for step in range(12):
        stack = Stack(x=spec.margin, y=spec.top_bar + spec.margin * 0.75, width=width, parts=[])
        headline_stack(figures, spec, stack, scale=0.94**step)
        chart_top = stack.y + spec.margin * 0.45
        chart_bottom = (
            band_top if figures.hashtag else footer_top - spec.footer
        ) - spec.margin * 0.4
        if chart_bottom - chart_top >= spec.min_chart:
            break
    parts.extend(stack.parts)
    parts.extend(
        chart_card(figures, spec, Box(spec.margin, chart_top, width, chart_bottom - chart_top))
    )
    if figures.hashtag:
        parts.extend(hashtag_band(figures, spec, band_top, band_height))
    else:
        parts.append(footer_rule(spec, footer_top - spec.footer * 0.6))
    parts.append(translate_group(footer_parts, footer_top))
    return parts


def _landscape_body(figures: HeadlineFigures, spec: Spec) -> list[str]:
    full_width = spec.width - 2 * spec.margin
    footer_parts, footer_height = footer_block(figures, spec, spec.margin, full_width)
    footer_top = spec.height - spec.margin * 0.45 - footer_height
    column_width = full_width * 0.46
    column_bottom = footer_top - spec.footer * 1.3
    hashtag_space = spec.hashtag * 1.5 if figures.hashtag else 0
    for step in range(12):
        stack = Stack(
            x=spec.margin, y=spec.top_bar + spec.margin * 0.55, width=column_width, parts=[]
        )
        headline_stack(figures, spec, stack, scale=0.94**step)
        if stack.y + hashtag_space <= column_bottom:
            break
    parts = list(stack.parts)
    if figures.hashtag:
        fitted = fit_text(
            figures.hashtag,
            max_width=column_width,
            max_lines=1,
            size=spec.hashtag,
            min_size=spec.hashtag * 0.5,
            bold=True,
        )
        parts.append(
            f'<text class="ct-hashtag" x="{spec.margin:.1f}" y="{column_bottom:.1f}" '
            f'font-size="{fitted.size:.1f}" '
            f'font-weight="700" fill="{palette.ACCENT}">{xml_text(fitted.lines[0])}</text>'
        )
    chart_x = spec.margin + column_width + spec.margin * 0.7
    chart_top = spec.top_bar + spec.margin * 0.6
    chart_box = Box(
        chart_x, chart_top, spec.width - spec.margin - chart_x, column_bottom - chart_top
    )
    parts.extend(chart_card(figures, spec, chart_box))
    parts.append(footer_rule(spec, footer_top - spec.footer * 0.2))
    parts.append(translate_group(footer_parts, footer_top))
    return parts


def infographic_description(figures: HeadlineFigures) -> str:
    """Return the whole infographic as plain text, for <desc>, alt text and screen readers."""
    pieces = [
        f"{figures.area_name} ({figures.area_type}), {figures.category_label}: "
        f"{figures.count:,} recorded in {figures.window_label}.",
        f"{sentence(figures.change_text)}.",
    ]
    if figures.previous_count is not None:
        pieces.append(f"{PREVIOUS_LABEL}: {figures.previous_count:,}.")
    if figures.rate_text:
        pieces.append(f"{sentence(figures.rate_text)}.")
    pieces.append(chart_summary(list(figures.monthly)))
    if figures.hashtag:
        pieces.append(figures.hashtag)
    pieces.extend([figures.caveat, figures.source_line])
    return " ".join(pieces)


def infographic_svg(figures: HeadlineFigures, *, size: Size) -> str:
    """Draw the headline figures as a shareable SVG, e.g. infographic_svg(f, size="square")."""
    if size not in SPECS:
        raise ValueError(ERROR_SIZE.format(size=size))
    spec = SPECS[size]
    body = _square_body(figures, spec) if size == "square" else _landscape_body(figures, spec)
    title = f"{figures.area_name}: {figures.category_label}, {figures.window_label}"
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{spec.width}" height="{spec.height}" '
            f'viewBox="0 0 {spec.width} {spec.height}" role="img" '
            'aria-labelledby="ct-info-title ct-info-desc" '
            f'font-family="{FONT_FAMILY}">',
            f'<title id="ct-info-title">{xml_text(title)}</title>',
            f'<desc id="ct-info-desc">{xml_text(infographic_description(figures))}</desc>',
            f'<rect width="{spec.width}" height="{spec.height}" fill="{palette.PANEL}"/>',
            f'<rect width="{spec.width}" height="{spec.top_bar}" fill="{palette.ACCENT}"/>',
            *body,
            "</svg>",
        ]
    )


@cache
def _register_fonts() -> None:
    import vl_convert

    # The bundled font makes PNGs identical on machines with no system fonts at all.
    vl_convert.register_font_directory(str(FONT_DIR))


def png_dimensions(png: bytes) -> tuple[int, int]:
    """Return (width, height) from a PNG's IHDR header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def infographic_png(figures: HeadlineFigures, *, size: Size) -> bytes:
    """Render the infographic to PNG bytes of exactly 1080×1080 or 1200×630 pixels."""
    import vl_convert

    _register_fonts()
    png = vl_convert.svg_to_png(infographic_svg(figures, size=size), scale=1.0)
    expected = SIZES[size]
    if png_dimensions(png) != expected:
        raise RuntimeError(ERROR_PNG_SIZE.format(got=png_dimensions(png), expected=expected))
    return png
