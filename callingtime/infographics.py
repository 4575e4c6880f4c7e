"""Shareable infographics of an area profile: the bridge from `AreaProfile` to the graphics package.

The graphics package draws plain dataclasses and knows nothing of profiles; this module words the
figures (window, rate, change, the source line and the caveat) once, so the web download and
`callingtime crime infographic` produce the same pictures.

>>> figures = profile_figures(profile, hashtag="#SaferIslington")  # doctest: +SKIP
>>> png = infographic_render(profile, size="square", fmt="png")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from typing import Literal

from callingtime.crimedata.profile_model import AreaProfile
from callingtime.graphics import (
    HeadlineFigures,
    MonthlyPoint,
    infographic_description,
    infographic_png,
    infographic_svg,
)
from callingtime.sources import OGL_LINE

Size = Literal["square", "landscape"]
Format = Literal["png", "svg"]
SIZES: tuple[Size, ...] = ("square", "landscape")
FORMATS: tuple[Format, ...] = ("png", "svg")

CAVEAT = "Police recorded crime is not National Statistics."
HASHTAG_MAX = 40
ERROR_HASHTAG = (
    "A hashtag has letters, digits and underscores only, at most 40 of them "
    "(the # in front is optional); got {text!r}"
)
ERROR_NO_COUNT = (
    "There is no 12-month count for {area} ({category}, {start} to {end}): months or the "
    "category are not loaded, so there is nothing to share yet."
)

_HASHTAG = re.compile(rf"#?(\w{{1,{HASHTAG_MAX}}})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_AREA_TYPES = {
    "constituency": "Constituency",
    "borough": "Local authority",
    "ward": "Ward",
    "lsoa": "Neighbourhood",
    "bcu": "Met Basic Command Unit",
    "force": "Police force",
    "region": "Region",
    "country": "Country",
    "set": "Areas",
}


class InfographicUnavailableError(ValueError):
    """The profile has no 12-month count to draw."""


def hashtag_clean(text: str | None) -> str | None:
    """Return the hashtag as "#Tag", None when empty; raise ValueError when it is not one.

    >>> hashtag_clean("SaferStreets_2025")
    '#SaferStreets_2025'
    >>> hashtag_clean("  ") is None
    True
    """
    value = (text or "").strip()
    if not value:
        return None
    match = _HASHTAG.fullmatch(value)
    if match is None or match.group(1).isdigit():
        raise ValueError(ERROR_HASHTAG.format(text=value))
    return "#" + match.group(1)


def month_label(month: str) -> str:
    """Return "2024-11" as "Nov 2024"."""
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {year}"


def window_label(profile: AreaProfile) -> str:
    """Return the 12-month window as "Dec 2023 – Nov 2024"."""
    return f"{month_label(profile.window.start)} – {month_label(profile.window.end)}"


def rate_text(profile: AreaProfile) -> str | None:
    """Return the rate per 1,000 residents with its population year, or None."""
    if profile.rate_per_1000 is None:
        return None
    year = f" (population {profile.population_year})" if profile.population_year else ""
    return f"{profile.rate_per_1000:,.1f} per 1,000 residents{year}"


def change_text(profile: AreaProfile) -> str:
    """Return the change against the previous 12 months, as the profile words it."""
    if profile.change is not None:
        return profile.change.summary
    if profile.previous_count is None:
        return "No comparison: the previous 12 months are not all loaded"
    return "No comparison available"


def source_line(profile: AreaProfile) -> str:
    """Return the source named, with the attribution its licence asks for (always the OGL)."""
    attribution = profile.attribution.strip()
    if OGL_LINE not in attribution:
        attribution = f"{attribution} {OGL_LINE}".strip()
    return f"Source: {profile.source_label}. {attribution}"


def profile_figures(profile: AreaProfile, *, hashtag: str | None = None) -> HeadlineFigures:
    """Return the infographic's figures for a profile; raise when there is no count to draw."""
    if profile.count is None:
        raise InfographicUnavailableError(
            ERROR_NO_COUNT.format(
                area=profile.area.name,
                category=profile.category_label,
                start=profile.window.start,
                end=profile.window.end,
            )
        )
    return HeadlineFigures(
        area_name=profile.area.name,
        area_type=_AREA_TYPES.get(profile.area.type, profile.area.type.capitalize()),
        category_label=profile.category_label,
        window_label=window_label(profile),
        count=profile.count,
        previous_count=profile.previous_count,
        change_text=change_text(profile),
        rate_text=rate_text(profile),
        source_line=source_line(profile),
        caveat=CAVEAT,
        hashtag=hashtag_clean(hashtag),
        monthly=tuple(MonthlyPoint(point.month, point.count) for point in profile.monthly),
    )


def infographic_render(
    profile: AreaProfile, *, size: Size, fmt: Format, hashtag: str | None = None
) -> bytes:
    """Return the infographic of a profile as PNG or SVG bytes (1080×1080 or 1200×630)."""
    figures = profile_figures(profile, hashtag=hashtag)
    if fmt == "png":
        return infographic_png(figures, size=size)
    return infographic_svg(figures, size=size).encode("utf-8")


def infographic_text(profile: AreaProfile, *, hashtag: str | None = None) -> str | None:
    """Return the infographic as plain text (its alt text), or None when it cannot be drawn."""
    try:
        return infographic_description(profile_figures(profile, hashtag=hashtag))
    except InfographicUnavailableError:
        return None


def infographic_filename(profile: AreaProfile, *, size: Size, fmt: Format) -> str:
    """Return a file name such as "islington-north-burglary-2024-11-square.png"."""
    slug = re.sub(r"[^a-z0-9]+", "-", profile.area.name.lower()).strip("-") or "area"
    return f"{slug[:60]}-{profile.category}-{profile.window.end}-{size}.{fmt}"
