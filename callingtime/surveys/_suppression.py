"""Which figures of a table to hide, so no group under the minimum is shown or worked out.

Pure index logic over true counts; the callers turn the answer into `Share` values. A "line" is
a set of figures with a shown total: a row with its row total, a column with its column total,
the row totals with the grand total, the column totals with the grand total. Subtraction
recovers a hidden figure exactly when its line has one unknown, so every line keeps none or at
least two: after hiding the small figures (primary suppression), a line with exactly one hidden
figure also hides its smallest visible cell (secondary suppression), until nothing changes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TablePattern:
    """The figures of a rows × columns table to hide; `everything` when the grand total is small."""

    cells: frozenset[tuple[int, int]]
    rows: frozenset[int]  # hidden row totals; their whole rows are hidden too
    columns: frozenset[int]  # hidden column totals
    everything: bool


def hide_line(counts: Sequence[int], minimum: int, *, at_least: int = 2) -> frozenset[int]:
    """Return the positions to hide in a line of counts whose total is shown.

    Counts under minimum are hidden; while 1 to at_least - 1 are hidden, the smallest visible
    one is hidden too (the first on a tie). A total under minimum hides everything.

    >>> sorted(hide_line([50, 3, 20, 12], 10))
    [1, 3]
    >>> sorted(hide_line([50, 3, 20, 12], 10, at_least=3))
    [1, 2, 3]
    >>> sorted(hide_line([4, 5], 10))
    [0, 1]
    """
    if sum(counts) < minimum:
        return frozenset(range(len(counts)))
    hidden = {i for i, count in enumerate(counts) if count < minimum}
    while 0 < len(hidden) < at_least:
        visible = [i for i in range(len(counts)) if i not in hidden]
        if not visible:
            break
        hidden.add(min(visible, key=lambda i: (counts[i], i)))
    return frozenset(hidden)


def hide_table(cells: Sequence[Sequence[int]], minimum: int) -> TablePattern:
    """Return what to hide in a table whose row, column and grand totals are all shown.

    Primary: every cell and total under minimum. Secondary, repeated until stable: the row
    totals and the column totals are each a line against the grand total; a hidden row total
    hides its whole row (its row shares would give it away); a row or column with exactly one
    unknown (counting its total) hides its smallest visible cell, or its total when no cell
    is left.

    >>> pattern = hide_table([[30, 12], [25, 3]], 10)
    >>> sorted(pattern.cells), sorted(pattern.rows), sorted(pattern.columns)
    ([(0, 0), (0, 1), (1, 0), (1, 1)], [], [])
    """
    n_rows = len(cells)
    n_columns = len(cells[0]) if n_rows else 0
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(row[j] for row in cells) for j in range(n_columns)]
    if sum(row_totals) < minimum:
        return TablePattern(
            cells=frozenset((i, j) for i in range(n_rows) for j in range(n_columns)),
            rows=frozenset(range(n_rows)),
            columns=frozenset(range(n_columns)),
            everything=True,
        )
    hidden = {(i, j) for i in range(n_rows) for j in range(n_columns) if cells[i][j] < minimum}
    rows = {i for i, total in enumerate(row_totals) if total < minimum}
    columns = {j for j, total in enumerate(column_totals) if total < minimum}

    def protect(line: list[tuple[int, int]], totals: set[int], index: int) -> bool:
        unknowns = sum(cell in hidden for cell in line) + (index in totals)
        if unknowns != 1:
            return False
        visible = [cell for cell in line if cell not in hidden]
        if visible:
            hidden.add(min(visible, key=lambda cell: (cells[cell[0]][cell[1]], cell)))
        else:
            # Only a one-row or one-column table gets here, where the margin rule has
            # already hidden the same figures; kept so the invariant holds on its own.
            totals.add(index)
        return True

    changed = True
    while changed:
        changed = _complete_margin(rows, row_totals)
        changed |= _complete_margin(columns, column_totals)
        for i in rows:
            for j in range(n_columns):
                if (i, j) not in hidden:
                    hidden.add((i, j))
                    changed = True
        for i in range(n_rows):
            changed |= protect([(i, j) for j in range(n_columns)], rows, i)
        for j in range(n_columns):
            changed |= protect([(i, j) for i in range(n_rows)], columns, j)
    return TablePattern(
        cells=frozenset(hidden), rows=frozenset(rows), columns=frozenset(columns), everything=False
    )


def sum_is_derivable(hidden: Collection[int], chosen: Collection[int]) -> bool:
    """Return whether the sum of the chosen cells of a line follows from what the line shows.

    It does when none of the chosen cells is hidden, or when every hidden cell is chosen
    (the sum is then the total less the visible cells left out). Showing such a sum tells
    nothing new; any other sum would split a group of hidden cells.

    >>> sum_is_derivable({1, 3}, {1, 3}), sum_is_derivable({1, 3}, {0, 1, 3})
    (True, True)
    >>> sum_is_derivable({1, 3}, {1, 2})
    False
    """
    hidden_set, chosen_set = set(hidden), set(chosen)
    return not hidden_set & chosen_set or hidden_set <= chosen_set


def _complete_margin(hidden: set[int], totals: Sequence[int]) -> bool:
    # One hidden total among totals that sum to the shown grand total is recoverable.
    if len(hidden) != 1:
        return False
    visible = [i for i in range(len(totals)) if i not in hidden]
    if not visible:
        return False
    hidden.add(min(visible, key=lambda i: (totals[i], i)))
    return True
