"""The Django admin, scoped by organisation: what each role lists, reads, adds and edits."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from callingtime.campaigns.models import Campaign, Membership, Organisation
from callingtime.petitions.models import ConsentWording, Petition, PetitionState, Signature
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    PetitionFactory,
    SignatureFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _staff(role: str, organisation: Organisation) -> Any:
    return staff_member(role, organisation, is_staff=True)


def _campaign_form(organisations: list[Organisation], **fields: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Safer Streets",
        "slug": "safer-streets",
        "demand": "More officers.",
        "target": "The Home Secretary",
        "hashtag": "SaferStreets",
        "organisations": [o.pk for o in organisations],
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "0",
        "areas-MAX_NUM_FORMS": "1000",
        "areas-0-code": "E14001305",
        "areas-0-name": "Islington North",
        "areas-0-type": "constituency",
    }
    data.update(fields)
    return data


def test_signatures_are_not_in_the_admin() -> None:
    assert Signature not in admin.site._registry


def test_admin_index_shows_an_organiser_only_campaigns_and_petitions() -> None:
    client = _client(_staff("organiser", OrganisationFactory()))
    body = client.get("/staff/admin/").content.decode()
    assert "/staff/admin/campaigns/campaign/" in body
    assert "/staff/admin/petitions/petition/" in body
    assert "/staff/admin/campaigns/organisation/" not in body
    assert "/staff/admin/petitions/consentwording/" not in body
    assert "/staff/admin/auth/user/" not in body


def test_data_entry_sees_nothing_in_the_admin() -> None:
    client = _client(_staff("data_entry", OrganisationFactory()))
    body = client.get("/staff/admin/").content.decode()
    assert "/staff/admin/campaigns/campaign/" not in body
    assert client.get("/staff/admin/campaigns/campaign/").status_code == 403


def test_campaign_list_holds_only_the_users_organisations_campaigns() -> None:
    mine = OrganisationFactory()
    CampaignFactory(title="Ours", organisations=[mine])
    theirs = CampaignFactory(title="Theirs")
    body = _client(_staff("analyst", mine)).get("/staff/admin/campaigns/campaign/").content
    assert b"Ours" in body
    assert b"Theirs" not in body
    response = _client(_staff("organiser", mine)).get(
        f"/staff/admin/campaigns/campaign/{theirs.pk}/change/"
    )
    assert response.status_code == 302  # "does not exist", to the admin index


def test_new_campaign_offers_and_accepts_only_the_users_organisations() -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    client = _client(_staff("organiser", mine))
    form = client.get("/staff/admin/campaigns/campaign/add/").content.decode()
    assert mine.name in form
    assert theirs.name not in form
    refused = client.post("/staff/admin/campaigns/campaign/add/", _campaign_form([theirs]))
    assert refused.status_code == 200  # the form again, with the error
    assert not Campaign.objects.filter(slug="safer-streets").exists()
    response = client.post("/staff/admin/campaigns/campaign/add/", _campaign_form([mine]))
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="safer-streets")
    assert list(campaign.organisations.all()) == [mine]
    assert list(campaign.areas.values_list("code", flat=True)) == ["E14001305"]


def test_editing_a_joint_campaign_keeps_the_partner_organisation() -> None:
    mine, partner = OrganisationFactory(), OrganisationFactory()
    campaign = CampaignFactory(slug="joint", organisations=[mine, partner])
    client = _client(_staff("organiser", mine))
    data = _campaign_form([mine], slug="joint", title="Joint, renamed")
    data["areas-TOTAL_FORMS"] = "0"
    response = client.post(f"/staff/admin/campaigns/campaign/{campaign.pk}/change/", data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Joint, renamed"
    assert set(campaign.organisations.all()) == {mine, partner}


def test_analysts_read_campaigns_but_cannot_change_them() -> None:
    mine = OrganisationFactory()
    campaign = CampaignFactory(title="Ours", organisations=[mine])
    client = _client(_staff("analyst", mine))
    page = client.get(f"/staff/admin/campaigns/campaign/{campaign.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    data = _campaign_form([mine], slug=campaign.slug, title="Changed")
    response = client.post(f"/staff/admin/campaigns/campaign/{campaign.pk}/change/", data)
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.title == "Ours"
    assert client.get("/staff/admin/campaigns/campaign/add/").status_code == 403


def test_petition_admin_offers_only_campaigns_the_user_edits() -> None:
    mine = OrganisationFactory()
    ours = CampaignFactory(title="Our campaign", organisations=[mine])
    CampaignFactory(title="Their campaign")
    form = _client(_staff("organiser", mine)).get("/staff/admin/petitions/petition/add/")
    body = form.content.decode()
    assert "Our campaign" in body
    assert "Their campaign" not in body
    assert ours.title in body


def _petition_form(campaign: Campaign, **fields: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "campaign": campaign.pk,
        "action": "Fund youth clubs",
        "background": "They closed.",
        "additional_details": "",
        "state": PetitionState.DRAFT,
        "closing_date": "2030-01-31",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-threshold": "100",
        "milestones-0-label": "",
    }
    data.update(fields)
    return data


def test_opening_a_petition_in_the_admin_stamps_when() -> None:
    mine = OrganisationFactory()
    campaign = CampaignFactory(organisations=[mine])
    client = _client(_staff("organiser", mine))
    response = client.post("/staff/admin/petitions/petition/add/", _petition_form(campaign))
    assert response.status_code == 302
    petition = Petition.objects.get(action="Fund youth clubs")
    assert petition.opened_at is None
    assert list(petition.milestones.values_list("threshold", flat=True)) == [100]
    data = _petition_form(campaign, state=PetitionState.OPEN)
    data.update({"milestones-TOTAL_FORMS": "0"})
    client.post(f"/staff/admin/petitions/petition/{petition.pk}/change/", data)
    petition.refresh_from_db()
    assert petition.state == PetitionState.OPEN
    assert petition.opened_at is not None


def test_counts_and_switches_are_read_only_in_the_admin() -> None:
    mine = OrganisationFactory()
    petition = PetitionFactory(campaign=CampaignFactory(organisations=[mine]))
    client = _client(_staff("organiser", mine))
    data = _petition_form(petition.campaign, signature_count="99999", signing_paused="on")
    data["milestones-TOTAL_FORMS"] = "0"
    client.post(f"/staff/admin/petitions/petition/{petition.pk}/change/", data)
    petition.refresh_from_db()
    assert petition.signature_count == 0
    assert not petition.signing_paused


def test_a_petition_with_signatures_cannot_be_deleted() -> None:
    mine = OrganisationFactory()
    empty = PetitionFactory(campaign=CampaignFactory(organisations=[mine]))
    signed = PetitionFactory(campaign=empty.campaign)
    SignatureFactory(petition=signed)
    client = _client(_staff("organiser", mine))
    assert client.get(f"/staff/admin/petitions/petition/{signed.pk}/delete/").status_code == 403
    assert client.get(f"/staff/admin/petitions/petition/{empty.pk}/delete/").status_code == 200
    changelist = client.get("/staff/admin/petitions/petition/").content.decode()
    assert "delete_selected" not in changelist


def test_organisation_admins_manage_their_own_organisation_only() -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    admin_user = _staff("admin", mine)
    colleague = _staff("analyst", mine)
    stranger = _staff("admin", theirs)
    client = _client(admin_user)
    body = client.get("/staff/admin/campaigns/organisation/").content.decode()
    assert mine.name in body and theirs.name not in body
    page = client.get(f"/staff/admin/campaigns/organisation/{mine.pk}/change/").content.decode()
    assert colleague.username in page
    assert stranger.username not in page  # not offered as a choice of user either
    assert client.get("/staff/admin/campaigns/organisation/add/").status_code == 403
    assert client.get(f"/staff/admin/campaigns/organisation/{mine.pk}/delete/").status_code == 403
    organiser = _client(_staff("organiser", mine))
    assert organiser.get("/staff/admin/campaigns/organisation/").status_code == 403


def test_organisation_admin_changes_a_colleagues_role() -> None:
    mine = OrganisationFactory()
    admin_user = _staff("admin", mine)
    colleague = _staff("analyst", mine)
    memberships = list(Membership.objects.filter(organisation=mine).order_by("pk"))
    data: dict[str, Any] = {
        "name": mine.name,
        "slug": mine.slug,
        "privacy_contact": mine.privacy_contact,
        "privacy_notice_url": "",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        data[f"memberships-{index}-id"] = membership.pk
        data[f"memberships-{index}-organisation"] = mine.pk
        data[f"memberships-{index}-user"] = membership.user_id
        role = "organiser" if membership.user_id == colleague.pk else membership.role
        data[f"memberships-{index}-role"] = role
    response = _client(admin_user).post(
        f"/staff/admin/campaigns/organisation/{mine.pk}/change/", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=colleague).role == "organiser"


def test_consent_wording_is_for_superusers_and_frozen_once_signed() -> None:
    wording = ConsentWording.objects.first()
    assert wording is not None
    office = OrganisationFactory()
    assert (
        _client(_staff("admin", office)).get("/staff/admin/petitions/consentwording/").status_code
        == 403
    )
    superuser = _client(UserFactory(is_superuser=True, is_staff=True))
    url = f"/staff/admin/petitions/consentwording/{wording.pk}/change/"
    assert 'name="_save"' in superuser.get(url).content.decode()
    SignatureFactory(consent=wording)
    page = superuser.get(url).content.decode()
    assert 'name="_save"' not in page
    response = superuser.post(url, {"version": wording.version, "declaration": "Changed"})
    assert response.status_code == 403
    wording.refresh_from_db()
    assert wording.declaration != "Changed"
