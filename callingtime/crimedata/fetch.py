"""Download a month from the data.police.uk archive and unpack the files to import.

The archive publishes `<base>/YYYY-MM.zip`, holding YYYY-MM/YYYY-MM-<force>-<kind>.csv for that
month and revised versions of up to three earlier years; by default only the asked month is kept.
"""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path

from callingtime.crimedata.forces import force_by_slug
from callingtime.crimedata.policeuk_files import file_name_parse

FETCH_MONTH_INVALID = "--month {month!r} is not a month (YYYY-MM)"
FETCH_FORCE_UNKNOWN = "--force {force!r} is not a police.uk force slug (e.g. metropolitan)"
FETCH_URL_INVALID = "the archive address {url!r} is not an http(s) URL"
FETCH_NO_NETWORK = (
    "cannot reach {url}: {reason}. `crime fetch` needs internet access; on an offline machine, "
    "download the archive elsewhere and run `callingtime crime ingest FILE.zip`"
)
FETCH_NOT_FOUND = "{url} was not found (HTTP 404): data.police.uk has no archive for {month}"
FETCH_HTTP_ERROR = "{url} answered HTTP {code} {reason}"
FETCH_CORRUPT_ZIP = "the download from {url} is not a valid zip archive ({error}); it was deleted"
FETCH_NOTHING = "the archive {url} holds no files for {month}{force}"

_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class ArchiveFetchError(Exception):
    """The archive could not be downloaded or read; the message says what to do."""


def archive_fetch(
    month: str,
    *,
    force: str | None = None,
    base_url: str,
    dest_dir: Path,
    timeout: float = 60.0,
    all_months: bool = False,
) -> list[Path]:
    """Download `<base_url>/<month>.zip` and unpack its CSVs (one force if given) into dest_dir.

    >>> archive_fetch(  # doctest: +SKIP
    ...     "2024-12", force="metropolitan",
    ...     base_url="https://data.police.uk/data/archive", dest_dir=Path("var/fetch"))
    [PosixPath('var/fetch/2024-12/2024-12-metropolitan-outcomes.csv'), ...]
    """
    if not _MONTH.match(month):
        raise ArchiveFetchError(FETCH_MONTH_INVALID.format(month=month))
    if force is not None and force_by_slug(force) is None:
        raise ArchiveFetchError(FETCH_FORCE_UNKNOWN.format(force=force))
    url = f"{base_url.rstrip('/')}/{month}.zip"
    if not url.startswith(("http://", "https://")):
        raise ArchiveFetchError(FETCH_URL_INVALID.format(url=base_url))
    dest_dir.mkdir(parents=True, exist_ok=True)
    download = dest_dir / f".{month}.zip.part"
    try:
        _download(url, download, month, timeout)
        return _unpack(download, url, month, force, dest_dir, all_months)
    finally:
        download.unlink(missing_ok=True)


def _download(url: str, target: Path, month: str, timeout: float) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as sink:  # noqa: S310 (scheme checked above)
            shutil.copyfileobj(response, sink, 1 << 20)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise ArchiveFetchError(FETCH_NOT_FOUND.format(url=url, month=month)) from error
        raise ArchiveFetchError(
            FETCH_HTTP_ERROR.format(url=url, code=error.code, reason=error.reason)
        ) from error
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise ArchiveFetchError(FETCH_NO_NETWORK.format(url=url, reason=reason)) from error


def _unpack(
    archive: Path, url: str, month: str, force: str | None, dest_dir: Path, all_months: bool
) -> list[Path]:
    written: list[Path] = []
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in sorted(zf.infolist(), key=lambda item: item.filename):
                name = file_name_parse(Path(info.filename).name)
                if info.is_dir() or name is None:
                    continue
                if (not all_months and name.month != month) or (force and name.slug != force):
                    continue
                # Only the month folder and the file name are kept: never trust member paths.
                target = dest_dir / name.month / Path(info.filename).name
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
                written.append(target)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise ArchiveFetchError(FETCH_CORRUPT_ZIP.format(url=url, error=error)) from error
    if not written:
        where = f" and force {force!r}" if force else ""
        raise ArchiveFetchError(FETCH_NOTHING.format(url=url, month=month, force=where))
    return written
