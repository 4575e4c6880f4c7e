"""The printed pack and delivery summary, read back from the PDF with poppler's tools.

Every check reads the real output: page counts and sizes from pdfinfo, each page's words (and
where they sit) from pdftotext, and PNGs of the first pages for people to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.parse
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import segno

from callingtime.paper.documents import (
    DeliveryDocument,
    DeliveryRow,
    PackDocument,
    PetitionWording,
    SheetSpec,
)
from callingtime.paper.pdf import (
    PACK_ROWS_OUT_OF_RANGE,
    QR_BORDER_MODULES,
    SHEET_ROW_MAX_MM,
    UNKNOWN_CONSTITUENCY,
    delivery_pdf,
    names_join,
    pack_pdf,
    qr_svg_data_uri,
    sheet_layout,
    text_truncate,
)
from tests.print_checks import SHIPPED_FACES, pdf_font_names

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "paper"
POPPLER = ("pdfinfo", "pdftotext", "pdftoppm", "pdffonts")
MM_PT = 72 / 25.4

ACTION = (
    "Switch the street lights on Holloway Road back to all-night lighting and publish the "
    "crime and collision figures for the whole road every quarter, ending with ACTIONEND"
)
BACKGROUND_START = "<b>x</b> & <i>lights</i> went part-night in 2023."
BACKGROUND = (
    BACKGROUND_START
    + " Residents report more bike thefts, anti-social behaviour and people feeling unsafe." * 30
)[:1985] + " BACKGROUNDEND"
DECLARATION = (
    "I am a British citizen or UK resident, I have not signed this petition before, "
    "and the details I give are my own."
)
CONSENT_VERSION = "v3-2025-02"
CONTROLLERS = ("Safer Streets Islington", "Holloway Residents' Association")


def wording(**changes: object) -> PetitionWording:
    base = PetitionWording(
        campaign_title="Light Up Holloway",
        action=ACTION,
        background=BACKGROUND,
        target="Islington Council's Executive Member for Environment and Transport",
        hashtag="LightUpHolloway",
        organisation_names=CONTROLLERS,
        privacy_contact="privacy@saferstreets.example.org or 12 Example Street, London N7 6AA",
        declaration=DECLARATION,
        opt_in="I would like occasional email updates about this campaign.",
        privacy_summary="We keep signatures three months after delivery.\nThen we delete them.",
        consent_version=CONSENT_VERSION,
        online_url="https://callingtime.example.org/p/light-up-holloway",
        closing_date=date(2025, 6, 30),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def sheet_code(number: int) -> str:
    return f"S000123-{number}"


def pack(*, rows: int = 20, sheets: int = 3, **changes: object) -> PackDocument:
    words = wording()
    base = PackDocument(
        wording=words,
        pack_reference="Pack 42",
        recipient_name="Jane O'Neill",
        recipient_address=("Flat 3, 27 Example Road", "London", "N7 8XX"),
        return_instructions="Post the sheets to:\nFREEPOST CALLINGTIME\nby 15 June.",
        rows_per_sheet=rows,
        sheets=tuple(
            SheetSpec(
                code=sheet_code(n),
                number=n,
                qr_payload=f"{words.online_url}/?sheet={sheet_code(n)}",
            )
            for n in range(1, sheets + 1)
        ),
        prepared_on=date(2025, 3, 14),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module", autouse=True)
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"poppler-utils is needed to read the PDFs back (missing {missing})")


def pdf_write(data: bytes, folder: Path, name: str) -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    return path


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    assert match, info.stdout
    return int(match.group(1))


def pdf_page_sizes(path: Path) -> list[str]:
    pages = pdf_pages(path)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pages), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return re.findall(r"^Page\s+\d+ size:\s+(.+)$", info.stdout, re.MULTILINE)


def page_text(path: Path, page: int, *, layout: bool = False) -> str:
    """Return one page's text; `layout` keeps a table's row on one line."""
    options = ["-layout"] if layout else []
    out = subprocess.run(
        ["pdftotext", *options, "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def flat(text: str) -> str:
    """Return text on one line, as it was before the PDF wrapped it (also after a hyphen)."""
    return " ".join(re.sub(r"(?<=\w-)\s*\n\s*", "", text).split())


def page_words(path: Path, page: int) -> list[tuple[str, float, float, float]]:
    """Return (word, left, top, bottom) in points from the page's top left, in drawing order."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    return [
        (word, float(left), float(top), float(bottom))
        for left, top, bottom, word in re.findall(pattern, out.stdout)
    ]


def png_write(path: Path, name: str, last_page: int) -> list[Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    pages = ["-f", "1", "-l", str(last_page)]
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", *pages, str(path), str(ARTIFACTS / name)], check=True
    )
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[PackDocument, Path]]:
    """One pack per row count the sheets allow, 12 sheets in the 20-row pack (codes -1 and -10)."""
    folder = tmp_path_factory.mktemp("packs")
    rendered = {}
    for rows, sheets in ((10, 3), (20, 12), (25, 3)):
        document = pack(rows=rows, sheets=sheets)
        rendered[rows] = (document, pdf_write(pack_pdf(document), folder, f"pack-{rows}"))
    return rendered


def cover_pages(document: PackDocument, path: Path) -> int:
    return pdf_pages(path) - len(document.sheets)


@pytest.mark.parametrize("rows", [10, 20, 25])
def test_pack_pdf_prints_each_sheet_on_exactly_one_a4_page(
    packs: dict[int, tuple[PackDocument, Path]], rows: int
) -> None:
    document, path = packs[rows]
    covers = cover_pages(document, path)
    assert covers in (1, 2), f"the cover letter took {covers} pages"
    assert "Dear Jane O'Neill" in page_text(path, 1)
    sizes = pdf_page_sizes(path)
    assert len(sizes) == covers + len(document.sheets)
    assert all(size.startswith("595.276 x 841.89 pts") for size in sizes), sizes
    for sheet in document.sheets:
        text = page_text(path, covers + sheet.number)
        assert f"Sheet {sheet.code}" in text
        assert set(re.findall(r"S000123-\d+", text)) == {sheet.code}
        assert f"Sheet {sheet.number} of {len(document.sheets)} · Pack 42" in text


@pytest.mark.parametrize("rows", [10, 20, 25])
def test_pack_pdf_sheet_has_numbered_rows_and_columns_that_do_not_overlap(
    packs: dict[int, tuple[PackDocument, Path]], rows: int
) -> None:
    document, path = packs[rows]
    page = cover_pages(document, path) + 1
    text = page_text(path, page)
    numbers = [int(line) for line in text.splitlines() if line.strip().isdigit()]
    assert numbers == list(range(1, rows + 1))
    for heading in ("No.", "Full name", "Postcode", "First line of address", "Email (optional)"):
        assert heading in text
    assert "Signature" in text and "Updates?" in text and "needs email" in text

    words = page_words(path, page)
    names = [word for word, *_ in words]
    heading_at = names.index("No.")
    last_line_at = max(i for i, word in enumerate(names) if word == str(rows))
    footer_at = names.index("Sheet", last_line_at)
    header_bottom = max(bottom for *_, bottom in words[:heading_at])
    grid_top = min(top for _, _, top, _ in words[heading_at : last_line_at + 1])
    grid_bottom = max(bottom for *_, bottom in words[heading_at : last_line_at + 1])
    footer_top = min(top for _, _, top, _ in words[footer_at:])
    footer_bottom = max(bottom for *_, bottom in words[footer_at:])
    assert header_bottom < grid_top, "the sheet's header runs into the table"
    assert grid_bottom < footer_top, "the table runs into the footer"
    assert footer_bottom < (297 - 12) * MM_PT, "the footer runs past the bottom margin"
    assert footer_top > 240 * MM_PT, "the footer is not at the foot of the page"


def test_pack_pdf_sheets_carry_the_wording_and_the_privacy_line(
    packs: dict[int, tuple[PackDocument, Path]],
) -> None:
    document, path = packs[20]
    sheet_page = flat(page_text(path, cover_pages(document, path) + 1))
    assert f"By signing I declare: {DECLARATION}" in sheet_page
    assert f"Consent version {CONSENT_VERSION}" in sheet_page
    assert names_join(CONTROLLERS) in sheet_page
    assert "Addresses stay on paper and are never typed in" in sheet_page
    assert document.wording.opt_in in sheet_page
    assert flat(ACTION) in sheet_page, "the sheet must carry the whole action"
    assert "Light Up Holloway".upper() in sheet_page  # print.css upper-cases the title
    assert "#LightUpHolloway" in sheet_page
    assert "A petition to Islington Council's Executive Member" in sheet_page
    assert f"Sign online: {document.wording.online_url}" in sheet_page
    assert "BACKGROUNDEND" not in sheet_page and "…" in sheet_page, "background not cut"


def test_pack_pdf_cover_letter_carries_instructions_privacy_and_full_background(
    packs: dict[int, tuple[PackDocument, Path]],
) -> None:
    document, path = packs[20]
    raw = "\n".join(page_text(path, page) for page in range(1, cover_pages(document, path) + 1))
    cover = flat(raw)
    assert "Dear Jane O'Neill," in cover
    assert "Flat 3, 27 Example Road London N7 8XX" in cover
    assert "14 March 2025" in cover
    assert "BACKGROUNDEND" in cover, "the cover letter must carry the background in full"
    assert flat(ACTION) in cover
    for instruction in (
        "British citizens or UK residents",
        "each person signs once",
        "CAPITALS",
        "An email address is optional",
        "Never fill in a line on someone else's behalf",
        "Keep the sheets dry and flat, and do not photocopy them",
        "even if it is only partly filled",
    ):
        assert instruction in cover, instruction
    # Staff's return instructions keep their line breaks.
    assert re.search(r"^Post the sheets to:\s*\nFREEPOST CALLINGTIME\s*\nby 15 June\.", raw, re.M)
    assert (
        f"data controllers for the details written on these sheets are {names_join(CONTROLLERS)}"
        in cover
    )
    assert "the first line of address is never typed into our system" in cover
    assert "We keep signatures three months after delivery." in cover
    assert document.wording.privacy_contact in cover
    assert f"Consent wording version {CONSENT_VERSION}" in cover
    assert document.wording.online_url in cover


def test_pack_pdf_escapes_markup_in_user_text(
    packs: dict[int, tuple[PackDocument, Path]],
) -> None:
    document, path = packs[10]
    cover = flat(page_text(path, 1))
    sheet_page = flat(page_text(path, cover_pages(document, path) + 1))
    assert flat(BACKGROUND_START) in cover
    assert flat(BACKGROUND_START) in sheet_page


def test_pack_pdf_without_recipient_greets_the_volunteer(tmp_path: Path) -> None:
    document = pack(sheets=1, recipient_name="", recipient_address=(), return_instructions="")
    path = pdf_write(pack_pdf(document), tmp_path, "staff")
    cover = flat(page_text(path, 1))
    assert "Dear volunteer," in cover
    assert f"return the sheets to {names_join(CONTROLLERS)}" in flat(
        "\n".join(page_text(path, page) for page in range(1, cover_pages(document, path) + 1))
    )


def test_pack_pdf_keeps_one_page_per_sheet_with_capitals_and_long_wording(tmp_path: Path) -> None:
    shouting = ("STOP THE RAT RUNNING THROUGH OUR STREETS AND FIX THE BROKEN CAMERAS NOW " * 3)[
        :160
    ]
    words = wording(
        action=shouting,
        declaration=DECLARATION * 2,
        opt_in="Tick to hear from us and from partner groups about this and related campaigns "
        "in the area, by email only, at most once a month; you can stop at any time.",
    )
    for rows in (10, 25):
        document = pack(rows=rows, sheets=2, wording=words)
        path = pdf_write(pack_pdf(document), tmp_path, f"long-{rows}")
        covers = cover_pages(document, path)
        assert covers in (1, 2, 3)
        for sheet in document.sheets:
            text = page_text(path, covers + sheet.number)
            assert f"Sheet {sheet.code}" in text
            assert flat(shouting) in flat(text)


def test_pack_pdf_rejects_more_rows_than_a_sheet_holds() -> None:
    with pytest.raises(ValueError) as raised:
        pack_pdf(pack(rows=26, sheets=1))
    assert str(raised.value) == PACK_ROWS_OUT_OF_RANGE.format(rows=26, most=25)


def test_sheet_layout_gives_few_rows_taller_lines_up_to_a_cap() -> None:
    words, controllers = wording(), names_join(CONTROLLERS)
    heights = {
        rows: sheet_layout(words, rows_per_sheet=rows, controllers=controllers).row_height_mm
        for rows in (10, 20, 25)
    }
    assert heights[10] == SHEET_ROW_MAX_MM
    assert 8.0 <= heights[20] <= 9.5
    assert 6.0 <= heights[25] < heights[20]


def test_text_truncate_cuts_at_a_word_with_an_ellipsis() -> None:
    assert text_truncate("short", 10) == "short"
    cut = text_truncate(BACKGROUND, 300)
    assert len(cut) <= 300 and cut.endswith("…") and not cut.endswith(" …")
    assert BACKGROUND.startswith(cut[:-1].rstrip())


def test_qr_svg_data_uri_draws_exactly_segnos_modules() -> None:
    payload = "https://callingtime.example.org/p/light-up-holloway/?sheet=S000123-7"
    svg = urllib.parse.unquote(qr_svg_data_uri(payload).split(",", 1)[1])
    expected = [
        list(row) for row in segno.make(payload, error="m").matrix_iter(border=QR_BORDER_MODULES)
    ]
    size = len(expected)
    assert f'viewBox="0 0 {size} {size}"' in svg
    drawn = [[0] * size for _ in range(size)]
    for x, y, width, height in re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+z", svg):
        for row in range(int(y), int(y) + int(height)):
            for col in range(int(x), int(x) + int(width)):
                assert drawn[row][col] == 0, "rectangles overlap"
                drawn[row][col] = 1
    assert drawn == [[int(bool(module)) for module in row] for row in expected]
    assert all(not any(row) for row in drawn[:QR_BORDER_MODULES]), "no quiet zone"


def test_pack_pdf_pngs_of_the_first_pages(packs: dict[int, tuple[PackDocument, Path]]) -> None:
    document, path = packs[20]
    pngs = png_write(path, "pdf-pack", cover_pages(document, path) + 2)
    assert len(pngs) == cover_pages(document, path) + 2
    assert all(png.stat().st_size > 5_000 for png in pngs)


def delivery(*, closed: bool = False) -> DeliveryDocument:
    known = (
        DeliveryRow(
            ons_code=f"E1400{n:04d}",
            name=f"Holloway & <District> {n}",
            online=1000 - n * 7,
            paper=300 - n * 3,
        )
        for n in range(80)
    )
    rows = (*known, DeliveryRow(ons_code="", name="", online=12, paper=3))
    return DeliveryDocument(
        wording=wording(),
        opened_on=date(2025, 1, 10),
        closed_on=date(2025, 5, 31) if closed else None,
        counted_until="14 March 2025 at 09:30",
        total_online=sum(row.online for row in rows),
        total_paper=sum(row.paper for row in rows),
        rows=rows,
        prepared_on=date(2025, 3, 14),
    )


def test_delivery_pdf_has_totals_and_every_constituency_over_several_pages(tmp_path: Path) -> None:
    document = delivery()
    path = pdf_write(delivery_pdf(document), tmp_path, "delivery")
    pages = pdf_pages(path)
    assert pages >= 2, "81 rows should not fit on one page"
    assert all(size.startswith("595.276 x 841.89 pts") for size in pdf_page_sizes(path))
    texts = [page_text(path, page, layout=True) for page in range(1, pages + 1)]
    whole = flat("\n".join(texts))  # a table row on one line
    assert flat(f"Petition: {ACTION}") in whole
    assert f"to {document.wording.target}" in whole
    assert f"Presented by {names_join(CONTROLLERS)}" in whole
    assert "Opened: 10 January 2025" in whole and "Closed: still open" in whole
    assert "Counts as at: 14 March 2025 at 09:30" in whole
    online, paper = document.total_online, document.total_paper
    # Each total's figure sits under its label, in the same box.
    words = page_words(path, 1)
    for label, figure in (("online", online), ("paper", paper), ("signatures", online + paper)):
        _, label_left, _, label_bottom = next(w for w in words if w[0] == label)
        _, figure_left, figure_top, _ = next(w for w in words if w[0] == f"{figure:,}")
        assert figure_top > label_bottom and figure_left - 60 < label_left < figure_left + 80
    for row in document.rows[:-1]:
        assert f"{row.name} {row.ons_code} {row.online:,} {row.paper:,} {row.total:,}" in whole
    assert f"{UNKNOWN_CONSTITUENCY} – 12 3 15" in whole
    assert f"All constituencies {online:,} {paper:,} {online + paper:,}" in whole
    assert "keyed in from signed petition sheets" in whole
    assert "confirmed by each signer from a link sent to their email address" in whole
    assert "Prepared on 14 March 2025" in whole
    for number, text in enumerate(texts, start=1):
        assert text.count("ONS code") == 1, f"page {number} has no table header"
        assert f"Page {number} of {pages}" in text
    png_write(path, "pdf-delivery", 2)


def test_delivery_pdf_of_a_closed_petition_says_when_it_closed(tmp_path: Path) -> None:
    path = pdf_write(delivery_pdf(delivery(closed=True)), tmp_path, "closed")
    assert "Closed: 31 May 2025" in flat(page_text(path, 1))


def test_packs_and_delivery_summaries_print_in_the_shipped_face(
    packs: dict[int, tuple[PackDocument, Path]], tmp_path: Path
) -> None:
    # The text face is the project's Liberation Sans, whatever the machine has installed.
    delivery_path = pdf_write(delivery_pdf(delivery()), tmp_path, "delivery")
    for path in (packs[20][1], delivery_path):
        # Sheet codes are set in DejaVu Sans Mono on purpose (print.css, `.mono`).
        text_faces = {name for name in pdf_font_names(path) if "Mono" not in name}
        assert text_faces == SHIPPED_FACES, path.name
