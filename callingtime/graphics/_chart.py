"""Draw monthly columns into a box: shared by the web chart and the infographics.

Gaps (months not loaded) get a hatched band and no bar, so a reader can never take them for
zero. Bars in the latest window are the accent colour; earlier bars are grey.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from callingtime.graphics import _palette as palette
from callingtime.graphics._text import text_width, xml_text
from callingtime.graphics.models import MonthlyPoint, month_key, months_filled

MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
LABEL_STRIDES = (1, 2, 3, 4, 6, 12)
LEGEND_NOT_LOADED = "Not loaded"
NO_MONTHS_TEXT = "No months loaded"


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """Type sizes and spacing for one rendering of the chart."""

    tick_size: float = 13
    legend_size: float = 14
    bar_gap: float = 0.22
    background: str = palette.WHITE


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in SVG user units."""

    x: float
    y: float
    width: float
    height: float


def month_label(month: str) -> str:
    """Return a month as "Jan 2024", e.g. month_label("2024-01") == "Jan 2024"."""
    return f"{MONTH_ABBREVIATIONS[int(month[5:7]) - 1]} {month[:4]}"


def nice_ticks(max_value: int, target: int = 4) -> list[int]:
    """Return round axis ticks from 0 to at least max_value, e.g. nice_ticks(9) == [0, 5, 10]."""
    max_value = max(max_value, 1)
    raw = max_value / target
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(max_value / step) * step
    return list(range(0, top + 1, step))


def default_highlight_key(points: list[MonthlyPoint]) -> int:
    """Return the first month of the latest 12 as a month key."""
    return month_key(points[-1].month) - 11


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, size: float, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    position = f'x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}"'
    return f"<text {position}{extra}>{xml_text(content)}</text>"


def hatch_pattern(pattern_id: str) -> str:
    """Return the <pattern> that fills not-loaded months."""
    return (
        f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{palette.GAP_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{palette.GAP_HATCH}" stroke-width="2"/>'
        "</pattern>"
    )


def _legend_items(
    points: list[MonthlyPoint], highlight_key: int, hatch_id: str
) -> list[tuple[str, str]]:
    keys = [month_key(point.month) for point in points]
    latest = [p for p, k in zip(points, keys, strict=True) if k >= highlight_key]
    earlier = [p for p, k in zip(points, keys, strict=True) if k < highlight_key]
    items = []
    if latest:
        items.append(
            (palette.ACCENT, f"{month_label(latest[0].month)} – {month_label(latest[-1].month)}")
        )
    if earlier:
        items.append(
            (
                palette.PREVIOUS_BAR,
                f"{month_label(earlier[0].month)} – {month_label(earlier[-1].month)}",
            )
        )
    if any(point.is_gap for point in points):
        items.append((f"url(#{hatch_id})", LEGEND_NOT_LOADED))
    return items


def _legend(items: list[tuple[str, str]], box: Box, style: ChartStyle) -> tuple[list[str], float]:
    size = style.legend_size
    swatch, row_height = size, size * 1.7
    x, y, parts = box.x, box.y, []
    for fill, label in items:
        outline = palette.GAP_HATCH if fill.startswith("url") else fill
        item_width = swatch + size * 0.5 + text_width(label, size) + size * 1.4
        if x > box.x and x + item_width > box.x + box.width:
            x, y = box.x, y + row_height
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(swatch)}" height="{_num(swatch)}" '
            f'fill="{fill}" stroke="{outline}" stroke-width="1"/>'
        )
        parts.append(_text(x + swatch + size * 0.5, y + size * 0.85, label, size, fill=palette.INK))
        x += item_width
    return parts, y + row_height - box.y


def _label_stride(slot: float, size: float) -> int:
    needed = max(text_width("May", size), text_width("2024", size)) + size * 0.6
    return next((k for k in LABEL_STRIDES if slot * k >= needed), 12)


def chart_elements(
    points: list[MonthlyPoint],
    box: Box,
    *,
    highlight_key: int | None,
    style: ChartStyle,
    id_prefix: str,
) -> list[str]:
    """Return the SVG elements of a column chart of monthly counts drawn inside box."""
    points = months_filled(points)
    hatch_id = f"{id_prefix}-hatch"
    parts = [f"<defs>{hatch_pattern(hatch_id)}</defs>"]
    if not points:
        centre_y = box.y + box.height / 2
        parts.append(
            _text(
                box.x + box.width / 2,
                centre_y,
                NO_MONTHS_TEXT,
                style.legend_size,
                text_anchor="middle",
            )
        )
        return parts
    highlight = default_highlight_key(points) if highlight_key is None else highlight_key
    legend_parts, legend_height = _legend(_legend_items(points, highlight, hatch_id), box, style)
    parts.extend(legend_parts)

    ticks = nice_ticks(max((p.count or 0) for p in points))
    tick_size = style.tick_size
    axis_width = text_width(f"{ticks[-1]:,}", tick_size) + tick_size * 0.7
    plot = Box(
        x=box.x + axis_width,
        y=box.y + legend_height + tick_size * 0.9,
        width=box.width - axis_width,
        height=box.height - legend_height - tick_size * 0.9 - tick_size * 2.7,
    )
    baseline = plot.y + plot.height
    scale = plot.height / ticks[-1]
    for tick in ticks:
        tick_y = baseline - tick * scale
        colour = palette.INK if tick == 0 else palette.GRID_LINE
        parts.append(
            f'<line x1="{_num(plot.x)}" y1="{_num(tick_y)}" x2="{_num(plot.x + plot.width)}" '
            f'y2="{_num(tick_y)}" stroke="{colour}" stroke-width="1"/>'
        )
        label_x, label_y = plot.x - tick_size * 0.5, tick_y + tick_size * 0.35
        parts.append(
            _text(
                label_x,
                label_y,
                f"{tick:,}",
                tick_size,
                text_anchor="end",
                fill=palette.SECONDARY_TEXT,
            )
        )

    slot = plot.width / len(points)
    # With only a few months loaded, full-slot bars look like blocks: cap them.
    bar_width = min(slot * (1 - style.bar_gap), style.tick_size * 4)
    stride = _label_stride(slot, tick_size)
    first_labelled = True
    for index, point in enumerate(points):
        key = month_key(point.month)
        bar_x = plot.x + index * slot + (slot - bar_width) / 2
        if point.count is None:
            parts.append(
                f'<rect class="ct-gap" data-month="{point.month}" '
                f'x="{_num(bar_x)}" y="{_num(plot.y)}" '
                f'width="{_num(bar_width)}" height="{_num(plot.height)}" fill="url(#{hatch_id})"/>'
            )
        else:
            height = point.count * scale
            fill = palette.ACCENT if key >= highlight else palette.PREVIOUS_BAR
            parts.append(
                f'<rect class="ct-bar" data-month="{point.month}" data-count="{point.count}" '
                f'x="{_num(bar_x)}" y="{_num(baseline - height)}" width="{_num(bar_width)}" '
                f'height="{_num(height)}" fill="{fill}"/>'
            )
            if point.count == 0:
                # A recorded zero gets a sliver on the baseline, so it never reads as "missing".
                parts.append(
                    f'<rect class="ct-zero" data-month="{point.month}" x="{_num(bar_x)}" '
                    f'y="{_num(baseline - 3)}" width="{_num(bar_width)}" height="3" fill="{fill}"/>'
                )
        if (key % 12) % stride == 0:
            centre = plot.x + index * slot + slot / 2
            month_y = baseline + tick_size * 1.25
            parts.append(
                _text(
                    centre, month_y, MONTH_ABBREVIATIONS[key % 12], tick_size, text_anchor="middle"
                )
            )
            if first_labelled or key % 12 == 0:
                year_y = month_y + tick_size * 1.2
                parts.append(
                    _text(
                        centre,
                        year_y,
                        point.month[:4],
                        tick_size,
                        text_anchor="middle",
                        fill=palette.SECONDARY_TEXT,
                    )
                )
            first_labelled = False
    return parts


def chart_summary(points: list[MonthlyPoint]) -> str:
    """Return a plain-English summary of the monthly counts, for <desc> and screen readers."""
    points = months_filled(points)
    loaded = [p for p in points if p.count is not None]
    if not loaded:
        return "No months are loaded for this chart."
    counts = [p.count for p in loaded if p.count is not None]
    highest = max(loaded, key=lambda p: p.count or 0)
    lowest = min(loaded, key=lambda p: p.count or 0)
    span = f"{month_label(points[0].month)} to {month_label(points[-1].month)}"
    text = (
        f"Monthly counts, {span}. Highest {highest.count:,} in {month_label(highest.month)}; "
        f"lowest {lowest.count:,} in {month_label(lowest.month)}. "
        f"Total {sum(counts):,} over {len(loaded)} loaded month{'s' if len(loaded) != 1 else ''}."
    )
    gaps = [month_label(p.month) for p in points if p.count is None]
    if gaps:
        text += f" Not loaded (a gap, not zero): {', '.join(gaps)}."
    return text
