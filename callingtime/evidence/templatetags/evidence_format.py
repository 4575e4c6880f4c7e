"""Template filters that word profile figures the same way everywhere on the site."""

from __future__ import annotations

from django import template

from callingtime.infographics import month_label as _month_label

register = template.Library()


@register.filter
def month_label(month: str | None) -> str:
    """Return "2024-11" as "Nov 2024"."""
    return _month_label(month) if month else ""


@register.filter
def percent(share: float | None) -> str:
    """Return a share (0.125) as "12.5%", or an em dash when there is none."""
    if share is None:
        return "—"
    return f"{share * 100:.1f}%"


@register.filter
def number(value: int | float | None) -> str:
    """Return a count with thousands separators, or "not loaded" for None (never zero)."""
    if value is None:
        return "not loaded"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


@register.filter
def ordinal(value: int) -> str:
    """Return 1 as "1st", 2 as "2nd", 11 as "11th"."""
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


_TYPE_PLURALS = {
    "lsoa": "neighbourhoods (LSOAs)",
    "ward": "wards",
    "constituency": "constituencies",
    "borough": "local authorities",
    "bcu": "Met Basic Command Units",
    "force": "police forces",
    "region": "regions",
    "country": "countries",
}


@register.filter
def area_type_plural(kind: str) -> str:
    """Return an area type as a plural people read: "lsoa" as "neighbourhoods (LSOAs)"."""
    return _TYPE_PLURALS.get(kind, f"{kind}s")
