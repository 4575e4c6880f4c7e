"""Draw paper petition packs and delivery summaries as PDF bytes, offline.

Django templates in `paper/pdf/` write the HTML with autoescaping on, so text that staff or
signers typed is never read as markup; WeasyPrint lays it out with the Liberation Sans the
project ships, so a pack prints the same from every machine. Only file: and data: URLs load,
so nothing is fetched from the network; QR codes and the ruled rows are SVG, sharp at any size.

>>> pdf_bytes = pack_pdf(document)  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import math
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from django.template.loader import render_to_string

from callingtime.core.print_pdf import PRINT_FONT_FAMILY, font_face_css, pdf_from_html
from callingtime.paper.documents import (
    DeliveryDocument,
    DeliveryRow,
    PackDocument,
    PetitionWording,
    SheetSpec,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "paper" / "pdf"

SHEET_ROWS_MAX = 25
# Heights in mm on a sheet, which must stay one page: the page less its 12 mm margins (with
# 1 mm spare), the footer band (QR code and sheet id), and the table's header row.
SHEET_HEIGHT_MM = 271.0
SHEET_FOOTER_MM = 29.0
SHEET_HEAD_ROW_MM = 9.0
SHEET_ROWS_BODY_MM = 170.0  # what the rows share by default: 8.5 mm each at 20 rows
SHEET_ROW_MIN_MM = 6.0
SHEET_ROW_MAX_MM = 12.0
# The table's columns: heading, the smaller line under it, width; 186 mm in all.
SHEET_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("No.", "", 8.0),
    ("Full name", "in CAPITALS", 39.0),
    ("Postcode", "", 18.0),
    ("First line of address", "", 39.0),
    ("Email (optional)", "only for updates", 40.0),
    ("Signature", "", 24.0),
    ("Updates?", "needs email", 18.0),
)
SHEET_RULE_MM = 0.21  # 0.6 pt
SHEET_TICK_MM = 4.0
PT_MM = 25.4 / 72
# The header's texts are estimated in lines: chars per line are ~92% of what Liberation Sans
# fits across the 186 mm text width, measured on mixed-case text. The background is the only
# text that gives way: it is cut to the lines left, at most SHEET_BACKGROUND_LINES (the cover
# letter prints it in full).
SHEET_BACKGROUND_LINES = 3
SHEET_BACKGROUND_CHARS_PER_LINE = 123
SHEET_BACKGROUND_LINE_MM = 4.15
SHEET_CAPITAL_WIDTH = 1.35  # a capital is about this many lower-case letters wide
QR_BORDER_MODULES = 4  # the quiet zone the QR specification asks for

PACK_ROWS_OUT_OF_RANGE = (
    "rows_per_sheet is {rows}: a printed sheet holds between 1 and {most} rows of signatures"
)
UNKNOWN_CONSTITUENCY = "Constituency not known"


def pack_pdf(document: PackDocument) -> bytes:
    """Render a pack: the cover letter, then each sheet on exactly one A4 page."""
    rows = document.rows_per_sheet
    if not 1 <= rows <= SHEET_ROWS_MAX:
        raise ValueError(PACK_ROWS_OUT_OF_RANGE.format(rows=rows, most=SHEET_ROWS_MAX))
    wording = document.wording
    sheet_total = max([len(document.sheets), *(sheet.number for sheet in document.sheets)])
    controllers = names_join(wording.organisation_names)
    layout = sheet_layout(wording, rows_per_sheet=rows, controllers=controllers)
    context = {
        "document": document,
        "wording": wording,
        "controllers": controllers,
        "hashtag": hashtag_display(wording.hashtag),
        "background_short": layout.background,
        "sheets": [_sheet_context(sheet) for sheet in document.sheets],
        "sheet_total": sheet_total,
        "grid_uri": sheet_grid_svg_data_uri(rows, layout.row_height_mm),
        "grid_height_mm": f"{SHEET_HEAD_ROW_MM + rows * layout.row_height_mm:.3f}",
        "grid_width_mm": f"{sum(width for _, _, width in SHEET_COLUMNS):g}",
    }
    return _pdf_render("paper/pdf/pack.html", context)


def delivery_pdf(document: DeliveryDocument) -> bytes:
    """Render the summary of signatures, by constituency, handed over with a petition."""
    context = {
        "document": document,
        "wording": document.wording,
        "presenters": names_join(document.wording.organisation_names),
        "rows": [_delivery_row_context(row) for row in document.rows],
        "total_online": f"{document.total_online:,}",
        "total_paper": f"{document.total_paper:,}",
        "total": f"{document.total_online + document.total_paper:,}",
    }
    return _pdf_render("paper/pdf/delivery.html", context)


@dataclass(frozen=True)
class SheetLayout:
    """How one pack's sheets share their page: the background they print and the row height."""

    background: str
    row_height_mm: float


def sheet_layout(wording: PetitionWording, *, rows_per_sheet: int, controllers: str) -> SheetLayout:
    """Return the sheet background (cut to fit) and a row height that keeps a sheet one page.

    Rows get their default share of the page and the background the lines left above them;
    when the other texts are long the rows shrink (to a floor), and when there is room to
    spare they grow (to a cap), so the table ends just above the footer.
    """
    fixed_mm = _sheet_fixed_header_mm(wording, controllers)
    band_mm = SHEET_HEIGHT_MM - SHEET_FOOTER_MM - SHEET_HEAD_ROW_MM - fixed_mm
    row_default = min(SHEET_ROW_MAX_MM, SHEET_ROWS_BODY_MM / rows_per_sheet)
    spare_mm = band_mm - rows_per_sheet * row_default
    lines = min(SHEET_BACKGROUND_LINES, math.floor(spare_mm / SHEET_BACKGROUND_LINE_MM))
    background = ""
    if wording.background.strip() and lines > 0:
        background = text_truncate(wording.background, lines * SHEET_BACKGROUND_CHARS_PER_LINE)
        used = _lines(background, SHEET_BACKGROUND_CHARS_PER_LINE)
        band_mm -= used * SHEET_BACKGROUND_LINE_MM + 1.5
    row_height = min(SHEET_ROW_MAX_MM, max(SHEET_ROW_MIN_MM, band_mm / rows_per_sheet))
    return SheetLayout(background=background, row_height_mm=row_height)


def _sheet_fixed_header_mm(wording: PetitionWording, controllers: str) -> float:
    # Mirrors the sheet header in pack.html and print.css: (text, chars per line, mm per line).
    privacy = (
        f"Privacy: {controllers} hold these details to run this petition. Addresses stay on "
        f"paper and are never typed in. Questions: {wording.privacy_contact}. Consent "
        f"version {wording.consent_version}."
    )
    texts = (
        (f"A petition to {wording.target}", 100, 5.4),
        (wording.action, 79, 5.5),
        (f"By signing I declare: {wording.declaration}", 120, 4.15),
        (privacy, 138, 3.55),
        (f"Updates? {wording.opt_in} Tick only if you give an email address.", 138, 3.55),
    )
    lines_mm = sum(_lines(text, per_line) * line_mm for text, per_line, line_mm in texts)
    return lines_mm + 14.0  # the top line, the declaration's box, the gaps between paragraphs


def _lines(text: str, per_line: int) -> int:
    # Capitals are wider than the lower-case text the chars-per-line figures were measured on.
    capitals = sum(1 for char in text if char.isupper())
    width = len(text) + (SHEET_CAPITAL_WIDTH - 1) * capitals
    return max(1, math.ceil(width / per_line))


def sheet_grid_svg_data_uri(rows: int, row_height_mm: float) -> str:
    """Return the signature table (headings, ruled rows, line numbers, tick boxes) as SVG.

    One drawing in millimetres that every sheet of the pack shares: as HTML, the table's
    cells and line numbers cost WeasyPrint more layout than the rest of a sheet together.
    """
    width = sum(column_width for _, _, column_width in SHEET_COLUMNS)
    head, half = SHEET_HEAD_ROW_MM, SHEET_RULE_MM / 2
    height = head + rows * row_height_mm
    ys = [half, head, *(head + row * row_height_mm for row in range(1, rows + 1))]
    rules = [f"M0 {min(y, height - half):.3f}H{width:g}" for y in ys]
    edges = list(itertools.accumulate((w for _, _, w in SHEET_COLUMNS), initial=0.0))
    rules += [f"M{min(max(x, half), width - half):.3f} 0V{height:.3f}" for x in edges]
    tick_x = width - SHEET_COLUMNS[-1][2] / 2 - SHEET_TICK_MM / 2
    ticks = "".join(
        f"M{tick_x:.3f} {head + (row + 0.5) * row_height_mm - SHEET_TICK_MM / 2:.3f}"
        f"h{SHEET_TICK_MM:g}v{SHEET_TICK_MM:g}h-{SHEET_TICK_MM:g}z"
        for row in range(rows)
    )
    headings = []
    for (label, sublabel, _), x in zip(SHEET_COLUMNS, edges, strict=False):
        y = head / 2 + (1.05 if not sublabel else -0.35)
        headings.append(f'<tspan x="{x + 1.2:.2f}" y="{y:.2f}">{label}</tspan>')
        if sublabel:
            sub = f'<tspan x="{x + 1.2:.2f}" y="{head / 2 + 3.0:.2f}" font-weight="normal" '
            headings.append(sub + f'font-size="{8 * PT_MM:.3f}">{sublabel}</tspan>')
    # Centred by hand (Liberation Sans digits are all 0.556 em wide): WeasyPrint draws each
    # text-anchor="middle" chunk as a group of its own, which doubled the file size.
    digit_mm = 0.556 * 9 * PT_MM
    numbers = "".join(
        f'<tspan x="{(edges[1] - len(str(line)) * digit_mm) / 2:.3f}" '
        f'y="{head + (line - 0.5) * row_height_mm + 1.12:.3f}">{line}</tspan>'
        for line in range(1, rows + 1)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}mm" height="{height:.3f}mm" '
        f'viewBox="0 0 {width:g} {height:.3f}" font-family="{PRINT_FONT_FAMILY}">'
        f'<rect width="{width:g}" height="{head:g}" fill="#e6e6e6"/>'
        f'<path fill="none" stroke="#000" stroke-width="{SHEET_RULE_MM}" d="{"".join(rules)}"/>'
        f'<path fill="none" stroke="#000" stroke-width="0.28" d="{ticks}"/>'
        f'<text font-size="{8.5 * PT_MM:.3f}" font-weight="bold">{"".join(headings)}</text>'
        f'<text font-size="{9 * PT_MM:.3f}" fill="#333">{numbers}</text>'
        "</svg>"
    )
    return _svg_data_uri(svg)


def qr_svg_data_uri(payload: str) -> str:
    """Return `payload` as a QR code (error level M, with its quiet zone) in an SVG data URI.

    segno's own SVG draws modules as abutting strokes, which viewers show with hairline seams;
    one filled path of module rectangles (runs merged down the rows) prints solid.
    """
    code = segno.make(payload, error="m")
    size = code.symbol_size(border=QR_BORDER_MODULES)[0]
    rects: list[str] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x, width) of a dark run -> the row it began
    for y, row in enumerate([*code.matrix_iter(border=QR_BORDER_MODULES), ()]):
        runs, x = {}, 0
        for dark, group in itertools.groupby(row):
            run_width = len(list(group))
            if dark:
                runs[(x, run_width)] = open_runs.pop((x, run_width), y)
            x += run_width
        for (x0, w0), top in open_runs.items():
            rects.append(f"M{x0} {top}h{w0}v{y - top}h-{w0}z")
        open_runs = runs
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
        f'<path fill="#000" d="{"".join(rects)}"/></svg>'
    )
    return _svg_data_uri(svg)


def text_truncate(text: str, budget: int) -> str:
    """Return `text` on one line, cut at a word before `budget` characters with an ellipsis.

    >>> text_truncate("Street lights are out on  Holloway Road", 20)
    'Street lights are…'
    """
    flat = " ".join(text.split())
    if len(flat) <= budget:
        return flat
    cut = flat[: budget - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def hashtag_display(hashtag: str) -> str:
    """Return the campaign's hashtag with its "#" (campaigns store it without), or ''."""
    tag = hashtag.strip().lstrip("#")
    return f"#{tag}" if tag else ""


def names_join(names: Sequence[str]) -> str:
    """Return names as an English list.

    >>> names_join(["Safer Streets", "Holloway Residents", "Islington Cyclists"])
    'Safer Streets, Holloway Residents and Islington Cyclists'
    """
    cleaned = [name.strip() for name in names if name.strip()]
    if len(cleaned) <= 1:
        return "".join(cleaned)
    return ", ".join(cleaned[:-1]) + " and " + cleaned[-1]


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(svg)


def _sheet_context(sheet: SheetSpec) -> Mapping[str, object]:
    return {"code": sheet.code, "number": sheet.number, "qr": qr_svg_data_uri(sheet.qr_payload)}


def _delivery_row_context(row: DeliveryRow) -> Mapping[str, object]:
    known = bool(row.ons_code)
    return {
        "name": (row.name or row.ons_code) if known else UNKNOWN_CONSTITUENCY,
        "ons_code": row.ons_code,
        "known": known,
        "online": f"{row.online:,}",
        "paper": f"{row.paper:,}",
        "total": f"{row.total:,}",
    }


def _pdf_render(template_name: str, context: Mapping[str, object]) -> bytes:
    css = font_face_css() + render_to_string(
        "paper/pdf/print.css", {"font_family": PRINT_FONT_FAMILY}
    )
    html = render_to_string(template_name, dict(context))
    return pdf_from_html(html, css=css, base_url=TEMPLATES_DIR.as_uri() + "/")
