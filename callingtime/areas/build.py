"""Build the geography tables from the staged source rows, in order, inside one build file.

Each step is one SQL statement over the `stg_*` tables the importer filled. The rules each step
applies (population translation, postcode candidates, best fit) are stated in docs/geography.md.
"""

from __future__ import annotations

import json

import duckdb

from callingtime.areas._db import AREA_TYPES, TYPE_COLUMNS
from callingtime.areas.contiguity import lsoa_contiguity_compute

LSOA_CHANGE = """
CREATE TABLE lsoa_change AS
SELECT DISTINCT upper(trim(lsoa11cd)) AS lsoa11cd, upper(trim(lsoa21cd)) AS lsoa21cd,
       upper(trim(chgind)) AS chgind
FROM stg_lsoa11_lsoa21 WHERE lsoa11cd IS NOT NULL AND lsoa21cd IS NOT NULL
"""

LAD_FORCE = """
CREATE TABLE lad_force AS
WITH active AS (
    SELECT ladcd, any_value(ladcd_active) AS active FROM stg_la_codes GROUP BY ladcd
), by_active AS (
    SELECT coalesce(a.active, p.lad_cd) AS lad, min(p.pfa_cd) AS pfa_cd,
           count(DISTINCT p.pfa_cd) AS n
    FROM stg_lad_pfa p LEFT JOIN active a ON a.ladcd = p.lad_cd GROUP BY 1
), lads AS (
    SELECT DISTINCT lad_cd FROM stg_lsoa21_ward_lad WHERE lad_cd IS NOT NULL
    UNION SELECT DISTINCT lad_cd FROM stg_lsoa21_pcon WHERE lad_cd IS NOT NULL
)
SELECT l.lad_cd, coalesce(d.pfa_cd, b.pfa_cd) AS force_cd, coalesce(b.n, 1) > 1 AS force_conflict
FROM lads l
LEFT JOIN (SELECT lad_cd, min(pfa_cd) AS pfa_cd FROM stg_lad_pfa GROUP BY 1) d USING (lad_cd)
LEFT JOIN active a ON a.ladcd = l.lad_cd
LEFT JOIN by_active b ON b.lad = coalesce(a.active, l.lad_cd)
"""

LSOA21 = """
CREATE TABLE lsoa21 AS
WITH wl AS (
    SELECT lsoa21cd, any_value(lsoa21nm) AS nm, any_value(ward_cd) AS ward_cd,
           any_value(ward_nm) AS ward_nm, any_value(lad_cd) AS lad_cd, any_value(lad_nm) AS lad_nm
    FROM stg_lsoa21_ward_lad GROUP BY lsoa21cd
), pc AS (
    SELECT lsoa21cd, any_value(lsoa21nm) AS nm, any_value(ward_cd) AS ward_cd,
           any_value(ward_nm) AS ward_nm, any_value(lad_cd) AS lad_cd, any_value(lad_nm) AS lad_nm,
           any_value(pcon_cd) AS pcon_cd, any_value(pcon_nm) AS pcon_nm,
           coalesce(any_value(method), 'lookup') AS pcon_method
    FROM stg_lsoa21_pcon GROUP BY lsoa21cd
), base AS (
    SELECT coalesce(wl.lsoa21cd, pc.lsoa21cd) AS lsoa21cd, coalesce(wl.nm, pc.nm) AS name,
           coalesce(wl.ward_cd, pc.ward_cd) AS ward_cd, coalesce(wl.ward_nm, pc.ward_nm) AS ward_nm,
           coalesce(wl.lad_cd, pc.lad_cd) AS lad_cd, coalesce(wl.lad_nm, pc.lad_nm) AS lad_nm,
           pc.pcon_cd, pc.pcon_nm, pc.pcon_method
    FROM wl FULL JOIN pc ON pc.lsoa21cd = wl.lsoa21cd
), la AS (
    SELECT ladcd, any_value(nullif(rgncd, '')) AS rgncd, any_value(nullif(ctrycd, '')) AS ctrycd,
           any_value(ladcd_active) AS active
    FROM stg_la_codes GROUP BY ladcd
), centroid AS (
    SELECT upper(lsoacd) AS code, any_value(CAST(lat AS DOUBLE)) AS lat,
           any_value(CAST(lon AS DOUBLE)) AS lon
    FROM stg_lsoa_centroid GROUP BY 1
), bcu AS (
    SELECT ladcd, 'MET-' || any_value(bcu_code) AS bcu_cd FROM stg_met_bcu GROUP BY ladcd
)
SELECT b.lsoa21cd, b.name, b.ward_cd, b.ward_nm, b.pcon_cd, b.pcon_method, b.lad_cd, b.lad_nm,
       bcu.bcu_cd, f.force_cd, coalesce(la.rgncd, la2.rgncd) AS region_cd,
       coalesce(la.ctrycd, la2.ctrycd) AS country_cd, c.lat, c.lon
FROM base b
LEFT JOIN la ON la.ladcd = b.lad_cd
LEFT JOIN la la2 ON la2.ladcd = la.active
LEFT JOIN lad_force f ON f.lad_cd = b.lad_cd
LEFT JOIN bcu ON bcu.ladcd = b.lad_cd
LEFT JOIN centroid c ON c.code = b.lsoa21cd
ORDER BY b.lsoa21cd
"""

# A 2021 code maps to itself; any other code to each 2021 partner the ONS lookup gives it.
LSOA_CODE = """
CREATE TABLE lsoa_code AS
WITH self AS (
    SELECT lsoa21cd AS any_code, lsoa21cd, 'self' AS relation, lat, lon FROM lsoa21
), older AS (
    SELECT c.lsoa11cd AS any_code, c.lsoa21cd, c.chgind AS relation, l.lat, l.lon
    FROM lsoa_change c JOIN lsoa21 l ON l.lsoa21cd = c.lsoa21cd
    WHERE c.lsoa11cd NOT IN (SELECT lsoa21cd FROM lsoa21)
)
SELECT * FROM (SELECT * FROM self UNION ALL SELECT * FROM older) ORDER BY any_code, lsoa21cd
"""

# Latest estimate per 2011 LSOA, else Census 2011; each 2011 LSOA's people are shared equally
# among its 2021 partners and a 2021 LSOA sums the shares it receives (split: equal share;
# merge: sum). A direct 2021 estimate, when loaded, wins.
POPULATION = """
CREATE TABLE population AS
WITH est AS (
    SELECT upper(lsoa11cd) AS lsoa11cd, CAST(replace(people, ',', '') AS DOUBLE) AS people,
           CAST(src_year AS INTEGER) AS year, 'ONS mid-year estimate (LSOA 2011)' AS source
    FROM stg_population_lsoa11 WHERE src_year IS NOT NULL
), census AS (
    SELECT upper(lsoa11cd) AS lsoa11cd, CAST(replace(people, ',', '') AS DOUBLE) AS people,
           2011 AS year, 'Census 2011 usual residents' AS source
    FROM stg_population_census2011
), pop11 AS (
    SELECT lsoa11cd, arg_max(people, year) AS people, max(year) AS year,
           arg_max(source, year) AS source
    FROM (SELECT * FROM est UNION ALL SELECT * FROM census) GROUP BY lsoa11cd
), partners AS (
    SELECT p.lsoa11cd, coalesce(c.lsoa21cd, p.lsoa11cd) AS lsoa21cd,
           count(*) OVER (PARTITION BY p.lsoa11cd) AS n, p.people, p.year, p.source
    FROM pop11 p LEFT JOIN lsoa_change c ON c.lsoa11cd = p.lsoa11cd
), translated AS (
    SELECT lsoa21cd, sum(people / n) AS people, min(year) AS year,
           string_agg(DISTINCT source, '; ') AS source,
           CASE WHEN max(n) = 1 AND count(*) = 1 THEN 'unchanged'
                WHEN max(n) = 1 THEN 'merged_sum' ELSE 'split_equal_share' END AS method
    FROM partners GROUP BY lsoa21cd
), direct AS (
    SELECT upper(lsoa21cd) AS lsoa21cd, arg_max(CAST(replace(people, ',', '') AS DOUBLE),
           CAST(src_year AS INTEGER)) AS people, max(CAST(src_year AS INTEGER)) AS year,
           'ONS mid-year estimate (LSOA 2021)' AS source, 'direct' AS method
    FROM stg_population_lsoa21 WHERE src_year IS NOT NULL GROUP BY 1
)
SELECT l.lsoa21cd, coalesce(d.people, t.people) AS people, coalesce(d.year, t.year) AS year,
       coalesce(d.source, t.source) AS source, coalesce(d.method, t.method) AS method
FROM lsoa21 l LEFT JOIN direct d USING (lsoa21cd) LEFT JOIN translated t USING (lsoa21cd)
WHERE coalesce(d.people, t.people) IS NOT NULL
ORDER BY l.lsoa21cd
"""

# A postcode on a split 2011 LSOA gets the partner with the largest population (ties: lowest
# code) and is marked ambiguous: the lookup has no coordinates to place it exactly.
POSTCODE = """
CREATE TABLE postcode AS
WITH src AS (
    SELECT regexp_replace(upper(pcds), '\\s+', '', 'g') AS bare, upper(trim(lsoa11cd)) AS lsoa11cd,
           upper(trim(lsoa21cd)) AS lsoa21_given, dointr, nullif(trim(doterm), '') AS doterm,
           usertype
    FROM stg_postcode WHERE pcds IS NOT NULL
), one AS (
    SELECT left(bare, length(bare) - 3) || ' ' || right(bare, 3) AS pcds,
           arg_max_null(lsoa11cd, dointr) AS lsoa11cd,
           arg_max_null(lsoa21_given, dointr) AS lsoa21_given,
           max(dointr) AS dointr, arg_max_null(doterm, dointr) AS doterm,
           arg_max_null(usertype, dointr) AS usertype
    FROM src GROUP BY 1
), pick AS (
    SELECT c.any_code AS lsoa11cd, c.lsoa21cd, c.n
    FROM (SELECT any_code, lsoa21cd, count(*) OVER (PARTITION BY any_code) AS n,
                 row_number() OVER (PARTITION BY any_code
                                    ORDER BY coalesce(p.people, 0) DESC, lsoa21cd) AS rn
          FROM lsoa_code LEFT JOIN population p USING (lsoa21cd)) c
    WHERE c.rn = 1
)
SELECT o.pcds, o.lsoa11cd, coalesce(o.lsoa21_given, k.lsoa21cd) AS lsoa21cd,
       o.lsoa21_given IS NULL AND coalesce(k.n, 1) > 1 AS lsoa21_ambiguous,
       o.dointr, o.doterm, o.usertype
FROM one o LEFT JOIN pick k ON k.lsoa11cd = o.lsoa11cd
ORDER BY o.pcds
"""

AREA = """
CREATE TABLE area AS
WITH named AS (
    SELECT lsoa21cd AS code, name, 'lsoa' AS type, 1 AS rank FROM lsoa21
    UNION ALL SELECT ward_cd, ward_nm, 'ward', 1 FROM lsoa21 WHERE ward_cd IS NOT NULL
    UNION ALL SELECT lad_cd, lad_nm, 'borough', 1 FROM lsoa21 WHERE lad_cd IS NOT NULL
    UNION ALL SELECT code, name, 'constituency', 1 FROM stg_pcon_boundary
    UNION ALL SELECT pcon_cd, constituency, 'constituency', 2 FROM stg_mps WHERE pcon_cd LIKE '_14%'
    UNION ALL SELECT pcon_cd, pcon_nm, 'constituency', 3 FROM stg_lsoa21_pcon
    UNION ALL SELECT 'MET-' || bcu_code, bcu_name, 'bcu', 1 FROM stg_met_bcu
    UNION ALL SELECT pfa_cd, pfa_nm, 'force', 1 FROM stg_pfa_names
    UNION ALL SELECT pfa_cd, pfa_nm, 'force', 2 FROM stg_lad_pfa
    UNION ALL SELECT rgncd, rgnnm, 'region', 1 FROM stg_la_codes WHERE rgncd <> ''
    UNION ALL SELECT ctrycd, ctrynm, 'country', 1 FROM stg_la_codes WHERE ctrycd <> ''
)
SELECT code, arg_min(name, rank) AS name, any_value(type) AS type,
       any_value(type) = 'constituency' AS approximate,
       CASE any_value(type)
           WHEN 'constituency'
           THEN 'LSOA membership is approximate (derived point-in-polygon lookup)'
           WHEN 'bcu' THEN 'Met Basic Command Unit: boroughs as announced in 2018'
       END AS note
FROM named WHERE code IS NOT NULL AND name IS NOT NULL GROUP BY code ORDER BY code
"""


def _area_link_sql() -> str:
    """Return the statement linking every area to each wider area its LSOAs fall in."""
    parts = []
    for child_rank, child in enumerate(AREA_TYPES):
        for parent in AREA_TYPES[child_rank + 1 :]:
            if child == "constituency" and parent == "ward":
                continue
            child_col, parent_col = TYPE_COLUMNS[child], TYPE_COLUMNS[parent]
            parts.append(
                f"SELECT {child_col} AS child_code, '{child}' AS child_type, "
                f"{parent_col} AS parent_code, '{parent}' AS parent_type, lsoa21cd FROM lsoa21 "
                f"WHERE {child_col} IS NOT NULL AND {parent_col} IS NOT NULL"
            )
    pairs = "\nUNION ALL ".join(parts)
    # Best fit: the wider area holding most of the child's people (LSOA count when unknown).
    return f"""
CREATE TABLE area_link AS
WITH pairs AS ({pairs}), weighed AS (
    SELECT child_code, child_type, parent_code, parent_type, count(*) AS lsoas,
           sum(coalesce(p.people, 0)) AS people
    FROM pairs LEFT JOIN population p USING (lsoa21cd) GROUP BY ALL
)
SELECT *, people / nullif(sum(people) OVER (PARTITION BY child_code, parent_type), 0) AS share,
       row_number() OVER (PARTITION BY child_code, parent_type
                          ORDER BY people DESC, lsoas DESC, parent_code) = 1 AS best_fit
FROM weighed ORDER BY child_code, parent_type, people DESC
"""


MP = """
CREATE TABLE mp AS
SELECT pcon_cd, any_value(name) AS name, any_value(party) AS party,
       any_value(constituency) AS constituency, any_value(addressable_title) AS addressable_title,
       any_value(source_link) AS source_link
FROM stg_mps WHERE pcon_cd IS NOT NULL AND coalesce(house, 'Commons') = 'Commons'
GROUP BY pcon_cd ORDER BY pcon_cd
"""

WARD_CODE_HISTORY = """
CREATE TABLE ward_code_history AS
SELECT upper(wdcd) AS code, any_value(wdnm) AS name,
       any_value(coalesce(nullif(ladcd_active, ''), ladcd)) AS lad_cd
FROM stg_ward_codes GROUP BY 1 ORDER BY 1
"""

# Ward boundaries come in a later vintage (WD25): keep each under its WD24 code when the code
# is unchanged, or the same name in the same borough.
BOUNDARY = """
CREATE TABLE boundary AS
WITH wards AS (
    SELECT DISTINCT ward_cd, ward_nm, lad_cd FROM lsoa21 WHERE ward_cd IS NOT NULL
), ward_geo AS (
    SELECT coalesce(w1.ward_cd, w2.ward_cd, g.code) AS code, 'ward' AS type, g.geojson,
           g.src_file, g.code AS source_code
    FROM stg_ward_boundary g
    LEFT JOIN wards w1 ON w1.ward_cd = g.code
    LEFT JOIN wards w2 ON w1.ward_cd IS NULL AND lower(w2.ward_nm) = lower(g.name)
                      AND w2.lad_cd = g.lad_cd
)
SELECT code, any_value(type) AS type, any_value(geojson) AS geojson,
       any_value(src_file) AS src_file, any_value(source_code) AS source_code
FROM (
    SELECT code, 'constituency' AS type, geojson, src_file, code AS source_code
    FROM stg_pcon_boundary
    UNION ALL SELECT code, 'lsoa', geojson, src_file, code FROM stg_lsoa21_boundary
    UNION ALL SELECT * FROM ward_geo
) GROUP BY code ORDER BY code
"""

INDEXES = (
    "CREATE UNIQUE INDEX postcode_pcds ON postcode (pcds)",
    "CREATE UNIQUE INDEX area_code ON area (code)",
    "CREATE INDEX area_link_child ON area_link (child_code)",
    "CREATE INDEX area_link_parent ON area_link (parent_code)",
    "CREATE INDEX lsoa_neighbour_lsoa ON lsoa_neighbour (lsoa21cd)",
)

STEPS: tuple[tuple[str, str], ...] = (
    ("lsoa_change", LSOA_CHANGE),
    ("lad_force", LAD_FORCE),
    ("lsoa21", LSOA21),
    ("lsoa_code", LSOA_CODE),
    ("population", POPULATION),
    ("postcode", POSTCODE),
    ("area", AREA),
    ("area_link", _area_link_sql()),
    ("mp", MP),
    ("ward_code_history", WARD_CODE_HISTORY),
    ("boundary", BOUNDARY),
)


def tables_build(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Run every build step in order and return each table's row count.

    >>> tables_build(con)  # doctest: +SKIP
    [('lsoa_change', 35796), ...]
    """
    counts: list[tuple[str, int]] = []
    for table, statement in STEPS:
        con.execute(statement)
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts.append((table, int(row[0]) if row else 0))
    counts.append(("lsoa_neighbour", lsoa_neighbour_build(con)))
    for statement in INDEXES:
        con.execute(statement)
    return counts


def lsoa_neighbour_build(con: duckdb.DuckDBPyConnection) -> int:
    """Create `lsoa_neighbour` from the LSOA boundaries and centroids; return its row count.

    >>> lsoa_neighbour_build(con)  # doctest: +SKIP
    259996
    """
    boundaries = [
        (code, json.loads(text))
        for code, text in con.execute(
            "SELECT code, geojson FROM boundary WHERE type = 'lsoa' "
            "AND code IN (SELECT lsoa21cd FROM lsoa21) ORDER BY code"
        ).fetchall()
    ]
    centroids = con.execute("SELECT lsoa21cd, lat, lon FROM lsoa21 ORDER BY 1").fetchall()
    links = lsoa_contiguity_compute(boundaries, centroids)
    con.execute("CREATE TABLE lsoa_neighbour (lsoa21cd TEXT, neighbour_cd TEXT, method TEXT)")
    # One statement over three lists: row-by-row inserts of ~200k links take minutes.
    con.execute(
        "INSERT INTO lsoa_neighbour SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
        "unnest(?::VARCHAR[])",
        [
            [link.lsoa21cd for link in links],
            [link.neighbour_cd for link in links],
            [link.method for link in links],
        ],
    )
    return len(links)
