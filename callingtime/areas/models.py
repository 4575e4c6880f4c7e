"""The small frozen results the geography store returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One area: its GSS code (or `MET-xx` for a Met BCU), name and type.

    `approximate` marks areas whose LSOA membership comes from the derived point-in-polygon
    lookup (constituencies); `note` says why, or how a relation was fitted ("best-fit: 92%").
    """

    code: str
    name: str
    type: str
    approximate: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Population:
    """The residents of an area: the sum over its LSOAs, with the year(s) and source(s) used."""

    code: str
    people: int
    years: tuple[int, ...]
    sources: tuple[str, ...]
    lsoas: int
    lsoas_without_population: int

    @property
    def year_label(self) -> str:
        """Return the year(s) as text, e.g. "2020" or "2011–2020"."""
        if not self.years:
            return "unknown"
        low, high = min(self.years), max(self.years)
        return str(low) if low == high else f"{low}–{high}"


@dataclass(frozen=True)
class Mp:
    """The Member of Parliament for a 2024 constituency."""

    constituency_code: str
    constituency: str
    name: str
    party: str
    addressable_title: str
    source_link: str | None = None


@dataclass(frozen=True)
class LsoaHierarchy:
    """One 2021 LSOA and every area it belongs to (codes; None where not loaded)."""

    lsoa21cd: str
    name: str
    ward_cd: str | None
    constituency_cd: str | None
    constituency_method: str | None
    borough_cd: str | None
    bcu_cd: str | None
    force_cd: str | None
    region_cd: str | None
    country_cd: str | None
    lat: float | None
    lon: float | None
