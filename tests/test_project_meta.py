"""Checks on the project itself: migrations, architecture contracts, the CLI's documentation."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import click
import pytest
from django.core.management import call_command

from callingtime.cli import main
from tests.conftest import REPO_ROOT


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _commands(group: click.Group, prefix: str = "callingtime") -> list[str]:
    names: list[str] = []
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        names.append(full)
        if isinstance(command, click.Group):
            names.extend(_commands(command, full))
    return names


def test_every_cli_command_is_documented() -> None:
    docs = (REPO_ROOT / "docs" / "cli.md").read_text() + (REPO_ROOT / "README.md").read_text()
    missing = [name for name in _commands(main) if f"`{name}" not in docs]
    assert missing == []


def test_every_cli_command_has_help() -> None:
    for name, command in main.commands.items():
        assert command.help, name


def test_cli_reference_is_current() -> None:
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from cli_docs import cli_docs_render

    current = (REPO_ROOT / "docs" / "cli.md").read_text()
    assert current == cli_docs_render(), "docs/cli.md is stale: run scripts/cli_docs.py"
