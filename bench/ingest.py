"""Time the crime store's ingest of the shared police.uk files against two plain baselines.

    .venv/bin/python bench/ingest.py [--shared PATH] [--with-lsoa]

Each contender runs in a fresh subprocess so that its peak RSS is its own:
* store: `ingest_paths` over the whole police/ folder (checks, dedup, counting unit, log);
* store+lsoa (with --with-lsoa): the same with the ONS LSOA 2011->2021 candidates loaded;
* pandas: `pandas.read_csv(path, dtype=str, keep_default_na=False)` of every file;
* duckdb: DuckDB's own `read_csv` of the same files, one table per kind, all VARCHAR.
Prints seconds, rows, peak RSS and the store's time as a multiple of each baseline.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ("street", "outcomes", "stop-and-search")
ONS_LOOKUP = (
    "geography/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_"
    "for_EW_(V3).csv.gz"
)
CENTROIDS = "geography/drkane-geo-lookups/lsoa_latlong.csv.gz"


def police_files(shared: Path, kind: str | None = None) -> list[Path]:
    """Every police.uk CSV under shared/police, optionally of one kind (by file name)."""
    found = sorted((shared / "police").rglob("*-*.csv.gz"))
    kinds = (kind,) if kind else KINDS
    return [p for p in found if any(p.name.endswith(f"-{k}.csv.gz") for k in kinds)]


def lsoa_candidates_build(shared: Path) -> list[tuple[str, str, float | None, float | None]]:
    """(any_code, lsoa21cd, lat, lon) from the ONS lookup and drkane centroids."""
    centroids: dict[str, tuple[float, float]] = {}
    with gzip.open(shared / CENTROIDS, "rt", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            centroids[row["LSOACD"]] = (float(row["latitude"]), float(row["longitude"]))
    rows: set[tuple[str, str, float | None, float | None]] = set()
    with gzip.open(shared / ONS_LOOKUP, "rt", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            lat, lon = centroids.get(row["LSOA21CD"], (None, None))
            rows.add((row["LSOA21CD"], row["LSOA21CD"], lat, lon))
            rows.add((row["LSOA11CD"], row["LSOA21CD"], lat, lon))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def child_run(which: str, shared: Path, work: Path) -> dict[str, float]:
    """Run one contender in this process and return its seconds and rows."""
    if which.startswith("store"):
        from callingtime.crimedata.ingest import ingest_paths

        candidates = lsoa_candidates_build(shared) if which == "store+lsoa" else None
        start = time.perf_counter()
        report = ingest_paths(
            [shared / "police"], db_path=work / f"{which}.duckdb", lsoa_candidates=candidates
        )
        seconds = time.perf_counter() - start
        assert report.ok, [o.message for o in report.files if o.status == "refused"]
        return {"seconds": seconds, "rows": report.rows_imported}
    if which == "pandas":
        import pandas as pd

        start = time.perf_counter()
        rows = sum(
            len(pd.read_csv(path, dtype=str, keep_default_na=False))
            for path in police_files(shared)
        )
        return {"seconds": time.perf_counter() - start, "rows": rows}
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect(str(work / "plain.duckdb"))
    rows = 0
    for kind in KINDS:
        table = kind.replace("-", "_")
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [[str(p) for p in police_files(shared, kind)]],
        )
        count = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        rows += int(count[0]) if count else 0
    con.close()
    return {"seconds": time.perf_counter() - start, "rows": rows}


def contender_measure(which: str, shared: Path, work: Path) -> dict[str, float]:
    """Run a contender in a fresh subprocess; add its peak RSS in MB."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", which, "--shared", str(shared), "--work", str(work)],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{which} failed with exit code {process.returncode}")
    result: dict[str, float] = json.loads(output)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return result


def main() -> None:
    """Run every contender once and print the table of figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("CALLINGTIME_SHARED_DATA", "../shared/data")
    parser.add_argument("--shared", type=Path, default=Path(default))
    parser.add_argument("--with-lsoa", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_run(args.child, args.shared, args.work)))
        return
    files = police_files(args.shared)
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"{len(files)} police.uk files, {size:.1f} MB gzipped, under {args.shared / 'police'}")
    names = ["store", *(["store+lsoa"] if args.with_lsoa else []), "pandas", "duckdb"]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as work:
        results = {name: contender_measure(name, args.shared, Path(work)) for name in names}
    print(
        f"{'contender':<12}{'seconds':>9}{'rows':>11}{'peak MB':>9}{'x pandas':>10}{'x duckdb':>10}"
    )
    for name, r in results.items():
        print(
            f"{name:<12}{r['seconds']:>9.2f}{int(r['rows']):>11,}{r['peak_rss_mb']:>9.0f}"
            f"{r['seconds'] / results['pandas']['seconds']:>10.2f}"
            f"{r['seconds'] / results['duckdb']['seconds']:>10.2f}"
        )
    print("store rows are rows kept (exact duplicate ID rows dropped); baselines keep every row")


if __name__ == "__main__":
    main()
