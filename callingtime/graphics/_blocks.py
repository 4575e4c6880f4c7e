"""The building blocks of an infographic: type sizes, the headline stack, footer and chart card.

Each block measures its text with the bundled font's metrics and wraps or shrinks it to fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from callingtime.graphics import _palette as palette
from callingtime.graphics._chart import Box, ChartStyle, chart_elements
from callingtime.graphics._text import ELLIPSIS, FittedText, fit_text, text_width, xml_text
from callingtime.graphics.chart_svg import chart_id_prefix
from callingtime.graphics.models import HeadlineFigures

KICKER = "Police recorded crime"
COUNT_CAPTION = "recorded in"
PREVIOUS_LABEL = "Previous 12 months"


@dataclass(frozen=True, slots=True)
class Spec:
    width: int
    height: int
    margin: float
    top_bar: float
    kicker: float
    name: float
    name_min: float
    category: float
    count: float
    caption: float
    change: float
    detail: float
    hashtag: float
    footer: float
    tick: float
    legend: float
    min_chart: float


SPECS = {
    "square": Spec(1080, 1080, 72, 14, 22, 80, 48, 40, 200, 30, 36, 28, 58, 21, 19, 21, 250),
    "landscape": Spec(1200, 630, 52, 10, 17, 54, 34, 28, 124, 22, 25, 20, 38, 16, 15, 16, 0),
}


@dataclass(slots=True)
class Stack:
    """Text lines laid top to bottom from a cursor."""

    x: float
    y: float
    width: float
    parts: list[str]

    def add(
        self, fitted: FittedText, *, bold: bool, fill: str, leading: float = 1.18, space: float = 0
    ) -> None:
        for line in fitted.lines:
            self.y += fitted.size * (leading if self.parts else 0.9)
            self.parts.append(_line(self.x, self.y, line, fitted.size, bold=bold, fill=fill))
        self.y += space


def _line(
    x: float, y: float, text: str, size: float, *, bold: bool, fill: str, anchor: str = "start"
) -> str:
    weight = ' font-weight="700"' if bold else ""
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}"{weight}{anchor_attr} '
        f'fill="{fill}">{xml_text(text)}</text>'
    )


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fit(
    text: str, width: float, size: float, *, lines: int = 1, bold: bool = False, floor: float = 0.6
) -> FittedText:
    return fit_text(
        text,
        max_width=width,
        max_lines=lines,
        size=size,
        min_size=size * floor,
        bold=bold,
        balance=True,
    )


def _fit_area_name(name: str, spec: Spec, width: float, scale: float) -> FittedText:
    # Prefer one line at near full size, then two, then three lines: shrinking alone would make
    # a long ward name tiny, and a cut-off name would misstate the area.
    size, smallest = spec.name * scale, spec.name_min * scale
    attempts = ((1, size * 0.8), (2, smallest), (3, smallest * 0.85))
    for lines, min_size in attempts:
        fitted = fit_text(
            name,
            max_width=width,
            max_lines=lines,
            size=size,
            min_size=min_size,
            bold=True,
            balance=True,
        )
        if not fitted.lines[-1].endswith(ELLIPSIS) or lines == 3:
            return fitted
    return fitted


def headline_stack(figures: HeadlineFigures, spec: Spec, stack: Stack, scale: float) -> None:
    width = stack.width
    kicker = (
        f"{KICKER} · {figures.area_type}".upper() if figures.area_type.strip() else KICKER.upper()
    )
    stack.add(
        _fit(kicker, width, spec.kicker * scale, bold=True),
        bold=True,
        fill=palette.SECONDARY_TEXT,
        space=spec.kicker * scale * 0.5,
    )
    stack.add(
        _fit_area_name(figures.area_name, spec, width, scale),
        bold=True,
        fill=palette.INK,
        leading=1.1,
        space=spec.category * scale * 0.4,
    )
    stack.add(
        _fit(figures.category_label, width, spec.category * scale, lines=2, bold=True),
        bold=True,
        fill=palette.ACCENT,
        space=spec.category * scale * 0.15,
    )

    count_text = f"{figures.count:,}"
    count_size = min(spec.count * scale, width / max(text_width(count_text, 1, bold=True), 1e-6))
    caption_size = spec.caption * scale
    gap = caption_size
    beside_width = width - text_width(count_text, count_size, bold=True) - gap
    caption_lines = (COUNT_CAPTION, figures.window_label)
    fits_beside = all(text_width(line, caption_size) <= beside_width for line in caption_lines)
    stack.y += count_size * 0.9
    stack.parts.append(
        _line(stack.x, stack.y, count_text, count_size, bold=True, fill=palette.ACCENT)
    )
    if fits_beside:
        caption_x = stack.x + width - beside_width
        stack.parts.append(
            _line(
                caption_x,
                stack.y - caption_size * 1.25,
                COUNT_CAPTION,
                caption_size,
                bold=False,
                fill=palette.SECONDARY_TEXT,
            )
        )
        stack.parts.append(
            _line(
                caption_x, stack.y, figures.window_label, caption_size, bold=True, fill=palette.INK
            )
        )
        stack.y += count_size * 0.12
    else:
        stack.y += count_size * 0.16
        stack.add(_fit(COUNT_CAPTION, width, caption_size), bold=False, fill=palette.SECONDARY_TEXT)
        stack.add(
            _fit(figures.window_label, width, caption_size, lines=2, bold=True),
            bold=True,
            fill=palette.INK,
            space=caption_size * 0.3,
        )
    stack.y += spec.change * scale * 0.25
    stack.add(
        _fit(sentence(figures.change_text), width, spec.change * scale, lines=2, bold=True),
        bold=True,
        fill=palette.INK,
        space=spec.detail * scale * 0.15,
    )
    details = []
    if figures.previous_count is not None:
        details.append(f"{PREVIOUS_LABEL}: {figures.previous_count:,}")
    if figures.rate_text:
        details.append(figures.rate_text)
    if details:
        joined = " · ".join(details)
        detail_size = spec.detail * scale
        if len(details) > 1 and text_width(joined, detail_size) > width:
            for detail in details:
                stack.add(_fit(detail, width, detail_size, lines=2), bold=False, fill=palette.INK)
        else:
            stack.add(_fit(joined, width, detail_size, lines=2), bold=False, fill=palette.INK)


def footer_block(
    figures: HeadlineFigures, spec: Spec, x: float, width: float
) -> tuple[list[str], float]:
    """Return the footer's elements laid out from y=0 and its height."""
    size = spec.footer
    source = fit_text(
        figures.source_line, max_width=width, max_lines=5, size=size, min_size=size * 0.85
    )
    caveat = fit_text(
        figures.caveat, max_width=width, max_lines=2, size=size, min_size=size * 0.85, bold=True
    )
    stack = Stack(x=x, y=0, width=width, parts=[])
    stack.add(caveat, bold=True, fill=palette.INK, leading=1.3)
    stack.add(source, bold=False, fill=palette.SECONDARY_TEXT, leading=1.3)
    return stack.parts, stack.y + size * 0.3


def footer_rule(spec: Spec, y: float) -> str:
    return (
        f'<line x1="{spec.margin}" y1="{y:.1f}" x2="{spec.width - spec.margin}" y2="{y:.1f}" '
        f'stroke="{palette.GRID_LINE}" stroke-width="1.5"/>'
    )


def translate_group(parts: list[str], dy: float) -> str:
    return f'<g transform="translate(0 {dy:.1f})">{"".join(parts)}</g>'


def hashtag_band(figures: HeadlineFigures, spec: Spec, y: float, height: float) -> list[str]:
    assert figures.hashtag
    fitted = fit_text(
        figures.hashtag,
        max_width=spec.width - 2 * spec.margin,
        max_lines=1,
        size=spec.hashtag,
        min_size=spec.hashtag * 0.5,
        bold=True,
    )
    baseline = y + height / 2 + fitted.size * 0.36
    return [
        f'<rect class="ct-hashtag-band" x="0" y="{y:.1f}" width="{spec.width}" '
        f'height="{height:.1f}" fill="{palette.ACCENT}"/>',
        f'<text class="ct-hashtag" x="{spec.margin:.1f}" y="{baseline:.1f}" '
        f'font-size="{fitted.size:.1f}" font-weight="700" '
        f'fill="{palette.WHITE}">{xml_text(fitted.lines[0])}</text>',
    ]


def chart_card(figures: HeadlineFigures, spec: Spec, box: Box) -> list[str]:
    pad = spec.legend * 1.1
    inner = Box(box.x + pad, box.y + pad, box.width - 2 * pad, box.height - 2 * pad)
    style = ChartStyle(tick_size=spec.tick, legend_size=spec.legend)
    prefix = chart_id_prefix(figures.area_name + figures.category_label, figures.monthly)
    card = (
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
        f'height="{box.height:.1f}" rx="10" '
        f'fill="{palette.WHITE}"/>'
    )
    return [
        card,
        *chart_elements(
            list(figures.monthly), inner, highlight_key=None, style=style, id_prefix=prefix
        ),
    ]
