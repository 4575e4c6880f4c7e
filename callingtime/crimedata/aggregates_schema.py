"""Tables the aggregate build writes: what profiles read instead of the raw rows.

`aggregates_rebuild` (aggregates.py) replaces all of them in one transaction; `agg_build` records
which geography build and which crime imports they were made from, so a stale aggregate shows.
"""

from __future__ import annotations

AGG_STATEMENTS: tuple[str, ...] = (
    # The geography hierarchy copied from the areas store: one row per 2021 LSOA.
    """
    CREATE TABLE IF NOT EXISTS agg_lsoa (
        lsoa21cd TEXT PRIMARY KEY,
        name TEXT,
        ward_cd TEXT, pcon_cd TEXT, lad_cd TEXT, bcu_cd TEXT, force_cd TEXT,
        region_cd TEXT, country_cd TEXT,
        lat DOUBLE, lon DOUBLE
    )
    """,
    # Every area an LSOA lies in (itself included): the join behind every area total.
    """
    CREATE TABLE IF NOT EXISTS agg_lsoa_area (
        lsoa21cd TEXT NOT NULL, area_code TEXT NOT NULL, area_type TEXT NOT NULL
    )
    """,
    # Counted police.uk crimes located in the area, by recording force, month and crime type,
    # with the outcome of each crime (latest outcomes-file outcome, else the street file's).
    """
    CREATE TABLE IF NOT EXISTS agg_area_month (
        area_code TEXT NOT NULL,
        area_type TEXT NOT NULL,
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        crime_type TEXT NOT NULL,
        crimes BIGINT NOT NULL,
        charged BIGINT NOT NULL,
        no_suspect BIGINT NOT NULL,
        from_outcomes BIGINT NOT NULL
    )
    """,
    # Per area, month and crime type: crimes located there and recorded by its own forces (the
    # area's figure), those recorded by other forces (not counted), and the counted crimes'
    # outcomes. Sorted by rank group (aggregates_series.py) so siblings sit together.
    """
    CREATE TABLE IF NOT EXISTS agg_area_series (
        area_code TEXT NOT NULL,
        area_type TEXT NOT NULL,
        rank_group TEXT NOT NULL,
        month TEXT NOT NULL,
        crime_type TEXT NOT NULL,
        crimes BIGINT NOT NULL,
        other_forces BIGINT NOT NULL,
        charged BIGINT NOT NULL,
        no_suspect BIGINT NOT NULL,
        from_outcomes BIGINT NOT NULL
    )
    """,
    # The police force areas (ONS PFA codes) each area's LSOAs lie in: whose data it needs.
    """
    CREATE TABLE IF NOT EXISTS agg_area_force (area_code TEXT NOT NULL, force_cd TEXT NOT NULL)
    """,
    # Counted crimes per force-month-type, and those left out of every area total (no location,
    # or an LSOA code the geography does not know).
    """
    CREATE TABLE IF NOT EXISTS agg_force_month (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        crime_type TEXT NOT NULL,
        crimes BIGINT NOT NULL,
        left_out BIGINT NOT NULL
    )
    """,
    # The crime types each loaded street force-month holds, as a bit mask over
    # profile_rules.ALL_TYPES (bit i: type i), copied from force_month_crime_type.
    """
    CREATE TABLE IF NOT EXISTS agg_force_types (
        force TEXT NOT NULL, month TEXT NOT NULL, types_mask BIGINT NOT NULL
    )
    """,
    # "On or near" map points: counted crimes by point, LSOA, force, month and crime type.
    """
    CREATE TABLE IF NOT EXISTS agg_place_month (
        ward_cd TEXT NOT NULL,         -- the LSOA's ward: rows are sorted by it
        lsoa21cd TEXT NOT NULL,
        location TEXT NOT NULL,
        latitude DOUBLE,
        longitude DOUBLE,
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        crime_type TEXT NOT NULL,
        crimes BIGINT NOT NULL
    )
    """,
    # Stop and search assigned to the nearest LSOA centroid (see aggregates_stop_search.py).
    """
    CREATE TABLE IF NOT EXISTS agg_stop_search (
        area_code TEXT NOT NULL,
        area_type TEXT NOT NULL,
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        object_of_search TEXT NOT NULL,
        outcome TEXT NOT NULL,
        searches BIGINT NOT NULL
    )
    """,
    # Searches per force-month and how many could not be placed in an LSOA (and why).
    """
    CREATE TABLE IF NOT EXISTS agg_stop_search_force (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        searches BIGINT NOT NULL,
        no_location BIGINT NOT NULL,
        too_far BIGINT NOT NULL
    )
    """,
    # The Met's counts per area at the level a profile uses (borough, BCU, constituency, ...).
    """
    CREATE TABLE IF NOT EXISTS agg_mps_area_month (
        area_code TEXT NOT NULL,
        area_type TEXT NOT NULL,
        level TEXT NOT NULL,           -- the Met file level the figure comes from
        category TEXT NOT NULL,
        month TEXT NOT NULL,
        count BIGINT NOT NULL
    )
    """,
    # Every area the Met's counts cover (any category, any month): others get no Met figure.
    """
    CREATE TABLE IF NOT EXISTS agg_mps_area (area_code TEXT NOT NULL, area_type TEXT NOT NULL)
    """,
    # The months each Met level supplies for each category (usable for areas of 2022 wards).
    """
    CREATE TABLE IF NOT EXISTS agg_mps_month (
        level TEXT NOT NULL, category TEXT NOT NULL, month TEXT NOT NULL, scheme TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS agg_build (
        built_at TIMESTAMPTZ NOT NULL,
        areas_path TEXT NOT NULL,
        areas_built_at TEXT,
        areas_checksum TEXT NOT NULL,
        crime_last_import BIGINT,
        rows_area_month BIGINT NOT NULL,
        rows_place_month BIGINT NOT NULL,
        rows_stop_search BIGINT NOT NULL,
        rows_mps BIGINT NOT NULL,
        seconds DOUBLE NOT NULL
    )
    """,
)
"""DDL of the aggregate tables; the store applies it (idempotent)."""

AGG_TABLES: tuple[str, ...] = (
    "agg_lsoa",
    "agg_lsoa_area",
    "agg_area_month",
    "agg_area_series",
    "agg_area_force",
    "agg_force_month",
    "agg_force_types",
    "agg_place_month",
    "agg_stop_search",
    "agg_stop_search_force",
    "agg_mps_area_month",
    "agg_mps_area",
    "agg_mps_month",
)
"""Tables the rebuild empties and refills."""
