"""Kill switches: pause signing or counting of one petition or the whole site, open and close.

Each switch is a plain column read by the signing path (through its one-second cache, which
`signing_context_forget` drops here so this process sees the change at once) and by the
counter. Every change is logged with the staff member's id, never a signer's data.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from callingtime.campaigns.models import Membership, Role
from callingtime.campaigns.roles import Capability, User, campaign_require
from callingtime.petitions.models import Petition, PetitionState, SiteSwitches
from callingtime.petitions.signing import signing_context_forget

log = logging.getLogger(__name__)

SITE_SWITCHES_NOT_ALLOWED = "Only an organisation admin or a superuser may pause the whole site."


def petition_signing_pause(*, user: User, petition: Petition, paused: bool) -> Petition:
    """Pause or resume signing of one petition."""
    campaign_require(user=user, campaign=petition.campaign, capability=Capability.OPERATE_PETITION)
    Petition.objects.filter(pk=petition.pk).update(signing_paused=paused)
    petition.signing_paused = paused
    signing_context_forget()
    log.info("user %s set signing_paused=%s on petition %s", user.pk, paused, petition.pk)
    return petition


def petition_counting_pause(*, user: User, petition: Petition, paused: bool) -> Petition:
    """Pause or resume counting of one petition; its signatures wait, uncounted, meanwhile."""
    campaign_require(user=user, campaign=petition.campaign, capability=Capability.OPERATE_PETITION)
    Petition.objects.filter(pk=petition.pk).update(counting_paused=paused)
    petition.counting_paused = paused
    log.info("user %s set counting_paused=%s on petition %s", user.pk, paused, petition.pk)
    return petition


def site_switches_allowed(*, user: User) -> bool:
    """Return whether the user may flip the site-wide switches (superuser or any org admin)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    # The site-wide switches stop every organisation's petitions, so only admins hold them.
    return Membership.objects.filter(user_id=user.pk, role=Role.ADMIN).exists()


def site_switches_set(
    *, user: User, signing_paused: bool | None = None, counting_paused: bool | None = None
) -> SiteSwitches:
    """Pause or resume signing or counting on every petition at once."""
    if not site_switches_allowed(user=user):
        raise PermissionDenied(SITE_SWITCHES_NOT_ALLOWED)
    with transaction.atomic():
        switches = SiteSwitches.current()
        if signing_paused is not None:
            switches.signing_paused = signing_paused
        if counting_paused is not None:
            switches.counting_paused = counting_paused
        switches.save()
    signing_context_forget()
    log.info(
        "user %s set site switches signing_paused=%s counting_paused=%s",
        user.pk,
        switches.signing_paused,
        switches.counting_paused,
    )
    return switches


def petition_state_stamp(
    *, petition: Petition, previous_state: str | None, now: datetime | None = None
) -> None:
    """Record when a petition opened or closed, on the unsaved instance the admin is saving."""
    now = now or timezone.now()
    if petition.state == previous_state:
        return
    if petition.state == PetitionState.OPEN and petition.opened_at is None:
        petition.opened_at = now
    if petition.state == PetitionState.CLOSED and petition.closed_at is None:
        petition.closed_at = now
    signing_context_forget()
