"""The `callingtime` console script: one module per command family, each a thin layer."""

from __future__ import annotations

import click

from callingtime import __version__
from callingtime.cli import analysis, areas, crime, share, web


@click.group()
@click.version_option(__version__, prog_name="callingtime")
def main() -> None:
    """callingtime: evidence-led community-safety campaigns."""


crime.crime.add_command(share.infographic)
crime.crime.add_command(analysis.hotspots)
main.add_command(crime.crime)
main.add_command(areas.areas)
for command in web.COMMANDS:
    main.add_command(command)
