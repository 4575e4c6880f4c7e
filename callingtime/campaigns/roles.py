"""Staff roles and what each may do, checked in services against the campaign's organisations.

A role is a Django group of the same name holding the campaign permissions below; a staff
member's role applies only inside the organisations they are a member of. Superusers may do
everything everywhere.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from callingtime.campaigns.models import Campaign, Membership, Organisation, Role


class Capability(StrEnum):
    """The campaign permissions (codenames of `Campaign.Meta.permissions`)."""

    VIEW_SUPPORTER_DATA = "view_supporter_data"
    OPERATE_PETITION = "operate_petition"
    EDIT_CAMPAIGN = "edit_campaign"
    KEY_PAPER = "key_paper"
    VIEW_REPORTS = "view_reports"
    MANAGE_STAFF = "manage_staff"


# The one place roles get their capabilities; the groups migration writes these.
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.ORGANISER: frozenset(
        {
            Capability.VIEW_SUPPORTER_DATA,
            Capability.OPERATE_PETITION,
            Capability.EDIT_CAMPAIGN,
            Capability.KEY_PAPER,
            Capability.VIEW_REPORTS,
        }
    ),
    Role.DATA_ENTRY: frozenset({Capability.KEY_PAPER}),
    Role.ANALYST: frozenset({Capability.VIEW_REPORTS}),
}

NOT_ALLOWED = "Your role in this campaign's organisations does not allow this."

User = AbstractBaseUser | AnonymousUser


def _role_capabilities(role: str) -> set[str]:
    group = Group.objects.filter(name=role).first()
    if group is None:
        return set()
    return set(group.permissions.values_list("codename", flat=True))


def user_capabilities(*, user: User, organisation_ids: set[int]) -> set[str]:
    """Return what the user may do in any of these organisations, from their groups."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if getattr(user, "is_superuser", False):
        return {str(c) for c in Capability}
    roles = set(
        Membership.objects.filter(
            user_id=user.pk, organisation_id__in=organisation_ids
        ).values_list("role", flat=True)
    )
    capabilities: set[str] = set()
    for role in roles:
        capabilities |= _role_capabilities(role)
    return capabilities


def campaign_can(*, user: User, campaign: Campaign, capability: Capability) -> bool:
    """Return whether the user may do this in the campaign."""
    organisation_ids = set(campaign.organisations.values_list("pk", flat=True))
    return str(capability) in user_capabilities(user=user, organisation_ids=organisation_ids)


def campaign_require(*, user: User, campaign: Campaign, capability: Capability) -> None:
    """Raise PermissionDenied unless the user may do this in the campaign."""
    if not campaign_can(user=user, campaign=campaign, capability=capability):
        raise PermissionDenied(NOT_ALLOWED)


def organisations_of(*, user: User) -> QuerySet[Organisation]:
    """Return the organisations the user is staff of (all of them for a superuser)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user_id=user.pk).distinct()


def campaigns_visible_to(*, user: User) -> QuerySet[Campaign]:
    """Return the campaigns run by any organisation the user is staff of."""
    if getattr(user, "is_superuser", False) and user.is_authenticated:
        return Campaign.objects.all()
    return Campaign.objects.filter(organisations__in=organisations_of(user=user)).distinct()


def is_staff_member(*, user: User) -> bool:
    """Return whether the user belongs to at least one organisation (or is a superuser)."""
    return organisations_of(user=user).exists()
