"""Recognise geography source files by their header, as ONS and Parliament publish them.

A layout names the logical fields a build needs and the header column each comes from (matched by
pattern, so a national file with the same columns, or a later year's codes, is read unchanged).
Recognition never looks at the file name.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CSV_SUFFIXES = (".csv", ".csv.gz")
GEOJSON_SUFFIXES = (".geojson", ".geojson.gz", ".json", ".json.gz")

FILE_UNREADABLE = "{path}: cannot read the header ({error})"


@dataclass(frozen=True)
class Layout:
    """One published column layout: its name, the fields it supplies and what it is for."""

    name: str
    fields: tuple[tuple[str, str], ...]
    optional: tuple[tuple[str, str], ...] = ()
    forbidden: tuple[str, ...] = ()
    used: bool = True
    help: str = ""

    def match(self, header: Sequence[str]) -> dict[str, int] | None:
        """Return each field's column index when every required field is present, else None."""
        if any(_find(header, pattern) is not None for pattern in self.forbidden):
            return None
        found: dict[str, int] = {}
        for field, pattern in self.fields:
            index = _find(header, pattern)
            if index is None:
                return None
            found[field] = index
        for field, pattern in self.optional:
            index = _find(header, pattern)
            if index is not None:
                found[field] = index
        return found


def _find(header: Sequence[str], pattern: str) -> int | None:
    regex = re.compile(pattern, re.IGNORECASE)
    for index, column in enumerate(header):
        if regex.fullmatch(column.strip()):
            return index
    return None


# Most specific first: the first layout whose required fields all match wins.
CSV_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "lsoa11_lsoa21",
        (
            ("lsoa11cd", "LSOA11CD"),
            ("lsoa11nm", "LSOA11NM"),
            ("lsoa21cd", "LSOA21CD"),
            ("lsoa21nm", "LSOA21NM"),
            ("chgind", "CHGIND"),
        ),
        help="ONS LSOA (2011) to LSOA (2021) exact-fit lookup",
    ),
    Layout(
        "lsoa21_pcon",
        (("lsoa21cd", "LSOA21CD"), ("pcon_cd", r"PCON2[4-9]CD"), ("pcon_nm", r"PCON2[4-9]NM")),
        (
            ("lsoa21nm", "LSOA21NM"),
            ("ward_cd", r"WD\d\dCD"),
            ("ward_nm", r"WD\d\dNM"),
            ("lad_cd", r"LAD\d\dCD"),
            ("lad_nm", r"LAD\d\dNM"),
            ("method", "method"),
        ),
        help="LSOA (2021) to 2024 Westminster constituency (approximate when derived)",
    ),
    Layout(
        "lsoa21_ward_lad",
        (
            ("lsoa21cd", "LSOA21CD"),
            ("lsoa21nm", "LSOA21NM"),
            ("ward_cd", r"WD\d\dCD"),
            ("ward_nm", r"WD\d\dNM"),
            ("lad_cd", r"LAD\d\dCD"),
            ("lad_nm", r"LAD\d\dNM"),
        ),
        help="ONS LSOA (2021) to ward to local authority best-fit lookup",
    ),
    Layout(
        "lad_pfa",
        (("lad_cd", r"LAD\d\dCD"), ("pfa_cd", r"PFA\d\dCD"), ("pfa_nm", r"PFA\d\dNM")),
        help="ONS local authority to community safety partnership to police force area",
    ),
    Layout(
        "pfa_names",
        (("pfa_cd", r"PFA\d\dCD"), ("pfa_nm", r"PFA\d\dNM")),
        help="ONS police force area names and codes",
    ),
    Layout(
        "la_codes",
        (
            ("ladcd", "LADCD"),
            ("ladnm", "LADNM"),
            ("ladcd_active", "LADCD_ACTIVE"),
            ("rgncd", "RGNCD"),
            ("rgnnm", "RGNNM"),
            ("ctrycd", "CTRYCD"),
            ("ctrynm", "CTRYNM"),
        ),
        forbidden=("WDCD",),
        help="every local authority since 2011 with its current code, region and country",
    ),
    Layout(
        "ward_codes",
        (("wdcd", "WDCD"), ("wdnm", "WDNM"), ("ladcd", "LADCD")),
        (("ladcd_active", "LADCD_ACTIVE"),),
        help="every ward code since 2015 with its name and local authority",
    ),
    Layout(
        "met_bcu",
        (("bcu_code", "BCU_CODE"), ("bcu_name", "BCU_NAME"), ("ladcd", "LADCD")),
        help="Metropolitan Police Basic Command Units as groups of boroughs",
    ),
    Layout(
        "lsoa_centroid",
        (("lsoacd", "LSOACD"), ("lat", "latitude"), ("lon", "longitude")),
        help="LSOA centroids (latitude, longitude), 2011 and 2021 codes",
    ),
    Layout(
        "population_census2011",
        (("lsoa11cd", "LSOA Code"), ("people", "Persons")),
        help="Census 2011 usual residents per LSOA (2011)",
    ),
    Layout(
        "population_lsoa11",
        (("lsoa11cd", "LSOA11CD"), ("people", r"Persons_All[- ]Ages|All Ages")),
        help="ONS mid-year population estimates per LSOA (2011); year from the file's name",
    ),
    Layout(
        "population_lsoa21",
        (("lsoa21cd", r"LSOA ?(2021 )?(21)?CD|LSOA 2021 Code"), ("people", r"Total|All Ages")),
        help="ONS mid-year population estimates per LSOA (2021); year from the file's name",
    ),
    Layout(
        "postcode",
        (
            ("pcds", "pcds"),
            ("dointr", "dointr"),
            ("doterm", "doterm"),
            ("lsoa11cd", r"lsoa11(cd)?"),
        ),
        (("lsoa21cd", r"lsoa21(cd)?"), ("usertype", "usertype")),
        help="ONS postcode lookup (May 2022 best fit, or ONSPD/NSPL with the same columns)",
    ),
    Layout(
        "mps",
        (
            ("name", "name"),
            ("party", "party"),
            ("constituency", "constituency"),
            ("pcon_cd", "constituency_ons"),
            ("addressable_title", "addressable_title"),
        ),
        (("source_link", "source_link"), ("house", "house")),
        help="UK Parliament members list (PCON24 codes)",
    ),
    Layout(
        "lsoa11_ward19",
        (("lsoa11cd", "LSOA11CD"), ("ward_cd", r"WD1\dCD")),
        used=False,
        help="LSOA (2011) to 2019 wards: superseded by the 2021 best-fit lookup",
    ),
    Layout(
        "ward_pcon2010",
        (("ward_cd", r"WD\d\dCD"), ("pcon_cd", r"PCON1\dCD")),
        used=False,
        help="wards to 2010-boundary constituencies: superseded by PCON24",
    ),
    Layout(
        "pcon2010_names",
        (("pcon_cd", r"PCON(1\d|2[0-3])CD"),),
        used=False,
        help="2010-boundary constituency names: superseded by PCON24",
    ),
    Layout(
        "lsoa11_force",
        (("lsoa11cd", "LSOA Code"), ("force", "Police_force")),
        used=False,
        help="LSOA (2011) to force: the force comes from the ONS LAD to PFA lookup instead",
    ),
    Layout(
        "lsoa21_pwc",
        (("lsoa21cd", "LSOA21CD"), ("x", "x"), ("y", "y")),
        used=False,
        help="LSOA (2021) British National Grid centroids: the lat/long centroids are used",
    ),
    Layout(
        "la_region",
        (("ladcd", "LADCD"), ("rgncd", "RGNCD")),
        used=False,
        help="local authority to region: the all-codes file supplies it with countries",
    ),
    Layout(
        "msoa_or_ward_centroid",
        (("code", r"MSOACD|wdcd"), ("lat", "latitude"), ("lon", "longitude")),
        used=False,
        help="MSOA or ward centroids: not needed by the geography store",
    ),
)

# GeoJSON layouts are recognised by the properties of the first feature.
GEOJSON_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "pcon_boundary",
        (("code", r"PCON2[4-9]CD"), ("name", r"PCON2[4-9]NM")),
        help="2024 Westminster constituency boundaries (ONS BUC)",
    ),
    Layout(
        "lsoa21_boundary",
        (("code", "LSOA21CD"), ("name", "LSOA21NM")),
        help="LSOA (2021) boundaries, generalised",
    ),
    Layout(
        "ward_boundary",
        (("code", r"WD\d\dCD"), ("name", r"WD\d\dNM")),
        (("lad_cd", r"LAD\d\dCD"),),
        help="ward boundaries, generalised",
    ),
    Layout(
        "other_boundary",
        (("code", r"(LSOA11|MSOA\d\d)CD"),),
        used=False,
        help="2011 LSOA or MSOA boundaries: not stored",
    ),
)


@dataclass(frozen=True)
class SourceFile:
    """A file found under the import paths, with the layout its header matched (or None)."""

    path: Path
    kind: str  # csv or geojson
    layout: Layout | None
    columns: dict[str, int]
    width: int


def source_files_walk(paths: Sequence[Path]) -> list[Path]:
    """Return every CSV and GeoJSON file under the given files and folders, sorted.

    >>> source_files_walk([Path("data/geography")])  # doctest: +SKIP
    """
    found: set[Path] = set()
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for candidate in candidates:
            name = candidate.name.lower()
            if candidate.is_file() and name.endswith(CSV_SUFFIXES + GEOJSON_SUFFIXES):
                found.add(candidate)
    return sorted(found)


def text_open(path: Path) -> io.TextIOWrapper:
    """Open a text file, gzipped or not, dropping a UTF-8 byte-order mark."""
    if path.name.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def source_detect(path: Path) -> SourceFile:
    """Read a file's header (or first GeoJSON feature) and find its layout.

    >>> source_detect(Path("PFA19_UK_NC.csv")).layout.name  # doctest: +SKIP
    'pfa_names'
    """
    name = path.name.lower()
    try:
        if name.endswith(GEOJSON_SUFFIXES):
            return _geojson_detect(path)
        with text_open(path) as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, EOFError, json.JSONDecodeError) as error:
        raise ValueError(FILE_UNREADABLE.format(path=path, error=error)) from error
    for layout in CSV_LAYOUTS:
        columns = layout.match(header)
        if columns is not None:
            return SourceFile(path, "csv", layout, columns, len(header))
    return SourceFile(path, "csv", None, {}, len(header))


def _geojson_detect(path: Path) -> SourceFile:
    features = geojson_features(path)
    properties = list(features[0].get("properties") or {}) if features else []
    for layout in GEOJSON_LAYOUTS:
        columns = layout.match(properties)
        if columns is not None:
            return SourceFile(path, "geojson", layout, columns, len(properties))
    return SourceFile(path, "geojson", None, {}, len(properties))


def geojson_features(path: Path) -> list[dict[str, Any]]:
    """Return the features of a GeoJSON FeatureCollection file (gzipped or not)."""
    with text_open(path) as handle:
        document = json.load(handle)
    features = document.get("features", []) if isinstance(document, dict) else []
    return [feature for feature in features if isinstance(feature, dict)]


def geojson_property(feature: dict[str, Any], pattern: str) -> str | None:
    """Return the first property of a feature whose name matches the pattern, as text."""
    properties = feature.get("properties") or {}
    index = _find(list(properties), pattern)
    if index is None:
        return None
    value = list(properties.values())[index]
    return None if value is None else str(value).strip()


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_year(path: Path) -> int | None:
    """Return the estimate year a population file's name gives (``mid2020`` → 2020), if any."""
    match = re.search(r"(?:mid[-_ ]?)((?:19|20)\d\d)", path.name, re.IGNORECASE)
    return int(match.group(1)) if match else None


def layout_names() -> Iterator[str]:
    """Yield the name of every layout the importer recognises."""
    for layout in (*CSV_LAYOUTS, *GEOJSON_LAYOUTS):
        yield layout.name
