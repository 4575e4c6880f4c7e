"""`archive_fetch` against a local HTTP server serving a zip built from real shared files."""

from __future__ import annotations

import csv
import gzip
import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from callingtime.crimedata import fetch
from callingtime.crimedata.fetch import ArchiveFetchError, archive_fetch
from callingtime.crimedata.ingest import ingest_paths
from tests.crimedata.archive_server import archive_serve, archive_zip_build

pytestmark = pytest.mark.shared_data

MET = "police/metropolitan/{month}-metropolitan-street.csv.gz"
COL = "london/city-of-london-street/{month}-city-of-london-street.csv.gz"


@pytest.fixture(scope="module")
def archive_url(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("archive")
    archive_zip_build(
        folder / "2023-06.zip",
        [
            ("2023-06/2023-06-metropolitan-street.csv", shared_data / MET.format(month="2023-06")),
            (
                "2023-06/2023-06-city-of-london-street.csv",
                shared_data / COL.format(month="2023-06"),
            ),
            (
                "2023-05/2023-05-city-of-london-street.csv",
                shared_data / COL.format(month="2023-05"),
            ),
        ],
    )
    (folder / "2023-08.zip").write_bytes(b"PK\x03\x04 this is not the rest of a zip")
    whole = (folder / "2023-06.zip").read_bytes()
    (folder / "2023-09.zip").write_bytes(whole[: len(whole) // 2])
    with archive_serve(folder) as url:
        yield url


def test_archive_fetch_keeps_the_month_and_the_force(
    archive_url: str, tmp_path: Path, shared_data: Path
) -> None:
    got = archive_fetch("2023-06", force="city-of-london", base_url=archive_url, dest_dir=tmp_path)

    assert got == [tmp_path / "2023-06" / "2023-06-city-of-london-street.csv"]
    original = gzip.decompress((shared_data / COL.format(month="2023-06")).read_bytes())
    assert got[0].read_bytes() == original
    assert not list(tmp_path.glob(".*.part"))


def test_archive_fetch_without_force_keeps_every_force_of_the_month(
    archive_url: str, tmp_path: Path
) -> None:
    month_only = archive_fetch("2023-06", base_url=archive_url, dest_dir=tmp_path / "a")
    every = archive_fetch("2023-06", base_url=archive_url, dest_dir=tmp_path / "b", all_months=True)

    assert [p.name for p in month_only] == [
        "2023-06-city-of-london-street.csv",
        "2023-06-metropolitan-street.csv",
    ]
    assert len(every) == 3


def test_fetched_files_ingest(archive_url: str, tmp_path: Path, shared_data: Path) -> None:
    files = archive_fetch(
        "2023-06", force="city-of-london", base_url=archive_url, dest_dir=tmp_path
    )

    report = ingest_paths(files, db_path=tmp_path / "crime.duckdb")

    text = gzip.decompress((shared_data / COL.format(month="2023-06")).read_bytes()).decode()
    rows = [tuple(row) for row in csv.reader(io.StringIO(text))][1:]
    with_id = [row for row in rows if row[0]]
    expected = len(set(with_id)) + len(rows) - len(with_id)  # exact copies of an ID row dropped
    assert report.ok
    assert report.files[0].months == ("2023-06",)
    assert report.files[0].rows == expected


def test_archive_fetch_reports_a_missing_month(archive_url: str, tmp_path: Path) -> None:
    with pytest.raises(ArchiveFetchError) as raised:
        archive_fetch("2023-07", base_url=archive_url, dest_dir=tmp_path)
    assert str(raised.value) == fetch.FETCH_NOT_FOUND.format(
        url=f"{archive_url}/2023-07.zip", month="2023-07"
    )


@pytest.mark.parametrize("month", ["2023-08", "2023-09"])
def test_archive_fetch_reports_a_corrupt_zip(archive_url: str, tmp_path: Path, month: str) -> None:
    with pytest.raises(ArchiveFetchError) as raised:
        archive_fetch(month, base_url=archive_url, dest_dir=tmp_path)
    assert fetch.FETCH_CORRUPT_ZIP.split("(")[0].format(url=f"{archive_url}/{month}.zip") in str(
        raised.value
    )
    assert list(tmp_path.rglob("*")) == []


def test_archive_fetch_reports_no_network(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # the port is closed again: nothing listens there
    with pytest.raises(ArchiveFetchError) as raised:
        archive_fetch("2023-06", base_url=f"http://127.0.0.1:{port}", dest_dir=tmp_path, timeout=5)
    assert str(raised.value).startswith(f"cannot reach http://127.0.0.1:{port}/2023-06.zip: ")


def test_archive_fetch_refuses_a_bad_month_and_force(tmp_path: Path) -> None:
    with pytest.raises(ArchiveFetchError, match="is not a month"):
        archive_fetch("2023-6", base_url="http://127.0.0.1:9", dest_dir=tmp_path)
    with pytest.raises(ArchiveFetchError, match=r"not a police\.uk force"):
        archive_fetch("2023-06", force="gotham", base_url="http://127.0.0.1:9", dest_dir=tmp_path)
