"""Cut the shared geography sources down to a few local authorities, in their own layouts.

The extract keeps each file's header, quoting, BOM and line endings byte for byte (rows are
filtered as raw lines), so `areas_import` reads it exactly as it reads the full files. National
small tables are kept whole; every output file's source and licence line go in ATTRIBUTION.md.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from callingtime.areas.geometry import neighbours_compute

ONS = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right [year]."
)
ONS_POSTCODES = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2022. Contains Royal Mail data © "
    "Royal Mail copyright and database right 2022. Contains GeoPlace data © Local Government "
    "Information House Limited copyright and database right 2022."
)
PARLIAMENT = "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."
DERIVED = (
    "DERIVED, approximate: ONS LSOA (2021) population-weighted centroids placed in the ONS "
    "July 2024 BUC constituency boundaries. " + ONS
)
MET_BCU = (
    "DERIVED: the Metropolitan Police's Basic Command Units as announced in 2018, as groups of "
    "ONS local authority codes. " + ONS
)

EXACT_FIT = (
    "geography/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup"
    "_for_EW_(V3).csv.gz"
)
BEST_FIT = (
    "geography/LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv.gz"
)
DERIVED_PCON = "geography/DERIVED_LSOA21_WD24_LAD24_PCON24_EW_pointinpolygon.csv.gz"
POSTCODES = "postcodes/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_london.csv.gz"
PCON_BOUNDARIES = "boundaries/PCON_JULY_2024_UK_BUC.geojson.gz"
WHOLE = (
    ("geography/LAD19_CSP19_PFA19_EW_LU.csv", ONS),
    ("geography/PFA19_UK_NC.csv", ONS),
    ("geography/drkane-geo-lookups/la_all_codes.csv.gz", ONS),
    ("geography/DERIVED_met_bcu_boroughs.csv", MET_BCU),
    ("parliament/mps.csv", PARLIAMENT),
)


@dataclass(frozen=True)
class _Codes:
    lads: frozenset[str]
    lsoa11: frozenset[str]
    lsoa21: frozenset[str]
    pcon: frozenset[str]


def _raw_lines(path: Path) -> Iterable[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from handle


def _header(line: str) -> list[str]:
    return next(csv.reader([line.lstrip("\ufeff")]))


def _csv_filter(source: Path, target: Path, column: str, keep: Callable[[str], bool]) -> Path:
    """Write the header and the raw lines whose column value passes keep."""
    lines = iter(_raw_lines(source))
    first = next(lines)
    index = _header(first).index(column)
    kept = [first, *(line for line in lines if keep(next(csv.reader([line]))[index]))]
    return _write(target, "".join(kept).encode("utf-8"))


def _write(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(data, mtime=0) if target.name.endswith(".gz") else data)
    return target


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target


def _column(path: Path, column: str, keep: Callable[[dict[str, str]], bool]) -> set[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return {row[column] for row in csv.DictReader(handle) if keep(row)}


def _codes(shared: Path, lads: frozenset[str]) -> _Codes:
    exact = shared / EXACT_FIT
    return _Codes(
        lads=lads,
        lsoa11=frozenset(_column(exact, "LSOA11CD", lambda r: r["LAD22CD"] in lads)),
        lsoa21=frozenset(_column(shared / BEST_FIT, "LSOA21CD", lambda r: r["LAD24CD"] in lads)),
        pcon=frozenset(_column(shared / DERIVED_PCON, "PCON24CD", lambda r: r["LAD24CD"] in lads)),
    )


def _pcon_boundaries(source: Path, target: Path, touching: frozenset[str]) -> Path:
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        collection = json.load(handle)
    features = collection["features"]
    pairs = neighbours_compute([(f["properties"]["PCON24CD"], f["geometry"]) for f in features])
    wanted = set(touching) | {p.neighbour_code for p in pairs if p.code in touching}
    collection["features"] = [f for f in features if f["properties"]["PCON24CD"] in wanted]
    return _write(target, json.dumps(collection, separators=(",", ":")).encode("utf-8"))


def areas_demo_extract(shared: Path, out: Path, *, lad_codes: Sequence[str]) -> list[Path]:
    """Write the geography sources filtered to the given local authorities; return the files.

    >>> areas_demo_extract(Path("shared/data"), Path("demo/areas"),
    ...                    lad_codes=["E09000019", "E08000035"])  # doctest: +SKIP
    [PosixPath('demo/areas/geography/LSOA_(2011)_...csv.gz'), ...]
    """
    codes = _codes(shared, frozenset(code.upper() for code in lad_codes))
    written: list[tuple[Path, str]] = []

    def filtered(relative: str, column: str, keep: Callable[[str], bool], line: str) -> None:
        written.append((_csv_filter(shared / relative, out / relative, column, keep), line))

    filtered(EXACT_FIT, "LAD22CD", codes.lads.__contains__, ONS)
    filtered(BEST_FIT, "LAD24CD", codes.lads.__contains__, ONS)
    filtered(DERIVED_PCON, "LAD24CD", codes.lads.__contains__, DERIVED)
    both = codes.lsoa11 | codes.lsoa21
    filtered("geography/drkane-geo-lookups/lsoa_latlong.csv.gz", "LSOACD", both.__contains__, ONS)
    filtered("geography/drkane-geo-lookups/ward_all_codes.csv.gz", "LADCD_ACTIVE",
             codes.lads.__contains__, ONS)  # fmt: skip
    filtered("geography/census_2011_population_hh.csv.gz", "LSOA Code",
             codes.lsoa11.__contains__, ONS)  # fmt: skip
    filtered("geography/london-mid2020-pop.csv.gz", "LSOA11CD", codes.lsoa11.__contains__, ONS)
    filtered(POSTCODES, "ladcd", codes.lads.__contains__, ONS_POSTCODES)
    for relative, line in WHOLE:
        written.append((_copy(shared / relative, out / relative), line))
    boundaries = _pcon_boundaries(shared / PCON_BOUNDARIES, out / PCON_BOUNDARIES, codes.pcon)
    written.append((boundaries, ONS))
    for kind in ("lsoa", "ward"):
        for lad in sorted(codes.lads):
            relative = f"boundaries/drkane-geo-lookups/{kind}/{lad}.geojson.gz"
            if (shared / relative).exists():
                written.append((_copy(shared / relative, out / relative), ONS))
    written.append((_attribution_write(out, written, sorted(codes.lads)), ""))
    return [path for path, _ in written]


def _attribution_write(out: Path, written: list[tuple[Path, str]], lads: list[str]) -> Path:
    lines = [
        "# Attribution",
        "",
        "A small extract of the geography sources, filtered to the local authorities "
        + ", ".join(lads)
        + " (national small tables kept whole). Columns, quoting and encodings are unchanged.",
        "",
        "| file | licence and attribution |",
        "|---|---|",
    ]
    lines += [f"| `{path.relative_to(out)}` | {line} |" for path, line in written]
    return _write(out / "ATTRIBUTION.md", ("\n".join(lines) + "\n").encode("utf-8"))
