"""Read the geography store: areas, their relations, populations, postcodes and LSOA codes.

Open it once (`AreasStore.open`) and keep it: the small tables (areas, the LSOA hierarchy) are
read into memory on first use, so lookups after that are dictionary reads plus, for a postcode,
one indexed DuckDB point query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from callingtime.areas._db import (
    AREA_TYPES,
    STORE_MISSING,
    TYPE_COLUMNS,
    AreasStoreMissingError,
    db_open_read,
)
from callingtime.areas.models import Area, LsoaHierarchy, Mp, Population
from callingtime.areas.postcodes import (
    POSTCODE_TERMINATED,
    POSTCODE_UNKNOWN,
    PostcodeError,
    PostcodeMalformedError,
    PostcodeResult,
    PostcodeTerminatedError,
    PostcodeUnknownError,
    month_label,
    postcode_normalise,
)

__all__ = ["STORE_MISSING", "AreasStore", "AreasStoreMissingError"]

_RANK = {kind: rank for rank, kind in enumerate(AREA_TYPES)}
# Whose children an area's siblings are: the nearest wider area of these types.
_SIBLING_PARENTS = {
    "lsoa": ("ward",),
    "ward": ("borough",),
    "borough": ("bcu", "force"),
    "bcu": ("force",),
    "force": ("region", "country"),
    "region": ("country",),
}


def name_key(name: str) -> str:
    """Return a ward or borough name folded for matching ("St. Mary's & X" → "st marys and x")."""
    folded = name.lower().replace("&", " and ").replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


class AreasStore:
    """A read-only connection to the geography store, with its lookups.

    >>> with AreasStore.open(Path("var/areas.duckdb")) as store:  # doctest: +SKIP
    ...     store.postcode_lookup("n1 9gu").borough.name
    'Islington'
    """

    def __init__(self, con: Any, path: Path) -> None:
        self._con = con
        self.path = path
        self._areas: dict[str, Area] | None = None
        self._lsoas: dict[str, LsoaHierarchy] | None = None
        self._wards: dict[tuple[str, str | None], set[str]] | None = None
        self._mps: dict[str, Mp] | None = None
        self._populations: dict[str, tuple[float, int, str]] | None = None
        self._members: dict[str, list[str]] = {}
        self._population_of: dict[str, Population] = {}

    @classmethod
    def open(cls, db_path: Path) -> AreasStore:
        """Open the store read-only; AreasStoreMissingError tells the user to import first."""
        return cls(db_open_read(Path(db_path)), Path(db_path))

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _rows(self, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._con.execute(query, params or []).fetchall()
        return rows

    @property
    def areas(self) -> dict[str, Area]:
        """Every area by code, read once."""
        if self._areas is None:
            self._areas = {
                code: Area(code, name, kind, bool(approx), note)
                for code, name, kind, approx, note in self._rows(
                    "SELECT code, name, type, approximate, note FROM area"
                )
            }
        return self._areas

    @property
    def lsoas(self) -> dict[str, LsoaHierarchy]:
        """Every 2021 LSOA's hierarchy by code, read once."""
        if self._lsoas is None:
            self._lsoas = {
                row[0]: LsoaHierarchy(*row)
                for row in self._rows(
                    "SELECT lsoa21cd, name, ward_cd, pcon_cd, pcon_method, lad_cd, bcu_cd, "
                    "force_cd, region_cd, country_cd, lat, lon FROM lsoa21 ORDER BY lsoa21cd"
                )
            }
        return self._lsoas

    def area_get(self, code: str) -> Area | None:
        """Return the area with this code, or None.

        >>> store.area_get("E09000019")  # doctest: +SKIP
        Area(code='E09000019', name='Islington', type='borough', ...)
        """
        return self.areas.get(code.strip().upper())

    def area_search(self, text: str, *, type: str | None = None, limit: int = 20) -> list[Area]:
        """Return areas whose code or name matches: exact first, then prefix, then contains.

        >>> [a.name for a in store.area_search("islington", type="borough")]  # doctest: +SKIP
        ['Islington']
        """
        wanted = name_key(text)
        if not wanted:
            return []
        scored: list[tuple[int, int, str, Area]] = []
        for area in self.areas.values():
            if type is not None and area.type != type:
                continue
            key = name_key(area.name)
            if area.code == text.strip().upper() or key == wanted:
                score = 0
            elif key.startswith(wanted):
                score = 1
            elif wanted in key:
                score = 2
            else:
                continue
            scored.append((score, _RANK.get(area.type, 99) * -1, area.name, area))
        scored.sort(key=lambda item: (item[0], item[1], item[2]))
        return [area for *_, area in scored[:limit]]

    def area_parents(self, code: str) -> list[Area]:
        """Return the wider areas an area lies in, narrowest first; partial fits say best-fit.

        >>> [a.type for a in store.area_parents("E01002694")]  # doctest: +SKIP
        ['ward', 'constituency', 'borough', 'bcu', 'force', 'region', 'country']
        """
        rows = self._rows(
            "SELECT parent_code, parent_type, share, best_fit, lsoas FROM area_link "
            "WHERE child_code = ? ORDER BY parent_type, people DESC",
            [code.strip().upper()],
        )
        parents: list[tuple[int, float, Area]] = []
        for parent_code, parent_type, share, best_fit, lsoas in rows:
            area = self.areas.get(parent_code)
            if area is None:
                continue
            if share is not None and share < 0.9995:
                fit = "best-fit" if best_fit else "part"
                area = replace(area, note=f"{fit}: {share:.0%} of residents ({lsoas} LSOAs)")
            parents.append((_RANK[parent_type], -(share or 0.0), area))
        parents.sort(key=lambda item: (item[0], item[1]))
        return [area for *_, area in parents]

    def area_children(self, code: str, *, type: str | None = None) -> list[Area]:
        """Return the narrower areas whose best-fit parent is this area, by type then name.

        >>> len(store.area_children("E09000019", type="ward"))  # doctest: +SKIP
        16
        """
        query = "SELECT child_code FROM area_link WHERE parent_code = ? AND best_fit"
        params: list[Any] = [code.strip().upper()]
        if type is not None:
            query += " AND child_type = ?"
            params.append(type)
        children = [self.areas[c] for (c,) in self._rows(query, params) if c in self.areas]
        return sorted(children, key=lambda a: (_RANK.get(a.type, 99), a.name, a.code))

    def area_neighbours(self, code: str) -> list[Area]:
        """Return a constituency's bordering constituencies, or any other area's siblings.

        Siblings are the areas of the same type with the same best-fit ward (for an LSOA),
        borough (ward), BCU or else force (borough), force (BCU) or region (force).

        >>> [a.name for a in store.area_neighbours("E14001305")][:2]  # doctest: +SKIP
        ['Hackney North and Stoke Newington', 'Hackney South and Shoreditch']
        """
        area = self.area_get(code)
        if area is None:
            return []
        if area.type == "constituency":
            rows = self._rows(
                "SELECT neighbour_code FROM neighbour WHERE code = ? ORDER BY neighbour_code",
                [area.code],
            )
            found = [self.areas[c] for (c,) in rows if c in self.areas]
            return sorted(found, key=lambda a: a.name)
        for parent_type in _SIBLING_PARENTS.get(area.type, ()):
            parent = self._rows(
                "SELECT parent_code FROM area_link WHERE child_code = ? AND parent_type = ? "
                "AND best_fit",
                [area.code, parent_type],
            )
            if parent:
                siblings = self.area_children(parent[0][0], type=area.type)
                return [s for s in siblings if s.code != area.code]
        return []

    def area_lsoas(self, code: str) -> list[str]:
        """Return the 2021 LSOA codes that make up an area, sorted.

        >>> len(store.area_lsoas("E09000019"))  # doctest: +SKIP
        123
        """
        area = self.area_get(code)
        if area is None or area.type not in TYPE_COLUMNS:
            return []
        column = TYPE_COLUMNS[area.type]  # from a fixed mapping, never from the caller
        rows = self._rows(f"SELECT lsoa21cd FROM lsoa21 WHERE {column} = ? ORDER BY 1", [area.code])
        return [lsoa for (lsoa,) in rows]

    def area_population(self, code: str) -> Population | None:
        """Return the residents of an area (sum over its LSOAs), with the years used.

        >>> store.area_population("E09000019").year_label  # doctest: +SKIP
        '2020'
        """
        lsoas = self.area_lsoas(code)
        if not lsoas:
            return None
        rows = self._rows(
            "SELECT people, year, source FROM population WHERE lsoa21cd IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [lsoas],
        )
        if not rows:
            return None
        return Population(
            code=code.strip().upper(),
            people=round(sum(people for people, _, _ in rows)),
            years=tuple(sorted({int(year) for _, year, _ in rows})),
            sources=tuple(sorted({source for _, _, source in rows})),
            lsoas=len(lsoas),
            lsoas_without_population=len(lsoas) - len(rows),
        )

    def area_resolve(self, text: str) -> list[Area]:
        """Return the areas a GSS code, name or postcode means (code, name, postcode, search).

        A postcode gives every area it lies in, constituency first; a name shared by several
        areas gives them all, widest first.

        >>> [a.code for a in store.area_resolve("N1 9GU")][:1]  # doctest: +SKIP
        ['E14001305']
        """
        wanted = text.strip()
        if not wanted:
            return []
        found = self.area_get(wanted)
        if found is not None:
            return [found]
        key = name_key(wanted)
        named = [a for a in self.areas.values() if name_key(a.name) == key]
        if named:
            return sorted(named, key=lambda a: (-_RANK.get(a.type, 99), a.name, a.code))
        try:
            result = self.postcode_lookup(wanted)
        except PostcodeError:
            result = None
        if result is not None:
            # constituency first: the area a campaign asks about
            within = (
                result.constituency,
                result.ward,
                result.lsoa21,
                result.borough,
                result.bcu,
                result.force,
                result.region,
            )
            return [area for area in within if area is not None]
        return self.area_search(wanted)

    def area_best_fit_parents(self, child_type: str, parent_type: str) -> dict[str, str]:
        """Return every area of one type with its best-fit wider area of another type, in bulk.

        >>> store.area_best_fit_parents("ward", "constituency")["E05013697"]  # doctest: +SKIP
        'E14001305'
        """
        rows = self._rows(
            "SELECT child_code, parent_code FROM area_link WHERE child_type = ? "
            "AND parent_type = ? AND best_fit ORDER BY 1",
            [child_type, parent_type],
        )
        return {child: parent for child, parent in rows}

    def area_populations(self, codes: Sequence[str]) -> dict[str, Population]:
        """Return `area_population` for many areas at once, from memory after the first call.

        >>> store.area_populations(["E09000019"])["E09000019"].people  # doctest: +SKIP
        242467
        """
        if self._populations is None:
            self._populations = {
                lsoa: (float(people), int(year), str(source))
                for lsoa, people, year, source in self._rows(
                    "SELECT lsoa21cd, people, year, source FROM population"
                )
            }
            self._members = {}
            for h in self.lsoas.values():
                for member in (
                    h.lsoa21cd,
                    h.ward_cd,
                    h.constituency_cd,
                    h.borough_cd,
                    h.bcu_cd,
                    h.force_cd,
                    h.region_cd,
                    h.country_cd,
                ):
                    if member:
                        self._members.setdefault(member, []).append(h.lsoa21cd)
        found: dict[str, Population] = {}
        for raw in codes:
            code = raw.strip().upper()
            if code in self._population_of:
                found[code] = self._population_of[code]
                continue
            area = self.areas.get(code)
            lsoas = self._members.get(code, []) if area is not None else []
            rows = [self._populations[lsoa] for lsoa in lsoas if lsoa in self._populations]
            if not rows:
                continue
            found[code] = Population(
                code=code,
                people=round(sum(people for people, _, _ in rows)),
                years=tuple(sorted({year for _, year, _ in rows})),
                sources=tuple(sorted({source for _, _, source in rows})),
                lsoas=len(lsoas),
                lsoas_without_population=len(lsoas) - len(rows),
            )
            self._population_of[code] = found[code]
        return found

    # --- Cached accessors: the relations of every area above LSOA level read once (a few
    # thousand rows), for callers that ask many times, e.g. area profiles. An LSOA's are read
    # per call: LSOAs are most of the links and rarely asked about.

    def area_parents_cached(self, code: str) -> tuple[Area, ...]:
        """Return `area_parents(code)`, from memory for areas above LSOA level."""
        area = self.area_get(code)
        if area is None or area.type == "lsoa":
            return tuple(self.area_parents(code))
        return self._parents_above_lsoa.get(area.code, ())

    def area_children_cached(self, code: str, type: str) -> tuple[Area, ...]:
        """Return `area_children(code, type=type)` for a type above LSOA, from memory."""
        if type == "lsoa":
            return tuple(self.area_children(code, type=type))
        return self._children_above_lsoa.get((code.strip().upper(), type), ())

    def area_neighbours_cached(self, code: str) -> tuple[Area, ...]:
        """Return `area_neighbours(code)`, from memory for areas above LSOA level."""
        area = self.area_get(code)
        if area is None or area.type == "lsoa":
            return tuple(self.area_neighbours(code))
        if area.type == "constituency":
            return self._bordering.get(area.code, ())
        for parent_type in _SIBLING_PARENTS.get(area.type, ()):
            parent = self._best_fit_above_lsoa.get((area.code, parent_type))
            if parent is not None:
                siblings = self._children_above_lsoa.get((parent, area.type), ())
                return tuple(s for s in siblings if s.code != area.code)
        return ()

    def area_lsoas_cached(self, code: str) -> tuple[str, ...]:
        """Return `area_lsoas(code)`, from the LSOA hierarchy in memory."""
        return self._lsoas_of_area.get(code.strip().upper(), ())

    @cached_property
    def _links_above_lsoa(self) -> list[tuple[Any, ...]]:
        return self._rows(
            "SELECT child_code, parent_code, parent_type, share, best_fit, lsoas FROM area_link "
            "WHERE child_type <> 'lsoa' ORDER BY child_code, parent_type, people DESC"
        )

    @cached_property
    def _parents_above_lsoa(self) -> dict[str, tuple[Area, ...]]:
        found: dict[str, list[tuple[int, float, Area]]] = {}
        for child, parent_code, parent_type, share, best_fit, lsoas in self._links_above_lsoa:
            area = self.areas.get(parent_code)
            if area is None:
                continue
            if share is not None and share < 0.9995:
                fit = "best-fit" if best_fit else "part"
                area = replace(area, note=f"{fit}: {share:.0%} of residents ({lsoas} LSOAs)")
            found.setdefault(child, []).append((_RANK[parent_type], -(share or 0.0), area))
        return {
            child: tuple(a for *_, a in sorted(parents, key=lambda item: (item[0], item[1])))
            for child, parents in found.items()
        }

    @cached_property
    def _best_fit_above_lsoa(self) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for child, parent_code, parent_type, _, best_fit, _ in self._links_above_lsoa:
            if best_fit:
                found.setdefault((child, parent_type), parent_code)
        return found

    @cached_property
    def _children_above_lsoa(self) -> dict[tuple[str, str], tuple[Area, ...]]:
        found: dict[tuple[str, str], list[Area]] = {}
        for (child, _), parent in self._best_fit_above_lsoa.items():
            if child in self.areas:
                area = self.areas[child]
                found.setdefault((parent, area.type), []).append(area)
        return {
            key: tuple(sorted(children, key=lambda a: (_RANK.get(a.type, 99), a.name, a.code)))
            for key, children in found.items()
        }

    @cached_property
    def _bordering(self) -> dict[str, tuple[Area, ...]]:
        found: dict[str, list[Area]] = {}
        for code, other in self._rows("SELECT code, neighbour_code FROM neighbour ORDER BY 2"):
            if other in self.areas:
                found.setdefault(code, []).append(self.areas[other])
        return {code: tuple(sorted(areas, key=lambda a: a.name)) for code, areas in found.items()}

    @cached_property
    def _lsoas_of_area(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for h in self.lsoas.values():
            for member in (
                h.lsoa21cd,
                h.ward_cd,
                h.constituency_cd,
                h.borough_cd,
                h.bcu_cd,
                h.force_cd,
                h.region_cd,
                h.country_cd,
            ):
                if member and member in self.areas:
                    found.setdefault(member, []).append(h.lsoa21cd)
        return {code: tuple(sorted(lsoas)) for code, lsoas in found.items()}

    def mp_get(self, constituency_code: str) -> Mp | None:
        """Return the MP for a 2024 constituency code, or None."""
        if self._mps is None:
            self._mps = {
                row[0]: Mp(*row)
                for row in self._rows(
                    "SELECT pcon_cd, constituency, name, party, addressable_title, source_link "
                    "FROM mp"
                )
            }
        return self._mps.get(constituency_code.strip().upper())

    def boundary_geojson(self, code: str) -> str | None:
        """Return an area's stored boundary as GeoJSON geometry text, or None."""
        rows = self._rows("SELECT geojson FROM boundary WHERE code = ?", [code.strip().upper()])
        return str(rows[0][0]) if rows else None

    def lsoa_code_candidates(self) -> list[tuple[str, str, float | None, float | None]]:
        """Return (any LSOA code, 2021 candidate, its centroid lat, lon), one row per candidate.

        A 2021 code maps to itself; a split or complex 2011 code has several candidates, so the
        caller assigns a point to the nearest candidate's centroid.

        >>> store.lsoa_code_candidates()[0]  # doctest: +SKIP
        ('E01000001', 'E01000001', 51.5181, -0.0974)
        """
        rows = self._rows("SELECT any_code, lsoa21cd, lat, lon FROM lsoa_code ORDER BY 1, 2")
        return [(a, b, lat, lon) for a, b, lat, lon in rows]

    def lsoa21_hierarchy(self) -> list[LsoaHierarchy]:
        """Return every 2021 LSOA with its ward, constituency, borough, BCU, force, region."""
        return list(self.lsoas.values())

    def lsoa_neighbours(self, codes: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Return each LSOA's contiguity neighbours (anywhere, sorted); every code given is a key.

        >>> sorted(store.lsoa_neighbours(["E01002694"]))  # doctest: +SKIP
        ['E01002694']
        """
        return {
            code: tuple(sorted({n for n, _ in links}))
            for code, links in self._lsoa_links(codes).items()
        }

    def lsoa_neighbour_methods(self, codes: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Return the rule(s) behind each LSOA's links: ("queen",), ("knn6",) or both.

        >>> store.lsoa_neighbour_methods(["E01002694"])["E01002694"]  # doctest: +SKIP
        ('queen',)
        """
        return {
            code: tuple(sorted({m for _, m in links}))
            for code, links in self._lsoa_links(codes).items()
        }

    def _lsoa_links(self, codes: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        wanted = sorted({code.strip().upper() for code in codes})
        links: dict[str, list[tuple[str, str]]] = {code: [] for code in wanted}
        for code, neighbour, method in self._rows(
            "SELECT lsoa21cd, neighbour_cd, method FROM lsoa_neighbour "
            "WHERE lsoa21cd IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1, 2",
            [wanted],
        ):
            links[code].append((neighbour, method))
        return links

    def ward_resolve(
        self, code: str, name: str | None = None, borough: str | None = None
    ) -> Area | None:
        """Return the 2024 ward for a ward code, else for its name in the borough, else None.

        Codes of other vintages (e.g. 2018 London wards) are matched by their name through the
        ward code history. `note` says how the ward was matched.

        >>> store.ward_resolve("E05013697", "Arsenal", "Islington").name  # doctest: +SKIP
        'Arsenal'
        """
        code = (code or "").strip().upper()
        found = self.areas.get(code)
        if found is not None and found.type == "ward":
            return found
        lad = self._borough_code(borough)
        if name:
            matched = self._ward_by_name(name, lad)
            if matched is not None:
                return replace(matched, note=f"matched by name from ward code {code or 'none'}")
        history = self._rows("SELECT name, lad_cd FROM ward_code_history WHERE code = ?", [code])
        if history:
            old_name, old_lad = history[0]
            matched = self._ward_by_name(old_name, lad or old_lad)
            if matched is not None:
                return replace(matched, note=f"matched by the name of ward code {code}")
        return None

    def _borough_code(self, borough: str | None) -> str | None:
        if not borough:
            return None
        found = self.areas.get(borough.strip().upper())
        if found is not None and found.type == "borough":
            return found.code
        key = name_key(borough)
        codes = [
            a.code for a in self.areas.values() if a.type == "borough" and name_key(a.name) == key
        ]
        return codes[0] if len(codes) == 1 else None

    def _ward_by_name(self, name: str, lad: str | None) -> Area | None:
        if self._wards is None:
            self._wards = {}
            for h in self.lsoas.values():
                ward = self.areas.get(h.ward_cd or "")
                if ward is not None:
                    self._wards.setdefault((name_key(ward.name), h.borough_cd), set()).add(
                        ward.code
                    )
                    self._wards.setdefault((name_key(ward.name), None), set()).add(ward.code)
        codes = self._wards.get((name_key(name), lad), set())
        return self.areas[next(iter(codes))] if len(codes) == 1 else None

    def postcode_count(self) -> int:
        """Return how many postcodes (live and terminated) the store holds."""
        return int(self._rows("SELECT count(*) FROM postcode")[0][0])

    def postcode_coverage(self) -> str:
        """Return the local authorities the loaded postcodes fall in, as text."""
        names = [
            name
            for (name,) in self._rows(
                "SELECT l.lad_nm FROM postcode p JOIN lsoa21 l USING (lsoa21cd) "
                "GROUP BY l.lad_nm ORDER BY count(*) DESC, l.lad_nm"
            )
        ]
        if not names:
            return "no local authority"
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        return f"{len(names)} local authorities ({shown})"

    def postcode_constituency_codes(self, texts: Iterable[str]) -> dict[str, str]:
        """Return the constituency code of each live postcode, by its normalised form, in one
        query for them all.

        The same answer `postcode_lookup(text).constituency` gives, for batches (a worker's
        new signatures, a keyed sheet), where one query each and the messages of the errors
        are wasted. A postcode that is malformed, unknown, terminated or in no constituency
        is left out.
        """
        wanted: set[str] = set()
        for text in texts:
            with suppress(PostcodeMalformedError):
                wanted.add(postcode_normalise(text))
        if not wanted:
            return {}
        rows = self._rows(
            "SELECT pcds, lsoa21cd FROM postcode "
            "WHERE pcds IN (SELECT unnest(?::VARCHAR[])) AND (doterm IS NULL OR doterm = '')",
            [sorted(wanted)],
        )
        codes: dict[str, str] = {}
        for postcode, lsoa21cd in rows:
            lsoa = self.lsoas.get(lsoa21cd)
            constituency = self.areas.get(lsoa.constituency_cd or "") if lsoa else None
            if constituency is not None:
                codes[postcode] = constituency.code
        return codes

    def postcode_lookup(self, text: str) -> PostcodeResult:
        """Return every area a live postcode lies in.

        Raises PostcodeMalformedError, PostcodeUnknownError or PostcodeTerminatedError.

        >>> store.postcode_lookup(" rm10  7bs").borough.name  # doctest: +SKIP
        'Barking and Dagenham'
        """
        postcode = postcode_normalise(text)
        rows = self._rows(
            "SELECT lsoa11cd, lsoa21cd, lsoa21_ambiguous, dointr, doterm FROM postcode "
            "WHERE pcds = ?",
            [postcode],
        )
        lsoa = self.lsoas.get(rows[0][1]) if rows else None
        if not rows or lsoa is None:
            raise PostcodeUnknownError(
                POSTCODE_UNKNOWN.format(
                    postcode=postcode,
                    count=self.postcode_count(),
                    coverage=self.postcode_coverage(),
                )
            )
        lsoa11cd, _, ambiguous, introduced, terminated = rows[0]
        if terminated:
            raise PostcodeTerminatedError(
                POSTCODE_TERMINATED.format(
                    postcode=postcode,
                    terminated=month_label(terminated),
                    introduced=month_label(introduced),
                ),
                terminated=month_label(terminated),
            )
        get = self.areas.get
        return PostcodeResult(
            postcode=postcode,
            lsoa21=get(lsoa.lsoa21cd) or Area(lsoa.lsoa21cd, lsoa.name, "lsoa"),
            lsoa11cd=lsoa11cd,
            lsoa21_ambiguous=bool(ambiguous),
            ward=get(lsoa.ward_cd or ""),
            borough=get(lsoa.borough_cd or ""),
            constituency=get(lsoa.constituency_cd or ""),
            constituency_approximate=lsoa.constituency_method not in (None, "lookup"),
            constituency_method=lsoa.constituency_method,
            force=get(lsoa.force_cd or ""),
            bcu=get(lsoa.bcu_cd or ""),
            region=get(lsoa.region_cd or ""),
            mp=self.mp_get(lsoa.constituency_cd) if lsoa.constituency_cd else None,
            introduced=month_label(introduced),
        )
