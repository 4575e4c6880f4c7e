"""The counter: lagged windows, one `+ n` per petition and constituency, milestones, reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from callingtime.petitions.counting import petition_counts_reconcile, petition_counts_update
from callingtime.petitions.models import (
    ConstituencyCount,
    Petition,
    SignatureSource,
    SignatureState,
    SiteSwitches,
)
from tests.factories import MilestoneFactory, PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db

ISLINGTON_NORTH = "E14001305"
HACKNEY_NORTH = "E14001264"


def _validated(petition: Petition, when: object, code: str = ISLINGTON_NORTH, **kw: object) -> None:
    SignatureFactory(
        petition=petition,
        state=SignatureState.VALIDATED,
        validated_at=when,
        constituency_code=code,
        **kw,
    )


def _by_constituency(petition: Petition) -> dict[str, tuple[int, int, int]]:
    return {
        c.ons_code: (c.signature_count, c.signature_count_online, c.signature_count_paper)
        for c in ConstituencyCount.objects.filter(petition=petition)
    }


def test_counter_adds_validated_signatures_by_constituency_and_source() -> None:
    petition = PetitionFactory()
    now = timezone.now()
    for _ in range(3):
        _validated(petition, now - timedelta(seconds=30))
    _validated(petition, now - timedelta(seconds=30), HACKNEY_NORTH)
    _validated(petition, now - timedelta(seconds=30), "")
    _validated(petition, now - timedelta(seconds=30), source=SignatureSource.PAPER)
    SignatureFactory(petition=petition)  # pending: not counted
    SignatureFactory(petition=petition, state=SignatureState.FRAUDULENT)
    run = petition_counts_update(now=now)
    assert run.ran and run.added == 6
    petition.refresh_from_db()
    assert (petition.signature_count, petition.signature_count_online) == (6, 5)
    assert petition.signature_count_paper == 1
    assert _by_constituency(petition) == {
        ISLINGTON_NORTH: (4, 3, 1),
        HACKNEY_NORTH: (1, 1, 0),
        "": (1, 1, 0),
    }


def test_counter_leaves_the_lagged_window_for_the_next_run(settings: object) -> None:
    settings.COUNT_LAG_SECONDS = 2  # type: ignore[attr-defined]
    petition = PetitionFactory()
    now = timezone.now()
    _validated(petition, now - timedelta(seconds=10))
    _validated(petition, now - timedelta(seconds=1))  # inside the lag: not yet
    petition_counts_update(now=now)
    petition.refresh_from_db()
    assert petition.signature_count == 1
    petition_counts_update(now=now + timedelta(seconds=5))
    petition.refresh_from_db()
    assert petition.signature_count == 2


def test_counting_twice_never_double_counts() -> None:
    petition = PetitionFactory()
    now = timezone.now()
    _validated(petition, now - timedelta(seconds=30))
    petition_counts_update(now=now)
    petition_counts_update(now=now + timedelta(seconds=1))
    petition_counts_update(now=now + timedelta(seconds=20))
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert _by_constituency(petition) == {ISLINGTON_NORTH: (1, 1, 0)}


def test_counter_updates_each_petition_with_one_increment() -> None:
    petition = PetitionFactory()
    now = timezone.now()
    for _ in range(50):
        _validated(petition, now - timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        petition_counts_update(now=now)
    petition_updates = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE")
        and '"petitions_petition"' in q["sql"]
        and "signature_count" in q["sql"]
    ]
    assert len(petition_updates) == 1
    petition.refresh_from_db()
    assert petition.signature_count == 50


def test_milestones_are_reached_in_the_same_run() -> None:
    petition = PetitionFactory()
    ten = MilestoneFactory(petition=petition, threshold=10)
    hundred = MilestoneFactory(petition=petition, threshold=100)
    now = timezone.now()
    for _ in range(12):
        _validated(petition, now - timedelta(seconds=30))
    run = petition_counts_update(now=now)
    ten.refresh_from_db()
    hundred.refresh_from_db()
    assert ten.reached_at == now and hundred.reached_at is None
    assert run.milestones_reached == ((petition.pk, 10),)


def test_paused_counting_waits_and_then_catches_up() -> None:
    petition = PetitionFactory(counting_paused=True)
    now = timezone.now()
    _validated(petition, now - timedelta(seconds=30))
    petition_counts_update(now=now)
    petition.refresh_from_db()
    assert petition.signature_count == 0
    Petition.objects.filter(pk=petition.pk).update(counting_paused=False)
    petition_counts_update(now=now + timedelta(seconds=10))
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_site_wide_pause_stops_the_counter() -> None:
    switches = SiteSwitches.current()
    switches.counting_paused = True
    switches.save()
    petition = PetitionFactory()
    _validated(petition, timezone.now() - timedelta(seconds=30))
    run = petition_counts_update()
    assert not run.ran and "paused" in run.reason
    petition.refresh_from_db()
    assert petition.signature_count == 0


def test_reconcile_repairs_drift_and_missed_late_commits() -> None:
    petition = PetitionFactory()
    now = timezone.now()
    for _ in range(4):
        _validated(petition, now - timedelta(seconds=30))
    petition_counts_update(now=now)
    # A row committed late with an old timestamp, behind the counter's window, and a count
    # someone broke by hand.
    _validated(petition, now - timedelta(seconds=20))
    Petition.objects.filter(pk=petition.pk).update(signature_count=99)
    repairs = petition_counts_reconcile(petition_id=petition.pk)
    petition.refresh_from_db()
    assert petition.signature_count == 5 and petition.signature_count_online == 5
    assert _by_constituency(petition) == {ISLINGTON_NORTH: (5, 5, 0)}
    assert {(r.ons_code, r.was, r.now) for r in repairs} == {(None, 99, 5), (ISLINGTON_NORTH, 4, 5)}
    assert petition_counts_reconcile(petition_id=petition.pk) == []


def test_reconcile_drops_invalidated_signatures() -> None:
    petition = PetitionFactory()
    now = timezone.now()
    _validated(petition, now - timedelta(seconds=30))
    _validated(petition, now - timedelta(seconds=30), HACKNEY_NORTH)
    petition_counts_update(now=now)
    petition.signatures.filter(constituency_code=HACKNEY_NORTH).update(
        state=SignatureState.INVALIDATED
    )
    petition_counts_reconcile(petition_id=petition.pk)
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert _by_constituency(petition)[HACKNEY_NORTH] == (0, 0, 0)
