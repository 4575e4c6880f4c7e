"""The Met's three category schemes as data: every (major, minor) seen in the real files.

Each major maps to its major-level category slug and, per minor, to the further categories the
row counts towards. Text is matched exactly (the detailed scheme is Title Case, the coarse scheme
UPPER CASE, minors truncated to 50 characters as published).
"""

from __future__ import annotations

from typing import TypeAlias

MinorSlugs: TypeAlias = dict[str, tuple[str, ...]]
SchemeMajors: TypeAlias = dict[str, tuple[str, MinorSlugs]]


def _plain(*minors: str) -> MinorSlugs:
    return {minor: () for minor in minors}


DETAILED_MAJORS: SchemeMajors = {
    "Violence Against the Person": (
        "violence-against-the-person",
        {
            "Homicide": ("homicide",),
            "Violence with Injury": ("violence-with-injury",),
            "Violence without Injury": ("violence-without-injury",),
        },
    ),
    "Sexual Offences": (
        "sexual-offences",
        {"Rape": ("rape",), "Other Sexual Offences": ()},
    ),
    "Robbery": (
        "robbery",
        {
            "Robbery of Personal Property": ("robbery-of-personal-property",),
            "Robbery of Business Property": (),
        },
    ),
    "Burglary": ("burglary", _plain("Domestic Burglary", "Burglary Business and Community")),
    "Possession of Weapons": (
        "possession-of-weapons",
        {
            "Possession of Article with Blade or Point": (
                "possession-of-article-with-blade-or-point",
            ),
            **_plain(
                "Other Knife Offences",
                "Possession of Other Weapon",
                "Possession of Firearms Offences",
                "Possession of Firearm with Intent",
                "Other Firearm Offences",
            ),
        },
    ),
    "Drug Offences": ("drugs", _plain("Drug Trafficking", "Possession of Drugs")),
    "Theft": (
        "theft",
        {
            "Bicycle Theft": ("bicycle-theft",),
            "Shoplifting": ("shoplifting",),
            "Theft from Person": ("theft-from-the-person",),
            "Other Theft": (),
        },
    ),
    "Vehicle Offences": (
        "vehicle-offences",
        _plain(
            "Aggravated Vehicle Taking",
            "Interfering with a Motor Vehicle",
            "Theft from a Motor Vehicle",
            "Theft or Taking of a Motor Vehicle",
        ),
    ),
    "Arson and Criminal Damage": ("criminal-damage-arson", _plain("Arson", "Criminal Damage")),
    "Public Order Offences": (
        "public-order",
        _plain(
            "Other Offences Against the State, or Public Order",
            "Public Fear Alarm or Distress",
            "Racially or Religiously Aggravated Public Fear, Al",
            "Violent Disorder",
        ),
    ),
    "Miscellaneous Crimes Against Society": (
        "miscellaneous-crimes-against-society",
        _plain(
            "Absconding from Lawful Custody",
            "Aiding Suicide",
            "Bail Offences",
            "Bigamy",
            "Concealing an Infant Death Close to Birth",
            "Dangerous Driving",
            "Disclosure, Obstruction, False or Misleading State",
            "Exploitation of Prostitution",
            "Forgery or Use of Drug Prescription",
            "Fraud or Forgery Associated with Driver Records",
            "Going Equipped for Stealing",
            "Handling Stolen Goods",
            "Making, Supplying or Possessing Articles for use i",
            "Obscene Publications",
            "Offender Management Act",
            "Other Forgery",
            "Other Notifiable Offences",
            "Perjury",
            "Perverting Course of Justice",
            "Possession of False Documents",
            "Profitting From or Concealing Proceeds of Crime",
            "Soliciting for Prostitution",
            "Threat or Possession With Intent to Commit Crimina",
            "Wildlife Crime",
        ),
    ),
    "Historical Fraud and Forgery": ("fraud-and-forgery", _plain("Historical Fraud and Forgery")),
}
"""Detailed Home Office scheme (Title Case; files published up to early 2024)."""

COARSE_MAJORS: SchemeMajors = {
    "VIOLENCE AGAINST THE PERSON": (
        "violence-against-the-person",
        {
            "HOMICIDE": ("homicide",),
            "VIOLENCE WITH INJURY": ("violence-with-injury",),
            # the detailed scheme counts these inside its two VAP minors (checked on the overlap)
            "DEATH SERIOUS INJURY ILLEGAL DRIVING": ("violence-with-injury",),
            "VIOLENCE WITHOUT INJURY": ("violence-without-injury",),
            "STALKING AND HARASSMENT": ("violence-without-injury",),
        },
    ),
    "SEXUAL OFFENCES": ("sexual-offences", {"RAPE": ("rape",), "OTHER SEXUAL OFFENCES": ()}),
    "ROBBERY": (
        "robbery",
        {
            "ROBBERY OF PERSONAL PROPERTY": ("robbery-of-personal-property",),
            "ROBBERY OF BUSINESS PROPERTY": (),
        },
    ),
    "BURGLARY": (
        "burglary",
        _plain(
            "DOMESTIC BURGLARY",
            "BURGLARY BUSINESS AND COMMUNITY",
            "RES BURGLARY OF A HOME",
            "RES BURGLARY OF UNCONNECTED BUILDING",
            "BURGLARY - RESIDENTIAL",
            "BURGLARY IN A DWELLING",
            "BURGLARY NON-DWELLING",
        ),
    ),
    "POSSESSION OF WEAPONS": ("possession-of-weapons", _plain("POSSESSION OF WEAPONS")),
    "DRUG OFFENCES": ("drugs", _plain("POSSESSION OF DRUGS", "TRAFFICKING OF DRUGS")),
    "THEFT": (
        "theft",
        {
            "BICYCLE THEFT": ("bicycle-theft",),
            "SHOPLIFTING": ("shoplifting",),
            "THEFT FROM THE PERSON": ("theft-from-the-person",),
            "OTHER THEFT": (),
        },
    ),
    "VEHICLE OFFENCES": (
        "vehicle-offences",
        _plain(
            "AGGRAVATED VEHICLE TAKING",
            "INTERFERING WITH A MOTOR VEHICLE",
            "THEFT FROM A VEHICLE",
            "THEFT OR UNAUTH TAKING OF A MOTOR VEH",
        ),
    ),
    "ARSON AND CRIMINAL DAMAGE": ("criminal-damage-arson", _plain("ARSON", "CRIMINAL DAMAGE")),
    "PUBLIC ORDER OFFENCES": (
        "public-order",
        _plain(
            "OTHER OFFENCES PUBLIC ORDER",
            "PUBLIC FEAR ALARM OR DISTRESS",
            "RACE OR RELIGIOUS AGG PUBLIC FEAR",
            "VIOLENT DISORDER",
        ),
    ),
    "MISCELLANEOUS CRIMES AGAINST SOCIETY": (
        "miscellaneous-crimes-against-society",
        _plain("MISC CRIMES AGAINST SOCIETY"),
    ),
    "FRAUD AND FORGERY": ("fraud-and-forgery", _plain("FRAUD AND FORGERY")),
    "NFIB FRAUD": ("nfib-fraud", _plain("NFIB")),
}
"""Coarse scheme (UPPER CASE; files published from about 2024): no knife split."""

OLD_MAJORS: SchemeMajors = {
    "Violence Against the Person": (
        "violence-against-the-person-2008-scheme",
        {
            **_plain(
                "Murder",
                "Assault with Injury",
                "Common Assault",
                "Grievous Bodily Harm",
                "Harassment",
                "Offensive Weapon",
                "Other violence",
                "Other Violence",
                "Wounding/GBH",
            ),
        },
    ),
    "Sexual Offences": ("sexual-offences", {"Rape": ("rape",), "Other Sexual": ()}),
    "Robbery": (
        "robbery",
        {"Personal Property": ("robbery-of-personal-property",), "Business Property": ()},
    ),
    "Burglary": (
        "burglary",
        _plain(
            "Burglary in a Dwelling",
            "Burglary in Other Buildings",
            "Burglary - Residential",
            "Burglary - Business and Community",
        ),
    ),
    "Theft and Handling": (
        "theft-and-handling-2008-scheme",
        {
            "Theft/Taking of Pedal Cycle": ("bicycle-theft",),
            "Theft/Taking of Pedal Cycles": ("bicycle-theft",),
            "Theft From Shops": ("shoplifting",),
            "Other Theft Person": ("theft-from-the-person",),
            "Theft Person": ("theft-from-the-person",),
            "Theft From Motor Vehicle": ("vehicle-offences",),
            "Theft From M/V": ("vehicle-offences",),
            "Theft/Taking Of Motor Vehicle": ("vehicle-offences",),
            "Theft/Taking of M/V": ("vehicle-offences",),
            "Motor Vehicle Interference & Tampering": ("vehicle-offences",),
            "M/V Interference & Tampering": ("vehicle-offences",),
            "Other Theft": (),
            "Handling Stolen Goods": (),
        },
    ),
    "Criminal Damage": (
        "criminal-damage-2008-scheme",
        _plain(
            "Arson",
            "Criminal Damage To Dwelling",
            "Criminal Damage To a Dwelling",
            "Criminal Damage To Motor Vehicle",
            "Criminal Damage To M/V",
            "Criminal Damage To Other Building",
            "Criminal Damage To Other Bldg",
            "Other Criminal Damage",
        ),
    ),
    "Drugs": (
        "drugs-2008-scheme",
        _plain("Drug Trafficking", "Possession Of Drugs", "Other Drugs", "Other Drug Offences"),
    ),
    "Fraud or Forgery": (
        "fraud-or-forgery-2008-scheme",
        _plain("Counted per Victim", "Other Fraud & Forgery"),
    ),
    "Other Notifiable Offences": (
        "other-notifiable-offences-2008-scheme",
        _plain("Going Equipped", "Other Notifiable"),
    ),
}
"""Old scheme (2008-2018 files: Borough, Major Category, Minor Category)."""
