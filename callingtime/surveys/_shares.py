"""A shown-or-suppressed share with its Wilson interval, and the checks every table shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from callingtime.surveys._intervals import COUNT_OUT_OF_RANGE, wilson_interval
from callingtime.surveys._suppression import hide_line

# Fewer answers than this, in a group or in any cell, are never shown.
SMALL_GROUP_MIN = 10
SMALL_GROUP_NOTE = f"fewer than {SMALL_GROUP_MIN} answers"
SECONDARY_NOTE = "hidden so that a smaller group's figures cannot be worked out from the totals"

NO_OPTIONS = "a question needs at least one option, got none"
DUPLICATE_OPTION = "option {label!r} is listed more than once"
UNKNOWN_OPTION = "answer {label!r} is not one of the options ({options})"
MINIMUM_TOO_LOW = (
    "the small-group minimum can be raised but not lowered below {floor}, got {minimum}"
)
NEGATIVE_GROUP = "a group size cannot be negative, got {size}"


@dataclass(frozen=True)
class Share:
    """A count out of n with its 95% Wilson interval; all None but n when suppressed.

    n is None too when the group itself is under the minimum ("fewer than 10").
    """

    count: int | None
    n: int | None
    share: float | None
    low: float | None
    high: float | None
    suppressed: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the share as JSON-ready values; suppressed figures are None."""
        return {
            "count": self.count,
            "n": self.n,
            "share": self.share,
            "low": self.low,
            "high": self.high,
            "suppressed": self.suppressed,
        }


def make_share(count: int, n: int, *, hidden: bool, n_hidden: bool = False) -> Share:
    """Return count out of n as a Share, or its suppressed form (n kept unless n_hidden).

    >>> make_share(3, 40, hidden=True)
    Share(count=None, n=40, share=None, low=None, high=None, suppressed=True)
    """
    if hidden or n_hidden:
        return Share(None, None if n_hidden else n, None, None, None, True)
    low, high = wilson_interval(count, n)
    return Share(count, n, count / n, low, high, False)


def share_of(count: int, n: int, *, minimum: int = SMALL_GROUP_MIN) -> Share:
    """Return count out of n as a Share, suppressed under the small-group rule.

    The figure is treated as a two-cell table (the count and the rest) whose total n is
    shown: it is hidden when n, the count or the rest is under minimum, since with n shown
    the rest is a subtraction away. minimum can be raised, never lowered below 10.

    >>> share_of(12, 40).count, round(share_of(12, 40).share, 2)
    (12, 0.3)
    >>> share_of(35, 40).suppressed, share_of(35, 40).n
    (True, 40)
    >>> share_of(3, 8).n is None
    True
    """
    check_minimum(minimum)
    if n < 0 or not 0 <= count <= n:
        raise ValueError(COUNT_OUT_OF_RANGE.format(n=n, count=count))
    if n < minimum:
        return make_share(count, n, hidden=True, n_hidden=True)
    hidden = hide_line([count, n - count], minimum)
    return make_share(count, n, hidden=bool(hidden))


def check_minimum(minimum: int) -> None:
    """Raise ValueError when a caller tries to lower the small-group minimum."""
    if minimum < SMALL_GROUP_MIN:
        raise ValueError(MINIMUM_TOO_LOW.format(floor=SMALL_GROUP_MIN, minimum=minimum))


def check_group_size(size: int) -> None:
    """Raise ValueError for a negative group size."""
    if size < 0:
        raise ValueError(NEGATIVE_GROUP.format(size=size))


def option_positions(options: Sequence[str]) -> dict[str, int]:
    """Return each option's position, refusing an empty or repeated list.

    >>> option_positions(["Yes", "No"])
    {'Yes': 0, 'No': 1}
    """
    if not options:
        raise ValueError(NO_OPTIONS)
    positions: dict[str, int] = {}
    for position, label in enumerate(options):
        if label in positions:
            raise ValueError(DUPLICATE_OPTION.format(label=label))
        positions[label] = position
    return positions


def position_of(label: str, positions: Mapping[str, int]) -> int:
    """Return where label sits among the options, or raise ValueError naming it."""
    try:
        return positions[label]
    except KeyError:
        known = ", ".join(repr(option) for option in positions)
        raise ValueError(UNKNOWN_OPTION.format(label=label, options=known)) from None
