"""Crime categories: police.uk types and API slugs; the Met's three schemes mapped to one set.

The Met (London Datastore) publishes in three category schemes. Every (major, minor) pair seen in
the real files maps to one major-level category and, where the figure is comparable across
schemes, to minor-level and aggregate categories too. A category lists the schemes that supply it:
a series may only be spliced across the schemes listed (tests/crimedata/test_categories_mps.py
checks every pair on the overlapping months).
"""

from __future__ import annotations

from dataclasses import dataclass

from callingtime.crimedata.mps_schemes import (
    COARSE_MAJORS,
    DETAILED_MAJORS,
    OLD_MAJORS,
    SchemeMajors,
)

UNKNOWN_MPS_CATEGORY = "unknown {scheme} category: major {major!r}, minor {minor!r}"
UNKNOWN_SCHEME = "unknown MPS category scheme {scheme!r}"

# --- police.uk -------------------------------------------------------------------------------

POLICEUK_CRIME_TYPES: dict[str, str] = {
    "Anti-social behaviour": "anti-social-behaviour",
    "Bicycle theft": "bicycle-theft",
    "Burglary": "burglary",
    "Criminal damage and arson": "criminal-damage-arson",
    "Drugs": "drugs",
    "Other crime": "other-crime",
    "Other theft": "other-theft",
    "Possession of weapons": "possession-of-weapons",
    "Public order": "public-order",
    "Robbery": "robbery",
    "Shoplifting": "shoplifting",
    "Theft from the person": "theft-from-the-person",
    "Vehicle crime": "vehicle-crime",
    "Violence and sexual offences": "violent-crime",
}
"""The 14 police.uk `Crime type` values (street files) and their API slugs."""

POLICEUK_AGGREGATE_SLUGS: dict[str, str] = {
    "all-crime": "All crime (police.uk definition: anti-social behaviour included)",
    "all-crime-excl-asb": "All crime excluding anti-social behaviour",
}
"""Aggregate police.uk slugs and their display labels."""

POLICEUK_SLUG_LABELS: dict[str, str] = {
    **{slug: name for name, slug in POLICEUK_CRIME_TYPES.items()},
    **POLICEUK_AGGREGATE_SLUGS,
}
"""Every police.uk API slug (16) with its display label."""


def policeuk_slug(crime_type: str) -> str | None:
    """Return the API slug of a police.uk crime type, or None when it is not one of the 14.

    >>> policeuk_slug("Violence and sexual offences")
    'violent-crime'
    """
    return POLICEUK_CRIME_TYPES.get(crime_type)


def policeuk_slug_label(slug: str) -> str:
    """Return the display label of a police.uk slug; KeyError when it is unknown.

    >>> policeuk_slug_label("criminal-damage-arson")
    'Criminal damage and arson'
    """
    return POLICEUK_SLUG_LABELS[slug]


# --- the Met's categories ----------------------------------------------------------------------

MPS_SCHEMES = ("old", "detailed", "coarse")
BLADE_OR_POINT = "possession-of-article-with-blade-or-point"


@dataclass(frozen=True)
class MpsCategory:
    """One category of the Met's series, with the schemes that supply it comparably."""

    slug: str
    label: str
    schemes: tuple[str, ...]
    note: str = ""


_DC = ("detailed", "coarse")
_ALL = ("old", "detailed", "coarse")
_OLD = ("old",)

MPS_CATEGORIES: dict[str, MpsCategory] = {
    c.slug: c
    for c in (
        MpsCategory("all-recorded-crime", "All recorded crime", _DC, "every row of the file"),
        MpsCategory(
            "violent-crime",
            "Violence against the person and sexual offences",
            _DC,
            "comparable with police.uk's violent-crime (Violence and sexual offences)",
        ),
        MpsCategory("violence-against-the-person", "Violence against the person", _DC),
        MpsCategory("homicide", "Homicide", _DC, "the old scheme's Murder is narrower"),
        MpsCategory(
            "violence-with-injury",
            "Violence with injury",
            _DC,
            "coarse scheme: Violence with injury plus Death or serious injury by illegal driving",
        ),
        MpsCategory(
            "violence-without-injury",
            "Violence without injury (including stalking and harassment)",
            _DC,
            "coarse scheme: Violence without injury plus Stalking and harassment",
        ),
        MpsCategory("sexual-offences", "Sexual offences", _ALL),
        MpsCategory("rape", "Rape", _ALL),
        MpsCategory("robbery", "Robbery", _ALL),
        MpsCategory("robbery-of-personal-property", "Robbery of personal property", _ALL),
        MpsCategory("burglary", "Burglary", _ALL, "residential and business burglary together"),
        MpsCategory("possession-of-weapons", "Possession of weapons", _DC),
        MpsCategory(
            BLADE_OR_POINT,
            "Possession of article with blade or point",
            ("detailed",),
            "detailed scheme only (to January 2024); not 'knife crime'",
        ),
        MpsCategory("drugs", "Drug offences", _DC),
        MpsCategory("theft", "Theft", _DC, "excludes vehicle offences"),
        MpsCategory("shoplifting", "Shoplifting", _ALL),
        MpsCategory("bicycle-theft", "Bicycle theft", _ALL),
        MpsCategory("theft-from-the-person", "Theft from the person", _ALL),
        MpsCategory("vehicle-offences", "Vehicle offences", _ALL),
        MpsCategory("criminal-damage-arson", "Arson and criminal damage", _DC),
        MpsCategory("public-order", "Public order offences", _DC),
        MpsCategory(
            "miscellaneous-crimes-against-society", "Miscellaneous crimes against society", _DC
        ),
        MpsCategory("fraud-and-forgery", "Fraud and forgery (police-recorded)", _DC),
        MpsCategory("nfib-fraud", "Fraud recorded by NFIB", ("coarse",), "coarse scheme only"),
        MpsCategory(
            "violence-against-the-person-2008-scheme",
            "Violence against the person (2008-2018 definition)",
            _OLD,
            "includes harassment and offensive weapon; not comparable with later schemes",
        ),
        MpsCategory("theft-and-handling-2008-scheme", "Theft and handling (2008-2018)", _OLD),
        MpsCategory("criminal-damage-2008-scheme", "Criminal damage (2008-2018)", _OLD),
        MpsCategory("drugs-2008-scheme", "Drugs (2008-2018)", _OLD),
        MpsCategory("fraud-or-forgery-2008-scheme", "Fraud or forgery (2008-2018)", _OLD),
        MpsCategory(
            "other-notifiable-offences-2008-scheme", "Other notifiable offences (2008-2018)", _OLD
        ),
    )
}
"""Every category of the Met's series, keyed by slug."""

MPS_AGGREGATES: dict[str, tuple[str, ...]] = {
    "violent-crime": ("violence-against-the-person", "sexual-offences"),
}
"""Categories that are the sum of other categories (a row counts once in each)."""

MPS_POLICEUK_COUNTERPART: dict[str, str] = {"violent-crime": "violent-crime"}
"""The Met category that corresponds to a police.uk slug by definition (same Home Office groups)."""

_SCHEME_MAJORS: dict[str, SchemeMajors] = {
    "old": OLD_MAJORS,
    "detailed": DETAILED_MAJORS,
    "coarse": COARSE_MAJORS,
}


def mps_category_slugs(scheme: str, major: str, minor: str) -> tuple[str, ...] | None:
    """Return every category a row counts towards (major-level first), or None when unknown.

    >>> mps_category_slugs("detailed", "Violence Against the Person", "Homicide")
    ('violence-against-the-person', 'homicide', 'all-recorded-crime', 'violent-crime')
    """
    majors = _SCHEME_MAJORS.get(scheme)
    if majors is None:
        raise ValueError(UNKNOWN_SCHEME.format(scheme=scheme))
    entry = majors.get(major)
    if entry is None or minor not in entry[1]:
        return None
    major_slug, minors = entry
    slugs = [major_slug, *minors[minor]]
    if scheme != "old":
        slugs.append("all-recorded-crime")
    slugs += [
        agg
        for agg, parts in MPS_AGGREGATES.items()
        if set(parts) & set(slugs) and scheme in MPS_CATEGORIES[agg].schemes
    ]
    return tuple(slugs)


def mps_category_major_known(scheme: str, major: str) -> bool:
    """Return whether a major category is known in a scheme (to name the wrong column).

    >>> mps_category_major_known("coarse", "NFIB FRAUD")
    True
    """
    return major in _SCHEME_MAJORS[scheme]


def mps_category_label(slug: str) -> str:
    """Return the display label of a Met category slug; KeyError when it is unknown.

    >>> mps_category_label(BLADE_OR_POINT)
    'Possession of article with blade or point'
    """
    return MPS_CATEGORIES[slug].label


def mps_category_pairs(scheme: str) -> tuple[tuple[str, str], ...]:
    """Return every known (major, minor) pair of a scheme, in a stable order.

    >>> ("Robbery", "Personal Property") in mps_category_pairs("old")
    True
    """
    return tuple(
        (major, minor)
        for major, (_slug, minors) in _SCHEME_MAJORS[scheme].items()
        for minor in minors
    )


def mps_categories_single_scheme() -> tuple[str, ...]:
    """Return the categories only one scheme supplies, which cannot be compared across schemes.

    >>> BLADE_OR_POINT in mps_categories_single_scheme()
    True
    """
    return tuple(slug for slug, c in MPS_CATEGORIES.items() if len(c.schemes) == 1)
