"""Generate a national-scale set of police.uk street files with real proportions.

Used by `bench/profile.py`. The rows are synthetic; what they are made of is real:
* the 35,672 LSOA 2021 codes, names, centroids, forces and populations of the geography store;
* from the two whole West Yorkshire months (2016-07, 2017-07): the crime-type mix (separately
  for rows with and without a location), the share of rows without a location, the last-outcome
  mix of each crime type, and the spread of crimes per resident over LSOAs;
* from the Met street files of 2023-2024: the rate of exact duplicate rows and of rows sharing
  a Crime ID while differing (in their last outcome);
* from the Home Office police recorded crime of 2017/18 by force area: each force's share of
  the rows (so the City of London is small but whole, and the Met is the Met).
Every force-month file holds every crime type at least once, as a whole police.uk month does
(the store treats a type missing from a force-month as not loaded).
Street names are synthetic ("On or near Alder Road"), a few fixed points per LSOA.
Everything is drawn with one seeded numpy generator and written by DuckDB, one gzipped
`YYYY-MM-<force-slug>-street.csv.gz` per force and month, like the data.police.uk archive.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from callingtime.crimedata.forces import FORCES

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
WEST_YORKSHIRE = ("2016-07", "2017-07")
WEST_YORKSHIRE_PFA = "E23000010"
MET_MONTHS = tuple(f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13))
ASB = "Anti-social behaviour"
NO_LOCATION = "No Location"
STREETS_PER_LSOA = 6
# Half the spacing of a typical urban LSOA: snap points stay near their LSOA's centroid.
JITTER_DEGREES = 0.004

_WORDS = (
    "Alder Ash Aspen Beech Birch Bramble Brook Castle Cedar Chapel Cherry Church Clover Elm "
    "Fern Field Forge Glebe Hawthorn Hazel Heath Hill Holly Juniper Lark Laurel Lime Maple "
    "Meadow Mill Oak Orchard Park Pine Poplar Quarry Rowan Sandy School Spring Station Thorn "
    "Valley Willow Windmill Yew"
)
_KINDS = "Road Street Lane Close Avenue Way Drive Grove Terrace Crescent"
_STREET_WORDS = tuple(_WORDS.split())
_STREET_KINDS = tuple(_KINDS.split())


@dataclass(frozen=True)
class SourceMix:
    """The real proportions the generator draws from."""

    crime_types: tuple[str, ...]
    located_share: np.ndarray  # crime-type mix of rows with a location
    unlocated_share: np.ndarray  # crime-type mix of rows without one
    no_location_share: float
    asb_share: float
    outcomes: dict[str, tuple[tuple[str, ...], np.ndarray]]  # per crime type
    lsoa_rate_multipliers: np.ndarray  # crimes per resident / mean, one per WY LSOA
    exact_duplicate_rate: float  # per row with a Crime ID
    differing_duplicate_rate: float
    force_volume: dict[str, float]  # police.uk slug -> offences recorded in 2017/18


@dataclass(frozen=True)
class GeneratedFiles:
    """What the generator wrote."""

    folder: Path
    files: tuple[Path, ...]
    rows: int
    months: tuple[str, ...]
    seconds: float


def month_range(first: str, count: int) -> tuple[str, ...]:
    """Return `count` consecutive YYYY-MM months starting at `first`."""
    year, month = (int(part) for part in first.split("-"))
    start = year * 12 + month - 1
    return tuple(f"{i // 12}-{i % 12 + 1:02d}" for i in range(start, start + count))


def source_mix_read(shared: Path, areas_db: Path) -> SourceMix:
    """Read the real proportions from the West Yorkshire and Met files and the areas store."""
    frames = [
        pd.read_csv(
            shared / "police" / "west_yorkshire" / f"{month}-west-yorkshire-street.csv.gz",
            dtype=str,
            keep_default_na=False,
        )
        for month in WEST_YORKSHIRE
    ]
    wy = pd.concat(frames, ignore_index=True)
    located = wy["LSOA code"] != ""
    types = tuple(sorted(wy["Crime type"].unique()))
    shares = [
        wy.loc[mask, "Crime type"].value_counts(normalize=True).reindex(types, fill_value=0.0)
        for mask in (located, ~located)
    ]
    outcomes: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    for crime_type, group in wy.groupby("Crime type"):
        mix = group["Last outcome category"].value_counts(normalize=True)
        outcomes[str(crime_type)] = (tuple(mix.index), mix.to_numpy())
    exact, differing = _met_duplicate_rates(shared)
    return SourceMix(
        crime_types=types,
        located_share=shares[0].to_numpy(),
        unlocated_share=shares[1].to_numpy(),
        no_location_share=float((~located).mean()),
        asb_share=float((wy["Crime type"] == ASB).mean()),
        outcomes=outcomes,
        lsoa_rate_multipliers=_lsoa_rate_multipliers(wy[located], areas_db),
        exact_duplicate_rate=exact,
        differing_duplicate_rate=differing,
        force_volume=_force_volumes(shared),
    )


PRC_FILE = "prc-pfa-201718_new.csv.gz"
_PRC_NAMES = {"London, City of": "city-of-london", "Metropolitan Police": "metropolitan"}


def _force_volumes(shared: Path) -> dict[str, float]:
    # Home Office offences by force area; national fraud bodies and BTP have no LSOAs.
    prc = pd.read_csv(shared / "police" / PRC_FILE, usecols=["Force_Name", "Number_of_Offences"])
    totals = prc.groupby("Force_Name")["Number_of_Offences"].sum()
    volumes: dict[str, float] = {}
    for name, total in totals.items():
        slug = _PRC_NAMES.get(str(name))
        for force in FORCES:
            if slug is None and any(
                n.casefold().startswith(str(name).casefold() + " ")
                for n in (force.name, *force.aliases)
            ):
                slug = force.slug
        if slug is not None and slug != "btp":
            volumes[slug] = float(total)
    return volumes


def _lsoa_rate_multipliers(rows: pd.DataFrame, areas_db: Path) -> np.ndarray:
    # Crimes per resident in each West Yorkshire LSOA (zeros included), over the mean: how much
    # busier than its population alone says a neighbourhood is (town centres, stations).
    with duckdb.connect(str(areas_db), read_only=True) as con:
        people = con.execute(
            "SELECT l.lsoa21cd, p.people FROM lsoa21 l JOIN population p USING (lsoa21cd) "
            "WHERE l.force_cd = ?",
            [WEST_YORKSHIRE_PFA],
        ).df()
        codes = con.execute("SELECT any_code, lsoa21cd FROM lsoa_code").df()
    to_2021 = codes.drop_duplicates("any_code").set_index("any_code")["lsoa21cd"]
    counts = rows["LSOA code"].map(to_2021).value_counts()
    people["crimes"] = people["lsoa21cd"].map(counts).fillna(0.0)
    rate = people["crimes"] / people["people"]
    multipliers: np.ndarray = (rate / rate.mean()).to_numpy()
    return multipliers


def _met_duplicate_rates(shared: Path) -> tuple[float, float]:
    rows = exact = differing = 0
    for month in MET_MONTHS:
        path = shared / "police" / "metropolitan" / f"{month}-metropolitan-street.csv.gz"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = frame[frame["Crime ID"] != ""]
        rows += len(frame)
        exact += int(frame.duplicated().sum())
        differing += int(frame.drop_duplicates()["Crime ID"].duplicated().sum())
    return (exact / rows, differing / rows) if rows else (0.0, 0.0)


def lsoa_table_read(areas_db: Path) -> pd.DataFrame:
    """Every LSOA 2021 with its name, centroid, population and police.uk force."""
    with duckdb.connect(str(areas_db), read_only=True) as con:
        table = con.execute(
            "SELECT l.lsoa21cd, l.name, l.lat, l.lon, l.force_cd, coalesce(p.people, 0) AS people "
            "FROM lsoa21 l LEFT JOIN population p USING (lsoa21cd) ORDER BY l.lsoa21cd"
        ).df()
    by_pfa = {force.pfa_code: force for force in FORCES if force.pfa_code}
    table["slug"] = table["force_cd"].map(lambda code: by_pfa[code].slug)
    table["force_name"] = table["force_cd"].map(lambda code: by_pfa[code].name)
    return table


def files_generate(
    *,
    mix: SourceMix,
    lsoas: pd.DataFrame,
    out_dir: Path,
    months: tuple[str, ...],
    rows_per_month: int,
    seed: int,
) -> GeneratedFiles:
    """Write one gzipped street file per force and month into `out_dir`."""
    import time

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    n_lsoa = len(lsoas)
    people = lsoas["people"].to_numpy(dtype=float)
    weight = people * rng.choice(mix.lsoa_rate_multipliers, size=n_lsoa)
    # Each force's LSOAs share that force's real volume, in proportion to their own weight.
    slugs = lsoas["slug"].to_numpy()
    for slug in np.unique(slugs):
        inside = slugs == slug
        weight[inside] *= mix.force_volume[slug] / weight[inside].sum()
    # A yearly drift per LSOA, so that some areas rise and some fall between the windows.
    drift = np.exp(rng.normal(0.0, 0.12, size=n_lsoa))
    streets = _streets_build(lsoas, rng)
    force_codes, force_index = np.unique(lsoas["slug"].to_numpy(), return_inverse=True)
    force_weight = np.bincount(force_index, weights=weight)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("streets", streets)
    con.register(
        "forces",
        pd.DataFrame(
            {
                "force_idx": np.arange(len(force_codes)),
                "slug": force_codes,
                "force_name": [
                    lsoas.loc[lsoas["slug"] == s, "force_name"].iloc[0] for s in force_codes
                ],
            }
        ),
    )
    con.register(
        "lsoa",
        pd.DataFrame(
            {
                "lsoa_idx": np.arange(n_lsoa),
                "code": lsoas["lsoa21cd"],
                "name": lsoas["name"],
                "force_idx": force_index,
            }
        ),
    )
    files: list[Path] = []
    total = 0
    for m, month in enumerate(months):
        frame = _month_rows(
            mix, rng, weight * drift ** (m / 12), force_index, force_weight, rows_per_month
        )
        total += len(frame)
        con.register("month_rows", frame)
        staging = out_dir / f".staging-{month}"
        con.execute(_COPY_SQL.format(month=month, seed=seed, path=staging))
        for part in sorted(staging.glob("slug=*")):
            slug = part.name.removeprefix("slug=")
            target = out_dir / f"{month}-{slug}-street.csv.gz"
            (part / "data_0.csv.gz").replace(target)
            files.append(target)
        shutil.rmtree(staging)
        con.unregister("month_rows")
    con.close()
    return GeneratedFiles(out_dir, tuple(files), total, months, time.perf_counter() - start)


# Month and seed are formatted from our own integers and YYYY-MM strings, never from input.
_COPY_SQL = """
COPY (
    SELECT
        CASE WHEN r.crime_type = 'Anti-social behaviour' THEN NULL
             ELSE sha256('{seed}-{month}-' || r.id_row) END AS "Crime ID",
        '{month}' AS "Month",
        f.force_name AS "Reported by",
        f.force_name AS "Falls within",
        printf('%.6f', s.lon) AS "Longitude",
        printf('%.6f', s.lat) AS "Latitude",
        coalesce(s.location, 'No Location') AS "Location",
        l.code AS "LSOA code",
        l.name AS "LSOA name",
        r.crime_type AS "Crime type",
        nullif(r.outcome, '') AS "Last outcome category",
        NULL AS "Context",
        f.slug
    FROM month_rows r
    JOIN forces f USING (force_idx)
    LEFT JOIN lsoa l ON l.lsoa_idx = r.lsoa_idx
    LEFT JOIN streets s ON s.lsoa_idx = r.lsoa_idx AND s.street_idx = r.street_idx
    ORDER BY r.row_order
) TO '{path}' (FORMAT csv, HEADER, COMPRESSION gzip, PARTITION_BY (slug), OVERWRITE_OR_IGNORE)
"""


def _streets_build(lsoas: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(lsoas)
    words = rng.integers(0, len(_STREET_WORDS), size=(n, STREETS_PER_LSOA))
    kinds = rng.integers(0, len(_STREET_KINDS), size=(n, STREETS_PER_LSOA))
    word_names = np.array(_STREET_WORDS, dtype=object)[words.ravel()]
    kind_names = np.array(_STREET_KINDS, dtype=object)[kinds.ravel()]
    lat = np.repeat(lsoas["lat"].to_numpy(), STREETS_PER_LSOA)
    lon = np.repeat(lsoas["lon"].to_numpy(), STREETS_PER_LSOA)
    jitter = rng.normal(0.0, JITTER_DEGREES, size=(2, n * STREETS_PER_LSOA))
    return pd.DataFrame(
        {
            "lsoa_idx": np.repeat(np.arange(n), STREETS_PER_LSOA),
            "street_idx": np.tile(np.arange(STREETS_PER_LSOA), n),
            "location": "On or near " + word_names + " " + kind_names,
            "lat": lat + jitter[0],
            "lon": lon + jitter[1] / np.cos(np.radians(lat)),
        }
    )


def _month_rows(
    mix: SourceMix,
    rng: np.random.Generator,
    weight: np.ndarray,
    force_index: np.ndarray,
    force_weight: np.ndarray,
    rows: int,
) -> pd.DataFrame:
    unlocated = int(rng.binomial(rows, mix.no_location_share))
    located = rows - unlocated
    lsoa_counts = rng.multinomial(located, weight / weight.sum())
    lsoa_idx = np.repeat(np.arange(len(weight)), lsoa_counts)
    # Zipf-like use of an LSOA's snap points: one or two streets take most of its crime.
    street_p = 1.0 / np.arange(1, STREETS_PER_LSOA + 1)
    street_idx = rng.choice(STREETS_PER_LSOA, size=located, p=street_p / street_p.sum())
    unlocated_force = rng.choice(
        len(force_weight), size=unlocated, p=force_weight / force_weight.sum()
    )
    types = np.concatenate(
        [
            rng.choice(len(mix.crime_types), size=located, p=mix.located_share),
            rng.choice(len(mix.crime_types), size=unlocated, p=mix.unlocated_share),
        ]
    )
    frame = pd.DataFrame(
        {
            "lsoa_idx": np.concatenate([lsoa_idx, np.full(unlocated, -1)]),
            "street_idx": np.concatenate([street_idx, np.full(unlocated, -1)]),
            "force_idx": np.concatenate([force_index[lsoa_idx], unlocated_force]),
            "crime_type": np.array(mix.crime_types, dtype=object)[types],
        }
    )
    _every_type_ensure(frame, len(mix.crime_types), len(force_weight), rng, mix.crime_types)
    frame["outcome"] = _outcomes_draw(mix, rng, frame["crime_type"].to_numpy())
    frame["id_row"] = np.arange(len(frame))
    frame = _duplicates_add(mix, rng, frame)
    frame["row_order"] = rng.permutation(len(frame))
    return frame


def _every_type_ensure(
    frame: pd.DataFrame,
    n_types: int,
    n_forces: int,
    rng: np.random.Generator,
    names: tuple[str, ...],
) -> None:
    # A rare type can draw no row in a small force's month; give it one of that force's rows.
    codes = pd.Categorical(frame["crime_type"], categories=names).codes
    forces = frame["force_idx"].to_numpy()
    tally = np.zeros((n_forces, n_types), dtype=np.int64)
    np.add.at(tally, (forces, codes), 1)
    column = frame.columns.get_loc("crime_type")
    for force in np.flatnonzero((tally == 0).any(axis=1)):
        missing = np.flatnonzero(tally[force] == 0)
        commonest = int(tally[force].argmax())  # taking a few of its rows leaves it present
        rows = np.flatnonzero((forces == force) & (codes == commonest))
        chosen = rng.choice(rows, size=len(missing), replace=False)
        frame.iloc[chosen, column] = [names[t] for t in missing]


def _outcomes_draw(mix: SourceMix, rng: np.random.Generator, crime_types: np.ndarray) -> np.ndarray:
    out = np.empty(len(crime_types), dtype=object)
    for crime_type, (labels, shares) in mix.outcomes.items():
        mask = crime_types == crime_type
        out[mask] = np.array(labels, dtype=object)[
            rng.choice(len(labels), size=int(mask.sum()), p=shares)
        ]
    return out


def _duplicates_add(mix: SourceMix, rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    with_id = np.flatnonzero(frame["crime_type"].to_numpy() != ASB)
    exact = rng.choice(with_id, size=round(len(with_id) * mix.exact_duplicate_rate), replace=False)
    differing = rng.choice(
        with_id, size=round(len(with_id) * mix.differing_duplicate_rate), replace=False
    )
    changed = frame.iloc[differing].copy()
    # Most real pairs differ only in the last outcome: one copy carries an older status.
    changed["outcome"] = "Under investigation"
    return pd.concat([frame, frame.iloc[exact], changed], ignore_index=True)
