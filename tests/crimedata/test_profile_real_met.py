"""Met-level profiles on the real shared data, recomputed from the raw ward files and lookups."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from callingtime.areas.store import AreasStore
from callingtime.crimedata.profile import area_profile
from tests.crimedata.test_profile_real import LOOKUP, PCON, _read, real

pytestmark = pytest.mark.shared_data
__all__ = ["real"]  # the module-scoped store fixture, shared with test_profile_real
WARD_LOOKUP = (
    "geography/LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv.gz"
)
WARD_FILES = "london/ward"
VIOLENT = ("VIOLENCE AGAINST THE PERSON", "SEXUAL OFFENCES")


def _people21(shared: Path) -> pd.Series:
    """Residents of each 2021 LSOA: mid-2020 2011-LSOA figures split evenly among successors."""
    lookup = _read(shared / LOOKUP)
    pop = _read(shared / "geography/london-mid2020-pop.csv.gz")
    people = pop.set_index("LSOA11CD")["Persons_All-Ages"].str.replace(",", "").astype(float)
    shares = lookup.groupby("LSOA11CD")["LSOA21CD"].transform("nunique")
    lookup = lookup.assign(people=lookup.LSOA11CD.map(people).fillna(0) / shares)
    return lookup.groupby("LSOA21CD")["people"].sum()


def _best_fit_wards(shared: Path, constituency: str) -> set[str]:
    """Wards whose best-fit constituency it is: the one holding most of the ward's residents
    (ties: more LSOAs, then the lower code), from LSOA→ward and LSOA→constituency lookups."""
    wards = _read(shared / WARD_LOOKUP).rename(columns=lambda c: c.lstrip("\ufeff"))
    pcon = _read(shared / PCON)
    both = wards[["LSOA21CD", "WD24CD"]].merge(pcon[["LSOA21CD", "PCON24CD"]], on="LSOA21CD")
    both["people"] = both.LSOA21CD.map(_people21(shared)).fillna(0)
    weighed = both.groupby(["WD24CD", "PCON24CD"]).agg(
        people=("people", "sum"), lsoas=("LSOA21CD", "size")
    )
    ordered = weighed.reset_index().sort_values(
        ["WD24CD", "people", "lsoas", "PCON24CD"], ascending=[True, False, False, True]
    )
    best = ordered.drop_duplicates("WD24CD")
    return set(best.loc[constituency == best.PCON24CD, "WD24CD"])


def test_dagenham_and_rainham_violent_crime_sums_its_best_fit_met_wards(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore], shared_data: Path
) -> None:
    con, areas = real
    profile = area_profile(con=con, areas=areas, code="E14001189", category="violent-crime")
    assert profile.source == "mps"
    months = [m.month for m in profile.monthly]
    columns = [m.replace("-", "") for m in months]
    wards = _best_fit_wards(shared_data, "E14001189")
    assert wards
    # the newest ward publication that holds all 24 months (each month from its latest file)
    files = sorted((shared_data / WARD_FILES).glob("*/*.csv.gz"), reverse=True)
    frames = [_read(p) for p in files]
    newest = next(f for f in frames if all(c in f.columns for c in columns))
    rows = newest[newest.WardCode.isin(wards) & newest.MajorText.isin(VIOLENT)]
    expected = [int(rows[c].astype(int).sum()) for c in columns]
    assert [m.count for m in profile.monthly] == expected
    assert profile.count == sum(expected[12:])
    assert profile.previous_count == sum(expected[:12])
    assert any("best-fit" in c or "best fit" in c for c in profile.caveats)
