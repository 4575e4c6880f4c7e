"""The monthly column chart as a standalone, accessible SVG for web pages.

The SVG uses presentation attributes only (no style=, no <style>, no script, no external
references), so it can be inlined under a strict Content-Security-Policy. It scales with its
viewBox and fills its container's width.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from callingtime.graphics import _palette as palette
from callingtime.graphics._chart import Box, ChartStyle, chart_elements, chart_summary
from callingtime.graphics._text import FONT_FAMILY, fit_text, xml_text
from callingtime.graphics.models import MonthlyPoint, month_key

TITLE_SIZE = 17
PADDING = 12


def chart_id_prefix(title: str, points: Sequence[MonthlyPoint]) -> str:
    """Return a stable id prefix, so two charts inlined on one page never share an id."""
    digest = hashlib.blake2s(title.encode("utf-8"), digest_size=5)
    for point in points:
        digest.update(f"{point.month}={point.count};".encode())
    return f"ct-{digest.hexdigest()}"


def monthly_chart_svg(
    points: Sequence[MonthlyPoint],
    *,
    title: str,
    width: int = 720,
    height: int = 300,
    highlight_from: str | None = None,
    id_prefix: str | None = None,
) -> str:
    """Draw monthly counts as an SVG column chart, e.g. monthly_chart_svg(points, title="Burglary").

    Bars from `highlight_from` (YYYY-MM; default: the latest 12 months) are the accent colour,
    earlier bars grey; a month whose count is None is drawn as a hatched "not loaded" band.
    """
    prefix = id_prefix or chart_id_prefix(title, points)
    highlight_key = month_key(highlight_from) if highlight_from else None
    title_fit = fit_text(
        title, max_width=width - 2 * PADDING, max_lines=1, size=TITLE_SIZE, min_size=12, bold=True
    )
    title_height = title_fit.size * 1.9
    box = Box(
        x=PADDING,
        y=PADDING + title_height,
        width=width - 2 * PADDING,
        height=height - 2 * PADDING - title_height,
    )
    body = chart_elements(
        list(points), box, highlight_key=highlight_key, style=ChartStyle(), id_prefix=prefix
    )
    summary = chart_summary(list(points))
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
            f'font-family="{FONT_FAMILY}">',
            f'<title id="{prefix}-title">{xml_text(title)}</title>',
            f'<desc id="{prefix}-desc">{xml_text(summary)}</desc>',
            f'<rect width="{width}" height="{height}" fill="{palette.WHITE}"/>',
            f'<text x="{PADDING}" y="{PADDING + title_fit.size}" font-size="{title_fit.size}" '
            f'font-weight="700" fill="{palette.INK}">{xml_text(title_fit.lines[0])}</text>',
            *body,
            "</svg>",
        ]
    )
