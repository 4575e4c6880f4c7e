"""The Met mapping on the real files: every pair is known, and schemes agree where they are spliced.

Tolerance (revisions between publications, not scheme differences): on every overlapping month
that is "settled" (not among the last 6 months of either publication, whose late-recorded offences
are still being added), the two London totals differ by at most 10% of the larger or 10 offences,
whichever is more; and over the whole overlap by at most 4%. Within-scheme revisions of the same
size occur between two detailed publications (possession of weapons, drugs), hence the margin.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from callingtime.crimedata.categories import (
    BLADE_OR_POINT,
    MPS_CATEGORIES,
    mps_categories_single_scheme,
    mps_category_slugs,
)

pytestmark = pytest.mark.shared_data

MONTH_TOLERANCE = 0.10
MONTH_FLOOR = 10
OVERLAP_TOLERANCE = 0.04
SETTLING_MONTHS = 6


def london_totals(path: Path) -> tuple[str, pd.DataFrame]:
    """(scheme, London totals per category x month column) of one real file, via the mapping."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    old = "Major Category" in frame.columns
    major, minor = ("Major Category", "Minor Category") if old else ("MajorText", "MinorText")
    scheme = "old" if old else ("coarse" if frame[major].str.isupper().all() else "detailed")
    months = [c for c in frame.columns if c.isdigit()]
    counts = frame[months].astype(int)
    parts = []
    for (maj, mnr), rows in counts.groupby([frame[major], frame[minor]]):
        slugs = mps_category_slugs(scheme, str(maj), str(mnr))
        assert slugs is not None, (path, maj, mnr)
        parts += [rows.sum().rename(slug) for slug in slugs]
    return scheme, pd.DataFrame(parts).groupby(level=0).sum()


@pytest.fixture(scope="module")
def totals(shared_data: Path) -> dict[str, tuple[str, pd.DataFrame]]:
    files = sorted((shared_data / "london").glob("[bw]*/*/*.csv.gz"))
    return {f"{p.parent.parent.name}/{p.parent.name}": london_totals(p) for p in files}


Totals = dict[str, tuple[str, pd.DataFrame]]
Side = tuple[str, str, pd.DataFrame]


def overlaps(totals: Totals) -> Iterator[tuple[Side, Side, list[str]]]:
    """Pairs of files of one level in different schemes, with their settled shared months."""
    for (a, (sa, ta)), (b, (sb, tb)) in itertools.combinations(totals.items(), 2):
        if a.split("/")[0] != b.split("/")[0] or sa == sb:
            continue
        unsettled = set(ta.columns[-SETTLING_MONTHS:]) | set(tb.columns[-SETTLING_MONTHS:])
        months = [m for m in ta.columns if m in tb.columns and m not in unsettled]
        if months:
            yield (a, sa, ta), (b, sb, tb), months


def test_schemes_agree_on_every_spliced_category(
    totals: dict[str, tuple[str, pd.DataFrame]],
) -> None:
    compared: set[tuple[str, str, str]] = set()
    for (a, sa, ta), (b, sb, tb), months in overlaps(totals):
        for slug in sorted(set(ta.index) & set(tb.index)):
            x, y = ta.loc[slug, months], tb.loc[slug, months]
            bound = (pd.concat([x, y], axis=1).max(axis=1) * MONTH_TOLERANCE).clip(
                lower=MONTH_FLOOR
            )
            worst = ((x - y).abs() - bound).idxmax()
            assert ((x - y).abs() <= bound).all(), (slug, a, b, worst, x[worst], y[worst])
            assert abs(x.sum() - y.sum()) <= OVERLAP_TOLERANCE * max(x.sum(), y.sum()), (slug, a, b)
            compared.add((slug, *sorted((sa, sb))))
    # every category listed for two or more schemes was checked on each of its scheme pairs
    for slug, category in MPS_CATEGORIES.items():
        for pair in itertools.combinations(sorted(category.schemes), 2):
            assert (slug, *pair) in compared, (slug, pair)


def test_categories_kept_apart_really_differ(totals: dict[str, tuple[str, pd.DataFrame]]) -> None:
    single = set(mps_categories_single_scheme())
    assert {BLADE_OR_POINT, "nfib-fraud"} <= single
    # the 2008-2018 violence definition is far from violence against the person of later schemes
    old = totals["borough/2017-01_2018-12"][1]
    detailed = totals["borough/2010-04_2022-01"][1]
    months = [m for m in old.columns if m in detailed.columns]
    x = old.loc["violence-against-the-person-2008-scheme", months]
    y = detailed.loc["violence-against-the-person", months]
    assert abs(x.sum() - y.sum()) > OVERLAP_TOLERANCE * y.sum()


def test_coarse_violence_without_injury_needs_stalking_and_harassment(shared_data: Path) -> None:
    """The detailed scheme keeps harassment inside violence without injury; the coarse splits it."""
    borough = shared_data / "london" / "borough"
    detailed = pd.read_csv(borough / "2010-04_2022-01/APR2010-FEB2022.csv.gz", dtype=str)
    coarse = pd.read_csv(
        borough / "2010-04_2023-11/MPS Borough Level Crime (Historical).csv.gz", dtype=str
    )

    def minor_total(frame: pd.DataFrame, minors: set[str]) -> int:
        return int(frame[frame["MinorText"].isin(minors)][["202101"]].astype(int).sum().sum())

    d = minor_total(detailed, {"Violence without Injury"})
    c_alone = minor_total(coarse, {"VIOLENCE WITHOUT INJURY"})
    c_with = minor_total(coarse, {"VIOLENCE WITHOUT INJURY", "STALKING AND HARASSMENT"})
    assert abs(c_alone - d) > MONTH_TOLERANCE * d
    assert abs(c_with - d) <= MONTH_TOLERANCE * d
