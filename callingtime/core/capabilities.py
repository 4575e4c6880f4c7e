"""Optional features that need system libraries, and a plain message when one is missing."""

from __future__ import annotations

import ctypes.util
import shutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    """Whether an optional feature can run here, and what to do if it cannot."""

    name: str
    available: bool
    detail: str


PDF_MISSING = (
    "PDF output (petition packs, briefing packs) needs the Pango text library, which is not "
    "installed on this machine. On Debian or Ubuntu: apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core. Everything else works without it."
)
BROWSER_MISSING = (
    "Chromium is not installed: browser tests and page screenshots are unavailable. On Debian: "
    "apt-get install chromium."
)


def pdf_capability() -> Capability:
    """Report whether the system libraries for PDF rendering are present."""
    found = all(ctypes.util.find_library(name) for name in ("pango-1.0", "pangoft2-1.0"))
    detail = "Pango found: PDF output is available." if found else PDF_MISSING
    return Capability("PDF output", found, detail)


def browser_capability() -> Capability:
    """Report whether a Chromium binary is present for screenshots and browser tests."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    return Capability(
        "Chromium", path is not None, f"Chromium at {path}." if path else BROWSER_MISSING
    )


def capabilities() -> list[Capability]:
    """Return every optional capability with its state."""
    return [pdf_capability(), browser_capability()]
