"""Place stop-and-search points in LSOAs and count them by area, for area profiles.

A search has a point (latitude, longitude) but no LSOA. It is assigned to the LSOA whose
centroid (drkane's lsoa_latlong) is nearest, when that centroid is within `STOP_SEARCH_MAX_KM`;
a search with no point, or with no centroid that close, is counted per force-month and left out
of area figures. Distances are equirectangular (accurate to well under 1% at these scales).
"""

from __future__ import annotations

import duckdb

STOP_SEARCH_MAX_KM = 2.0
"""A search further than this from every LSOA centroid is not placed in any area."""
# Grid cells of 0.02°: a point's 3 x 3 block of cells covers every centroid within 2 km.
_CELL_DEGREES = 0.02
_KM_PER_DEGREE_LAT = 110.574
_KM_PER_DEGREE_LON = 111.320


def stop_search_aggregates_write(con: duckdb.DuckDBPyConnection) -> None:
    """Fill agg_stop_search and agg_stop_search_force from police_stop_search and agg_lsoa.

    >>> stop_search_aggregates_write(con)  # doctest: +SKIP
    """
    params = {
        "klat": _KM_PER_DEGREE_LAT,
        "klon": _KM_PER_DEGREE_LON,
        "max_km": STOP_SEARCH_MAX_KM,
    }
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE agg_ss_point AS
        SELECT row_number() OVER () AS id, force, month, latitude, longitude,
               COALESCE(NULLIF(object_of_search, ''), 'Not stated') AS object_of_search,
               COALESCE(NULLIF(outcome, ''), 'Not stated') AS outcome,
               CAST(floor(latitude / $cell) AS BIGINT) AS clat,
               CAST(floor(longitude / $cell) AS BIGINT) AS clon
        FROM police_stop_search
        """,
        {"cell": _CELL_DEGREES},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE agg_ss_centroid AS
        SELECT lsoa21cd, lat, lon,
               CAST(floor(lat / $cell) AS BIGINT) + dlat AS clat,
               CAST(floor(lon / $cell) AS BIGINT) + dlon AS clon
        FROM agg_lsoa, (SELECT unnest([-1, 0, 1]) AS dlat), (SELECT unnest([-1, 0, 1]) AS dlon)
        WHERE lat IS NOT NULL AND lon IS NOT NULL
        """,
        {"cell": _CELL_DEGREES},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE agg_ss_nearest AS
        SELECT id, arg_min(lsoa21cd, d2) AS lsoa21cd
        FROM (
            SELECT p.id, c.lsoa21cd,
                   pow((p.latitude - c.lat) * $klat, 2)
                   + pow((p.longitude - c.lon) * $klon * cos(radians(p.latitude)), 2) AS d2
            FROM agg_ss_point p JOIN agg_ss_centroid c USING (clat, clon)
            WHERE p.latitude IS NOT NULL AND p.longitude IS NOT NULL
        )
        WHERE d2 <= $max_km * $max_km
        GROUP BY id
        """,
        params,
    )
    con.execute(
        """
        INSERT INTO agg_stop_search
        SELECT a.area_code, a.area_type, p.force, p.month, p.object_of_search, p.outcome,
               count(*)
        FROM agg_ss_point p JOIN agg_ss_nearest n USING (id)
        JOIN agg_lsoa_area a ON a.lsoa21cd = n.lsoa21cd
        GROUP BY ALL
        ORDER BY a.area_code, p.month
        """
    )
    con.execute(
        """
        INSERT INTO agg_stop_search_force
        SELECT p.force, p.month, count(*),
               count(*) FILTER (WHERE p.latitude IS NULL OR p.longitude IS NULL),
               count(*) FILTER (WHERE p.latitude IS NOT NULL AND p.longitude IS NOT NULL
                                AND n.id IS NULL)
        FROM agg_ss_point p LEFT JOIN agg_ss_nearest n USING (id)
        GROUP BY ALL
        """
    )
    for table in ("agg_ss_nearest", "agg_ss_centroid", "agg_ss_point"):
        con.execute(f"DROP TABLE {table}")  # fixed names
