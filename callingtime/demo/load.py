"""Load the shipped demo extract into the geography and crime stores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from callingtime.areas.importer import areas_import
from callingtime.areas.store import AreasStore
from callingtime.crimedata.ingest import IngestReport, ingest_paths
from callingtime.crimedata.store import store_open

DEMO_DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DemoLoadReport:
    """What loading the demo extract did."""

    geography_files: int
    crime: IngestReport

    @property
    def ok(self) -> bool:
        return self.crime.ok

    def summary(self) -> str:
        """Return one line for people."""
        imported = sum(1 for outcome in self.crime.files if outcome.status == "imported")
        refused = [outcome for outcome in self.crime.files if outcome.status == "refused"]
        line = (
            f"Demo loaded: {self.geography_files} geography files, {imported} crime files "
            f"imported, {len(self.crime.files) - imported - len(refused)} unchanged."
        )
        for outcome in refused:
            line += f"\n  refused {outcome.file}: {outcome.message}"
        return line


def demo_needed(*, crime_db: Path, areas_db: Path) -> bool:
    """Return True when either store is missing or holds no imported crime files."""
    if not crime_db.exists() or not areas_db.exists():
        return True
    con = store_open(crime_db, read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM import_log WHERE status <> 'refused'").fetchone()
    finally:
        con.close()
    return row is None or row[0] == 0


def demo_load(*, crime_db: Path, areas_db: Path, data_dir: Path = DEMO_DATA_DIR) -> DemoLoadReport:
    """Import the demo geography, then ingest the demo crime files with LSOA translation."""
    geography = areas_import([data_dir / "geography"], db_path=areas_db)
    with AreasStore.open(areas_db) as store:
        candidates = store.lsoa_code_candidates()
    crime = ingest_paths(
        [data_dir / "crime"], db_path=crime_db, lsoa_candidates=candidates, areas_db=areas_db
    )
    return DemoLoadReport(geography_files=len(geography.files), crime=crime)
