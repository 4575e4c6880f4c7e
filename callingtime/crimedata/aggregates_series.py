"""Each area's police.uk monthly series by crime type, split by whether its own forces recorded it.

An area's figure counts the crimes located in its LSOAs and recorded by the forces whose force
areas those LSOAs lie in (docs/profiles.md). `agg_area_series` holds that count per (area, month,
crime type), the crimes recorded there by other forces (reported, not counted) and the outcome
counts of the counted crimes. Rows are sorted by the group an area is ranked in (constituencies by
force, wards by borough, ...), so a profile reads an area, its siblings and its parents in one
query that touches a few row groups.
"""

from __future__ import annotations

import duckdb

from callingtime.areas.store import AreasStore
from callingtime.crimedata.forces import FORCES

# (area type, wider type): whose children an area is ranked among (as `area_neighbours` picks
# siblings; constituencies by force), the first that exists winning.
RANK_GROUPS = (
    ("lsoa", "ward"),
    ("ward", "borough"),
    ("constituency", "force"),
    ("borough", "bcu"),
    ("borough", "force"),
    ("bcu", "force"),
    ("force", "region"),
    ("force", "country"),
    ("region", "country"),
)


def rank_groups_build(areas: AreasStore) -> dict[str, str]:
    """Return every area's rank group: the wider area whose children it is ranked among."""
    groups: dict[str, str] = {}
    for child_type, parent_type in RANK_GROUPS:
        for child, parent in areas.area_best_fit_parents(child_type, parent_type).items():
            groups.setdefault(child, parent)
    return groups


def area_series_write(con: duckdb.DuckDBPyConnection, areas: AreasStore) -> None:
    """Fill agg_area_series from agg_area_month and agg_area_force (run after both are built).

    >>> area_series_write(con, areas)  # doctest: +SKIP
    """
    slugs = [(f.pfa_code, f.slug) for f in FORCES if f.pfa_code]
    groups = rank_groups_build(areas)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE agg_own_force AS
        SELECT DISTINCT f.area_code, s.slug AS force
        FROM agg_area_force f
        JOIN (SELECT unnest(?::VARCHAR[]) AS pfa, unnest(?::VARCHAR[]) AS slug) s
          ON s.pfa = f.force_cd
        """,
        [[p for p, _ in slugs], [s for _, s in slugs]],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE agg_rank_group AS
        SELECT unnest(?::VARCHAR[]) AS area_code, unnest(?::VARCHAR[]) AS rank_group
        """,
        [list(groups), list(groups.values())],
    )
    con.execute(
        """
        INSERT INTO agg_area_series
        SELECT m.area_code, m.area_type, COALESCE(g.rank_group, ''), m.month, m.crime_type,
               COALESCE(sum(m.crimes) FILTER (WHERE o.force IS NOT NULL), 0),
               COALESCE(sum(m.crimes) FILTER (WHERE o.force IS NULL), 0),
               COALESCE(sum(m.charged) FILTER (WHERE o.force IS NOT NULL), 0),
               COALESCE(sum(m.no_suspect) FILTER (WHERE o.force IS NOT NULL), 0),
               COALESCE(sum(m.from_outcomes) FILTER (WHERE o.force IS NOT NULL), 0)
        FROM agg_area_month m
        LEFT JOIN agg_own_force o ON o.area_code = m.area_code AND o.force = m.force
        LEFT JOIN agg_rank_group g ON g.area_code = m.area_code
        GROUP BY ALL
        ORDER BY m.area_type, 3, m.area_code, m.month, m.crime_type
        """
    )
    con.execute("DROP TABLE agg_own_force")
    con.execute("DROP TABLE agg_rank_group")
