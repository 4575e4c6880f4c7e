"""Cut the demo extract from the full shared data, copying source lines verbatim."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from callingtime.areas.demo_extract import areas_demo_extract

DEMO_DATA_DIR = Path(__file__).resolve().parent / "data"

# Islington North and its neighbours; Dagenham and Rainham with the Met's East BCU around it.
DEMO_BOROUGHS: dict[str, str] = {
    "E09000019": "Islington",
    "E09000012": "Hackney",
    "E09000014": "Haringey",
    "E09000007": "Camden",
    "E09000001": "City of London",
    "E09000002": "Barking and Dagenham",
    "E09000016": "Havering",
    "E09000026": "Redbridge",
}
DEMO_WEST_YORKSHIRE = {
    "E08000035": "Leeds",
    "E08000032": "Bradford",
    "E08000033": "Calderdale",
    "E08000034": "Kirklees",
    "E08000036": "Wakefield",
}
MET_STREET_MONTHS = [f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13)]
MET_OUTCOME_MONTHS = [f"2024-{month:02d}" for month in range(1, 13)]
MET_STOP_SEARCH_MONTHS = [f"2024-{month:02d}" for month in range(1, 7)]
MPS_BOROUGH_FILES = (
    "2010-04_2022-01/APR2010-FEB2022.csv.gz",
    "2022-02_2024-01/FEB2022-FEB2024.csv.gz",
    "2023-12_2025-11/MPS Borough Level Crime (most recent 24 months).csv.gz",
)
MPS_WARD_FILES = (
    "2022-02_2024-01/MPS Ward Level Crime (most recent 24 months).csv.gz",
    "2023-04_2025-03/MPS Ward Level Crime (most recent 24 months).csv.gz",
)
ATTRIBUTION = """# Demo extract: sources and licences

Every file here is a verbatim cut (whole lines, original columns and quoting) of real published
data, rebuilt with `callingtime demo build SHARED_DATA_DIR`.

- `crime/police/`: data.police.uk street, outcomes and stop-and-search files (Metropolitan Police
  Service: burglary-only extracts, street 2023-01 to 2024-12 and outcomes 2024-01 to 2024-12,
  for the demo boroughs; stop and search
  2024-01 to 2024-06 within the demo boroughs' area; City of London Police: 12 whole months
  2022-07 to 2023-06; West Yorkshire Police: July 2016 and July 2017, every crime type, Leeds).
  Contains public sector information licensed under the Open Government Licence v3.0.
- `crime/mps/`: Metropolitan Police Service recorded crime by borough (all London) and by ward
  (demo boroughs), via the London Datastore ("Recorded Crime: Geographic Breakdown").
  Contains public sector information licensed under the Open Government Licence v3.0.
- `geography/`: see geography/ATTRIBUTION.md (ONS, Open Government Licence v3.0; UK Parliament,
  Open Parliament Licence v3.0).

The Met street files hold burglary only: other crime types are not loaded for the Met and are
shown as not loaded, never as zero.
"""


def _open_text(path: Path) -> io.TextIOWrapper:
    # The wrapper owns and closes the raw stream.
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _lines_kept(path: Path, keep: Callable[[dict[str, str]], bool]) -> Iterator[str]:
    """Yield the header and every line whose parsed row passes `keep`, byte for byte."""
    with _open_text(path) as handle:
        header_line = handle.readline()
        header = next(csv.reader([header_line]))
        yield header_line
        for line in handle:
            values = next(csv.reader([line]))
            if keep(dict(zip(header, values, strict=False))):
                yield line


def _write_gz(out: Path, lines: Iterable[str]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        for line in lines:
            packed.write(line.encode("utf-8"))
    return out


def _demo_lsoas(shared: Path, lad_codes: Iterable[str]) -> set[str]:
    """Return the 2011 and 2021 LSOA codes of the given local authorities."""
    wanted = set(lad_codes)
    lookup = (
        shared
        / "geography"
        / (
            "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_for_EW_(V3)"
            ".csv.gz"
        )
    )
    codes: set[str] = set()
    with _open_text(lookup) as handle:
        for row in csv.DictReader(handle):
            if row["LAD22CD"] in wanted:
                codes.update((row["LSOA11CD"], row["LSOA21CD"]))
    return codes


def _bounding_box(shared: Path, lsoas: set[str]) -> tuple[float, float, float, float]:
    centroids = shared / "geography" / "drkane-geo-lookups" / "lsoa_latlong.csv.gz"
    lats: list[float] = []
    lons: list[float] = []
    with _open_text(centroids) as handle:
        for row in csv.DictReader(handle):
            if row["LSOACD"] in lsoas:
                lats.append(float(row["latitude"]))
                lons.append(float(row["longitude"]))
    return min(lats), max(lats), min(lons), max(lons)


def _police_files(shared: Path, out: Path, london: set[str], leeds: set[str]) -> list[Path]:
    police_out = out / "crime" / "police"
    written: list[Path] = []
    met = shared / "police" / "metropolitan"

    def in_london_demo(row: dict[str, str]) -> bool:
        return row["LSOA code"] in london or not row["LSOA code"]

    for month in MET_STREET_MONTHS:
        kinds = ("street", "outcomes") if month in MET_OUTCOME_MONTHS else ("street",)
        for kind in kinds:
            name = f"{month}-metropolitan-{kind}.csv.gz"
            written.append(_write_gz(police_out / name, _lines_kept(met / name, in_london_demo)))
    south, north, west, east = _bounding_box(shared, london)

    def in_box(row: dict[str, str]) -> bool:
        try:
            lat, lon = float(row["Latitude"]), float(row["Longitude"])
        except ValueError:
            return False
        return south <= lat <= north and west <= lon <= east

    for month in MET_STOP_SEARCH_MONTHS:
        name = f"{month}-metropolitan-stop-and-search.csv.gz"
        if (met / name).exists():
            written.append(_write_gz(police_out / name, _lines_kept(met / name, in_box)))
    for source in sorted((shared / "london" / "city-of-london-street").glob("*.csv.gz")):
        written.append(_write_gz(police_out / source.name, _lines_kept(source, lambda _: True)))

    def in_leeds(row: dict[str, str]) -> bool:
        return row["LSOA code"] in leeds

    for source in sorted((shared / "police" / "west_yorkshire").glob("*-street.csv.gz")):
        written.append(_write_gz(police_out / source.name, _lines_kept(source, in_leeds)))
    return written


def _mps_files(shared: Path, out: Path) -> list[Path]:
    written: list[Path] = []
    demo_names = set(DEMO_BOROUGHS.values())
    for relative in MPS_BOROUGH_FILES:
        source = shared / "london" / "borough" / relative
        written.append(
            _write_gz(
                out / "crime" / "mps" / "borough" / relative, _lines_kept(source, lambda _: True)
            )
        )
    for relative in MPS_WARD_FILES:
        source = shared / "london" / "ward" / relative

        def in_demo(row: dict[str, str]) -> bool:
            return row.get("LookUp_BoroughName", "") in demo_names

        written.append(
            _write_gz(out / "crime" / "mps" / "ward" / relative, _lines_kept(source, in_demo))
        )
    return written


def demo_extract_build(*, shared: Path, out: Path = DEMO_DATA_DIR) -> list[Path]:
    """Write the demo extract from the full shared data folder and return the files written."""
    london = _demo_lsoas(shared, DEMO_BOROUGHS)
    leeds = _demo_lsoas(shared, ["E08000035"])
    written = areas_demo_extract(
        shared, out / "geography", lad_codes=[*DEMO_BOROUGHS, *DEMO_WEST_YORKSHIRE]
    )
    written += _police_files(shared, out, london, leeds)
    written += _mps_files(shared, out)
    readme = out / "ATTRIBUTION.md"
    readme.write_text(ATTRIBUTION)
    return [*written, readme]
