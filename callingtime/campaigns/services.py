"""Writes for organisations, staff and campaigns; each checks the caller's role first."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from callingtime.campaigns.models import Campaign, Membership, Organisation, Role
from callingtime.campaigns.roles import NOT_ALLOWED, ROLE_CAPABILITIES, Capability, User
from callingtime.campaigns.selectors import organisations_with

NO_SUCH_ORGANISATION = "There is no organisation with the slug {slug!r}."
NO_SUCH_ROLE = "There is no role {role!r}; the roles are: {roles}."
CAMPAIGN_NEEDS_ORGANISATION = "A campaign needs at least one organisation you are staff of."


def role_groups_ensure() -> None:
    """Create or repair the Django group of every role so it holds exactly its capabilities.

    The groups migration does this on a new database; this puts them back after a flush (as
    browser tests do) or after someone edited a group by hand in the admin.
    """
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="campaigns", content_type__model="campaign"
        )
    }
    for role, capabilities in ROLE_CAPABILITIES.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        group.permissions.set([permissions[str(c)] for c in capabilities if str(c) in permissions])


def organisation_by_slug(*, slug: str) -> Organisation:
    """Return the organisation with this slug, or raise ValidationError naming it."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ValidationError(NO_SUCH_ORGANISATION.format(slug=slug))
    return organisation


def role_check(*, role: str) -> None:
    """Raise ValidationError naming the roles unless this is one of them."""
    if role not in Role.values:
        raise ValidationError(NO_SUCH_ROLE.format(role=role, roles=", ".join(Role.values)))


def staff_member_add(
    *,
    username: str,
    organisation: Organisation,
    role: str,
    password: str | None = None,
    email: str = "",
) -> Membership:
    """Give a person a role in an organisation, creating their staff account if needed.

    The account gets `is_staff` because Django's admin lets in only staff accounts; what it
    may do there still follows the role. A new account needs a password that passes the
    password validators; an existing one keeps its password unless one is given.
    """
    role_check(role=role)
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise ValidationError("A new staff account needs a password.")
            user = user_model(username=username, email=email)
        if password:
            validate_password(password, user)
            user.set_password(password)
        if email:
            user.email = email
        user.is_staff = True
        user.is_active = True
        user.save()
        membership, _ = Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
    return membership


def membership_require_manageable(*, user: User, organisation: Organisation) -> None:
    """Raise PermissionDenied unless the user may manage this organisation's staff."""
    if not organisations_with(user=user, capability=Capability.MANAGE_STAFF).filter(
        pk=organisation.pk
    ):
        raise PermissionDenied(NOT_ALLOWED)


def staff_account_ensure(*, user: AbstractBaseUser) -> None:
    """Make sure someone given a role can sign in to the admin (Django checks `is_staff`)."""
    if not getattr(user, "is_staff", False):
        user_model = get_user_model()
        user_model.objects.filter(pk=user.pk).update(is_staff=True)


def campaign_organisations_set(
    *, user: User, campaign: Campaign, requested: Iterable[Organisation]
) -> list[Organisation]:
    """Set the campaign's organisations as far as the user may, keeping the ones they may not.

    A joint campaign's other organisations are not the user's to add or remove: the user
    only chooses among organisations in which they may edit campaigns.
    """
    editable = set(
        organisations_with(user=user, capability=Capability.EDIT_CAMPAIGN).values_list(
            "pk", flat=True
        )
    )
    requested_ids = {organisation.pk for organisation in requested}
    if requested_ids - editable:
        raise PermissionDenied(NOT_ALLOWED)
    current = set(campaign.organisations.values_list("pk", flat=True))
    kept = current - editable
    if not requested_ids:
        raise ValidationError(CAMPAIGN_NEEDS_ORGANISATION)
    campaign.organisations.set(kept | requested_ids)
    return list(campaign.organisations.order_by("name"))
