"""Resolve an AREA argument and build its profile: shared by `crime profile` and `infographic`."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from callingtime import env
from callingtime.areas.models import Area
from callingtime.crimedata.profile_model import AreaProfile, SourceKey


def profile_for_cli(
    *,
    area: str,
    category: str,
    end: str | None,
    source: str | None,
    db: Path | None,
    areas_db: Path | None,
) -> tuple[AreaProfile, list[Area]]:
    """Return the profile of the first area AREA names, and the other areas it matched."""
    from callingtime.areas.store import AreasStore
    from callingtime.crimedata.profile import ProfileError, area_profile
    from callingtime.crimedata.store import store_open

    try:
        areas = AreasStore.open(areas_db or env.areas_db_path())
        con = store_open(db or env.crime_db_path(), read_only=True)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from error
    try:
        found = areas.area_resolve(area)
        if not found:
            raise click.ClickException(f"no area matches {area!r}")
        profile = area_profile(
            con=con,
            areas=areas,
            code=found[0].code,
            category=category,
            end=end,
            source=cast(SourceKey | None, source),
        )
    except ProfileError as error:
        raise click.ClickException(str(error)) from error
    finally:
        con.close()
        areas.close()
    return profile, found[1:]
