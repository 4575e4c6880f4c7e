"""Tables of the Met's recorded-crime series, and the stable reference data they rely on."""

from __future__ import annotations

LONDON_CODE = "E12000007"
"""Area code of a London total: every row of a level, pseudo-areas included."""

WARD_BEST_FIT_CAVEAT = (
    "Ward figures are assigned to constituencies on a best-fit basis: a ward that straddles a "
    "boundary counts wholly towards the constituency holding most of its population, so a "
    "ward-based constituency total is an approximation."
)
"""Show this wherever a constituency figure is built from ward figures."""

OLDER_WARD_GEOGRAPHY_NOTE = (
    "This publication uses the older (pre-2022) London ward geography; its ward codes do not "
    "match the 2022 wards without a ward-to-ward lookup."
)

MPS_BOROUGH_CODES: dict[str, str] = {
    "City of London": "E09000001",
    "Barking and Dagenham": "E09000002",
    "Barnet": "E09000003",
    "Bexley": "E09000004",
    "Brent": "E09000005",
    "Bromley": "E09000006",
    "Camden": "E09000007",
    "Croydon": "E09000008",
    "Ealing": "E09000009",
    "Enfield": "E09000010",
    "Greenwich": "E09000011",
    "Hackney": "E09000012",
    "Hammersmith and Fulham": "E09000013",
    "Haringey": "E09000014",
    "Harrow": "E09000015",
    "Havering": "E09000016",
    "Hillingdon": "E09000017",
    "Hounslow": "E09000018",
    "Islington": "E09000019",
    "Kensington and Chelsea": "E09000020",
    "Kingston upon Thames": "E09000021",
    "Lambeth": "E09000022",
    "Lewisham": "E09000023",
    "Merton": "E09000024",
    "Newham": "E09000025",
    "Redbridge": "E09000026",
    "Richmond upon Thames": "E09000027",
    "Southwark": "E09000028",
    "Sutton": "E09000029",
    "Tower Hamlets": "E09000030",
    "Waltham Forest": "E09000031",
    "Wandsworth": "E09000032",
    "Westminster": "E09000033",
}
"""The 33 London local authorities (ONS LAD codes, stable since 2009) by the Met's spelling."""

MPS_PSEUDO_AREAS: dict[str, str] = {
    "London Heathrow and London City Airports": "MPS-AIRPORTS",
    "Aviation Security (SO18)": "MPS-AVIATION-SECURITY",
    "Unknown": "MPS-UNKNOWN",
}
"""Met areas that are not boroughs, with the code they are stored under at borough level."""

MPS_SCHEMA: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS mps_vintage (
        vintage TEXT PRIMARY KEY,      -- <level>-<scheme>-<first month>-<last month>
        level TEXT NOT NULL,           -- borough | ward
        scheme TEXT NOT NULL,          -- old | detailed | coarse
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        first_month TEXT NOT NULL,     -- YYYY-MM
        last_month TEXT NOT NULL,
        months INTEGER NOT NULL,
        rows BIGINT NOT NULL,
        ward_geography TEXT            -- ward files: '2022', or '2018' for the older wards
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS mps_count (
        vintage TEXT NOT NULL,
        level TEXT NOT NULL,
        scheme TEXT NOT NULL,
        area_code TEXT NOT NULL,       -- ward code as published; borough: LAD code or MPS-*
        area_name TEXT NOT NULL,
        borough_name TEXT NOT NULL,    -- as published, pseudo-areas included
        borough_code TEXT,             -- NULL for a pseudo-area
        pseudo_area BOOLEAN NOT NULL,
        ward_geography TEXT,
        major TEXT NOT NULL,
        minor TEXT NOT NULL,
        category TEXT NOT NULL,        -- major-level category slug (categories.py)
        month TEXT NOT NULL,
        count BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS mps_category_map (
        scheme TEXT NOT NULL, major TEXT NOT NULL, minor TEXT NOT NULL, category TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS mps_flagged_month (
        level TEXT NOT NULL,
        vintage TEXT NOT NULL,
        month TEXT NOT NULL,
        london_total BIGINT NOT NULL,
        reference_total DOUBLE NOT NULL,
        rule TEXT NOT NULL,            -- other-vintages | neighbouring-months
        reason TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS mps_resolved_month (
        level TEXT NOT NULL, category TEXT NOT NULL, month TEXT NOT NULL,
        vintage TEXT NOT NULL, scheme TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS mps_resolved (
        level TEXT NOT NULL,
        area_code TEXT NOT NULL,       -- E12000007 is the London total of the level
        area_name TEXT NOT NULL,
        borough_code TEXT,
        pseudo_area BOOLEAN NOT NULL,
        ward_geography TEXT,
        category TEXT NOT NULL,
        month TEXT NOT NULL,
        count BIGINT NOT NULL,
        vintage TEXT NOT NULL,
        scheme TEXT NOT NULL
    )
    """,
)
"""DDL of the Met tables; the store applies it (idempotent)."""
