"""The 45 forces publishing on data.police.uk: file-name slug, "Reported by" name, ONS PFA code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Force:
    """One police.uk force: its slug in file names, its names in rows and its ONS PFA code."""

    slug: str
    name: str
    pfa_code: str | None
    aliases: tuple[str, ...] = ()


# PFA codes from the ONS "Police Force Areas (December 2019) Names and Codes"; BTP polices the
# railways and has no area, and N99999999 is the ONS placeholder for Northern Ireland.
FORCES: tuple[Force, ...] = (
    Force("avon-and-somerset", "Avon and Somerset Constabulary", "E23000036"),
    Force("bedfordshire", "Bedfordshire Police", "E23000026"),
    Force("btp", "British Transport Police", None),
    Force("cambridgeshire", "Cambridgeshire Constabulary", "E23000023"),
    Force("cheshire", "Cheshire Constabulary", "E23000006"),
    Force("city-of-london", "City of London Police", "E23000034"),
    Force("cleveland", "Cleveland Police", "E23000013"),
    Force("cumbria", "Cumbria Constabulary", "E23000002"),
    Force("derbyshire", "Derbyshire Constabulary", "E23000018"),
    Force(
        "devon-and-cornwall", "Devon & Cornwall Police", "E23000035", ("Devon and Cornwall Police",)
    ),
    Force("dorset", "Dorset Police", "E23000039"),
    Force("durham", "Durham Constabulary", "E23000008"),
    Force("dyfed-powys", "Dyfed-Powys Police", "W15000004"),
    Force("essex", "Essex Police", "E23000028"),
    Force("gloucestershire", "Gloucestershire Constabulary", "E23000037"),
    Force("greater-manchester", "Greater Manchester Police", "E23000005"),
    Force("gwent", "Gwent Police", "W15000002"),
    Force(
        "hampshire",
        "Hampshire Constabulary",
        "E23000030",
        ("Hampshire and Isle of Wight Constabulary",),
    ),
    Force("hertfordshire", "Hertfordshire Constabulary", "E23000027"),
    Force("humberside", "Humberside Police", "E23000012"),
    Force("kent", "Kent Police", "E23000032"),
    Force("lancashire", "Lancashire Constabulary", "E23000003"),
    Force("leicestershire", "Leicestershire Police", "E23000021"),
    Force("lincolnshire", "Lincolnshire Police", "E23000020"),
    Force("merseyside", "Merseyside Police", "E23000004"),
    Force("metropolitan", "Metropolitan Police Service", "E23000001"),
    Force("norfolk", "Norfolk Constabulary", "E23000024"),
    Force("north-wales", "North Wales Police", "W15000001"),
    Force("north-yorkshire", "North Yorkshire Police", "E23000009"),
    Force("northamptonshire", "Northamptonshire Police", "E23000022"),
    Force("northern-ireland", "Police Service of Northern Ireland", "N99999999"),
    Force("northumbria", "Northumbria Police", "E23000007"),
    Force("nottinghamshire", "Nottinghamshire Police", "E23000019"),
    Force("south-wales", "South Wales Police", "W15000003"),
    Force("south-yorkshire", "South Yorkshire Police", "E23000011"),
    Force("staffordshire", "Staffordshire Police", "E23000015"),
    Force("suffolk", "Suffolk Constabulary", "E23000025"),
    Force("surrey", "Surrey Police", "E23000031"),
    Force("sussex", "Sussex Police", "E23000033"),
    Force("thames-valley", "Thames Valley Police", "E23000029"),
    Force("warwickshire", "Warwickshire Police", "E23000017"),
    Force("west-mercia", "West Mercia Police", "E23000016"),
    Force("west-midlands", "West Midlands Police", "E23000014"),
    Force("west-yorkshire", "West Yorkshire Police", "E23000010"),
    Force("wiltshire", "Wiltshire Police", "E23000038"),
)

_BY_SLUG = {force.slug: force for force in FORCES}
_BY_NAME = {name.casefold(): force for force in FORCES for name in (force.name, *force.aliases)}


def force_by_slug(slug: str) -> Force | None:
    """Return the force with this file-name slug, or None.

    >>> force_by_slug("metropolitan").name
    'Metropolitan Police Service'
    """
    return _BY_SLUG.get(slug)


def force_by_name(name: str) -> Force | None:
    """Return the force whose "Reported by" name this is (case-insensitive), or None.

    >>> force_by_name("West Yorkshire Police").slug
    'west-yorkshire'
    """
    return _BY_NAME.get(name.strip().casefold())
