"""The public reads: what the public may see, lists, progress, constituency counts, the map."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from callingtime.campaigns.models import CampaignArea
from callingtime.petitions import selectors
from callingtime.petitions.models import (
    ConstituencyCount,
    Petition,
    PetitionState,
    SiteSwitches,
)
from callingtime.petitions.signing import (
    SIGNING_CLOSED,
    SIGNING_PAUSED,
    signing_context_forget,
)
from tests.factories import MilestoneFactory, PetitionFactory, consent_wording

pytestmark = pytest.mark.django_db

ISLINGTON_NORTH = "E14001305"
HOLBORN = "E14001290"


@pytest.fixture(autouse=True)
def _fresh_signing_context() -> Iterator[None]:
    # The signing context is cached per process by petition id, and ids repeat across tests.
    signing_context_forget()
    yield
    signing_context_forget()


@pytest.fixture
def no_geography(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.AREAS_DB_PATH = tmp_path / "missing-areas.duckdb"


def _counts(petition: Petition, **by_code: tuple[int, int]) -> None:
    for code, (online, paper) in by_code.items():
        ConstituencyCount.objects.create(
            petition=petition,
            ons_code="" if code == "unknown" else code,
            signature_count=online + paper,
            signature_count_online=online,
            signature_count_paper=paper,
        )


def test_petition_public_get_hides_drafts_and_impossible_ids() -> None:
    draft = PetitionFactory(state=PetitionState.DRAFT)
    shown = PetitionFactory(state=PetitionState.CLOSED)
    assert selectors.petition_public_get(petition_id=draft.pk) is None
    assert selectors.petition_public_get(petition_id=shown.pk) == shown
    assert selectors.petition_public_get(petition_id=0) is None
    assert selectors.petition_public_get(petition_id=10**30) is None


def test_petitions_public_splits_open_and_closed_and_never_lists_drafts() -> None:
    today = timezone.localdate()
    open_one = PetitionFactory(signature_count=5)
    busiest = PetitionFactory(signature_count=50)
    lapsed = PetitionFactory(closing_date=today - timedelta(days=1))
    closed = PetitionFactory(state=PetitionState.CLOSED)
    PetitionFactory(state=PetitionState.DRAFT)
    assert list(selectors.petitions_public(state="open")) == [busiest, open_one]
    assert set(selectors.petitions_public(state="closed")) == {lapsed, closed}
    assert len(selectors.petitions_public(state="all")) == 4


def test_petitions_public_page_pages_by_fifty() -> None:
    for _ in range(selectors.PAGE_SIZE + 1):
        PetitionFactory()
    first = selectors.petitions_public_page(state="open", number=1)
    second = selectors.petitions_public_page(state="open", number=2)
    beyond = selectors.petitions_public_page(state="open", number=10**9)
    assert (len(first.petitions), first.last, first.total) == (50, 2, 51)
    assert len(second.petitions) == 1
    assert {p.pk for p in first.petitions}.isdisjoint(p.pk for p in second.petitions)
    assert beyond.petitions == [] and beyond.last == 2


def test_petitions_public_page_when_there_are_none() -> None:
    page = selectors.petitions_public_page(state="closed", number=1)
    assert (page.petitions, page.number, page.last, page.total) == ([], 1, 1, 0)


def test_milestone_progress_towards_the_next_milestone() -> None:
    petition = PetitionFactory(signature_count=150)
    reached = MilestoneFactory(petition=petition, threshold=100, reached_at=timezone.now())
    upcoming = MilestoneFactory(petition=petition, threshold=1000, label="Debate")
    MilestoneFactory(petition=petition, threshold=10_000)
    milestones = selectors.petition_milestones(petition=petition)
    progress = selectors.milestone_progress(petition=petition, milestones=milestones)
    assert progress.reached == [reached]
    assert progress.next == upcoming
    assert (progress.percent, progress.remaining) == (15, 850)


def test_milestone_progress_with_every_milestone_reached_or_none() -> None:
    petition = PetitionFactory(signature_count=20)
    done = MilestoneFactory(petition=petition, threshold=10, reached_at=timezone.now())
    progress = selectors.milestone_progress(petition=petition, milestones=[done])
    assert (progress.next, progress.percent, progress.reached) == (None, 100, [done])
    empty = selectors.milestone_progress(petition=petition, milestones=[])
    assert empty.next is None and empty.reached == []


def test_petition_count_by_constituency_names_mps_and_puts_not_known_last(
    demo_stores: object,
) -> None:
    petition = PetitionFactory()
    _counts(petition, **{HOLBORN: (3, 0), ISLINGTON_NORTH: (5, 2), "unknown": (9, 0)})
    ConstituencyCount.objects.create(petition=petition, ons_code="E14001306")  # zero: left out
    table = selectors.petition_count_by_constituency(petition=petition)
    assert table.geography_loaded
    assert [(r.ons_code, r.name, r.mp, r.signature_count) for r in table.rows] == [
        (ISLINGTON_NORTH, "Islington North", "Jeremy Corbyn", 7),
        (HOLBORN, "Holborn and St Pancras", "Keir Starmer", 3),
        ("", selectors.CONSTITUENCY_NOT_KNOWN, None, 9),
    ]
    assert (table.rows[0].signature_count_online, table.rows[0].signature_count_paper) == (5, 2)


def test_petition_count_by_constituency_without_geography_shows_codes(
    no_geography: None,
) -> None:
    petition = PetitionFactory()
    _counts(petition, **{ISLINGTON_NORTH: (2, 0)})
    table = selectors.petition_count_by_constituency(petition=petition)
    assert not table.geography_loaded
    assert [(r.name, r.mp) for r in table.rows] == [(ISLINGTON_NORTH, None)]


def test_petition_map_geojson_shades_signed_and_outlines_campaign_constituencies(
    demo_stores: object,
) -> None:
    petition = PetitionFactory()
    _counts(petition, **{ISLINGTON_NORTH: (7, 0), HOLBORN: (1, 0), "unknown": (4, 0)})
    CampaignArea.objects.create(
        campaign=petition.campaign, code="E14001306", name="Islington S", type="constituency"
    )
    CampaignArea.objects.create(
        campaign=petition.campaign, code=ISLINGTON_NORTH, name="Islington N", type="constituency"
    )
    areas = selectors.campaign_areas(petition=petition)
    collection = selectors.petition_map_geojson(petition=petition, areas=areas, stamp=1)
    assert collection["type"] == "FeatureCollection"
    found = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    assert set(found) == {ISLINGTON_NORTH, HOLBORN, "E14001306"}
    assert found[ISLINGTON_NORTH]["signature_count"] == 7
    assert found[ISLINGTON_NORTH]["mp"] == "Jeremy Corbyn"
    assert found[ISLINGTON_NORTH]["in_campaign"] and not found[HOLBORN]["in_campaign"]
    assert found["E14001306"]["band"] is None  # in the campaign, no signatures yet
    assert found[ISLINGTON_NORTH]["band"] > found[HOLBORN]["band"]
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in collection["features"])
    assert [item["label"] for item in collection["legend"]] == ["1 signature", "2 to 7 signatures"]


def test_petition_map_geojson_needs_geography(no_geography: None) -> None:
    petition = PetitionFactory()
    with pytest.raises(selectors.GeographyNotLoadedError):
        selectors.petition_map_geojson(petition=petition, areas=[], stamp=0)


@pytest.mark.parametrize(
    ("values", "breaks"),
    [
        ([], []),
        ([4], [4]),
        ([1, 1, 1], [1]),
        ([1, 1, 2, 3, 5, 8, 13, 21, 34, 55], [1, 3, 8, 21, 55]),
    ],
)
def test_count_breaks(values: list[int], breaks: list[int]) -> None:
    assert selectors.count_breaks(values) == breaks


def test_petition_signing_problem_says_why_signing_is_refused() -> None:
    consent_wording()
    petition = PetitionFactory()
    assert selectors.petition_signing_problem(petition=petition) is None
    closed = PetitionFactory(state=PetitionState.CLOSED)
    assert selectors.petition_signing_problem(petition=closed) == SIGNING_CLOSED
    paused = PetitionFactory(signing_paused=True)
    assert selectors.petition_signing_problem(petition=paused) == SIGNING_PAUSED
    switches = SiteSwitches.current()
    switches.signing_paused = True
    switches.save()
    signing_context_forget()
    assert selectors.petition_signing_problem(petition=petition) == SIGNING_PAUSED


def test_petition_sign_page_names_every_data_controller() -> None:
    consent_wording()
    petition = PetitionFactory()
    page = selectors.petition_sign_page(petition=petition)
    assert page.consent is not None
    assert page.organisations == list(petition.campaign.organisations.all())
    assert page.problem is None
