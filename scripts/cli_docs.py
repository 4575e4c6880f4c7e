"""Write docs/cli.md from the commands' own help, so the reference never drifts from the code.

Run: `.venv/bin/python scripts/cli_docs.py` (a test fails when docs/cli.md is out of date).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callingtime.cli import main  # noqa: E402

INTRO = """# The `callingtime` command line

One console script, `callingtime`. Each command parses its options, calls one library function
and prints a table for people, or JSON with `--json`. Paths default to the settings in
`callingtime/env.py` (see the README's configuration table). This page is generated from the
commands' own `--help` by `scripts/cli_docs.py`.
"""


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def cli_docs_render() -> str:
    """Return the Markdown reference of every command."""
    parts = [INTRO]
    for path, command in _walk(main, ["callingtime"]):
        name = " ".join(path)
        context = click.Context(command, info_name=name, terminal_width=100, max_content_width=100)
        parts.append(f"\n## `{name}`\n\n```\n{command.get_help(context)}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(cli_docs_render())
