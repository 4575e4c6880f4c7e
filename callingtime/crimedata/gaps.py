"""Known gaps in data.police.uk, dated and sourced, so that a gap is never read as zero."""

from __future__ import annotations

from dataclasses import dataclass

ABOUT_URL = "https://data.police.uk/about/"
CHANGELOG_URL = "https://data.police.uk/changelog/"
RECORDED = "2026-12-01"


@dataclass(frozen=True)
class KnownGap:
    """A stretch of months for which a force published no (or unreliable) data of one kind."""

    force: str  # slug, as in forces.FORCES
    kinds: tuple[str, ...]  # street, outcomes, stop-and-search
    start: str  # first affected month, YYYY-MM
    end: str | None  # last affected month, None while it lasts
    note: str
    source_url: str
    recorded: str  # the date we copied the wording, YYYY-MM-DD


KNOWN_GAPS: tuple[KnownGap, ...] = (
    KnownGap(
        "greater-manchester",
        ("street", "outcomes", "stop-and-search"),
        "2019-07",
        None,
        'police.uk: "Due to a change in IT systems no crime, outcome or stop and search data is '
        'available from July 2019 onwards." Later partial resubmissions are not complete months.',
        CHANGELOG_URL,
        RECORDED,
    ),
    KnownGap(
        "devon-and-cornwall",
        ("outcomes",),
        "2022-11",
        None,
        "Devon & Cornwall Police outcomes are incomplete from November 2022 after a change of "
        "records system; the street files still carry crimes but outcomes are not reliable.",
        CHANGELOG_URL,
        RECORDED,
    ),
    KnownGap(
        "btp",
        ("outcomes",),
        "2010-12",
        None,
        "British Transport Police do not supply outcome data to police.uk.",
        ABOUT_URL,
        RECORDED,
    ),
    KnownGap(
        "northern-ireland",
        ("outcomes",),
        "2010-12",
        None,
        "The Police Service of Northern Ireland does not supply outcome data to police.uk.",
        ABOUT_URL,
        RECORDED,
    ),
    KnownGap(
        "northern-ireland",
        ("stop-and-search",),
        "2010-12",
        None,
        "The Police Service of Northern Ireland does not publish stop and search on police.uk.",
        ABOUT_URL,
        RECORDED,
    ),
)


def known_gaps_for(force: str, kind: str, month: str) -> tuple[KnownGap, ...]:
    """Return the known gaps covering one force, kind and month.

    >>> [gap.start for gap in known_gaps_for("greater-manchester", "street", "2019-08")]
    ['2019-07']
    """
    return tuple(
        gap
        for gap in KNOWN_GAPS
        if gap.force == force
        and kind in gap.kinds
        and gap.start <= month
        and (gap.end is None or month <= gap.end)
    )
