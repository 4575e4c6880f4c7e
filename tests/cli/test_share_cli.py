"""`callingtime crime infographic`: writes the pictures and prints their paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from callingtime.cli.share import infographic
from callingtime.demo import demo_load


@pytest.fixture(scope="module")
def store_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("share-stores")
    crime_db, areas_db = folder / "crime.duckdb", folder / "areas.duckdb"
    assert demo_load(crime_db=crime_db, areas_db=areas_db).ok
    return ["--db", str(crime_db), "--areas-db", str(areas_db)]


def _size(path: Path) -> tuple[int, int]:
    body = path.read_bytes()
    return int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")


def test_writes_both_sizes_and_formats(store_args: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        infographic,
        ["Islington North", "--category", "burglary", "--hashtag", "#SaferIslington",
         "--out", str(tmp_path), *store_args],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.output.splitlines()]
    assert len(paths) == 4 and all(path.exists() for path in paths)
    pngs = sorted(p for p in paths if p.suffix == ".png")
    assert {_size(p) for p in pngs} == {(1080, 1080), (1200, 630)}
    svg = next(p for p in paths if p.suffix == ".svg").read_text()
    assert "#SaferIslington" in svg and "Open Government Licence v3.0" in svg


def test_one_size_one_format_from_a_postcode(store_args: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        infographic,
        ["RM10 8AA", "--category", "violent-crime", "--source", "mps", "--size", "landscape",
         "--format", "png", "--out", str(tmp_path), *store_args],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (path,) = [Path(line) for line in result.output.splitlines()]
    assert path.name.startswith("dagenham-and-rainham-violent-crime-")
    assert _size(path) == (1200, 630)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["Islington North", "--hashtag", "not ok"], "letters, digits and underscores"),
        (["Islington North", "--category", "knife-crime"], "knife-crime"),
        (["Nowhere At All Xyz"], "no area matches"),
    ],
)
def test_errors_are_clear(
    store_args: list[str], tmp_path: Path, args: list[str], words: str
) -> None:
    result = CliRunner().invoke(infographic, [*args, "--out", str(tmp_path), *store_args])
    assert result.exit_code != 0
    assert words in result.output
    assert not list(tmp_path.iterdir())
