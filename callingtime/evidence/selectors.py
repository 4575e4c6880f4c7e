"""Reads behind the evidence pages: thin wrappers over `callingtime.areas` and `crimedata`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from callingtime.areas.models import Area
from callingtime.areas.store import AreasStore
from callingtime.core.stores import (
    CRIME_NOT_LOADED,
    GEOGRAPHY_NOT_LOADED,
    GeographyNotLoadedError,
    areas_store,
    crime_con,
)
from callingtime.crimedata.profile import ProfileNotLoadedError, area_profile, profile_categories
from callingtime.crimedata.profile_model import AreaProfile, SourceKey
from callingtime.crimedata.status import StoreStatus, store_status
from callingtime.crimedata.store import StoreMissingError
from callingtime.evidence import area_map
from callingtime.graphics import MonthlyPoint, monthly_chart_svg
from callingtime.infographics import infographic_text

__all__ = [
    "CRIME_NOT_LOADED",
    "GEOGRAPHY_NOT_LOADED",
    "GeographyNotLoadedError",
    "ProfileNotLoadedError",
    "profile_categories",
]


@dataclass(frozen=True)
class AreaGeography:
    """An area with what surrounds it."""

    area: Area
    parents: list[Area]
    children_by_type: dict[str, list[Area]]
    neighbours: list[Area]
    population: object | None


@dataclass(frozen=True)
class ProfilePage:
    """Everything the area page shows: the geography and, when loaded, the crime profile."""

    geography: AreaGeography
    profile: AreaProfile
    chart_svg: str
    description: str | None
    lsoas_by_rate: list[Any]
    months_desc: list[str]  # months loaded, latest first: the choices of the end month
    query: str  # category, end and source of this profile, for its downloads and map
    map_tiles_url: str
    map_tiles_attribution: str
    fallback_note: str | None = None


# When nobody chose a category, show the first of these that is loaded for the area rather than
# a page that says "not loaded" (the Met's police.uk files here are burglary only, for example).
DEFAULT_CATEGORY_ORDER = ("all-crime", "violent-crime", "burglary", "anti-social-behaviour")
FALLBACK_NOTE = "{wanted} is not loaded for {area}, so this page shows {shown}."


def postcode_areas(*, postcode: str) -> object:
    """Return the areas a postcode lies in (raises the areas package's postcode errors)."""
    with areas_store() as store:
        return store.postcode_lookup(postcode)


def areas_find(*, text: str, limit: int = 30) -> list[Area]:
    """Return areas whose name matches the text."""
    with areas_store() as store:
        return store.area_search(text, limit=limit)


def _geography(store: AreasStore, code: str) -> AreaGeography | None:
    area = store.area_get(code)
    if area is None:
        return None
    children: dict[str, list[Area]] = {}
    for child in store.area_children(code):
        children.setdefault(child.type, []).append(child)
    return AreaGeography(
        area=area,
        parents=store.area_parents(code),
        children_by_type=children,
        neighbours=store.area_neighbours(code),
        population=store.area_population(code),
    )


def area_geography(*, code: str) -> AreaGeography | None:
    """Return an area with its parents, children, neighbours and population, or None."""
    with areas_store() as store:
        return _geography(store, code)


def profile_get(
    *, code: str, category: str, end: str | None, source: SourceKey | None
) -> AreaProfile | None:
    """Return the crime profile of an area, or None when the area is unknown.

    Raises the profile errors (`ProfileCategoryUnknownError`, `ProfileMonthError`,
    `ProfileNotLoadedError`) for the caller to show.
    """
    with areas_store() as store:
        if store.area_get(code) is None:
            return None
        with crime_con() as con:
            return area_profile(
                con=con, areas=store, code=code, category=category, end=end, source=source
            )


def profile_page(
    *,
    code: str,
    category: str,
    end: str | None,
    source: SourceKey | None,
    category_chosen: bool = True,
) -> ProfilePage | None:
    """Return the area page's geography, profile, chart and share text, or None if unknown.

    When the category was not chosen and is not loaded, the first loaded category of
    DEFAULT_CATEGORY_ORDER is shown instead, with a note that says so.
    """
    tried = list(
        dict.fromkeys([category] if category_chosen else [category, *DEFAULT_CATEGORY_ORDER])
    )
    with areas_store() as store:
        geography = _geography(store, code)
        if geography is None:
            return None
        with crime_con() as con:
            for attempt in tried:
                try:
                    profile = area_profile(
                        con=con, areas=store, code=code, category=attempt, end=end, source=source
                    )
                    break
                except ProfileNotLoadedError:
                    if attempt == tried[-1]:
                        raise
    fallback_note = None
    if profile.category != category:
        wanted = dict(profile_categories()).get(category, category)
        fallback_note = FALLBACK_NOTE.format(
            wanted=wanted, area=profile.area.name, shown=profile.category_label
        )
    title = f"{profile.category_label} in {profile.area.name}, by month"
    chart = monthly_chart_svg(
        [MonthlyPoint(point.month, point.count) for point in profile.monthly],
        title=title,
        width=520,  # a narrower drawing keeps its labels legible on a phone
        highlight_from=profile.window.start,
        id_prefix="profile-chart",
    )
    return ProfilePage(
        geography=geography,
        profile=profile,
        chart_svg=chart,
        description=infographic_text(profile),
        lsoas_by_rate=sorted(
            profile.lsoas, key=lambda lsoa: (-(lsoa.rate_per_1000 or -1), -lsoa.count)
        ),
        months_desc=sorted(
            profile.coverage.months_loaded if profile.coverage else (), reverse=True
        ),
        query=urlencode(
            {"category": profile.category, "end": profile.window.end, "source": profile.source}
        ),
        map_tiles_url=settings.MAP_TILES_URL,
        map_tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        fallback_note=fallback_note,
    )


def area_map_geojson(
    *, code: str, category: str, end: str | None, source: SourceKey | None
) -> dict[str, Any] | None:
    """Return the LSOAs of an area and the ring around it as GeoJSON, or None if unknown.

    Each feature carries name, count, rate, `in_area` and a quantile `band`; the collection
    carries the legend. The ring's figures come from one profile of the ring's LSOAs as a set.
    """
    with areas_store() as store:
        if store.area_get(code) is None:
            return None
        with crime_con() as con:
            profile = area_profile(
                con=con, areas=store, code=code, category=category, end=end, source=source
            )

            def ring_figures(ring: tuple[str, ...]) -> AreaProfile:
                return area_profile(
                    con=con,
                    areas=store,
                    code=list(ring),
                    category=category,
                    end=profile.window.end,
                    source=profile.source,
                )

            return area_map.map_collection(store, profile, ring_figures)


def crime_store_summary() -> StoreStatus | None:
    """Return what the crime store holds, or None when nothing has been loaded."""
    try:
        return store_status(Path(settings.CRIME_DB_PATH))
    except StoreMissingError:
        return None
