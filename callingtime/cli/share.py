"""`callingtime crime infographic AREA`: the shareable pictures of an area profile, as files."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from callingtime.cli.profile_lookup import profile_for_cli
from callingtime.infographics import (
    FORMATS,
    SIZES,
    Format,
    InfographicUnavailableError,
    Size,
    hashtag_clean,
    infographic_filename,
    infographic_render,
)

_PATH = click.Path(path_type=Path)


def _hashtag(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return hashtag_clean(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@click.command("infographic")
@click.argument("area")
@click.option("--category", default="all-crime", help="Crime category slug (default all-crime).")
@click.option("--end", default=None, help="Last month of the window, YYYY-MM (default: latest).")
@click.option("--source", type=click.Choice(["police-uk", "mps"]), default=None)
@click.option("--hashtag", default=None, callback=_hashtag, help="e.g. SaferStreets (# optional).")
@click.option(
    "--size", type=click.Choice(["square", "landscape", "both"]), default="both", show_default=True
)
@click.option("--format", "fmt", type=click.Choice(["png", "svg", "both"]), default="both")
@click.option("--out", type=_PATH, default=Path("."), help="Folder to write into (default: .).")
@click.option("--db", type=_PATH, default=None, help="Crime store (default: CALLINGTIME_CRIME_DB).")
@click.option(
    "--areas-db", type=_PATH, default=None, help="Geography store (default: CALLINGTIME_AREAS_DB)."
)
def infographic(
    area: str,
    category: str,
    end: str | None,
    source: str | None,
    hashtag: str | None,
    size: str,
    fmt: str,
    out: Path,
    db: Path | None,
    areas_db: Path | None,
) -> None:
    """Write an area's shareable infographic (PNG 1080×1080 / 1200×630, SVG); print the paths.

    AREA is a GSS code, a name or a postcode.
    """
    profile, _ = profile_for_cli(
        area=area, category=category, end=end, source=source, db=db, areas_db=areas_db
    )
    out.mkdir(parents=True, exist_ok=True)
    sizes: tuple[Size, ...] = SIZES if size == "both" else (cast(Size, size),)
    formats: tuple[Format, ...] = FORMATS if fmt == "both" else (cast(Format, fmt),)
    for one_size in sizes:
        for one_format in formats:
            try:
                body = infographic_render(
                    profile,
                    size=one_size,
                    fmt=one_format,
                    hashtag=hashtag,
                )
            except InfographicUnavailableError as error:
                raise click.ClickException(str(error)) from error
            path = out / infographic_filename(profile, size=one_size, fmt=one_format)
            path.write_bytes(body)
            click.echo(str(path))
