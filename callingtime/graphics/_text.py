"""Text measuring, wrapping and escaping, from the metrics of the bundled Liberation Sans.

Liberation Sans is metric-compatible with Arial (and close to Helvetica), so widths measured
here also hold when a browser draws the SVG with Arial. Kerning is ignored: it only narrows
text, so the estimate errs on the wide (safe) side.
"""

from __future__ import annotations

import html
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {False: "LiberationSans-Regular.ttf", True: "LiberationSans-Bold.ttf"}
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
ELLIPSIS = "…"
# Characters missing from the font (emoji, say) are measured as a full em: too wide, never short.
UNKNOWN_GLYPH_EM = 1.0


def xml_text(value: str) -> str:
    """Escape text for an SVG element or attribute, e.g. xml_text("A & B") == "A &amp; B"."""
    return html.escape(value, quote=True)


@dataclass(frozen=True, slots=True)
class _Metrics:
    units_per_em: int
    advances: dict[int, int]


def _tables(data: bytes) -> dict[str, tuple[int, int]]:
    (num_tables,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for index in range(num_tables):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tables[tag.decode("latin-1")] = (offset, length)
    return tables


def _cmap_format4(data: bytes, offset: int) -> dict[int, int]:
    seg_count = struct.unpack_from(">H", data, offset + 6)[0] // 2
    ends = struct.unpack_from(f">{seg_count}H", data, offset + 14)
    starts = struct.unpack_from(f">{seg_count}H", data, offset + 16 + 2 * seg_count)
    deltas = struct.unpack_from(f">{seg_count}h", data, offset + 16 + 4 * seg_count)
    range_base = offset + 16 + 6 * seg_count
    range_offsets = struct.unpack_from(f">{seg_count}H", data, range_base)
    mapping = {}
    for seg in range(seg_count):
        for code in range(starts[seg], ends[seg] + 1):
            if code == 0xFFFF:
                continue
            if range_offsets[seg] == 0:
                glyph = (code + deltas[seg]) & 0xFFFF
            else:
                where = range_base + 2 * seg + range_offsets[seg] + 2 * (code - starts[seg])
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + deltas[seg]) & 0xFFFF if glyph else 0
            if glyph:
                mapping[code] = glyph
    return mapping


@cache
def _metrics(bold: bool) -> _Metrics:
    data = (FONT_DIR / FONT_FILES[bold]).read_bytes()
    tables = _tables(data)
    units_per_em = struct.unpack_from(">H", data, tables["head"][0] + 18)[0]
    num_h_metrics = struct.unpack_from(">H", data, tables["hhea"][0] + 34)[0]
    hmtx = tables["hmtx"][0]
    widths = [struct.unpack_from(">H", data, hmtx + 4 * i)[0] for i in range(num_h_metrics)]
    cmap = tables["cmap"][0]
    (num_subtables,) = struct.unpack_from(">H", data, cmap + 2)
    mapping: dict[int, int] = {}
    for index in range(num_subtables):
        platform, encoding, sub_offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * index)
        start = cmap + sub_offset
        if (platform, encoding) == (3, 1) and struct.unpack_from(">H", data, start)[0] == 4:
            mapping = _cmap_format4(data, start)
            break
    advances = {code: widths[min(glyph, num_h_metrics - 1)] for code, glyph in mapping.items()}
    return _Metrics(units_per_em=units_per_em, advances=advances)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Return the drawn width of text in pixels, e.g. text_width("Leeds", 20) ≈ 51."""
    metrics = _metrics(bold)
    unknown = UNKNOWN_GLYPH_EM * metrics.units_per_em
    units = sum(metrics.advances.get(ord(char), unknown) for char in text)
    return units * size / metrics.units_per_em


def _split_long_word(word: str, max_width: float, size: float, bold: bool) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and text_width(current + char, size, bold=bold) > max_width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def wrap_text(text: str, max_width: float, size: float, *, bold: bool = False) -> list[str]:
    """Break text into lines no wider than max_width, e.g. wrap_text("a b", 9, 20) == ["a", "b"]."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _split_long_word(word, max_width, size, bold):
            candidate = f"{current} {piece}" if current else piece
            if text_width(candidate, size, bold=bold) <= max_width:
                current = candidate
            else:
                if current:
                    lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def _truncate(line: str, max_width: float, size: float, bold: bool) -> str:
    while line and text_width(line + ELLIPSIS, size, bold=bold) > max_width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


@dataclass(frozen=True, slots=True)
class FittedText:
    """Lines of text and the font size at which they fit their box."""

    lines: tuple[str, ...]
    size: float


def fit_text(
    text: str,
    *,
    max_width: float,
    max_lines: int,
    size: float,
    min_size: float,
    bold: bool = False,
    balance: bool = False,
) -> FittedText:
    """Shrink and wrap text until it fits, truncating with … only at min_size as a last resort."""
    current = size
    while True:
        lines = wrap_text(text, max_width, current, bold=bold)
        if len(lines) <= max_lines or current <= min_size:
            break
        current = max(min_size, current - 2)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = _truncate(" ".join(lines[max_lines - 1 :]), max_width, current, bold)
        lines = kept
    elif balance and len(lines) > 1:
        lines = _balanced(text, len(lines), max_width, current, bold)
    return FittedText(lines=tuple(lines), size=current)


def _balanced(text: str, count: int, max_width: float, size: float, bold: bool) -> list[str]:
    # Narrow the box while the line count holds, so "Hornsey and Friern / Barnet" becomes
    # "Hornsey and / Friern Barnet" instead of leaving one word alone on the last line.
    longest_word = max(text_width(word, size, bold=bold) for word in text.split())
    low, high = max(max_width / count, min(longest_word, max_width)), max_width
    best = wrap_text(text, max_width, size, bold=bold)
    for _step in range(12):
        middle = (low + high) / 2
        lines = wrap_text(text, middle, size, bold=bold)
        if len(lines) <= count:
            best, high = lines, middle
        else:
            low = middle
    return best
