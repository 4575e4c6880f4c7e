"""Render print HTML to PDF bytes offline, in the fonts the project ships.

Any app's printable documents share this: the Liberation Sans files in `callingtime/graphics/
fonts/` loaded by file: URL (so a document prints the same from every machine), a URL fetcher
that allows only file: and data: (so nothing is fetched from the network), and one font
configuration and stylesheet per document, which all its pages share.

>>> css = font_face_css() + "html { font-family: 'Callingtime Sans'; }"
>>> pdf_bytes = pdf_from_html("<p>Hello</p>", css=css, base_url="file:///tmp/")  # doctest: +SKIP
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

FONTS_DIR = Path(__file__).resolve().parent.parent / "graphics" / "fonts"
PRINT_FONT_FAMILY = "Callingtime Sans"
PRINT_PROTOCOLS = ("file", "data")
_SVG_FONT_FAMILY = re.compile(r'font-family="[^"]*"')


@cache
def font_face_css(family: str = PRINT_FONT_FAMILY) -> str:
    """Return @font-face rules naming the shipped Liberation Sans (regular and bold)."""
    return "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'src: url("{(FONTS_DIR / file_name).as_uri()}"); }}\n'
        for weight, file_name in (
            ("normal", "LiberationSans-Regular.ttf"),
            ("bold", "LiberationSans-Bold.ttf"),
        )
    )


def svg_print_font(svg: str, family: str = PRINT_FONT_FAMILY) -> str:
    """Return an inline SVG whose first font-family (its root's) names the print face.

    The charts of callingtime.graphics name "Liberation Sans, Arial, …" for browsers; in a PDF
    that list would fall back to whatever the machine has, and WeasyPrint resolves it again for
    every text node, which doubled the time to draw a results summary.

    >>> svg_print_font('<svg font-family="Liberation Sans, Arial"><text>1</text></svg>')
    '<svg font-family="Callingtime Sans"><text>1</text></svg>'
    """
    return _SVG_FONT_FAMILY.sub(f'font-family="{family}"', svg, count=1)


def print_url_fetcher() -> URLFetcher:
    """Return a URL fetcher that loads file: and data: URLs and refuses every other."""
    return URLFetcher(allowed_protocols=PRINT_PROTOCOLS)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the garbage collector for one render (WeasyPrint's boxes live until it ends).

    Its full passes over a long document's boxes cost about a quarter of the time; the web and
    task workers are single-threaded, so one render's pause holds up no one else.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pdf_from_html(html: str, *, css: str, base_url: str) -> bytes:
    """Return the PDF of an HTML string laid out with one stylesheet, fetching nothing remote."""
    fetcher = print_url_fetcher()
    font_config = FontConfiguration()
    stylesheet = weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=font_config)
    with gc_paused():
        pdf: bytes = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            stylesheets=[stylesheet], font_config=font_config
        )
    return pdf
