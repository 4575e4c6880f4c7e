"""Colours shared by the chart and the infographics, with the contrast check the tests use."""

from __future__ import annotations

INK = "#0b0c0c"
ACCENT = "#7a1f3d"
PANEL = "#f3f2f1"
WHITE = "#ffffff"
SECONDARY_TEXT = "#505a5f"
PREVIOUS_BAR = "#8b8682"
GRID_LINE = "#dcd9d6"
GAP_FILL = "#f3f2f1"
GAP_HATCH = "#6f777b"


def _channel(value: int) -> float:
    scaled = value / 255
    return scaled / 12.92 if scaled <= 0.03928 else ((scaled + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour, e.g. of "#ffffff" is 1.0."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours, e.g. black on white is 21.0."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
