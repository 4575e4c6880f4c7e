"""The kill switches: pausing signing refuses signatures, pausing counting holds the counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import (
    Petition,
    PetitionState,
    Signature,
    SignatureState,
    SiteSwitches,
)
from callingtime.petitions.signing import (
    SIGNING_PAUSED,
    SigningUnavailableError,
    signature_create,
    signing_context,
    signing_context_forget,
)
from callingtime.petitions.switches import (
    petition_counting_pause,
    petition_signing_pause,
    petition_state_stamp,
    site_switches_allowed,
    site_switches_set,
)
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    PetitionFactory,
    SignatureFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_signing_cache() -> Any:
    # The cache is per process and keyed by petition id, which rolled-back tests reuse.
    signing_context_forget()
    yield
    signing_context_forget()


@pytest.fixture
def office() -> Any:
    return OrganisationFactory()


@pytest.fixture
def petition(office: Any) -> Petition:
    return PetitionFactory(campaign=CampaignFactory(organisations=[office]))


def _sign(petition: Petition) -> Any:
    pk = signature_create(
        petition_id=petition.pk,
        name="Ada Lovelace",
        email="ada@example.org",
        postcode="N7 8AA",
        uk_resident=True,
        opt_in=False,
        ip_address="192.0.2.1",
    )
    return Signature.objects.get(pk=pk)


def _validated(petition: Petition) -> Any:
    return SignatureFactory(
        petition=petition,
        state=SignatureState.VALIDATED,
        validated_at=timezone.now() - timedelta(minutes=1),
    )


def test_pausing_signing_refuses_new_signatures_at_once(office: Any, petition: Petition) -> None:
    _sign(petition)  # warms this process's one-second cache of the petition's state
    petition_signing_pause(user=staff_member("organiser", office), petition=petition, paused=True)
    with pytest.raises(SigningUnavailableError, match=SIGNING_PAUSED):
        _sign(Petition.objects.get(pk=petition.pk))


def test_resuming_signing_takes_signatures_again(office: Any, petition: Petition) -> None:
    organiser = staff_member("organiser", office)
    petition_signing_pause(user=organiser, petition=petition, paused=True)
    petition_signing_pause(user=organiser, petition=petition, paused=False)
    assert _sign(Petition.objects.get(pk=petition.pk)).state == SignatureState.PENDING


def test_site_wide_signing_pause_refuses_every_petition(office: Any, petition: Petition) -> None:
    elsewhere = PetitionFactory()
    signing_context(petition_id=elsewhere.pk)
    site_switches_set(user=staff_member("admin", office), signing_paused=True)
    for paused in (petition, elsewhere):
        with pytest.raises(SigningUnavailableError):
            _sign(paused)


def test_pausing_counting_holds_that_petition_only(office: Any, petition: Petition) -> None:
    other = PetitionFactory()
    _validated(petition)
    _validated(other)
    petition_counting_pause(user=staff_member("organiser", office), petition=petition, paused=True)
    run = petition_counts_update()
    assert run.ran
    petition.refresh_from_db()
    other.refresh_from_db()
    assert petition.signature_count == 0
    assert other.signature_count == 1


def test_resumed_counting_counts_what_waited(office: Any, petition: Petition) -> None:
    organiser = staff_member("organiser", office)
    _validated(petition)
    petition_counting_pause(user=organiser, petition=petition, paused=True)
    petition_counts_update()
    petition_counting_pause(user=organiser, petition=petition, paused=False)
    petition_counts_update()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_site_wide_counting_pause_stops_the_counter(office: Any, petition: Petition) -> None:
    _validated(petition)
    site_switches_set(user=staff_member("admin", office), counting_paused=True)
    run = petition_counts_update()
    assert not run.ran
    assert "paused" in run.reason
    petition.refresh_from_db()
    assert petition.signature_count == 0


@pytest.mark.parametrize("role", ["analyst", "data_entry"])
def test_roles_without_operate_petition_cannot_pause(
    office: Any, petition: Petition, role: str
) -> None:
    user = staff_member(role, office)
    for pause in (petition_signing_pause, petition_counting_pause):
        with pytest.raises(PermissionDenied):
            pause(user=user, petition=petition, paused=True)
    petition.refresh_from_db()
    assert not petition.signing_paused and not petition.counting_paused


def test_staff_of_another_organisation_cannot_pause(petition: Petition) -> None:
    with pytest.raises(PermissionDenied):
        petition_signing_pause(
            user=staff_member("admin", OrganisationFactory()), petition=petition, paused=True
        )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("organiser", False), ("analyst", False), ("data_entry", False)],
)
def test_only_admins_and_superusers_hold_the_site_switches(
    office: Any, role: str, allowed: bool
) -> None:
    user = staff_member(role, office)
    assert site_switches_allowed(user=user) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            site_switches_set(user=user, signing_paused=True)
        assert not SiteSwitches.current().signing_paused
    assert site_switches_allowed(user=UserFactory(is_superuser=True))
    assert not site_switches_allowed(user=UserFactory())


def test_site_switch_leaves_the_other_switch_alone(office: Any) -> None:
    admin = staff_member("admin", office)
    site_switches_set(user=admin, counting_paused=True)
    site_switches_set(user=admin, signing_paused=True)
    switches = SiteSwitches.current()
    assert switches.signing_paused and switches.counting_paused


def test_opening_and_closing_stamp_the_times_once() -> None:
    petition = PetitionFactory.build(state=PetitionState.DRAFT, opened_at=None)
    petition_state_stamp(petition=petition, previous_state=None)
    assert petition.opened_at is None
    petition.state = PetitionState.OPEN
    petition_state_stamp(petition=petition, previous_state=PetitionState.DRAFT)
    opened = petition.opened_at
    assert opened is not None
    petition.state = PetitionState.CLOSED
    petition_state_stamp(petition=petition, previous_state=PetitionState.OPEN)
    assert petition.closed_at is not None
    assert petition.opened_at == opened
