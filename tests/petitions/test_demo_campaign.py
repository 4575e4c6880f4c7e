"""The demo campaign `callingtime start` creates: real neighbouring areas, idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from callingtime.areas.store import AreasStore
from callingtime.campaigns.models import Campaign, CampaignArea, Organisation
from callingtime.petitions.demo_campaign import (
    DEMO_AREAS,
    DEMO_ORGANISATIONS,
    demo_campaign_ensure,
)
from callingtime.petitions.models import Milestone, Petition, PetitionState

pytestmark = pytest.mark.django_db


def test_demo_campaign_is_a_joint_open_petition_to_the_home_secretary() -> None:
    demo = demo_campaign_ensure(today=date(2026, 12, 1))
    assert demo.created
    campaign = demo.campaign
    assert campaign.title == "Calling Time on Crime"
    assert campaign.hashtag == "CallingTimeOnCrime"
    assert campaign.target == "The Home Secretary"
    names = sorted(o.name for o in campaign.organisations.all())
    assert "Office of the MP for Islington North (demo)" in names
    assert len(names) == 2
    assert demo.petition.state == PetitionState.OPEN
    assert demo.petition.is_open_on(date(2026, 12, 1))
    assert demo.petition.opened_at is not None
    thresholds = list(demo.petition.milestones.values_list("threshold", flat=True))
    assert thresholds == [100, 1_000, 10_000]
    assert "#CallingTimeOnCrime" in demo.summary()


def test_demo_campaign_twice_changes_nothing() -> None:
    first = demo_campaign_ensure()
    second = demo_campaign_ensure()
    assert not second.created
    assert second.petition.pk == first.petition.pk
    assert Organisation.objects.count() == len(DEMO_ORGANISATIONS)
    assert Campaign.objects.count() == 1
    assert Petition.objects.count() == 1
    assert CampaignArea.objects.count() == len(DEMO_AREAS)
    assert Milestone.objects.count() == 3


def test_demo_campaign_keeps_what_staff_changed() -> None:
    demo = demo_campaign_ensure()
    Petition.objects.filter(pk=demo.petition.pk).update(action="Edited by staff")
    again = demo_campaign_ensure()
    assert again.petition.action == "Edited by staff"


def test_demo_campaign_creates_no_staff_account() -> None:
    demo_campaign_ensure()
    assert not get_user_model().objects.exists()


def test_demo_areas_are_neighbouring_constituencies_of_the_demo_geography(
    demo_store_paths: tuple[Path, Path],
) -> None:
    _, areas_db = demo_store_paths
    with AreasStore.open(areas_db) as store:
        for code, name in DEMO_AREAS:
            area = store.area_get(code)
            assert area is not None, code
            assert (area.name, area.type) == (name, "constituency")
        first = DEMO_AREAS[0][0]
        neighbours = {area.code for area in store.area_neighbours(first)}
    assert {code for code, _ in DEMO_AREAS[1:]} <= neighbours
