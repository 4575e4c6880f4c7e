"""Role rules at the service level: what each role may do, and only in its own organisations."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from callingtime.campaigns.models import Membership, Role
from callingtime.campaigns.roles import (
    ROLE_CAPABILITIES,
    Capability,
    campaign_can,
    campaign_require,
    user_capabilities,
)
from callingtime.campaigns.selectors import (
    campaigns_viewable_in_admin,
    campaigns_with,
    organisations_with,
    roles_with,
    staff_exists,
    staff_users_choosable_by,
)
from callingtime.campaigns.services import (
    campaign_organisations_set,
    organisation_by_slug,
    role_groups_ensure,
    staff_member_add,
)
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

STRONG = "a long and uncommon passphrase 42"


def test_each_role_group_holds_exactly_its_capabilities() -> None:
    for role, capabilities in ROLE_CAPABILITIES.items():
        group = Group.objects.get(name=str(role))
        held = set(group.permissions.values_list("codename", flat=True))
        assert held == {str(c) for c in capabilities}, role


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        ("admin", Capability.VIEW_SUPPORTER_DATA, True),
        ("admin", Capability.MANAGE_STAFF, True),
        ("organiser", Capability.VIEW_SUPPORTER_DATA, True),
        ("organiser", Capability.OPERATE_PETITION, True),
        ("organiser", Capability.MANAGE_STAFF, False),
        ("data_entry", Capability.KEY_PAPER, True),
        ("data_entry", Capability.VIEW_SUPPORTER_DATA, False),
        ("data_entry", Capability.OPERATE_PETITION, False),
        ("analyst", Capability.VIEW_REPORTS, True),
        ("analyst", Capability.VIEW_SUPPORTER_DATA, False),
        ("analyst", Capability.EDIT_CAMPAIGN, False),
        ("analyst", Capability.OPERATE_PETITION, False),
    ],
)
def test_a_role_may_do_what_its_group_allows_in_its_campaigns(
    role: str, capability: Capability, allowed: bool
) -> None:
    office = OrganisationFactory()
    campaign = CampaignFactory(organisations=[office])
    user = staff_member(role, office)
    assert campaign_can(user=user, campaign=campaign, capability=capability) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            campaign_require(user=user, campaign=campaign, capability=capability)


def test_a_role_applies_only_inside_its_own_organisation() -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    admin = staff_member("admin", mine)
    their_campaign = CampaignFactory(organisations=[theirs])
    for capability in Capability:
        assert not campaign_can(user=admin, campaign=their_campaign, capability=capability)


def test_a_joint_campaign_lets_staff_of_each_organisation_in() -> None:
    first, second = OrganisationFactory(), OrganisationFactory()
    campaign = CampaignFactory(organisations=[first, second])
    for office in (first, second):
        user = staff_member("organiser", office)
        assert campaign_can(user=user, campaign=campaign, capability=Capability.VIEW_SUPPORTER_DATA)


def test_roles_in_two_organisations_do_not_leak_into_each_other() -> None:
    first, second = OrganisationFactory(), OrganisationFactory()
    user = staff_member("admin", first)
    Membership.objects.create(user=user, organisation=second, role=Role.ANALYST)
    second_campaign = CampaignFactory(organisations=[second])
    assert not campaign_can(
        user=user, campaign=second_campaign, capability=Capability.VIEW_SUPPORTER_DATA
    )
    assert list(organisations_with(user=user, capability=Capability.MANAGE_STAFF)) == [first]
    assert set(organisations_with(user=user, capability=Capability.VIEW_REPORTS)) == {
        first,
        second,
    }


def test_superusers_may_do_everything_and_inactive_staff_nothing() -> None:
    campaign = CampaignFactory()
    superuser = UserFactory(is_superuser=True)
    office = campaign.organisations.first()
    inactive = staff_member("admin", office, is_active=False)
    for capability in Capability:
        assert campaign_can(user=superuser, campaign=campaign, capability=capability)
        assert not campaign_can(user=inactive, campaign=campaign, capability=capability)
    assert user_capabilities(user=inactive, organisation_ids={office.pk}) == set()


def test_campaigns_with_and_the_admin_list_follow_the_roles() -> None:
    office = OrganisationFactory()
    campaign = CampaignFactory(organisations=[office])
    CampaignFactory()  # someone else's
    analyst, data_entry = staff_member("analyst", office), staff_member("data_entry", office)
    assert list(campaigns_with(user=analyst, capability=Capability.VIEW_REPORTS)) == [campaign]
    assert list(campaigns_with(user=analyst, capability=Capability.EDIT_CAMPAIGN)) == []
    assert list(campaigns_viewable_in_admin(user=analyst)) == [campaign]
    assert list(campaigns_viewable_in_admin(user=data_entry)) == []


def test_roles_with_reads_the_groups() -> None:
    assert set(roles_with(capability=Capability.VIEW_SUPPORTER_DATA)) == {"admin", "organiser"}
    assert set(roles_with(capability=Capability.MANAGE_STAFF)) == {"admin"}


def test_role_groups_ensure_repairs_an_edited_group() -> None:
    analyst = Group.objects.get(name="analyst")
    analyst.permissions.clear()
    Group.objects.filter(name="data_entry").delete()
    role_groups_ensure()
    assert set(analyst.permissions.values_list("codename", flat=True)) == {"view_reports"}
    assert Group.objects.filter(name="data_entry").exists()


def test_staff_member_add_creates_a_staff_account_with_the_role() -> None:
    office = OrganisationFactory()
    membership = staff_member_add(
        username="casey", organisation=office, role="organiser", password=STRONG
    )
    user = membership.user
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.check_password(STRONG)
    assert membership.role == "organiser"
    assert staff_exists()


def test_staff_member_add_changes_the_role_of_an_existing_member() -> None:
    office = OrganisationFactory()
    staff_member_add(username="casey", organisation=office, role="analyst", password=STRONG)
    membership = staff_member_add(username="casey", organisation=office, role="admin")
    assert membership.role == "admin"
    assert membership.user.check_password(STRONG)
    assert Membership.objects.filter(user__username="casey").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "boss", "password": STRONG}, "There is no role 'boss'"),
        ({"role": "admin", "password": None}, "needs a password"),
        ({"role": "admin", "password": "short"}, "too short"),
        ({"role": "admin", "password": "password1234"}, "too common"),
    ],
)
def test_staff_member_add_refuses_bad_input_and_says_why(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        staff_member_add(username="casey", organisation=OrganisationFactory(), **kwargs)
    assert not Membership.objects.exists()


def test_organisation_by_slug_names_a_missing_slug() -> None:
    with pytest.raises(ValidationError, match="'nowhere'"):
        organisation_by_slug(slug="nowhere")


def test_setting_campaign_organisations_keeps_those_the_user_cannot_edit() -> None:
    mine, theirs, also_mine = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    campaign = CampaignFactory(organisations=[mine, theirs])
    user = staff_member("organiser", mine)
    Membership.objects.create(user=user, organisation=also_mine, role=Role.ORGANISER)
    result = campaign_organisations_set(user=user, campaign=campaign, requested=[also_mine])
    assert set(result) == {theirs, also_mine}


def test_setting_campaign_organisations_refuses_others_and_an_empty_list() -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    campaign = CampaignFactory(organisations=[mine])
    user = staff_member("organiser", mine)
    with pytest.raises(PermissionDenied):
        campaign_organisations_set(user=user, campaign=campaign, requested=[theirs])
    with pytest.raises(ValidationError):
        campaign_organisations_set(user=user, campaign=campaign, requested=[])
    analyst = staff_member("analyst", mine)
    with pytest.raises(PermissionDenied):
        campaign_organisations_set(user=analyst, campaign=campaign, requested=[mine])
    assert list(campaign.organisations.all()) == [mine]


def test_an_organisation_admin_chooses_only_among_their_own_staff() -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    admin = staff_member("admin", mine)
    colleague = staff_member("analyst", mine)
    stranger = staff_member("admin", theirs)
    choosable = set(staff_users_choosable_by(user=admin))
    assert {admin, colleague} <= choosable
    assert stranger not in choosable
    assert stranger in set(staff_users_choosable_by(user=UserFactory(is_superuser=True)))
    assert list(staff_users_choosable_by(user=staff_member("organiser", mine))) == []
