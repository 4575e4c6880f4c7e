"""The Met's resolved counts at the level each area type uses, written at aggregate time.

Borough: the borough file. BCU: the sum of its boroughs (borough file). London region and the
Metropolitan Police force: the borough file's London total. Ward: the ward file. Constituency: the
sum of the wards whose best-fit constituency it is (ward file). Ward figures are used only from
publications of the 2022 wards; the older ward geography does not join to today's wards.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from callingtime.crimedata.mps_schema import LONDON_CODE

MET_FORCE_CODE = "E23000001"
"""ONS PFA code of the Metropolitan Police, whose Met-file figure is the London total."""


def mps_aggregates_write(
    con: duckdb.DuckDBPyConnection, ward_constituency: Mapping[str, str]
) -> None:
    """Fill agg_mps_month, agg_mps_area_month and agg_mps_area from the resolved Met series.

    >>> mps_aggregates_write(con, {"E05013697": "E14001305"})  # doctest: +SKIP
    """
    con.execute(
        """
        INSERT INTO agg_mps_month
        SELECT w.level, w.category, w.month, w.scheme
        FROM mps_resolved_month w JOIN mps_vintage v USING (vintage)
        WHERE w.level = 'borough' OR v.ward_geography = '2022'
        """
    )
    con.execute(
        """
        INSERT INTO agg_mps_area_month
        SELECT area_code, 'borough', 'borough', category, month, count FROM mps_resolved
        WHERE level = 'borough' AND NOT pseudo_area AND area_code = borough_code
        UNION ALL
        SELECT ?, 'region', 'borough', category, month, count FROM mps_resolved
        WHERE level = 'borough' AND area_code = ?
        UNION ALL
        SELECT ?, 'force', 'borough', category, month, count FROM mps_resolved
        WHERE level = 'borough' AND area_code = ?
        UNION ALL
        SELECT b.bcu_cd, 'bcu', 'borough', r.category, r.month, sum(r.count)
        FROM mps_resolved r
        JOIN (SELECT DISTINCT lad_cd, bcu_cd FROM agg_lsoa WHERE bcu_cd IS NOT NULL) b
          ON b.lad_cd = r.area_code
        WHERE r.level = 'borough' AND NOT r.pseudo_area
        GROUP BY ALL
        UNION ALL
        SELECT area_code, 'ward', 'ward', category, month, count FROM mps_resolved
        WHERE level = 'ward' AND NOT pseudo_area AND ward_geography = '2022'
        ORDER BY 1, 4, 5
        """,
        [LONDON_CODE, LONDON_CODE, MET_FORCE_CODE, LONDON_CODE],
    )
    wards, constituencies = list(ward_constituency), list(ward_constituency.values())
    con.execute(
        """
        INSERT INTO agg_mps_area_month
        SELECT f.pcon, 'constituency', 'ward', r.category, r.month, sum(r.count)
        FROM mps_resolved r
        JOIN (SELECT unnest(?::VARCHAR[]) AS ward, unnest(?::VARCHAR[]) AS pcon) f
          ON f.ward = r.area_code
        WHERE r.level = 'ward' AND NOT r.pseudo_area AND r.ward_geography = '2022'
        GROUP BY ALL
        ORDER BY 1, 4, 5
        """,
        [wards, constituencies],
    )
    con.execute(
        "INSERT INTO agg_mps_area SELECT DISTINCT area_code, area_type FROM agg_mps_area_month "
        "ORDER BY 1"
    )
