"""Every setting is declared once and documented in the README and .env.example."""

from __future__ import annotations

import re

from callingtime.env import SETTINGS
from tests.conftest import REPO_ROOT


def test_every_setting_is_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert missing == []


def test_env_example_lists_exactly_the_declared_settings() -> None:
    text = (REPO_ROOT / ".env.example").read_text()
    listed = re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE)
    assert sorted(listed) == sorted(s.name for s in SETTINGS)


def test_env_example_carries_no_secret_values() -> None:
    text = (REPO_ROOT / ".env.example").read_text()
    for setting in SETTINGS:
        if setting.secret:
            assert re.search(rf"^{setting.name}=$", text, flags=re.MULTILINE)


def test_settings_module_reads_only_declared_variables() -> None:
    declared = {s.name for s in SETTINGS}
    used: set[str] = set()
    for path in [*(REPO_ROOT / "callingtime").rglob("*.py"), *(REPO_ROOT / "config").rglob("*.py")]:
        used.update(re.findall(r"env_(?:str|bool|int|list)\(\"([A-Z0-9_]+)\"\)", path.read_text()))
    assert used <= declared, used - declared
