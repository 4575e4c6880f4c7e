"""Paper fixtures: a petition with a pack of sheets, keyers, and live demo postcodes."""

from __future__ import annotations

from typing import Any

import pytest

from callingtime.paper.models import Pack
from callingtime.paper.packs import PackRequestDetails, pack_request_create
from callingtime.petitions.models import Petition
from tests.factories import CampaignFactory, OrganisationFactory, PetitionFactory, staff_member


@pytest.fixture
def organisation() -> Any:
    return OrganisationFactory()


@pytest.fixture
def petition(organisation: Any) -> Petition:
    return PetitionFactory(campaign=CampaignFactory(organisations=[organisation]))


@pytest.fixture
def keyer(organisation: Any) -> Any:
    return staff_member("data_entry", organisation)


@pytest.fixture
def second_keyer(organisation: Any) -> Any:
    return staff_member("data_entry", organisation)


@pytest.fixture
def organiser(organisation: Any) -> Any:
    return staff_member("organiser", organisation)


def pack_for(petition: Petition, sheets: int = 3) -> Pack:
    """Return a requested pack of the petition (what a volunteer asking would make)."""
    return pack_request_create(
        petition=petition,
        details=PackRequestDetails(
            name="Vol Unteer",
            email="volunteer@example.org",
            address_line_1="1 High Street",
            address_line_2="",
            town="London",
            postcode="N1 1AA",
            sheet_count=sheets,
            note="",
        ),
        ip_address=None,
    )


@pytest.fixture
def pack(petition: Petition) -> Pack:
    return pack_for(petition)
