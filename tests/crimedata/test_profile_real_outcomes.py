"""Profile outcomes and stop and search on the real shared data, recomputed from the raw files.

Each figure is worked out again with pandas from the police.uk CSV files in the shared data
folder, by the rules docs/profiles.md states, and compared with `area_profile`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import pytest

from callingtime.areas.store import AreasStore
from callingtime.crimedata.profile import area_profile
from callingtime.crimedata.profile_model import CountShare
from tests.crimedata.test_profile_real import (
    PCON,
    _counting_unit,
    _lsoa21,
    _read,
    _translate,
    real,
)
from tests.crimedata.test_profile_real_met import WARD_LOOKUP

pytestmark = pytest.mark.shared_data
__all__ = ["real"]  # the module-scoped store fixture, shared with test_profile_real
MET = "police/metropolitan"
CENTROIDS = "geography/drkane-geo-lookups/lsoa_latlong.csv.gz"
ISLINGTON_NORTH = "E14001305"
ISLINGTON = "E09000019"
# docs/profiles.md, "Outcomes": the outcomes that mean a suspect was charged, and the one that
# means no suspect was identified; cohorts within the last 3 loaded months are incomplete.
CHARGED = frozenset(
    {
        "Suspect charged",
        "Suspect charged as part of another case",
        "Awaiting court outcome",
        "Court result unavailable",
        "Court case unable to proceed",
        "Defendant sent to Crown Court",
        "Defendant found not guilty",
        "Offender sent to prison",
        "Offender given suspended prison sentence",
        "Offender given community sentence",
        "Offender fined",
        "Offender given conditional discharge",
        "Offender given absolute discharge",
        "Offender ordered to pay compensation",
        "Offender deprived of property",
        "Offender otherwise dealt with",
    }
)
NO_SUSPECT = "Investigation complete; no suspect identified"
RECENT_MONTHS = 3
# docs/profiles.md, "Stop and search": the nearest LSOA centroid, when within 2 km.
MAX_KM = 2.0
KM_PER_DEGREE_LAT, KM_PER_DEGREE_LON = 110.574, 111.320  # equirectangular distances
NO_FURTHER_ACTION = "A no further action disposal"


def _window(end: str) -> list[str]:
    return [str(p) for p in pd.period_range(end=end, periods=12, freq="M")]


def _outcome_rows(shared: Path) -> pd.DataFrame:
    """Every outcomes-file row, in outcome month order, then by line in its file."""
    frames = []
    for path in sorted((shared / MET).glob("*-metropolitan-outcomes.csv.gz")):
        rows = _read(path)
        frames.append(rows.assign(line=range(2, len(rows) + 2)))  # the header is line 1
    return pd.concat(frames, ignore_index=True).sort_values(["Month", "line"], kind="stable")


def _outcome_of(rows: pd.DataFrame, keep: Literal["first", "last"]) -> pd.Series:
    """Each Crime ID's last (the documented rule) or first outcomes-file outcome."""
    return rows.drop_duplicates("Crime ID", keep=keep).set_index("Crime ID")["Outcome type"]


def _cohorts(crimes: pd.DataFrame, outcome: pd.Series, months: list[str]) -> pd.DataFrame:
    """Per crime month: crimes, charged and no suspect identified, for the given outcomes."""
    found = crimes.assign(charged=outcome.isin(CHARGED), no_suspect=outcome == NO_SUSPECT)
    table = found.groupby("Month").agg(
        crimes=("Crime ID", "size"), charged=("charged", "sum"), no_suspect=("no_suspect", "sum")
    )
    return table.reindex(months, fill_value=0).astype(int)


@pytest.mark.parametrize(
    ("end", "first_row_differs"),
    [
        (None, False),
        # 2023-09 holds a crime charged and then, on a later line of the same outcomes file,
        # closed with no suspect identified: only the latest-outcome rule counts it as closed.
        ("2024-06", True),
    ],
)
def test_islington_north_burglary_outcomes_equal_a_recount_of_the_raw_files(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore],
    shared_data: Path,
    end: str | None,
    first_row_differs: bool,
) -> None:
    con, areas = real
    profile = area_profile(con=con, areas=areas, code=ISLINGTON_NORTH, category="burglary", end=end)
    assert profile.source == "police-uk"
    street_months = sorted(
        p.name[:7] for p in (shared_data / MET).glob("*-metropolitan-street.csv.gz")
    )
    last = end or street_months[-1]
    months = _window(last)
    assert (profile.window.start, profile.window.end) == (months[0], months[-1])
    assert profile.coverage is not None and not profile.coverage.months_missing

    partners, pcon = _lsoa21(shared_data)
    mine = set(pcon.loc[pcon.PCON24CD == ISLINGTON_NORTH, "LSOA21CD"])
    street = pd.concat(
        [_read(shared_data / f"{MET}/{m}-metropolitan-street.csv.gz") for m in months],
        ignore_index=True,
    )
    street = _counting_unit(street[street["Crime type"] == "Burglary"])  # no ASB: no outcomes
    street["lsoa21"] = _translate(street, shared_data, partners)
    inside = street[street.lsoa21.isin(mine)]

    outcome_rows = _outcome_rows(shared_data)
    latest = _outcome_of(outcome_rows, "last")
    in_files = inside["Crime ID"].isin(latest.index)
    outcome = inside["Crime ID"].map(latest).where(in_files, inside["Last outcome category"])
    expected = _cohorts(inside, outcome, months)

    # The rules matter here: the street files alone, or the first outcomes-file row, differ.
    street_only = _cohorts(inside, inside["Last outcome category"], months)
    assert not street_only.equals(expected)
    first = _outcome_of(outcome_rows, "first")
    first_outcome = inside["Crime ID"].map(first).where(in_files, inside["Last outcome category"])
    assert (not _cohorts(inside, first_outcome, months).equals(expected)) == first_row_differs

    outcomes = profile.outcomes
    assert outcomes is not None and outcomes.available and outcomes.reason is None
    assert in_files.any() and outcomes.source is not None and "outcomes files" in outcomes.source
    cohorts = outcomes.cohorts
    assert [c.month for c in cohorts] == months
    assert [c.crimes for c in cohorts] == expected.crimes.tolist()
    assert [m.count for m in profile.monthly[12:]] == expected.crimes.tolist()
    assert [c.charged for c in cohorts] == expected.charged.tolist()
    assert [c.no_suspect for c in cohorts] == expected.no_suspect.tolist()
    for cohort, row in zip(cohorts, expected.itertuples(), strict=True):
        assert cohort.share_charged == pytest.approx(row.charged / row.crimes, abs=1e-9)
        assert cohort.share_no_suspect == pytest.approx(row.no_suspect / row.crimes, abs=1e-9)

    # Incomplete: the last 3 months loaded at all (2024-10…12), whatever the window's end.
    recent = [m for m in months if m in street_months[-RECENT_MONTHS:]]
    assert [c.incomplete for c in cohorts] == [m in recent for m in months]
    complete = expected.drop(index=recent).sum()
    assert outcomes.share_charged == pytest.approx(complete.charged / complete.crimes, abs=1e-9)
    assert outcomes.share_no_suspect == pytest.approx(
        complete.no_suspect / complete.crimes, abs=1e-9
    )


def _nearest_lsoa(points: pd.DataFrame, centroids: pd.DataFrame) -> pd.Series:
    """Each point's nearest centroid's LSOA within MAX_KM (else ""), by brute force."""
    lat = points.lat.to_numpy()[:, None]
    lon = points.lon.to_numpy()[:, None]
    d2 = ((lat - centroids.lat.to_numpy()) * KM_PER_DEGREE_LAT) ** 2 + (
        (lon - centroids.lon.to_numpy()) * KM_PER_DEGREE_LON * np.cos(np.radians(lat))
    ) ** 2
    best = d2.argmin(axis=1)
    codes = centroids.LSOACD.to_numpy()[best]
    placed = d2[np.arange(len(best)), best] <= MAX_KM**2
    return pd.Series(np.where(placed, codes, ""), index=points.index)


def _shares(column: pd.Series) -> dict[str, tuple[int, float]]:
    counts = column.replace("", "Not stated").value_counts()
    return {str(label): (int(n), n / counts.sum()) for label, n in counts.items()}


def _as_dict(shares: tuple[CountShare, ...]) -> dict[str, tuple[int, float]]:
    return {s.label: (s.count, s.share) for s in shares}


def test_islington_stop_and_search_equals_a_recount_of_the_raw_files(
    real: tuple[duckdb.DuckDBPyConnection, AreasStore], shared_data: Path
) -> None:
    con, areas = real
    profile = area_profile(
        con=con, areas=areas, code=ISLINGTON, category="burglary", end="2024-06", source="police-uk"
    )
    months = _window("2024-06")
    assert (profile.window.start, profile.window.end) == (months[0], months[-1])

    frames = []
    for month in months:
        rows = _read(shared_data / f"{MET}/{month}-metropolitan-stop-and-search.csv.gz")
        frames.append(rows.assign(file_month=month))
    searches = pd.concat(frames, ignore_index=True)
    # A search's month is its UK local month: each file holds exactly its own month's.
    local = pd.to_datetime(searches.Date, utc=True).dt.tz_convert("Europe/London")
    assert (local.dt.strftime("%Y-%m") == searches.file_month).all()
    searches["lat"] = pd.to_numeric(searches.Latitude, errors="coerce")
    searches["lon"] = pd.to_numeric(searches.Longitude, errors="coerce")

    # The geography's 2021 LSOAs with their centroids; the borough's LSOAs by the ward lookup.
    wards = _read(shared_data / WARD_LOOKUP).rename(columns=lambda c: c.lstrip("\ufeff"))
    known = set(wards.LSOA21CD) | set(_read(shared_data / PCON).LSOA21CD)
    borough = set(wards.loc[wards.LAD24CD == ISLINGTON, "LSOA21CD"])
    centroids = _read(shared_data / CENTROIDS)
    centroids = centroids[centroids.LSOACD.isin(known)].assign(
        lat=lambda c: c.latitude.astype(float), lon=lambda c: c.longitude.astype(float)
    )
    # Only points within 0.04° of the borough's centroids (over 2 km) can be placed in it,
    # and only centroids within 0.04° of those points can be their nearest within 2 km.
    own = centroids[centroids.LSOACD.isin(borough)]
    lat_range = (own.lat.min() - 0.04, own.lat.max() + 0.04)
    lon_range = (own.lon.min() - 0.04, own.lon.max() + 0.04)
    near = searches[searches.lat.between(*lat_range) & searches.lon.between(*lon_range)]
    around = centroids[
        centroids.lat.between(lat_range[0] - 0.04, lat_range[1] + 0.04)
        & centroids.lon.between(lon_range[0] - 0.04, lon_range[1] + 0.04)
    ]
    placed = near[_nearest_lsoa(near, around).isin(borough)]

    summary = profile.stop_search
    assert summary is not None and summary.available and summary.reason is None
    assert summary.searches == len(placed)
    for shares, column in (
        (summary.by_object, "Object of search"),
        (summary.by_outcome, "Outcome"),
    ):
        got, expected = _as_dict(shares), _shares(placed[column])
        assert {k: n for k, (n, _) in got.items()} == {k: n for k, (n, _) in expected.items()}
        for label, (_, share) in expected.items():
            assert got[label][1] == pytest.approx(share, abs=1e-9), label
        counts = [s.count for s in shares]
        assert counts == sorted(counts, reverse=True)
    nfa = (placed.Outcome == NO_FURTHER_ACTION).sum() / len(placed)
    assert summary.no_further_action_share == pytest.approx(nfa, abs=1e-9)
