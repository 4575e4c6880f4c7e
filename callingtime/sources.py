"""The data sources callingtime reads, each with the licence and attribution line it requires."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataSource:
    """A publisher's data set and the words its licence asks us to show."""

    key: str
    name: str
    publisher: str
    licence: str
    attribution: str
    url: str


OGL_LINE = "Contains public sector information licensed under the Open Government Licence v3.0."

SOURCES: tuple[DataSource, ...] = (
    DataSource(
        "police-uk",
        "Street-level crime, outcomes and stop and search",
        "data.police.uk (Home Office)",
        "Open Government Licence v3.0",
        OGL_LINE,
        "https://data.police.uk/data/",
    ),
    DataSource(
        "mps",
        "Recorded crime: geographic breakdown (borough and ward)",
        "Metropolitan Police Service, via the London Datastore",
        "Open Government Licence v3.0",
        OGL_LINE,
        "https://data.london.gov.uk/dataset/recorded_crime_summary",
    ),
    DataSource(
        "ons-geography",
        "LSOA, ward, local authority and constituency lookups, centroids, boundaries, "
        "population estimates",
        "Office for National Statistics",
        "Open Government Licence v3.0",
        "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
        "Contains OS data © Crown copyright and database right 2024.",
        "https://geoportal.statistics.gov.uk/",
    ),
    DataSource(
        "ons-postcodes",
        "Postcode to Output Area to LSOA to MSOA to LAD (May 2022) best-fit lookup",
        "Office for National Statistics",
        "Open Government Licence v3.0",
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
        "Contains OS data © Crown copyright and database right 2022. Contains Royal Mail data © "
        "Royal Mail copyright and database right 2022. Contains GeoPlace data © Local Government "
        "Information House Limited copyright and database right 2022.",
        "https://geoportal.statistics.gov.uk/",
    ),
    DataSource(
        "parliament-mps",
        "Members of Parliament elected in July 2024",
        "UK Parliament (members.parliament.uk)",
        "Open Parliament Licence v3.0",
        "Contains Parliamentary information licensed under the Open Parliament Licence v3.0.",
        "https://members.parliament.uk/",
    ),
)

NOT_NATIONAL_STATISTICS = (
    "Police recorded crime is not designated as National Statistics: it shows what the police "
    "recorded, which depends on reporting and recording practice as well as on crime."
)
