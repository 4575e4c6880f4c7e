"""Write a tiny, self-consistent set of geography source files in the published layouts.

Two boroughs: Islington (Met, BCU Central North) and Leeds (West Yorkshire, mapped to its force
through an old district code that la_all_codes retires into Leeds). One 2011 Islington LSOA is
split in two, two Leeds LSOAs merge into one. Files carry BOMs, CRLF, gzip and thousand
separators where the real ones do.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

BOM = "\ufeff"

ISLINGTON, LEEDS, OLD_LEEDS = "E09000019", "E08000035", "E07000999"
MET, WEST_YORKSHIRE = "E23000001", "E23000010"
UNCHANGED, SPLIT_FROM, SPLIT_A, SPLIT_B = "E01002694", "E01002700", "E01033600", "E01033601"
MERGE_A, MERGE_B, MERGED, LEEDS_U = "E01011000", "E01011001", "E01035000", "E01011002"
BARNSBURY, CALEDONIAN, HEADINGLEY = "E05013698", "E05013700", "E05011000"
ISL_SOUTH, ISL_NORTH, LEEDS_NW, CORNER = "E14001306", "E14001305", "E14001330", "E14001999"


def cols(text: str) -> list[str]:
    """Split a published header line into its column names."""
    return text.split(",")


def _csv_text(header: list[str], rows: list[list[str]], *, crlf: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = ((BOM if bom else "") + text).encode("utf-8")
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data, mtime=0))
    else:
        path.write_bytes(data)
    return path


def _square(lon: float, lat: float, size: float) -> dict[str, object]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def tiny_sources_write(folder: Path) -> Path:
    """Write every supported layout into folder (nested, mixed .gz) and return the folder."""
    geo = folder / "geography"
    _write(
        geo / "exact_fit.csv.gz",
        _csv_text(
            cols("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId"),
            [
                [
                    UNCHANGED,
                    "Islington 019A",
                    UNCHANGED,
                    "Islington 019A",
                    "U",
                    ISLINGTON,
                    "Islington",
                    "",
                    "1",
                ],
                [
                    SPLIT_FROM,
                    "Islington 020A",
                    SPLIT_A,
                    "Islington 020E",
                    "S",
                    ISLINGTON,
                    "Islington",
                    "",
                    "2",
                ],
                [
                    SPLIT_FROM,
                    "Islington 020A",
                    SPLIT_B,
                    "Islington 020F",
                    "S",
                    ISLINGTON,
                    "Islington",
                    "",
                    "3",
                ],
                [MERGE_A, "Leeds 001A", MERGED, "Leeds 001F", "M", LEEDS, "Leeds", "", "4"],
                [MERGE_B, "Leeds 001B", MERGED, "Leeds 001F", "M", LEEDS, "Leeds", "", "5"],
                [LEEDS_U, "Leeds 001C", LEEDS_U, "Leeds 001C", "U", LEEDS, "Leeds", "", "6"],
            ],
        ),
        bom=True,
    )
    lsoa21 = [
        (UNCHANGED, "Islington 019A", BARNSBURY, "Barnsbury", ISLINGTON, "Islington", ISL_SOUTH),
        (SPLIT_A, "Islington 020E", BARNSBURY, "Barnsbury", ISLINGTON, "Islington", ISL_SOUTH),
        (SPLIT_B, "Islington 020F", CALEDONIAN, "Caledonian", ISLINGTON, "Islington", ISL_NORTH),
        (MERGED, "Leeds 001F", HEADINGLEY, "Headingley", LEEDS, "Leeds", LEEDS_NW),
        (LEEDS_U, "Leeds 001C", HEADINGLEY, "Headingley", LEEDS, "Leeds", LEEDS_NW),
    ]
    _write(
        geo / "best_fit.csv.gz",
        _csv_text(
            cols(
                "LSOA21CD,LSOA21NM,LSOA21NMW,WD24CD,WD24NM,WD24NMW,LAD24CD,LAD24NM,LAD24NMW,ObjectId"
            ),
            [
                [c, n, "", w, wn, "", lad, ln, "", str(i)]
                for i, (c, n, w, wn, lad, ln, _) in enumerate(lsoa21)
            ],
        ),
        bom=True,
    )
    names = {
        ISL_SOUTH: "Islington South and Finsbury",
        ISL_NORTH: "Islington North",
        LEEDS_NW: "Leeds North West",
    }
    _write(
        geo / "DERIVED_pcon.csv.gz",
        _csv_text(
            cols("LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM,PCON24CD,PCON24NM,method"),
            [
                [c, n, w, wn, lad, ln, p, names[p], "pwc_in_polygon"]
                for c, n, w, wn, lad, ln, p in lsoa21
            ],
        ),
    )
    _write(
        geo / "lad_pfa.csv",
        _csv_text(
            ["FID", "LAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM"],
            [
                ["1", ISLINGTON, "Islington", "E22000001", "Islington", MET, "Metropolitan Police"],
                [
                    "2",
                    OLD_LEEDS,
                    "Old Leeds",
                    "E22000002",
                    "Leeds",
                    WEST_YORKSHIRE,
                    "West Yorkshire",
                ],
            ],
        ),
    )
    _write(
        geo / "pfa.csv",
        _csv_text(
            ["FID", "PFA19CD", "PFA19NM"],
            [["1", MET, "Metropolitan Police"], ["2", WEST_YORKSHIRE, "West Yorkshire"]],
        ),
    )
    la_header = cols("LADCD,LADNM,LADCD_ACTIVE,LADNM_ACTIVE,RGNCD,RGNNM,CTRYCD,CTRYNM,Current")
    _write(
        geo / "lookups" / "la_all_codes.csv.gz",
        _csv_text(
            la_header,
            [
                [
                    ISLINGTON,
                    "Islington",
                    ISLINGTON,
                    "Islington",
                    "E12000007",
                    "London",
                    "E92000001",
                    "England",
                    "TRUE",
                ],
                [
                    LEEDS,
                    "Leeds",
                    LEEDS,
                    "Leeds",
                    "E12000003",
                    "Yorkshire and The Humber",
                    "E92000001",
                    "England",
                    "TRUE",
                ],
                [
                    OLD_LEEDS,
                    "Old Leeds",
                    LEEDS,
                    "Leeds",
                    "E12000003",
                    "Yorkshire and The Humber",
                    "E92000001",
                    "England",
                    "FALSE",
                ],
            ],
        ),
    )
    _write(
        geo / "bcu.csv",
        _csv_text(
            ["BCU_CODE", "BCU_NAME", "LADCD", "LADNM"],
            [["CN", "Central North", ISLINGTON, "Islington"]],
        ),
    )
    centroids = {UNCHANGED: (51.536, -0.113), SPLIT_FROM: (51.540, -0.115),
                 SPLIT_A: (51.538, -0.117),
                 SPLIT_B: (51.542, -0.113), MERGE_A: (53.82, -1.58), MERGE_B: (53.83, -1.57),
                 MERGED: (53.825, -1.575), LEEDS_U: (53.81, -1.56)}  # fmt: skip
    _write(
        geo / "lookups" / "lsoa_latlong.csv.gz",
        _csv_text(
            ["LSOACD", "latitude", "longitude", "lsoa11cd"],
            [[c, str(a), str(o), c] for c, (a, o) in centroids.items()],
        ),
    )
    census_header = cols(
        "Region code,Region name,Local authority code,Local authority name,MSOA Code,MSOA Name,"
        "LSOA Code,LSOA Name,,Persons,Persons,Persons,Hectares"
    )
    census = {
        UNCHANGED: "1,400",
        SPLIT_FROM: "1,900",
        MERGE_A: "1,563",
        MERGE_B: "1,379",
        LEEDS_U: "1,698",
    }
    _write(
        geo / "census.csv.gz",
        _csv_text(
            census_header,
            [["R", "R", "L", "L", "M", "M", c, c, "", p, p, "0", "10"] for c, p in census.items()],
            crlf=True,
        ),
    )
    mid = [
        cols("LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM,Persons_All-Ages,Persons_0-15"),
        [UNCHANGED, "Islington 019A", "M", "M", ISLINGTON, "Islington", "1500", "300"],
        [SPLIT_FROM, "Islington 020A", "M", "M", ISLINGTON, "Islington", "2001", "400"],
    ]
    _write(geo / "london-mid2020-pop.csv.gz", _csv_text(mid[0], mid[1:]))
    pc_header = (
        "pcd7,pcd8,pcds,dointr,doterm,usertype,oa11cd,lsoa11cd,msoa11cd,ladcd,lsoa11nm,msoa11nm,"
        "ladnm,ladnmw"
    )
    postcodes = [
        ["N1 1AA", "201506", "201511", UNCHANGED],
        ["N1 9GU", "200811", "", UNCHANGED],
        ["N7 8AA", "199001", "", SPLIT_FROM],
    ]
    lines = [pc_header] + [
        ",".join(
            f'"{v}"'
            for v in [
                p,
                p,
                p,
                i,
                t,
                "0",
                "E00000001",
                lsoa,
                "E02000001",
                ISLINGTON,
                "x",
                "x",
                "Islington",
                "",
            ]
        )
        for p, i, t, lsoa in postcodes
    ]
    _write(folder / "postcodes" / "pcd.csv.gz", "\r\n".join(lines) + "\r\n")
    _write(
        folder / "parliament" / "mps.csv",
        _csv_text(
            cols(
                "name,house,party,constituency,constituency_ons,position,source_link,country,addressable_title"
            ),
            [
                [
                    "Emily Thornberry",
                    "Commons",
                    "Labour",
                    names[ISL_SOUTH],
                    ISL_SOUTH,
                    "",
                    "https://x",
                    "England",
                    "The Rt Hon Emily Thornberry MP",
                ],
                [
                    "Jeremy Corbyn",
                    "Commons",
                    "Independent",
                    names[ISL_NORTH],
                    ISL_NORTH,
                    "",
                    "https://y",
                    "England",
                    "Jeremy Corbyn MP",
                ],
            ],
            crlf=True,
        ),
        bom=True,
    )
    # South and North are 0.01° squares 0.0004° (~28 m) apart; Leeds is far; CORNER only
    # touches North at one corner.
    features = [
        (ISL_SOUTH, names[ISL_SOUTH], _square(-0.12, 51.53, 0.01)),
        (ISL_NORTH, names[ISL_NORTH], _square(-0.1096, 51.53, 0.01)),
        (LEEDS_NW, names[LEEDS_NW], _square(-1.6, 53.8, 0.05)),
        (CORNER, "Corner Test", _square(-0.0996, 51.54, 0.01)),
    ]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"PCON24CD": c, "PCON24NM": n, "PCON24NMW": ""},
                "geometry": g,
            }
            for c, n, g in features
        ],
    }
    _write(folder / "boundaries" / "pcon.geojson.gz", json.dumps(collection))
    ward = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature",
             "properties": {"WD25CD": "E05099999", "WD25NM": "Barnsbury", "LAD25CD": ISLINGTON},
             "geometry": _square(-0.12, 51.53, 0.005)},
        ],
    }  # fmt: skip
    _write(folder / "boundaries" / "ward" / f"{ISLINGTON}.geojson", json.dumps(ward))
    _write(folder / "README.txt.csv", "this,is,not\na,known,layout\n")
    return folder
