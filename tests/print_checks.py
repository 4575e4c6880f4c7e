"""Checks on the PDFs the apps print, shared by their tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

# The @font-face name callingtime.core.print_pdf gives the shipped Liberation Sans.
SHIPPED_FACES = {"Callingtime-Sans", "Callingtime-Sans-Bold"}


def pdf_font_names(path: Path) -> set[str]:
    """Return the names of the fonts a PDF embeds, without their subset prefixes."""
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    # "ABCDEF+Name type ..." under two header lines; the prefix names the embedded subset.
    return {line.split()[0].split("+", 1)[-1] for line in listing.stdout.splitlines()[2:]}
