"""Time a full area profile for every constituency on a national-scale store, against pandas.

    .venv/bin/python bench/profile.py [--months 24] [--rows-per-month 500000] [--seed 1]
        [--work DIR] [--keep] [--quick] [--shared PATH] [--areas-db FILE] [--pandas-areas N]

It builds the real geography store, generates police.uk street files with real proportions
(bench/profile_store.py), ingests them with `ingest_paths`, rebuilds the aggregates, then times
`area_profile` (all crime, latest month) for every constituency in England and Wales, warm, and
pandas computing the same figures from the street rows held in memory. Gi* is timed apart, for
one borough's LSOAs. Results go to bench/results/profile.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.profile_store import (
    files_generate,
    lsoa_table_read,
    month_range,
    source_mix_read,
)
from callingtime.areas.importer import areas_import
from callingtime.areas.store import AreasStore
from callingtime.crimedata.aggregates import (
    CHARGED_OUTCOMES,
    ENGLAND_AND_WALES,
    NO_SUSPECT_OUTCOMES,
)
from callingtime.crimedata.forces import FORCES
from callingtime.crimedata.gaps import known_gaps_for
from callingtime.crimedata.ingest import ingest_paths
from callingtime.crimedata.profile_rules import ALL_TYPES as ALL_TYPE_NAMES
from callingtime.crimedata.statistics import change_test, rate_per_1000
from callingtime.crimedata.store import store_open

TARGET_P95_MS = 50.0
AREAS_FOLDERS = ("geography", "postcodes", "parliament", "boundaries")
GI_BOROUGHS = ("E09000019", "E08000025")  # Islington, Birmingham
AGREEMENT_SAMPLE = 25
TOP_PLACES = 10
ASB = "Anti-social behaviour"
ALL_TYPES = frozenset(ALL_TYPE_NAMES)
_NATIONS = ("E92000001", "W92000004")
_SLUG_OF_PFA = {force.pfa_code: force.slug for force in FORCES if force.pfa_code}
# Which hierarchy column holds an area of each type, in the pandas frame.
COLUMN = {
    "england-and-wales": "ew",
    "lsoa": "lsoa",
    "ward": "ward",
    "constituency": "pcon",
    "borough": "lad",
    "bcu": "bcu",
    "force": "force_cd",
    "region": "region",
    "country": "country",
}


# --- building the store ------------------------------------------------------------------------


def areas_build(shared: Path, work: Path, given: Path | None) -> tuple[Path, float]:
    """Return the geography store (built from the shared data unless given) and its seconds."""
    if given is not None:
        return given, 0.0
    db = work / "areas.duckdb"
    if db.exists():
        return db, 0.0
    start = time.perf_counter()
    areas_import([shared / folder for folder in AREAS_FOLDERS], db_path=db)
    return db, time.perf_counter() - start


def store_build(
    *, shared: Path, work: Path, areas_db: Path, months: tuple[str, ...], rows: int, seed: int
) -> dict[str, Any]:
    """Generate the files and ingest them; reuse a build in `work` made with the same options."""
    params = {"months": list(months), "rows_per_month": rows, "seed": seed}
    stamp = work / "build.json"
    if stamp.exists():
        built: dict[str, Any] = json.loads(stamp.read_text())
        if built["params"] == params and (work / "crime.duckdb").exists():
            built["reused"] = True
            return built
    crime_db = work / "crime.duckdb"
    for stale in (crime_db, work / "crime.duckdb.wal"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(work / "files", ignore_errors=True)
    mix = source_mix_read(shared, areas_db)
    lsoas = lsoa_table_read(areas_db)
    generated = files_generate(
        mix=mix, lsoas=lsoas, out_dir=work / "files", months=months, rows_per_month=rows, seed=seed
    )
    print(
        f"generated {generated.rows:,} rows in {len(generated.files)} files "
        f"({generated.seconds:.1f} s)",
        flush=True,
    )
    areas = AreasStore.open(areas_db)
    start = time.perf_counter()
    report = ingest_paths(
        [generated.folder], db_path=crime_db, lsoa_candidates=areas.lsoa_code_candidates()
    )
    ingest_seconds = time.perf_counter() - start
    refused = [o.message for o in report.files if o.status == "refused"]
    assert report.ok, refused[:5]
    areas.close()
    built = {
        "params": params,
        "mix": _mix_summary(mix),
        "generated_rows": generated.rows,
        "files": len(generated.files),
        "generate_seconds": generated.seconds,
        "ingest_seconds": ingest_seconds,
        "rows_imported": report.rows_imported,
        "files_bytes": sum(p.stat().st_size for p in generated.files),
        "store_bytes": crime_db.stat().st_size,
        "reused": False,
    }
    stamp.write_text(json.dumps(built, indent=2))
    print(f"ingested {report.rows_imported:,} rows in {ingest_seconds:.1f} s", flush=True)
    return built


def aggregates_build(crime_db: Path, areas_db: Path) -> float:
    """Rebuild the aggregate tables the profile reads; return the seconds it took."""
    from callingtime.crimedata.aggregates import aggregates_rebuild

    con = store_open(crime_db)
    try:
        with AreasStore.open(areas_db) as areas:
            start = time.perf_counter()
            aggregates_rebuild(con, areas)
            return time.perf_counter() - start
    finally:
        con.close()


def _mix_summary(mix: Any) -> dict[str, Any]:
    return {
        "crime_types_located": dict(
            zip(mix.crime_types, mix.located_share.round(4).tolist(), strict=True)
        ),
        "no_location_share": round(mix.no_location_share, 4),
        "asb_share": round(mix.asb_share, 4),
        "exact_duplicate_rate": round(mix.exact_duplicate_rate, 5),
        "differing_duplicate_rate": round(mix.differing_duplicate_rate, 5),
        "lsoa_rate_multiplier_percentiles": dict(
            zip(
                ("p10", "p50", "p90", "p99", "max"),
                np.percentile(mix.lsoa_rate_multipliers, [10, 50, 90, 99, 100]).round(2).tolist(),
                strict=True,
            )
        ),
    }


# --- pandas: the same profile from the street rows in memory ----------------------------------


@dataclass
class PandasRows:
    """Counted street rows with their LSOA's hierarchy, and what the files loaded."""

    df: pd.DataFrame
    hierarchy: pd.DataFrame  # one row per LSOA: hierarchy columns and people
    loaded: dict[tuple[str, str], frozenset[str]]  # (force slug, month) -> crime types


def pandas_load(files: Sequence[Path], areas_db: Path) -> PandasRows:
    """Read every street file with pandas, keep the counted rows and attach the hierarchy."""
    import duckdb

    frames = []
    loaded: dict[tuple[str, str], frozenset[str]] = {}
    for path in files:
        month, slug = path.name[:7], path.name[8 : -len("-street.csv.gz")]
        frame = _counting_unit(pd.read_csv(path, dtype=str, keep_default_na=False))
        loaded[(slug, month)] = frozenset(frame["Crime type"].unique())
        frame["force"] = slug
        frames.append(frame[list(_KEPT)])
    df = pd.concat(frames, ignore_index=True).rename(columns=_KEPT)
    for column in ("month", "force", "lsoa", "location", "crime_type", "outcome"):
        df[column] = df[column].astype("category")
    for column in ("lat", "lon"):
        df[column] = pd.to_numeric(df[column].replace("", None)).astype(float)
    with duckdb.connect(str(areas_db), read_only=True) as con:
        hierarchy = (
            con.execute(
                "SELECT l.lsoa21cd AS lsoa, l.ward_cd AS ward, l.pcon_cd AS pcon, "
                "l.lad_cd AS lad, l.bcu_cd AS bcu, l.force_cd, l.region_cd AS region, "
                "l.country_cd AS country, p.people FROM lsoa21 l "
                "LEFT JOIN population p USING (lsoa21cd)"
            )
            .df()
            .set_index("lsoa", drop=False)
        )
    hierarchy["ew"] = hierarchy["country"].map(
        lambda c: ENGLAND_AND_WALES if c in _NATIONS else None
    )
    hierarchy["slug"] = hierarchy["force_cd"].map(_SLUG_OF_PFA)
    for column in ("ward", "pcon", "lad", "bcu", "force_cd", "region", "ew"):
        df[column] = df["lsoa"].map(hierarchy[column]).astype("category")
    return PandasRows(df=df, hierarchy=hierarchy, loaded=loaded)


_KEPT = {
    "Month": "month",
    "force": "force",
    "LSOA code": "lsoa",
    "Location": "location",
    "Latitude": "lat",
    "Longitude": "lon",
    "Crime type": "crime_type",
    "Last outcome category": "outcome",
}


def _counting_unit(frame: pd.DataFrame) -> pd.DataFrame:
    # As the store counts: exact duplicates of a Crime ID row dropped, then one row per Crime ID
    # (located first, then a known outcome, then file order); every ASB row counts.
    frame["line"] = np.arange(len(frame))
    with_id = frame[frame["Crime ID"] != ""]
    with_id = with_id.drop_duplicates(subset=[c for c in frame.columns if c != "line"])
    outcome = with_id["Last outcome category"]
    order = with_id.assign(
        _loc=(with_id["LSOA code"] == "") & (with_id["Longitude"] == ""),
        _unknown=(outcome == "") | outcome.str.endswith("unavailable"),
    ).sort_values(["Crime ID", "_loc", "_unknown", "line"], kind="stable")
    counted = order.drop_duplicates("Crime ID").drop(columns=["_loc", "_unknown"])
    return pd.concat([frame[frame["Crime ID"] == ""], counted]).sort_values("line")


@dataclass(frozen=True)
class PandasSeries:
    """One area's monthly counts over both windows (None: a force lacks a type that month)."""

    monthly: dict[str, int | None]
    forces: frozenset[str]

    def total(self, months: Sequence[str]) -> int | None:
        values = [self.monthly[m] for m in months]
        return None if any(v is None for v in values) else sum(v or 0 for v in values)


def pandas_series(
    rows: PandasRows, column: str, codes: Sequence[str], months: Sequence[str]
) -> dict[str, PandasSeries]:
    """Count each area's crimes by month: recorded by the forces policing it, in its LSOAs."""
    h = rows.hierarchy
    forces = h[h[column].isin(codes)].groupby(column)["slug"].unique()
    part = rows.df[rows.df[column].isin(codes) & rows.df["month"].isin(months)]
    counts = part.groupby([column, "force", "month"], observed=True).size()
    found: dict[str, PandasSeries] = {}
    for code in codes:
        own = frozenset(forces.get(code, ()))
        mine = counts.loc[code] if code in counts.index.get_level_values(0) else counts.iloc[:0]
        by_month = mine[mine.index.get_level_values(0).isin(own)].groupby(level=1).sum()
        monthly: dict[str, int | None] = {}
        for month in months:
            complete = bool(own) and all(
                rows.loaded.get((f, month), frozenset()) >= ALL_TYPES for f in own
            )
            monthly[month] = int(by_month.get(month, 0)) if complete else None
        found[code] = PandasSeries(monthly, own)
    return found


def pandas_profile(rows: PandasRows, areas: AreasStore, code: str, end: str) -> dict[str, Any]:
    """Compute the profile's figures for one area from the rows in memory, no cache."""
    df, h = rows.df, rows.hierarchy
    area = areas.area_get(code)
    assert area is not None
    column = COLUMN[area.type]
    months = month_range(_month_shift(end, -23), 24)
    window, previous = months[12:], months[:12]
    series = pandas_series(rows, column, [code], months)[code]
    count, previous_count = series.total(window), series.total(previous)
    change = None
    if count is not None and previous_count is not None:
        change = change_test(count, previous_count)
    people = _people(h, column, code)
    rate = rate_per_1000(count, people) if count is not None and people else None

    comparisons = []
    neighbours = [a for a in areas.area_neighbours(code)]
    parents: dict[str, Any] = {}
    for parent in areas.area_parents(code):
        if parent.type in ("borough", "bcu", "force", "region") and parent.type not in parents:
            parents[parent.type] = parent
    for relation, group in (("neighbour", neighbours), ("parent", list(parents.values()))):
        by_type: dict[str, list[str]] = {}
        for other in group:
            by_type.setdefault(COLUMN[other.type], []).append(other.code)
        for col, codes in by_type.items():
            for other_code, other in pandas_series(rows, col, codes, months).items():
                comparisons.append(_comparison(relation, other_code, other, window, h, col))
    nation = pandas_series(rows, "ew", [ENGLAND_AND_WALES], months)[ENGLAND_AND_WALES]
    comparisons.append(_comparison("parent", ENGLAND_AND_WALES, nation, window, h, "ew"))

    rank = None
    force = parents.get("force")
    if rate is not None and force is not None and area.type == "constituency":
        siblings = [a.code for a in areas.area_children(force.code, type="constituency")]
        rates = []
        for sibling, other in pandas_series(rows, column, siblings, months).items():
            sibling_people = _people(h, column, sibling)
            if other.total(months) is not None and sibling_people:
                rates.append(rate_per_1000(other.total(window) or 0, sibling_people))
        rank = (1 + sum(1 for r in rates if r is not None and r > rate), len(rates))

    mine = df[(df[column] == code) & df["month"].isin(window) & df["force"].isin(series.forces)]
    places = (
        mine.groupby(["location", "lsoa", "lat", "lon"], observed=True)
        .size()
        .reset_index(name="n")
        .sort_values(
            ["n", "location", "lsoa", "lat", "lon"], ascending=[False, True, True, True, True]
        )
        .head(TOP_PLACES)
    )
    lsoa_counts = mine.groupby("lsoa", observed=True).size()
    members = h[h[column] == code]
    lsoa_figures = {}
    if count is not None:  # as the store: LSOA figures only over a whole window
        lsoa_figures = {
            lsoa: (int(lsoa_counts.get(lsoa, 0)), round(p)) for lsoa, p in members["people"].items()
        }
    loaded = [m for m in window if series.monthly[m] is not None]
    no_outcomes = all(any(known_gaps_for(f, "outcomes", m) for m in window) for f in series.forces)
    crimes = mine[(mine["crime_type"] != ASB) & mine["month"].isin(loaded)]
    cohorts = (
        crimes.groupby("month", observed=True)["outcome"]
        .agg(
            crimes="size",
            charged=lambda s: int(s.isin(CHARGED_OUTCOMES).sum()),
            no_suspect=lambda s: int(s.isin(NO_SUSPECT_OUTCOMES).sum()),
        )
        .reindex(loaded, fill_value=0)
    )
    if no_outcomes:
        cohorts = cohorts.iloc[:0]
    force_rows = df[df["force"].isin(series.forces) & df["month"].isin(window)]
    left_out = int(force_rows["lsoa"].isin(["", None]).sum() + force_rows["lsoa"].isna().sum())
    return {
        "count": count,
        "previous_count": previous_count,
        "monthly": series.monthly,
        "population": people,
        "rate_per_1000": rate,
        "change": change,
        "comparisons": comparisons,
        "rank": rank,
        "places": places,
        "lsoas": lsoa_figures,
        "cohorts": cohorts,
        "excluded_no_location": left_out,
    }


def _comparison(
    relation: str,
    code: str,
    series: PandasSeries,
    window: Sequence[str],
    hierarchy: pd.DataFrame,
    column: str,
) -> tuple[str, str, int | None, int, float | None]:
    people = _people(hierarchy, column, code)
    if any(v is None for v in series.monthly.values()):
        return (relation, code, None, people, None)
    count = series.total(window) or 0
    return (relation, code, count, people, rate_per_1000(count, people) if people else None)


def _people(hierarchy: pd.DataFrame, column: str, code: str) -> int:
    people: float = hierarchy.loc[hierarchy[column] == code, "people"].sum()
    return round(people)


def _month_shift(month: str, delta: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + delta
    return f"{index // 12}-{index % 12 + 1:02d}"


# --- timing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Latency percentiles of one contender over the areas, in milliseconds."""

    areas: int
    p50: float
    p95: float
    p99: float
    max: float
    mean: float


def timing_of(samples: Sequence[float]) -> Timing:
    """Summarise per-area seconds as millisecond percentiles."""
    ms = np.array(samples) * 1000.0
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return Timing(len(ms), float(p50), float(p95), float(p99), float(ms.max()), float(ms.mean()))


def time_each(codes: Sequence[str], run: Callable[[str], object]) -> list[float]:
    """Time `run` once for each code with perf_counter."""
    samples = []
    for code in codes:
        start = time.perf_counter()
        run(code)
        samples.append(time.perf_counter() - start)
    return samples


def agreement_check(
    store_run: Callable[[str], Any], pandas_run: Callable[[str], Any], codes: Sequence[str]
) -> dict[str, Any]:
    """Assert that the store and pandas agree on count, previous count, monthly and rate.

    The other figures (comparisons, rank, places, LSOAs, outcome cohorts) are compared too;
    their differences are counted and returned rather than asserted.
    """
    others: dict[str, list[str]] = {}
    for code in codes:
        profile = store_run(code)
        expected = pandas_run(code)
        assert profile.count == expected["count"], (code, profile.count, expected["count"])
        assert profile.previous_count == expected["previous_count"], code
        for month in profile.monthly:
            assert expected["monthly"].get(month.month) == month.count, (code, month)
        assert profile.population == expected["population"], code
        if expected["rate_per_1000"] is None:
            assert profile.rate_per_1000 is None, code
        else:
            assert abs(profile.rate_per_1000 - expected["rate_per_1000"]) < 1e-9, code
        for name, same in _other_figures(profile, expected).items():
            if not same:
                others.setdefault(name, []).append(code)
    return {"areas": len(codes), "other_figures_differing": others}


def _other_figures(profile: Any, expected: dict[str, Any]) -> dict[str, bool]:
    store_comparisons = {(c.relation, c.area.code): c.count for c in profile.comparisons}
    pandas_comparisons = {(r, code): n for r, code, n, _, _ in expected["comparisons"]}
    rank = (profile.rank.position, profile.rank.of) if profile.rank else None
    places = [(p.location, p.lsoa21cd, p.count) for p in profile.places]
    frame = expected["places"]
    pandas_places = list(zip(frame["location"], frame["lsoa"], frame["n"], strict=True))
    store_cohorts = profile.outcomes.cohorts if profile.outcomes else ()
    cohorts = {c.month: (c.crimes, c.charged, c.no_suspect) for c in store_cohorts}
    pandas_cohorts = {
        str(m): (int(r.crimes), int(r.charged), int(r.no_suspect))
        for m, r in expected["cohorts"].iterrows()
    }
    return {
        "comparisons": store_comparisons == pandas_comparisons,
        "rank": rank == expected["rank"],
        "places": places == [(str(a), str(b), int(n)) for a, b, n in pandas_places],
        "lsoas": {f.lsoa21cd: f.count for f in profile.lsoas}
        == {k: v[0] for k, v in expected["lsoas"].items()},
        "outcome_cohorts": cohorts == pandas_cohorts,
        "excluded_no_location": profile.excluded_no_location == expected["excluded_no_location"],
    }


def gi_star_time(
    con: Any, areas: AreasStore, borough: str, end: str, months: int
) -> dict[str, Any]:
    """Time Gi* over one borough's LSOAs: `area_hotspots` if present, else the statistic."""
    import importlib.util

    if importlib.util.find_spec("callingtime.crimedata.hotspots") is not None:
        from callingtime.crimedata.hotspots import area_hotspots

        def hotspots(code: str) -> object:
            return area_hotspots(con=con, areas=areas, code=code, end=end, months=months)

        hotspots(borough)
        samples = time_each([borough] * 5, hotspots)
        how = "area_hotspots"
    else:
        from callingtime.crimedata.statistics_spatial import getis_ord_gi_star

        lsoas = areas.area_lsoas(borough)
        window = month_range(_month_shift(end, 1 - months), months)

        def run(code: str) -> object:
            counts = dict(
                con.execute(
                    "SELECT area_code, sum(crimes) FROM agg_area_month WHERE area_type = 'lsoa' "
                    "AND area_code IN (SELECT unnest(?::VARCHAR[])) AND month IN "
                    "(SELECT unnest(?::VARCHAR[])) GROUP BY 1",
                    [lsoas, list(window)],
                ).fetchall()
            )
            values = {lsoa: float(counts.get(lsoa, 0)) for lsoa in lsoas}
            return getis_ord_gi_star(values, _lsoa_neighbours(areas, lsoas))

        run(borough)
        samples = time_each([borough] * 5, run)
        how = "getis_ord_gi_star on agg_area_month"
    result = asdict(timing_of(samples))
    return {"borough": borough, "lsoas": len(areas.area_lsoas(borough)), "how": how, **result}


def _lsoa_neighbours(areas: AreasStore, lsoas: Sequence[str]) -> dict[str, list[str]]:
    # Six nearest centroids within the borough: the rule the geography store uses without
    # boundaries.
    points = np.array([[areas.lsoas[c].lat, areas.lsoas[c].lon] for c in lsoas], dtype=float)
    scale = np.array([1.0, np.cos(np.radians(points[:, 0].mean()))])
    distance = np.linalg.norm((points[:, None, :] - points[None, :, :]) * scale, axis=2)
    order = np.argsort(distance, axis=1)[:, 1:7]
    return {lsoas[i]: [lsoas[j] for j in row] for i, row in enumerate(order)}


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    """Build the store, time the store and pandas, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("CALLINGTIME_SHARED_DATA", "../shared/data")
    parser.add_argument("--shared", type=Path, default=Path(default))
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--rows-per-month", type=int, default=500_000)
    parser.add_argument("--first-month", default="2023-01")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="keep (and reuse) the build in this folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quick", action="store_true", help="2 months x 50k rows: a smoke run")
    parser.add_argument("--areas-db", type=Path, help="an existing geography store to use")
    parser.add_argument("--pandas-areas", type=int, help="time pandas on this many areas only")
    parser.add_argument("--out", type=Path, default=Path("bench/results/profile.json"))
    args = parser.parse_args()
    if args.quick:
        args.months, args.rows_per_month = 2, 50_000
        args.first_month = _month_shift(args.first_month, 22)
    work = args.work or Path(tempfile.mkdtemp(prefix="callingtime-bench-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(args, work)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.work is None:
            print(f"kept {work}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {args.out}")


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Do the whole benchmark in `work` and return its figures."""
    load_before = os.getloadavg()
    areas_db, areas_seconds = areas_build(args.shared, work, args.areas_db)
    months = month_range(args.first_month, args.months)
    built = store_build(
        shared=args.shared,
        work=work,
        areas_db=areas_db,
        months=months,
        rows=args.rows_per_month,
        seed=args.seed,
    )
    built["aggregates_seconds"] = aggregates_build(work / "crime.duckdb", areas_db)
    print(f"aggregates rebuilt in {built['aggregates_seconds']:.1f} s", flush=True)
    from callingtime.crimedata.profile import area_profile

    con = store_open(work / "crime.duckdb", read_only=True)
    areas = AreasStore.open(areas_db)
    codes = sorted(
        code
        for code, area in areas.areas.items()
        if area.type == "constituency" and areas.area_lsoas(code)
    )
    others = sum(1 for a in areas.areas.values() if a.type == "constituency") - len(codes)
    end = months[-1]

    def store_run(code: str) -> Any:
        return area_profile(con=con, areas=areas, code=code)

    files = sorted((work / "files").glob("*-street.csv.gz"))
    start = time.perf_counter()
    rows = pandas_load(files, areas_db)
    load_seconds = time.perf_counter() - start
    print(f"pandas loaded {len(rows.df):,} counted rows in {load_seconds:.1f} s", flush=True)

    def pandas_run(code: str) -> Any:
        return pandas_profile(rows, areas, code, end)

    # Check first: a benchmark that measures wrong answers is worthless.
    agreed = agreement_check(
        store_run, pandas_run, codes[:: max(1, len(codes) // AGREEMENT_SAMPLE)]
    )
    print(f"agreement: {agreed}", flush=True)

    time_each(codes, store_run)  # warm-up pass
    load_store = os.getloadavg()
    store_samples = time_each(codes, store_run)
    store_timing = timing_of(store_samples)
    print(f"store: {store_timing}", flush=True)

    pandas_codes = (
        codes if args.pandas_areas is None else codes[:: max(1, len(codes) // args.pandas_areas)]
    )
    time_each(pandas_codes[:5], pandas_run)
    load_pandas = os.getloadavg()
    pandas_samples = time_each(pandas_codes, pandas_run)
    pandas_timing = timing_of(pandas_samples)
    print(f"pandas: {pandas_timing}", flush=True)

    gi = [gi_star_time(con, areas, borough, end, min(12, len(months))) for borough in GI_BOROUGHS]
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_at_start": load_before,
            "load_before_store_timing": load_store,
            "load_before_pandas_timing": load_pandas,
            "load_at_end": os.getloadavg(),
        },
        "areas_import_seconds": areas_seconds,
        "build": built,
        "constituencies_timed": len(codes),
        "constituencies_without_lsoas": others,
        "end_month": end,
        "store": asdict(store_timing),
        "pandas": asdict(pandas_timing),
        "pandas_load_seconds": load_seconds,
        "pandas_rows": len(rows.df),
        "agreement_checked": agreed,
        "ratio_p95": pandas_timing.p95 / store_timing.p95,
        "target_p95_ms": TARGET_P95_MS,
        "target_met": store_timing.p95 <= TARGET_P95_MS,
        "gi_star": gi,
        "samples_ms": {
            "store": {c: round(t * 1000, 2) for c, t in zip(codes, store_samples, strict=True)},
            "pandas": {
                c: round(t * 1000, 2) for c, t in zip(pandas_codes, pandas_samples, strict=True)
            },
        },
    }
    table_print(results)
    con.close()
    areas.close()
    return results


def table_print(r: dict[str, Any]) -> None:
    """Print the figures side by side, with the ratio and the target."""
    b = r["build"]
    print()
    print(
        f"store: {b['rows_imported']:,} rows kept of {b['generated_rows']:,} generated, "
        f"{b['files']} files; ingest {b['ingest_seconds']:.1f} s, aggregates "
        f"{b['aggregates_seconds']:.1f} s; pandas load {r['pandas_load_seconds']:.1f} s"
    )
    print(
        f"{r['constituencies_timed']} constituencies, all crime, 12 months to {r['end_month']}; "
        f"agreement asserted on {r['agreement_checked']['areas']} (count, previous, monthly, "
        "population, rate)"
    )
    differing = r["agreement_checked"]["other_figures_differing"]
    if differing:
        print(
            f"other figures differing (not asserted): { {k: len(v) for k, v in differing.items()} }"
        )
    print(f"{'contender':<10}{'areas':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name in ("store", "pandas"):
        t = r[name]
        print(
            f"{name:<10}{t['areas']:>7}{t['p50']:>9.1f}{t['p95']:>9.1f}{t['p99']:>9.1f}"
            f"{t['max']:>9.1f}"
        )
    verdict = "met" if r["target_met"] else "missed"
    print(
        f"pandas p95 / store p95 = {r['ratio_p95']:.1f}x; target p95 <= "
        f"{r['target_p95_ms']:.0f} ms {verdict}"
    )
    for g in r["gi_star"]:
        print(
            f"Gi* {g['borough']} ({g['lsoas']} LSOAs, {g['how']}): p50 {g['p50']:.1f} ms, "
            f"max {g['max']:.1f} ms"
        )
    m = r["machine"]
    print(
        f"1-minute load average before timing: store {m['load_before_store_timing'][0]:.2f}, "
        f"pandas {m['load_before_pandas_timing'][0]:.2f}, on {m['cpus']} CPUs"
    )


if __name__ == "__main__":
    main()
