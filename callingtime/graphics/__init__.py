"""Server-side charts and shareable infographics as SVG and PNG, with no browser.

Plain Python: callers pass the frozen dataclasses in `models`; nothing here reads the crime
store or imports Django.
"""

from callingtime.graphics.chart_svg import monthly_chart_svg
from callingtime.graphics.infographic import (
    infographic_description,
    infographic_png,
    infographic_svg,
)
from callingtime.graphics.models import HeadlineFigures, MonthlyPoint

__all__ = [
    "HeadlineFigures",
    "MonthlyPoint",
    "infographic_description",
    "infographic_png",
    "infographic_svg",
    "monthly_chart_svg",
]
