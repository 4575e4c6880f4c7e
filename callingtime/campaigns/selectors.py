"""Reads that scope staff to what their roles allow, organisation by organisation.

`roles.py` answers "may this user do X in this campaign?"; these answer "which organisations,
campaigns and memberships may this user do X in?", for the admin's querysets and choices.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Q, QuerySet

from callingtime.campaigns.models import Campaign, Membership, Organisation
from callingtime.campaigns.roles import Capability, User


def roles_with(*, capability: Capability) -> list[str]:
    """Return the roles whose group holds the capability (read from the groups, not the code)."""
    return list(
        Group.objects.filter(
            permissions__content_type__app_label="campaigns",
            permissions__codename=str(capability),
        ).values_list("name", flat=True)
    )


def organisations_with(*, user: User, capability: Capability) -> QuerySet[Organisation]:
    """Return the organisations in which the user's role allows the capability."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user_id=user.pk,
        memberships__role__in=roles_with(capability=capability),
    ).distinct()


def campaigns_with(*, user: User, capability: Capability) -> QuerySet[Campaign]:
    """Return the campaigns run by an organisation in which the user may do this."""
    if getattr(user, "is_superuser", False) and user.is_authenticated and user.is_active:
        return Campaign.objects.all()
    return Campaign.objects.filter(
        organisations__in=organisations_with(user=user, capability=capability)
    ).distinct()


def memberships_managed_by(*, user: User) -> QuerySet[Membership]:
    """Return the memberships of every organisation whose staff the user manages."""
    return Membership.objects.filter(
        organisation__in=organisations_with(user=user, capability=Capability.MANAGE_STAFF)
    ).select_related("user", "organisation")


def staff_users_choosable_by(*, user: User) -> QuerySet[AbstractBaseUser]:
    """Return the users an organisation admin may give a role to.

    Only people already on the staff of an organisation they manage, so that managing one
    office never lists every account on the instance; new accounts come from
    `callingtime staff add`.
    """
    users = get_user_model().objects.filter(is_active=True)
    if getattr(user, "is_superuser", False) and user.is_authenticated:
        return users.order_by("username")
    return (
        users.filter(
            memberships__organisation__in=organisations_with(
                user=user, capability=Capability.MANAGE_STAFF
            )
        )
        .distinct()
        .order_by("username")
    )


def capability_held_anywhere(*, user: User, capability: Capability) -> bool:
    """Return whether the user may do this in at least one organisation."""
    return organisations_with(user=user, capability=capability).exists()


def campaigns_viewable_in_admin(*, user: User) -> QuerySet[Campaign]:
    """Return the campaigns the user may at least read: editors and analysts, not data entry."""
    editable = campaigns_with(user=user, capability=Capability.EDIT_CAMPAIGN)
    reported = campaigns_with(user=user, capability=Capability.VIEW_REPORTS)
    return Campaign.objects.filter(Q(pk__in=editable) | Q(pk__in=reported))


def account_exists(*, username: str) -> bool:
    """Return whether there is an account with this username."""
    return get_user_model().objects.filter(username=username).exists()


def staff_exists() -> bool:
    """Return whether anyone can sign in as staff yet (an organisation member or a superuser)."""
    return (
        Membership.objects.exists()
        or get_user_model().objects.filter(is_superuser=True, is_active=True).exists()
    )
