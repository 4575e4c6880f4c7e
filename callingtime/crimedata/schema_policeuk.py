"""Tables holding police.uk street, outcomes and stop-and-search rows.

Every table carries the `import_id` of the file that wrote it; re-importing a force-month-kind
deletes that slice first, so a revised republication replaces and never double-counts.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    # One row per police.uk row kept (exact duplicates of a Crime ID row are dropped at import).
    # `counted` marks the counting unit: one row per (force, month, crime_id); every ASB row.
    """
    CREATE TABLE IF NOT EXISTS police_street (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        line BIGINT NOT NULL,
        crime_id TEXT,
        reported_by TEXT NOT NULL,
        falls_within TEXT,
        longitude DOUBLE,
        latitude DOUBLE,
        location TEXT,
        lsoa_code TEXT,
        lsoa_name TEXT,
        lsoa21cd TEXT,
        -- 2021, 2011-translated, split-nearest, split-first, unknown, untranslated
        lsoa_rule TEXT,
        crime_type TEXT NOT NULL,
        last_outcome TEXT,
        context TEXT,
        counted BOOLEAN NOT NULL,
        import_id BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS police_outcome (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        line BIGINT NOT NULL,
        crime_id TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        falls_within TEXT,
        longitude DOUBLE,
        latitude DOUBLE,
        location TEXT,
        lsoa_code TEXT,
        lsoa_name TEXT,
        lsoa21cd TEXT,
        lsoa_rule TEXT,
        outcome_type TEXT NOT NULL,
        import_id BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS police_stop_search (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        line BIGINT NOT NULL,
        search_type TEXT,
        searched_at_utc TIMESTAMP NOT NULL,
        date_raw TEXT NOT NULL,           -- as published, e.g. 2022-02-01T00:01:00+00:00
        part_of_operation TEXT,
        policing_operation TEXT,
        latitude DOUBLE,
        longitude DOUBLE,
        gender TEXT,
        age_range TEXT,
        self_defined_ethnicity TEXT,
        officer_defined_ethnicity TEXT,
        legislation TEXT,
        object_of_search TEXT,
        outcome TEXT,
        outcome_linked_to_object TEXT,
        removal_of_outer_clothing TEXT,
        import_id BIGINT NOT NULL
    )
    """,
    # What is loaded: one row per force, month and kind, pointing at the file that supplied it.
    """
    CREATE TABLE IF NOT EXISTS police_coverage (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        kind TEXT NOT NULL,
        import_id BIGINT NOT NULL,
        sha256 TEXT NOT NULL,
        file TEXT NOT NULL,
        rows_read BIGINT NOT NULL,
        rows_stored BIGINT NOT NULL,
        rows_counted BIGINT NOT NULL,
        exact_duplicates BIGINT NOT NULL,
        duplicate_ids BIGINT NOT NULL,
        no_location BIGINT NOT NULL,
        lsoa_2011 BIGINT NOT NULL,
        lsoa_split BIGINT NOT NULL,
        lsoa_unknown BIGINT NOT NULL,
        lsoa_untranslated BIGINT NOT NULL,
        PRIMARY KEY (force, month, kind)
    )
    """,
    # The crime types present in each loaded force-month: a type absent here is "not loaded",
    # never zero (filtered extracts such as burglary-only files are common).
    """
    CREATE TABLE IF NOT EXISTS force_month_crime_type (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        kind TEXT NOT NULL,
        crime_type TEXT NOT NULL,
        rows BIGINT NOT NULL,
        counted BIGINT NOT NULL,
        import_id BIGINT NOT NULL,
        PRIMARY KEY (force, month, kind, crime_type)
    )
    """,
    # Rows that share a Crime ID with a different row in the same force-month: the kept row and
    # each row not counted, with the columns in which they differ.
    """
    CREATE TABLE IF NOT EXISTS street_duplicate_review (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        crime_id TEXT NOT NULL,
        kept_line BIGINT NOT NULL,
        line BIGINT NOT NULL,
        differs TEXT[] NOT NULL,
        import_id BIGINT NOT NULL
    )
    """,
    # Codes not in the ONS lookup: kept and counted in force totals, reported by `crime status`.
    """
    CREATE TABLE IF NOT EXISTS lsoa_unknown_code (
        force TEXT NOT NULL,
        month TEXT NOT NULL,
        kind TEXT NOT NULL,
        lsoa_code TEXT NOT NULL,
        rows BIGINT NOT NULL,
        import_id BIGINT NOT NULL
    )
    """,
)

POLICEUK_TABLES: tuple[str, ...] = (
    "police_street",
    "police_outcome",
    "police_stop_search",
    "force_month_crime_type",
    "street_duplicate_review",
    "lsoa_unknown_code",
    "police_coverage",
)
"""Tables keyed by (force, month, kind-of-file): what a re-import deletes before it writes."""
