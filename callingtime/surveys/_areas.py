"""Breakdowns of one question by area, and cross-tabulations of two questions.

Both are tables with row, column and grand totals, suppressed together by `hide_table`, so no
hidden cell can be recovered from the totals. Shares are of the row (an area's n, or the
answers in a cross-tab row); totals are shares of the grand total.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from callingtime.surveys._shares import (
    SECONDARY_NOTE,
    SMALL_GROUP_MIN,
    SMALL_GROUP_NOTE,
    Share,
    make_share,
    option_positions,
    position_of,
)
from callingtime.surveys._suppression import TablePattern, hide_table, sum_is_derivable

TOTAL_NAME = "All areas"
NO_AREA_NAME = "Area not known"


@dataclass(frozen=True)
class AreaRow:
    """One area's answers: n and a Share per option; n None when the whole row is hidden."""

    code: str
    name: str
    options: tuple[str, ...]
    n: int | None
    shares: tuple[Share, ...]
    suppressed: bool
    note: str | None  # why the row is hidden: SMALL_GROUP_NOTE or SECONDARY_NOTE

    def share(self, option: str) -> Share:
        """Return the Share of one option, or raise ValueError naming an unknown one."""
        return self.shares[position_of(option, option_positions(self.options))]

    def as_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready values, suppressed figures as None."""
        return {
            "code": self.code,
            "name": self.name,
            "n": self.n,
            "suppressed": self.suppressed,
            "note": self.note,
            "options": [
                {"option": option, **share.as_dict()}
                for option, share in zip(self.options, self.shares, strict=True)
            ],
        }


@dataclass(frozen=True)
class Breakdown:
    """A single-choice question by area, with a total row over every area."""

    options: tuple[str, ...]
    areas: tuple[AreaRow, ...]
    total: AreaRow
    skipped: int | None
    suppressed: bool  # fewer than the minimum answers in all

    def area(self, code: str) -> AreaRow:
        """Return one area's row; KeyError for an area with no row."""
        for row in self.areas:
            if row.code == code:
                return row
        raise KeyError(code)

    def as_dict(self) -> dict[str, Any]:
        """Return the breakdown as JSON-ready values, suppressed figures as None."""
        return {
            "options": list(self.options),
            "skipped": self.skipped,
            "suppressed": self.suppressed,
            "areas": [row.as_dict() for row in self.areas],
            "total": self.total.as_dict(),
        }


@dataclass(frozen=True)
class AreaShare:
    """The share of one area's answers that chose any of some options."""

    code: str
    name: str
    share: Share

    def as_dict(self) -> dict[str, Any]:
        """Return the share as JSON-ready values, suppressed figures as None."""
        return {"code": self.code, "name": self.name, **self.share.as_dict()}


@dataclass(frozen=True)
class AreaShares:
    """Per area and over all areas, the share choosing any of `chosen`."""

    chosen: tuple[str, ...]
    areas: tuple[AreaShare, ...]
    total: AreaShare

    def as_dict(self) -> dict[str, Any]:
        """Return the shares as JSON-ready values, suppressed figures as None."""
        return {
            "chosen": list(self.chosen),
            "areas": [area.as_dict() for area in self.areas],
            "total": self.total.as_dict(),
        }


@dataclass(frozen=True)
class CrossTab:
    """Two single-choice questions against each other; cells are shares of their row."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    n: int | None
    excluded: int | None  # pairs with either question skipped
    cells: tuple[tuple[Share, ...], ...]
    row_totals: tuple[Share, ...]  # shares of n
    column_totals: tuple[Share, ...]  # shares of n
    suppressed: bool

    def cell(self, row: str, column: str) -> Share:
        """Return one cell, or raise ValueError naming an unknown label."""
        i = position_of(row, option_positions(self.rows))
        return self.cells[i][position_of(column, option_positions(self.columns))]

    def as_dict(self) -> dict[str, Any]:
        """Return the cross-tab as JSON-ready values, suppressed figures as None."""
        return {
            "rows": list(self.rows),
            "columns": list(self.columns),
            "n": self.n,
            "excluded": self.excluded,
            "suppressed": self.suppressed,
            "cells": [[share.as_dict() for share in row] for row in self.cells],
            "row_totals": [share.as_dict() for share in self.row_totals],
            "column_totals": [share.as_dict() for share in self.column_totals],
        }


@dataclass(frozen=True)
class _AreaTable:
    codes: list[str]
    names: list[str]
    counts: list[list[int]]
    skipped: int
    pattern: TablePattern


def breakdown(
    rows: Iterable[tuple[str, str | None]],
    options: Sequence[str],
    *,
    area_names: Mapping[str, str] | None = None,
) -> Breakdown:
    """Break a single-choice question down by area; rows are (area code, answer or None).

    Areas come in area_names order (named areas with no answers are listed, hidden), then
    any other codes in order of first appearance; "" is the area not known.

    >>> rows = [("E1", "Safe")] * 20 + [("E1", "Unsafe")] * 15 + [("E2", "Safe")] * 4
    >>> rows += [("E3", "Safe")] * 12 + [("E3", "Unsafe")] * 11
    >>> result = breakdown(rows, ["Safe", "Unsafe"], area_names={"E1": "Abbey"})
    >>> [(row.name, row.n, row.note == SECONDARY_NOTE) for row in result.areas]
    [('Abbey', 35, False), ('E2', None, False), ('E3', None, True)]
    >>> [share.count for share in result.area("E1").shares], result.area("E2").note
    ([20, 15], 'fewer than 10 answers')
    >>> result.total.n, [share.count for share in result.total.shares]
    (62, [36, 26])
    """
    table = _area_table(rows, options, area_names)
    pattern = table.pattern
    areas = []
    for i, code in enumerate(table.codes):
        n = sum(table.counts[i])
        row_hidden = i in pattern.rows
        shares = tuple(
            make_share(count, n, hidden=(i, j) in pattern.cells, n_hidden=row_hidden)
            for j, count in enumerate(table.counts[i])
        )
        note = (SMALL_GROUP_NOTE if n < SMALL_GROUP_MIN else SECONDARY_NOTE) if row_hidden else None
        areas.append(
            AreaRow(
                code=code,
                name=table.names[i],
                options=tuple(options),
                n=None if row_hidden else n,
                shares=shares,
                suppressed=row_hidden,
                note=note,
            )
        )
    column_totals = [sum(row[j] for row in table.counts) for j in range(len(options))]
    grand = sum(column_totals)
    total = AreaRow(
        code="",
        name=TOTAL_NAME,
        options=tuple(options),
        n=None if pattern.everything else grand,
        shares=tuple(
            make_share(count, grand, hidden=j in pattern.columns, n_hidden=pattern.everything)
            for j, count in enumerate(column_totals)
        ),
        suppressed=pattern.everything,
        note=SMALL_GROUP_NOTE if pattern.everything else None,
    )
    skipped = None if pattern.everything else table.skipped
    return Breakdown(tuple(options), tuple(areas), total, skipped, pattern.everything)


def share_choosing_any(
    rows: Iterable[tuple[str, str | None]],
    options: Sequence[str],
    chosen: Collection[str],
    *,
    area_names: Mapping[str, str] | None = None,
) -> AreaShares:
    """Return, per area and in total, the share of answers choosing any of the chosen options.

    It is shown only where the breakdown already implies it (none of the chosen options is
    hidden in that row, or all the row's hidden ones are chosen) and it is at least the
    minimum, so it never splits a group of hidden cells.

    >>> rows = [("A", "Very safe")] * 30 + [("A", "Fairly unsafe")] * 6
    >>> rows += [("A", "Very unsafe")] * 5
    >>> options = ["Very safe", "Fairly unsafe", "Very unsafe"]
    >>> result = share_choosing_any(rows, options, {"Fairly unsafe", "Very unsafe"})
    >>> result.areas[0].share.count, round(result.areas[0].share.share, 3)
    (11, 0.268)
    """
    table = _area_table(rows, options, area_names)
    positions = option_positions(options)
    picked = {position_of(label, positions) for label in chosen}
    pattern = table.pattern
    areas = []
    for i, code in enumerate(table.codes):
        hidden = {j for j in range(len(options)) if (i, j) in pattern.cells}
        share = _any_share(table.counts[i], picked, hidden, i in pattern.rows)
        areas.append(AreaShare(code, table.names[i], share))
    column_totals = [sum(row[j] for row in table.counts) for j in range(len(options))]
    total = _any_share(column_totals, picked, set(pattern.columns), pattern.everything)
    chosen_in_order = tuple(option for option in options if positions[option] in picked)
    return AreaShares(chosen_in_order, tuple(areas), AreaShare("", TOTAL_NAME, total))


def crosstab(
    pairs: Iterable[tuple[str | None, str | None]],
    rows: Sequence[str],
    columns: Sequence[str],
) -> CrossTab:
    """Cross-tabulate two single-choice questions; a pair with either answer None is excluded.

    >>> pairs = [("Day", "Safe")] * 40 + [("Day", "Unsafe")] * 12 + [("Night", "Safe")] * 15
    >>> pairs += [("Night", "Unsafe")] * 25 + [("Night", None)] * 3
    >>> table = crosstab(pairs, ["Day", "Night"], ["Safe", "Unsafe"])
    >>> table.n, table.excluded, table.cell("Night", "Unsafe").count
    (92, 3, 25)
    """
    row_positions = option_positions(rows)
    column_positions = option_positions(columns)
    counts = [[0] * len(columns) for _ in rows]
    excluded = 0
    for row_answer, column_answer in pairs:
        if row_answer is None or column_answer is None:
            excluded += 1
            continue
        i = position_of(row_answer, row_positions)
        counts[i][position_of(column_answer, column_positions)] += 1
    pattern = hide_table(counts, SMALL_GROUP_MIN)
    row_totals = [sum(row) for row in counts]
    column_totals = [sum(row[j] for row in counts) for j in range(len(columns))]
    grand = sum(row_totals)
    everything = pattern.everything
    return CrossTab(
        rows=tuple(rows),
        columns=tuple(columns),
        n=None if everything else grand,
        excluded=None if everything else excluded,
        cells=tuple(
            tuple(
                make_share(
                    count, row_totals[i], hidden=(i, j) in pattern.cells, n_hidden=i in pattern.rows
                )
                for j, count in enumerate(row)
            )
            for i, row in enumerate(counts)
        ),
        row_totals=tuple(
            make_share(total, grand, hidden=i in pattern.rows, n_hidden=everything)
            for i, total in enumerate(row_totals)
        ),
        column_totals=tuple(
            make_share(total, grand, hidden=j in pattern.columns, n_hidden=everything)
            for j, total in enumerate(column_totals)
        ),
        suppressed=everything,
    )


def _area_table(
    rows: Iterable[tuple[str, str | None]],
    options: Sequence[str],
    area_names: Mapping[str, str] | None,
) -> _AreaTable:
    positions = option_positions(options)
    names = dict(area_names or {})
    counts: dict[str, list[int]] = {code: [0] * len(options) for code in names}
    skipped = 0
    for code, answer in rows:
        if answer is None:
            skipped += 1
            continue
        row = counts.setdefault(code, [0] * len(options))
        row[position_of(answer, positions)] += 1
    codes = list(counts)
    matrix = [counts[code] for code in codes]
    return _AreaTable(
        codes=codes,
        names=[names.get(code) or (code or NO_AREA_NAME) for code in codes],
        counts=matrix,
        skipped=skipped,
        pattern=hide_table(matrix, SMALL_GROUP_MIN),
    )


def _any_share(
    counts: Sequence[int], picked: set[int], hidden: set[int], row_hidden: bool
) -> Share:
    n = sum(counts)
    if row_hidden:
        return make_share(0, n, hidden=True, n_hidden=True)
    count = sum(counts[j] for j in picked)
    shown = sum_is_derivable(hidden, picked) and count >= SMALL_GROUP_MIN
    return make_share(count, n, hidden=not shown)
