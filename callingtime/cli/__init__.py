"""The `callingtime` console script: one module per command family, each a thin layer."""

from __future__ import annotations

import click

from callingtime import __version__
from callingtime.cli import analysis, areas, crime, paper, petitions, share, web
from callingtime.cli import staff as staff_cli


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
for command in petitions.COMMANDS:
    main.add_command(command)
for command in paper.COMMANDS:
    main.add_command(command)
for command in staff_cli.COMMANDS:
    main.add_command(command)
