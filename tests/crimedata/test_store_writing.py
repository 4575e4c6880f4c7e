"""Writers work on a private copy and swap it in, so readers never block or see half a change."""

from __future__ import annotations

from pathlib import Path

import pytest

from callingtime.crimedata.store import store_open, store_writing


def _log_rows(path: Path) -> int:
    con = store_open(path, read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM import_log").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        con.close()


def _log_insert(con) -> None:  # type: ignore[no-untyped-def]
    con.execute(
        "INSERT INTO import_log (file, sha256, source, kind, status, rows) "
        "VALUES ('f.csv', 'x', 'police-uk', 'street', 'imported', 1)"
    )


def test_a_reader_holding_the_store_does_not_block_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "crime.duckdb"
    with store_writing(path) as con:
        _log_insert(con)
    reader = store_open(path, read_only=True)
    with store_writing(path) as con:
        _log_insert(con)
    # The open reader still sees the file as it was when it opened it.
    assert reader.execute("SELECT count(*) FROM import_log").fetchone() == (1,)
    reader.close()
    assert _log_rows(path) == 2


def test_a_failed_write_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "crime.duckdb"
    with store_writing(path) as con:
        _log_insert(con)
    with pytest.raises(RuntimeError), store_writing(path) as con:
        _log_insert(con)
        raise RuntimeError("disk full")
    assert _log_rows(path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["crime.duckdb"]
