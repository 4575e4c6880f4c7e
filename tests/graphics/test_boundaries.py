from __future__ import annotations

import ast
import sys
from pathlib import Path

import callingtime.graphics

PACKAGE_DIR = Path(callingtime.graphics.__file__).resolve().parent
ALLOWED_THIRD_PARTY = {"vl_convert"}


def _imported_modules() -> set[str]:
    found = set()
    for path in PACKAGE_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def test_graphics_imports_only_itself_the_stdlib_and_vl_convert() -> None:
    for module in _imported_modules():
        top = module.split(".")[0]
        if top == "callingtime":
            assert module.startswith("callingtime.graphics"), module
        else:
            assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, module


def test_bundled_font_ships_with_its_licence() -> None:
    fonts = PACKAGE_DIR / "fonts"
    assert (fonts / "LiberationSans-Regular.ttf").is_file()
    assert (fonts / "LiberationSans-Bold.ttf").is_file()
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text(encoding="utf-8")
