"""Read back the SVG the graphics package writes: rects, texts and their drawn extent."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from callingtime.graphics._text import text_width

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class DrawnText:
    """One <text> element with its position after any translate() of its parents."""

    content: str
    left: float
    right: float
    baseline: float
    size: float
    bold: bool


def parse_svg(svg: str) -> ET.Element:
    """Parse the SVG as XML, failing the test if it is not well-formed."""
    return ET.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)


def rects(root: ET.Element, css_class: str) -> list[ET.Element]:
    """Return the <rect> elements with the given class."""
    return [el for el in root.iter(f"{SVG}rect") if el.get("class") == css_class]


def _offset(element: ET.Element) -> float:
    match = re.match(r"translate\(0 ([-\d.]+)\)", element.get("transform", ""))
    return float(match.group(1)) if match else 0.0


def drawn_texts(root: ET.Element) -> list[DrawnText]:
    """Return every <text> with its estimated left and right edges."""
    found: list[DrawnText] = []

    def walk(element: ET.Element, dy: float) -> None:
        dy += _offset(element)
        for child in element:
            if child.tag == f"{SVG}text":
                size = float(child.get("font-size", "16"))
                bold = child.get("font-weight") == "700"
                content = child.text or ""
                width = text_width(content, size, bold=bold)
                x = float(child.get("x", "0"))
                anchor = child.get("text-anchor", "start")
                left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
                found.append(
                    DrawnText(
                        content, left, left + width, float(child.get("y", "0")) + dy, size, bold
                    )
                )
            else:
                walk(child, dy)

    walk(root, 0.0)
    return found


def all_text(root: ET.Element) -> str:
    """Return the visible text of the SVG joined with spaces."""
    return " ".join(t.content for t in drawn_texts(root))
