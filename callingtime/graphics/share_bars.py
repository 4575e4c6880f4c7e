"""Shares with their 95% intervals as a horizontal bar chart: an accessible, CSP-safe SVG.

One bar per answer option, the interval drawn as a whisker across the bar's end, and hidden
(suppressed) options shown as a hatched "fewer than 10" row rather than left out, so the chart
never suggests a zero it does not know. Presentation attributes only: it inlines under a
strict Content-Security-Policy and prints in a PDF.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from callingtime.graphics import _palette as palette
from callingtime.graphics._chart import hatch_pattern
from callingtime.graphics._text import FONT_FAMILY, xml_text

ROW_HEIGHT = 30
LABEL_WIDTH = 260
VALUE_WIDTH = 64
TOP = 26
HIDDEN_LABEL = "fewer than 10: not shown"


@dataclass(frozen=True)
class ShareBar:
    """One option's share (0–1) and interval, or None when it is hidden."""

    label: str
    share: float | None
    low: float | None = None
    high: float | None = None


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def share_bars_svg(bars: Sequence[ShareBar], *, title: str, n: int | None, width: int = 720) -> str:
    """Draw the shares as horizontal bars with interval whiskers, e.g. for a survey question.

    The title names the chart for screen readers (the page's heading shows it to others).
    """
    digest = hashlib.blake2s(title.encode("utf-8"), digest_size=5)
    for bar in bars:
        digest.update(f"{bar.label}={bar.share};".encode())
    hatch_id = f"ct-{digest.hexdigest()}-hatch"
    plot = width - LABEL_WIDTH - VALUE_WIDTH - 12
    height = TOP + ROW_HEIGHT * len(bars) + 28
    summary = "; ".join(
        f"{bar.label}: {_num(bar.share * 100)}%"
        if bar.share is not None
        else f"{bar.label}: hidden"
        for bar in bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{xml_text(title)}. {xml_text(summary)}" font-family="{FONT_FAMILY}" '
        f'width="100%">',
        f"<defs>{hatch_pattern(hatch_id)}</defs>",
    ]
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + plot * tick / 100
        parts.append(
            f'<line x1="{_num(x)}" y1="{TOP - 4}" x2="{_num(x)}" y2="{height - 24}" '
            f'stroke="{palette.GRID_LINE}" stroke-width="1"/>'
            f'<text x="{_num(x)}" y="{height - 8}" font-size="11" text-anchor="middle" '
            f'fill="{palette.SECONDARY_TEXT}">{tick}%</text>'
        )
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" font-size="12" text-anchor="end" '
            f'fill="{palette.INK}">{xml_text(_label(bar.label))}</text>'
        )
        if bar.share is None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 6}" width="{_num(plot * 0.18)}" height="18" '
                f'fill="url(#{hatch_id})" stroke="{palette.GAP_HATCH}" stroke-width="0.5"/>'
                f'<text x="{_num(LABEL_WIDTH + plot * 0.18 + 6)}" y="{y + 19}" font-size="12" '
                f'fill="{palette.SECONDARY_TEXT}">{HIDDEN_LABEL}</text>'
            )
            continue
        length = plot * bar.share
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 6}" width="{_num(max(length, 1))}" height="18" '
            f'fill="{palette.ACCENT}"/>'
        )
        if bar.low is not None and bar.high is not None:
            x1, x2 = LABEL_WIDTH + plot * bar.low, LABEL_WIDTH + plot * bar.high
            parts.append(
                f'<line x1="{_num(x1)}" y1="{y + 15}" x2="{_num(x2)}" y2="{y + 15}" '
                f'stroke="{palette.INK}" stroke-width="1.5"/>'
                f'<line x1="{_num(x1)}" y1="{y + 9}" x2="{_num(x1)}" y2="{y + 21}" '
                f'stroke="{palette.INK}" stroke-width="1.5"/>'
                f'<line x1="{_num(x2)}" y1="{y + 9}" x2="{_num(x2)}" y2="{y + 21}" '
                f'stroke="{palette.INK}" stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{width - 4}" y="{y + 19}" font-size="13" text-anchor="end" '
            f'fill="{palette.INK}">{_num(bar.share * 100)}%</text>'
        )
    caption = f"n = {n:,}" if n is not None else "fewer than 10 answers"
    parts.append(
        f'<text x="{LABEL_WIDTH}" y="{TOP - 12}" font-size="11" fill="{palette.SECONDARY_TEXT}">'
        f"{caption} · bars show the share, lines the 95% interval</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
