"""Staff abuse pages: wiring, roles allowed and refused, preview-then-apply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from callingtime.campaigns.models import Organisation
from callingtime.petitions.abuse import CONDITIONS_EMPTY, trending_report_build
from callingtime.petitions.models import (
    BlockedItem,
    Invalidation,
    Petition,
    Signature,
    SignatureState,
)
from tests.factories import OrganisationFactory, PetitionFactory, SignatureFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory()


@pytest.fixture
def petition(organisation: Organisation) -> Petition:
    return PetitionFactory(campaign__organisations=[organisation])


def _client(role: str, organisation: Organisation) -> Client:
    client = Client()
    client.force_login(staff_member(role, organisation))
    return client


def _url(name: str, petition: Petition, **kwargs: int) -> str:
    return reverse(f"petitions:{name}", kwargs={"petition_id": petition.pk, **kwargs})


def test_trending_page_shows_the_latest_report_to_an_organiser(
    petition: Petition, organisation: Organisation
) -> None:
    for n in range(3):
        SignatureFactory(
            petition=petition,
            ip_address="203.0.113.9",
            email=f"s{n}@bot.example",
            created_at=timezone.now() - timedelta(minutes=5),
        )
    trending_report_build()
    response = _client("organiser", organisation).get(_url("abuse_trending", petition))
    assert response.status_code == 200
    body = response.content.decode()
    assert "203.0.113.9" in body and "bot.example" in body
    assert "no-store" in response["Cache-Control"]


def test_trending_page_without_a_report_says_so(
    petition: Petition, organisation: Organisation
) -> None:
    response = _client("organiser", organisation).get(_url("abuse_trending", petition))
    assert "No report yet" in response.content.decode()


def test_an_analyst_does_not_see_the_ip_addresses_of_the_trending_report(
    petition: Petition, organisation: Organisation
) -> None:
    response = _client("analyst", organisation).get(_url("abuse_trending", petition))
    assert response.status_code == 403


def test_staff_of_another_organisation_get_not_found(petition: Petition) -> None:
    response = _client("admin", OrganisationFactory()).get(_url("abuse_trending", petition))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(petition: Petition) -> None:
    response = Client().get(_url("abuse_blocklist", petition))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


@pytest.mark.parametrize("name", ["abuse_blocklist", "abuse_invalidations"])
def test_an_analyst_cannot_see_or_change_blocks_or_invalidations(
    petition: Petition, organisation: Organisation, name: str
) -> None:
    client = _client("analyst", organisation)
    assert client.get(_url(name, petition)).status_code == 403
    posted = {"kind": "ip", "value": "203.0.113.9", "ip": "203.0.113.9", "action": "apply"}
    assert client.post(_url(name, petition), posted).status_code == 403
    assert not BlockedItem.objects.exists() and not Invalidation.objects.exists()


def test_an_analyst_cannot_remove_a_block(petition: Petition, organisation: Organisation) -> None:
    item = BlockedItem.objects.create(kind="ip", value="203.0.113.9")
    response = _client("analyst", organisation).post(
        _url("abuse_blocklist_remove", petition, item_id=item.pk)
    )
    assert response.status_code == 403
    assert BlockedItem.objects.filter(pk=item.pk).exists()


def test_an_organiser_cannot_change_the_site_wide_block_list(
    petition: Petition, organisation: Organisation
) -> None:
    client = _client("organiser", organisation)
    response = client.post(_url("abuse_blocklist", petition), {"kind": "ip", "value": "192.0.2.1"})
    assert response.status_code == 403 and not BlockedItem.objects.exists()


def test_admin_adds_and_removes_a_block(petition: Petition, organisation: Organisation) -> None:
    client = _client("admin", organisation)
    url = _url("abuse_blocklist", petition)
    response = client.post(url, {"kind": "domain", "value": "@Bot.Example", "reason": "run"})
    assert response.status_code == 302
    item = BlockedItem.objects.get()
    assert (item.kind, item.value, item.reason) == ("domain", "bot.example", "run")
    page = client.get(url).content.decode()
    assert "bot.example" in page and "Blocked E-mail domain: bot.example" in page
    response = client.post(_url("abuse_blocklist_remove", petition, item_id=item.pk))
    assert response.status_code == 302 and not BlockedItem.objects.exists()
    assert client.get(_url("abuse_blocklist_remove", petition, item_id=item.pk)).status_code == 405


def test_bad_block_value_is_shown_with_its_message(
    petition: Petition, organisation: Organisation
) -> None:
    response = _client("admin", organisation).post(
        _url("abuse_blocklist", petition), {"kind": "ip", "value": "10.0.0.0/8"}
    )
    assert response.status_code == 400
    assert "covers too many people" in response.content.decode()


def test_block_list_needs_csrf(petition: Petition, organisation: Organisation) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member("admin", organisation))
    response = client.post(_url("abuse_blocklist", petition), {"kind": "ip", "value": "192.0.2.1"})
    assert response.status_code == 403
    assert not BlockedItem.objects.exists()


def test_invalidation_preview_then_apply(petition: Petition, organisation: Organisation) -> None:
    for n in range(3):
        SignatureFactory(petition=petition, email=f"bot{n}@bot.example")
    SignatureFactory(petition=petition, email="jo@example.org")
    client = _client("organiser", organisation)
    url = _url("abuse_invalidations", petition)
    assert client.get(url).status_code == 200

    preview = client.post(url, {"email_domain": "BOT.example", "action": "preview"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Preview: 3 signatures match" in body
    assert '<input type="hidden" name="email_domain" value="bot.example">' in body
    assert not Signature.objects.filter(state=SignatureState.INVALIDATED).exists()

    applied = client.post(
        url, {"email_domain": "bot.example", "matched_count": "3", "action": "apply"}
    )
    assert applied.status_code == 302
    invalidation = Invalidation.objects.get()
    assert (invalidation.matched_count, invalidation.invalidated_count) == (3, 3)
    assert Signature.objects.filter(state=SignatureState.INVALIDATED).count() == 3
    done = client.get(applied["Location"]).content.decode()
    assert "3 signatures invalidated" in done and "E-mail domain: bot.example" in done


def test_invalidation_with_no_conditions_is_refused(
    petition: Petition, organisation: Organisation
) -> None:
    response = _client("organiser", organisation).post(
        _url("abuse_invalidations", petition), {"action": "apply"}
    )
    assert response.status_code == 400
    assert CONDITIONS_EMPTY in response.content.decode()
    assert not Invalidation.objects.exists()


def test_invalidation_apply_revalidates_carried_conditions(
    petition: Petition, organisation: Organisation
) -> None:
    response = _client("organiser", organisation).post(
        _url("abuse_invalidations", petition), {"ip": "203.0.113.0/99", "action": "apply"}
    )
    assert response.status_code == 400
    assert "is not an IP address or network" in response.content.decode()
    assert not Invalidation.objects.exists()
