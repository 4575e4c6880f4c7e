"""The area crime profile: the figures a campaign quotes, each with its source and limits.

These frozen dataclasses are the contract between the profile builder, the CLI, the web pages,
the CSV/JSON downloads and the infographics. `AreaProfile.to_json()` is the documented JSON
(`callingtime crime profile --json` and `/areas/<code>/profile.json`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SourceKey = Literal["police-uk", "mps"]


@dataclass(frozen=True)
class AreaRef:
    """An area, or a set of areas (type "set", code "set:" + the member codes joined by ",")."""

    code: str
    name: str
    type: str


@dataclass(frozen=True)
class MonthWindow:
    """Twelve months, first and last inclusive, as YYYY-MM."""

    start: str
    end: str


@dataclass(frozen=True)
class MonthCount:
    """One month's count; None means not loaded (a gap), never zero."""

    month: str
    count: int | None


@dataclass(frozen=True)
class ProfileChange:
    """The 12-month count against the same 12 months a year earlier, with a Poisson test."""

    absolute: int
    z: float
    p_value: float
    notable: bool
    exact_p_value: float
    percent: float | None  # None when either count is under 20
    summary: str
    z_brief: float | None = None  # the brief's unscaled Z = 2(√current − √previous)


@dataclass(frozen=True)
class Comparison:
    """The same figure for a neighbouring, sibling or parent area, when its data is loaded."""

    area: AreaRef
    relation: Literal["neighbour", "parent", "sibling"]
    count: int | None
    population: int | None
    rate_per_1000: float | None
    usable: bool
    reason: str | None = None  # why not usable: months or categories missing


@dataclass(frozen=True)
class Rank:
    """The area's place among its siblings by rate (1 = highest rate)."""

    position: int
    of: int
    among: str  # e.g. "constituencies in the Metropolitan Police area"


@dataclass(frozen=True)
class Place:
    """An anonymised police.uk map point ("On or near ..."): approximate, never an address."""

    location: str
    lsoa21cd: str | None
    count: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class LsoaFigure:
    """One neighbourhood's count and rate in the window, for the map."""

    lsoa21cd: str
    name: str
    count: int
    population: int | None
    rate_per_1000: float | None


@dataclass(frozen=True)
class OutcomeCohort:
    """What happened to the crimes recorded in one month, as far as published so far."""

    month: str
    crimes: int
    charged: int
    no_suspect: int
    share_charged: float | None
    share_no_suspect: float | None
    incomplete: bool  # recent months: many investigations are still open


@dataclass(frozen=True)
class Outcomes:
    """Outcomes by crime-month cohort (anti-social behaviour excluded)."""

    available: bool
    reason: str | None
    source: str | None  # "street files' last outcome" or "outcomes files"
    cohorts: tuple[OutcomeCohort, ...] = ()
    share_charged: float | None = None
    share_no_suspect: float | None = None


@dataclass(frozen=True)
class CountShare:
    """A label with its count and share of the total."""

    label: str
    count: int
    share: float


@dataclass(frozen=True)
class StopSearchSummary:
    """Stop and search in the window, where the data has it."""

    available: bool
    reason: str | None
    searches: int = 0
    by_object: tuple[CountShare, ...] = ()
    by_outcome: tuple[CountShare, ...] = ()
    no_further_action_share: float | None = None


@dataclass(frozen=True)
class Coverage:
    """What is loaded for this profile, and what is not."""

    months_loaded: tuple[str, ...]
    months_missing: tuple[str, ...]  # inside the two windows: gaps, never zeros
    categories_not_loaded: tuple[str, ...]
    known_gaps: tuple[str, ...]
    excluded_no_location: int


@dataclass(frozen=True)
class AreaProfile:
    """Everything the profile page, the CLI and the infographic show for one area."""

    area: AreaRef
    category: str
    category_label: str
    source: SourceKey
    source_label: str
    window: MonthWindow
    previous_window: MonthWindow
    count: int | None
    previous_count: int | None
    population: int | None
    population_year: str | None
    rate_per_1000: float | None
    change: ProfileChange | None
    monthly: tuple[MonthCount, ...]
    excluded_no_location: int
    caveats: tuple[str, ...]
    attribution: str
    comparisons: tuple[Comparison, ...] = ()
    rank: Rank | None = None
    places: tuple[Place, ...] = ()
    lsoas: tuple[LsoaFigure, ...] = ()
    outcomes: Outcomes | None = None
    stop_search: StopSearchSummary | None = None
    coverage: Coverage | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """Return the profile as the documented JSON object."""
        return asdict(self)
