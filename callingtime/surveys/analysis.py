"""Honest statistics for resident-survey results: n, 95% intervals and small-group suppression.

Plain Python (standard library only, no Django), so pages, CSV and JSON exports all read the
same suppressed numbers from these frozen dataclasses and their `as_dict()`.

Every percentage carries n and a 95% Wilson score interval (never the Wald interval); a mean
on a scale carries a Student's t interval. SELF_SELECTED_CAVEAT goes beside every result.

Small groups (SMALL_GROUP_MIN = 10). The rule is one rule, the same in every view and export:

1. No count of answers under 10 (0 included) is shown: not a group's n, not an option's
   count in a single-question table, not a cell of a breakdown by area or of a
   cross-tabulation, not a total. Hidden figures are None with `suppressed` set, never 0. A
   group under 10 hides its whole table, n, skipped and excluded included ("fewer than 10
   answers"); otherwise skipped and excluded are shown, as they are not answers.
2. No hidden figure can be worked out by subtraction. Wherever figures are shown with their
   total (an option's count with n, a row or column with its total, the row totals or the
   column totals with the grand total) a line never has exactly one hidden figure: the
   smallest visible cell of that line is hidden too (its total, if no cell is left),
   repeating across rows and columns until nothing changes. A hidden row total hides its
   whole row, since its shares would give it away: so one area under 10 in a breakdown also
   hides the next smallest area, noted SECONDARY_NOTE rather than "fewer than 10". A sum of
   options ("fairly or very unsafe", `share_choosing_any`) is shown only where the table
   already implies it, so it never splits a group of hidden cells.
3. Figures without a shared total get the same rule as a two-figure line: an option of a
   multiple-choice question is hidden when its count or the rest (n minus the count) is
   under 10, as is a standalone `share_of`. In a ranking, first places add up to n and follow
   rule 2; an item's mean rank is shown when at least 10 people ranked it (who left it
   unranked is not protected: that is usually someone who stopped ranking).
4. On a scale the mean with n gives the sum of the values, one more equation over the hidden
   points, so a scale hides none or at least three points; a scale too short for that hides
   its mean as well.
5. Free-text answers are listed only for a group of at least 10 (`text_answers_visible`).

This is stricter than showing small option counts in an unfiltered single-question table,
on purpose: this library cannot tell whether a group is a whole survey or a filtered slice of
one (a single ward's campaign is both), and a whole survey's option counts are the column
totals of its breakdown by area. One rule keeps a filtered page, an unfiltered page and a
breakdown from showing, between them, a number one of them hides. Secondary suppression is
decided inside each table, so a filtered page about one area should take its figures from
that area's `Breakdown` row rather than recount them.

>>> answers = ["Safe"] * 30 + ["Unsafe"] * 12 + ["Not sure"] * 4
>>> table = choice_table(answers, ["Safe", "Unsafe", "Not sure"])
>>> table.n, [share.count for share in table.shares]
(46, [30, None, None])
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from callingtime.surveys._areas import (
    NO_AREA_NAME,
    TOTAL_NAME,
    AreaRow,
    AreaShare,
    AreaShares,
    Breakdown,
    CrossTab,
    breakdown,
    crosstab,
    share_choosing_any,
)
from callingtime.surveys._intervals import (
    COUNT_OUT_OF_RANGE,
    NO_ANSWERS,
    Z_95,
    mean_interval,
    t_quantile,
    wilson_interval,
)
from callingtime.surveys._shares import (
    DUPLICATE_OPTION,
    MINIMUM_TOO_LOW,
    NEGATIVE_GROUP,
    NO_OPTIONS,
    SECONDARY_NOTE,
    SMALL_GROUP_MIN,
    SMALL_GROUP_NOTE,
    UNKNOWN_OPTION,
    Share,
    check_group_size,
    make_share,
    option_positions,
    position_of,
    share_of,
)
from callingtime.surveys._summaries import (
    NOT_A_COLLECTION,
    NOT_A_NUMBER,
    NOT_A_SCALE_POINT,
    RANKED_TWICE,
    SCALE_OUT_OF_RANGE,
    SCALE_TOO_SHORT,
    NumberSummary,
    RankedItem,
    RankingSummary,
    ScaleSummary,
    check_collection,
    number_summary,
    ranking_summary,
    scale_summary,
)
from callingtime.surveys._suppression import hide_line

SELF_SELECTED_CAVEAT = (
    "These results come from residents who chose to answer, not from a random sample, so they "
    "show what the people who took part think rather than the views of everyone in the area. "
    "The ranges show only the uncertainty from the number of answers; they cannot correct for "
    "who chose to take part."
)

__all__ = [
    "COUNT_OUT_OF_RANGE",
    "DUPLICATE_OPTION",
    "MINIMUM_TOO_LOW",
    "NEGATIVE_GROUP",
    "NOT_A_COLLECTION",
    "NOT_A_NUMBER",
    "NOT_A_SCALE_POINT",
    "NO_ANSWERS",
    "NO_AREA_NAME",
    "NO_OPTIONS",
    "RANKED_TWICE",
    "SCALE_OUT_OF_RANGE",
    "SCALE_TOO_SHORT",
    "SECONDARY_NOTE",
    "SELF_SELECTED_CAVEAT",
    "SMALL_GROUP_MIN",
    "SMALL_GROUP_NOTE",
    "TOTAL_NAME",
    "UNKNOWN_OPTION",
    "Z_95",
    "AreaRow",
    "AreaShare",
    "AreaShares",
    "Breakdown",
    "ChoiceTable",
    "CrossTab",
    "NumberSummary",
    "RankedItem",
    "RankingSummary",
    "ScaleSummary",
    "Share",
    "breakdown",
    "choice_table",
    "crosstab",
    "mean_interval",
    "multiple_choice_table",
    "number_summary",
    "ranking_summary",
    "scale_summary",
    "share_choosing_any",
    "share_of",
    "t_quantile",
    "text_answers_visible",
    "wilson_interval",
]


@dataclass(frozen=True)
class ChoiceTable:
    """One Share per option, in option order, of the n people who answered the question.

    `multiple` tables count people, so their shares can add up to more than 100%.
    `suppressed` means the whole group is under the minimum (n and skipped are None).
    """

    options: tuple[str, ...]
    n: int | None
    skipped: int | None
    shares: tuple[Share, ...]
    suppressed: bool
    multiple: bool

    def share(self, option: str) -> Share:
        """Return the Share of one option, or raise ValueError naming an unknown one."""
        return self.shares[position_of(option, option_positions(self.options))]

    def as_dict(self) -> dict[str, Any]:
        """Return the table as JSON-ready values, suppressed figures as None."""
        return {
            "n": self.n,
            "skipped": self.skipped,
            "suppressed": self.suppressed,
            "multiple": self.multiple,
            "options": [
                {"option": option, **share.as_dict()}
                for option, share in zip(self.options, self.shares, strict=True)
            ],
        }


def choice_table(answers: Iterable[str | None], options: Sequence[str]) -> ChoiceTable:
    """Count a single-choice question; None is a skipped question, outside n.

    >>> table = choice_table(["Yes"] * 25 + ["No"] * 15 + [None], ["Yes", "No"])
    >>> table.n, table.skipped, table.share("No").count, round(table.share("No").low, 3)
    (40, 1, 15, 0.242)
    >>> choice_table(["Yes"] * 9, ["Yes", "No"]).n is None
    True
    """
    positions = option_positions(options)
    counts = [0] * len(positions)
    skipped = 0
    for answer in answers:
        if answer is None:
            skipped += 1
        else:
            counts[position_of(answer, positions)] += 1
    return _table(options, counts, sum(counts), skipped, hide_line(counts, SMALL_GROUP_MIN), False)


def multiple_choice_table(
    answers: Iterable[Collection[str] | None], options: Sequence[str]
) -> ChoiceTable:
    """Count a multiple-choice question as shares of the people who answered it.

    An empty collection is an answer with nothing ticked (it counts in n); None is skipped.
    Each option is hidden when its count, or the count of people who did not tick it, is
    under the minimum.

    >>> answers = [{"Speeding"}] * 10 + [{"Speeding", "Litter"}] * 20 + [set()] * 12
    >>> table = multiple_choice_table(answers, ["Speeding", "Litter"])
    >>> table.n, [share.count for share in table.shares], round(table.shares[0].share, 3)
    (42, [30, 20], 0.714)
    >>> table = multiple_choice_table([{"Speeding"}] * 38 + [set()] * 4, ["Speeding"])
    >>> table.shares[0].suppressed
    True
    """
    positions = option_positions(options)
    counts = [0] * len(positions)
    n = skipped = 0
    for answer in answers:
        if answer is None:
            skipped += 1
            continue
        check_collection(answer)
        n += 1
        for position in {position_of(label, positions) for label in answer}:
            counts[position] += 1
    hidden = {i for i, count in enumerate(counts) if hide_line([count, n - count], SMALL_GROUP_MIN)}
    return _table(options, counts, n, skipped, frozenset(hidden), True)


def text_answers_visible(group_size: int) -> bool:
    """Return whether free-text answers from a group of this many answers may be listed.

    >>> text_answers_visible(9), text_answers_visible(10)
    (False, True)
    """
    check_group_size(group_size)
    return group_size >= SMALL_GROUP_MIN


def _table(
    options: Sequence[str],
    counts: list[int],
    n: int,
    skipped: int,
    hidden: frozenset[int],
    multiple: bool,
) -> ChoiceTable:
    small = n < SMALL_GROUP_MIN
    return ChoiceTable(
        options=tuple(options),
        n=None if small else n,
        skipped=None if small else skipped,
        shares=tuple(
            make_share(count, n, hidden=i in hidden, n_hidden=small)
            for i, count in enumerate(counts)
        ),
        suppressed=small,
        multiple=multiple,
    )
