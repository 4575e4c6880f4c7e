"""Summaries of scale, number and ranking questions, under the same small-group rule."""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from callingtime.surveys._intervals import mean_interval
from callingtime.surveys._shares import (
    SMALL_GROUP_MIN,
    Share,
    make_share,
    option_positions,
    position_of,
)
from callingtime.surveys._suppression import hide_line

NOT_A_COLLECTION = "an answer listing options is a collection of labels, not the string {answer!r}"
NOT_A_SCALE_POINT = "scale answer {value!r} is not a whole number"
SCALE_OUT_OF_RANGE = "scale answer {value!r} is outside the scale {low}..{high}"
SCALE_TOO_SHORT = "a scale needs its low end below its high end, got {low}..{high}"
NOT_A_NUMBER = "number answer {value!r} is not a finite number"
RANKED_TWICE = "a ranking lists {item!r} more than once"

# n and the mean give two equations over a scale's hidden points, so it hides none or three.
_SCALE_HIDDEN_AT_LEAST = 3


@dataclass(frozen=True)
class ScaleSummary:
    """A scale question: n, mean with its 95% t interval, median and the share at each point.

    The interval is not clipped to the scale. mean and median are None when suppressed.
    """

    low: int
    high: int
    n: int | None
    skipped: int | None
    mean: float | None
    mean_low: float | None
    mean_high: float | None
    median: float | None
    distribution: tuple[Share, ...]  # one per point, low to high
    suppressed: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready values, suppressed figures as None."""
        return {
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "skipped": self.skipped,
            "mean": self.mean,
            "mean_low": self.mean_low,
            "mean_high": self.mean_high,
            "median": self.median,
            "suppressed": self.suppressed,
            "distribution": [
                {"point": self.low + i, **share.as_dict()}
                for i, share in enumerate(self.distribution)
            ],
        }


@dataclass(frozen=True)
class NumberSummary:
    """A number question: n, mean, median, quartiles and range; all None under the minimum."""

    n: int | None
    skipped: int | None
    mean: float | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    minimum: float | None
    maximum: float | None
    suppressed: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready values, suppressed figures as None."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class RankedItem:
    """One ranked item: who ranked it, its mean rank, its first places and its Borda score."""

    item: str
    ranked_by: int | None
    mean_rank: float | None  # over the people who ranked it; 1 is first
    first: Share  # ranked first, out of everyone who ranked anything
    borda: int | None

    def as_dict(self) -> dict[str, Any]:
        """Return the item as JSON-ready values, suppressed figures as None."""
        return {
            "item": self.item,
            "ranked_by": self.ranked_by,
            "mean_rank": self.mean_rank,
            "borda": self.borda,
            "first": self.first.as_dict(),
        }


@dataclass(frozen=True)
class RankingSummary:
    """A ranking question, items by Borda score (in question order when suppressed)."""

    n: int | None
    skipped: int | None
    items: tuple[RankedItem, ...]
    suppressed: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready values, suppressed figures as None."""
        return {
            "n": self.n,
            "skipped": self.skipped,
            "suppressed": self.suppressed,
            "items": [item.as_dict() for item in self.items],
        }


def check_collection(answer: Collection[str]) -> None:
    """Refuse a bare string where a collection of labels belongs (it would split into letters)."""
    if isinstance(answer, str):
        raise ValueError(NOT_A_COLLECTION.format(answer=answer))


def scale_summary(values: Iterable[int | None], *, low: int = 1, high: int = 5) -> ScaleSummary:
    """Summarise a scale question; None is skipped, a value outside low..high is refused.

    >>> summary = scale_summary([1] * 10 + [2] * 10 + [4] * 12 + [5] * 10)
    >>> summary.n, round(summary.mean, 3), summary.median
    (42, 3.048, 4.0)
    >>> [share.count for share in summary.distribution]
    [None, None, None, 12, 10]
    """
    if low >= high:
        raise ValueError(SCALE_TOO_SHORT.format(low=low, high=high))
    answered: list[int] = []
    skipped = 0
    for value in values:
        if value is None:
            skipped += 1
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(NOT_A_SCALE_POINT.format(value=value))
        if not low <= value <= high:
            raise ValueError(SCALE_OUT_OF_RANGE.format(value=value, low=low, high=high))
        answered.append(value)
    n = len(answered)
    counts = [0] * (high - low + 1)
    for value in answered:
        counts[value - low] += 1
    if n < SMALL_GROUP_MIN:
        shares = tuple(make_share(c, n, hidden=True, n_hidden=True) for c in counts)
        return ScaleSummary(low, high, None, None, None, None, None, None, shares, True)
    hidden = hide_line(counts, SMALL_GROUP_MIN, at_least=_SCALE_HIDDEN_AT_LEAST)
    shares = tuple(make_share(c, n, hidden=i in hidden) for i, c in enumerate(counts))
    if 0 < len(hidden) < _SCALE_HIDDEN_AT_LEAST:
        # Too few points to hide three: the mean would pin the hidden ones down.
        return ScaleSummary(low, high, n, skipped, None, None, None, None, shares, False)
    mean = statistics.fmean(answered)
    mean_low, mean_high = mean_interval(mean, statistics.stdev(answered), n)
    median = float(statistics.median(answered))
    return ScaleSummary(low, high, n, skipped, mean, mean_low, mean_high, median, shares, False)


def number_summary(values: Iterable[float | None]) -> NumberSummary:
    """Summarise a number question; quartiles are inclusive (numpy's default, Excel's QUARTILE.INC).

    >>> summary = number_summary(list(range(1, 13)) + [None])
    >>> summary.n, summary.skipped, summary.median, summary.lower_quartile, summary.maximum
    (12, 1, 6.5, 3.75, 12.0)
    >>> number_summary([4.0] * 9).mean is None
    True
    """
    answered: list[float] = []
    skipped = 0
    for value in values:
        if value is None:
            skipped += 1
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(NOT_A_NUMBER.format(value=value))
        answered.append(float(value))
    n = len(answered)
    if n < SMALL_GROUP_MIN:
        return NumberSummary(None, None, None, None, None, None, None, None, True)
    lower, _, upper = statistics.quantiles(answered, n=4, method="inclusive")
    return NumberSummary(
        n=n,
        skipped=skipped,
        mean=statistics.fmean(answered),
        median=float(statistics.median(answered)),
        lower_quartile=lower,
        upper_quartile=upper,
        minimum=min(answered),
        maximum=max(answered),
        suppressed=False,
    )


def ranking_summary(
    rankings: Iterable[Sequence[str] | None], items: Sequence[str]
) -> RankingSummary:
    """Summarise a ranking question, best first; None or an empty ranking is skipped.

    Borda score: with m items, a first place scores m, second m - 1, and so on; an item a
    person left unranked scores 0 from them. Ties keep the question's order.

    >>> rankings = [["Lighting", "Patrols"]] * 12 + [["Patrols"]] * 10
    >>> summary = ranking_summary(rankings, ["Patrols", "Lighting"])
    >>> [(item.item, item.borda, item.first.count) for item in summary.items]
    [('Patrols', 32, 10), ('Lighting', 24, 12)]
    """
    positions = option_positions(items)
    m = len(positions)
    ranked_by = [0] * m
    rank_sums = [0] * m
    borda = [0] * m
    first = [0] * m
    n = skipped = 0
    for ranking in rankings:
        if ranking is None or len(ranking) == 0:
            skipped += 1
            continue
        check_collection(ranking)
        places = [position_of(label, positions) for label in ranking]
        if len(set(places)) != len(places):
            twice = next(label for label in ranking if list(ranking).count(label) > 1)
            raise ValueError(RANKED_TWICE.format(item=twice))
        n += 1
        first[places[0]] += 1
        for rank, place in enumerate(places, start=1):
            ranked_by[place] += 1
            rank_sums[place] += rank
            borda[place] += m - rank + 1
    if n < SMALL_GROUP_MIN:
        hidden_items = tuple(
            RankedItem(label, None, None, make_share(0, 0, hidden=True, n_hidden=True), None)
            for label in items
        )
        return RankingSummary(None, None, hidden_items, True)
    first_hidden = hide_line(first, SMALL_GROUP_MIN)
    summary_items = []
    for j, label in enumerate(items):
        # Unlike an unticked option, leaving an item unranked is not protected as a group: it
        # mostly means the person stopped ranking, and when everyone ranks everything it is 0
        # for every item, which would hide every mean rank.
        shown = ranked_by[j] >= SMALL_GROUP_MIN
        summary_items.append(
            RankedItem(
                item=label,
                ranked_by=ranked_by[j] if shown else None,
                mean_rank=rank_sums[j] / ranked_by[j] if shown else None,
                first=make_share(first[j], n, hidden=j in first_hidden),
                borda=borda[j],
            )
        )
    order = sorted(range(m), key=lambda j: (-borda[j], j))
    return RankingSummary(n, skipped, tuple(summary_items[j] for j in order), False)
