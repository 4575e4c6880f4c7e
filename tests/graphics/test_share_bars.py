"""The share bar chart: every option drawn, hidden ones hatched, safe under a strict CSP."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from callingtime.graphics.share_bars import HIDDEN_LABEL, ShareBar, share_bars_svg

BARS = [
    ShareBar("Very safe", 0.34, 0.22, 0.49),
    ShareBar("Fairly <safe>", None),
    ShareBar("Very unsafe", 0.0, 0.0, 0.09),
]


def test_every_option_is_drawn_and_hidden_ones_say_so() -> None:
    svg = share_bars_svg(BARS, title="How safe after dark?", n=41)
    root = ET.fromstring(svg)  # noqa: S314 - our own output; checks it is well-formed
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Very safe" in texts and "Fairly <safe>" in texts and HIDDEN_LABEL in texts
    assert "34%" in texts and "0%" in texts
    assert texts.count(HIDDEN_LABEL) == 1
    assert "n = 41" in " ".join(t for t in texts if t)
    assert root.get("role") == "img" and "Fairly &lt;safe&gt;: hidden" in svg


def test_the_whisker_spans_the_interval() -> None:
    svg = share_bars_svg([ShareBar("A", 0.5, 0.25, 0.75)], title="t", n=20, width=720)
    plot = 720 - 260 - 64 - 12
    xs = {float(x) for x in re.findall(r'x1="([\d.]+)"', svg)}
    assert round(260 + plot * 0.25, 1) in xs and round(260 + plot * 0.75, 1) in xs


def test_no_style_or_script_so_it_inlines_under_the_csp() -> None:
    svg = share_bars_svg(BARS, title="t", n=None)
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg
    assert "fewer than 10 answers" in svg
