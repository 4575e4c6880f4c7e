"""The JSON API: Parliament's shape, no personal data, pages, and HTTP caching with 304s."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from callingtime.petitions.api import api_time
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.forms import LIST_PAGE_INVALID, LIST_STATE_INVALID
from callingtime.petitions.http_cache import public_cache_control
from callingtime.petitions.models import (
    ConstituencyCount,
    Petition,
    PetitionState,
    SignatureState,
)
from callingtime.petitions.selectors import PAGE_SIZE
from callingtime.petitions.signing import signing_context_forget
from tests.factories import MilestoneFactory, PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db

ATTRIBUTES = {
    "action",
    "background",
    "additional_details",
    "state",
    "signature_count",
    "signature_count_online",
    "signature_count_paper",
    "created_at",
    "updated_at",
    "opened_at",
    "closed_at",
    "closing_date",
    "url",
    "sign_url",
    "count_url",
    "campaign",
}
DETAIL_EXTRA = {"signatures_by_constituency", "signatures_by_country", "milestones"}


@pytest.fixture(autouse=True)
def _fresh_signing_context() -> Iterator[None]:
    signing_context_forget()
    yield
    signing_context_forget()


@pytest.fixture
def site(settings) -> str:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://petitions.example.org"
    return "https://petitions.example.org"


def _public_urls(petition: Petition) -> list[str]:
    return [
        "/petitions/",
        "/petitions.json",
        f"/petitions/{petition.pk}/",
        f"/petitions/{petition.pk}.json",
        f"/petitions/{petition.pk}/count.json",
        f"/petitions/{petition.pk}/map.geojson",
    ]


def _signed_and_counted(petition: Petition) -> list[str]:
    """Sign and count three people in Islington North; return their personal details."""
    personal: list[str] = []
    for n in range(3):
        signature = SignatureFactory(
            petition=petition,
            name=f"Zebedee Quixote{n}",
            email=f"zebedee.quixote{n}@example.net",
            postcode="N7 6PA",
            ip_address="198.51.100.77",
            constituency_code="E14001305",
            state=SignatureState.VALIDATED,
            validated_at=timezone.now() - timedelta(seconds=30),
        )
        personal += [signature.name, signature.email, signature.postcode, "198.51.100.77"]
    petition_counts_update(now=timezone.now())
    return personal


def test_api_time_is_utc_with_milliseconds() -> None:
    moment = datetime(2027, 6, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert api_time(moment) == "2027-06-01T10:00:00.123Z"
    assert api_time(None) is None


def test_petition_list_json_has_parliaments_shape(client: Client, site: str) -> None:
    petition = PetitionFactory(additional_details="More.")
    body = client.get("/petitions.json").json()
    assert set(body) == {"links", "data"}
    assert set(body["links"]) == {"self", "first", "last", "next", "prev"}
    assert body["links"]["self"] == f"{site}/petitions.json"
    assert body["links"]["first"] == f"{site}/petitions.json?page=1"
    assert body["links"]["next"] is None and body["links"]["prev"] is None
    [item] = body["data"]
    assert item["type"] == "petition" and item["id"] == petition.pk
    assert item["links"] == {"self": f"{site}/petitions/{petition.pk}.json"}
    attributes = item["attributes"]
    assert set(attributes) == ATTRIBUTES
    assert attributes["state"] == "open"
    assert attributes["url"] == f"{site}/petitions/{petition.pk}/"
    assert attributes["sign_url"] == f"{site}/petitions/{petition.pk}/sign/"
    assert attributes["count_url"] == f"{site}/petitions/{petition.pk}/count.json"
    assert attributes["closing_date"] == petition.closing_date.isoformat()
    assert attributes["created_at"].endswith("Z") and attributes["closed_at"] is None
    assert attributes["campaign"] == {
        "title": petition.campaign.title,
        "slug": petition.campaign.slug,
        "demand": petition.campaign.demand,
        "target": "The Home Secretary",
        "hashtag": "CallingTimeOnCrime",
    }


def test_petition_list_json_filters_by_state(client: Client) -> None:
    open_one = PetitionFactory()
    lapsed = PetitionFactory(closing_date=timezone.localdate() - timedelta(days=2))
    closed = PetitionFactory(state=PetitionState.CLOSED)
    PetitionFactory(state=PetitionState.DRAFT)

    def ids(query: str) -> set[int]:
        return {item["id"] for item in client.get(f"/petitions.json{query}").json()["data"]}

    assert ids("") == ids("?state=all") == {open_one.pk, lapsed.pk, closed.pk}
    assert ids("?state=open") == {open_one.pk}
    assert ids("?state=closed") == {lapsed.pk, closed.pk}
    states = {i["attributes"]["state"] for i in client.get("/petitions.json").json()["data"]}
    assert states == {"open", "closed"}


def test_petition_list_json_pages_by_fifty_with_links(client: Client, site: str) -> None:
    for _ in range(PAGE_SIZE * 2 + 1):
        PetitionFactory()
    first = client.get("/petitions.json?state=open").json()
    assert len(first["data"]) == PAGE_SIZE
    assert first["links"]["prev"] is None
    assert first["links"]["next"] == f"{site}/petitions.json?page=2&state=open"
    assert first["links"]["last"] == f"{site}/petitions.json?page=3&state=open"
    middle = client.get("/petitions.json?state=open&page=2").json()
    assert middle["links"]["prev"] == f"{site}/petitions.json?page=1&state=open"
    last = client.get("/petitions.json?state=open&page=3").json()
    assert len(last["data"]) == 1 and last["links"]["next"] is None
    seen = [i["id"] for page in (first, middle, last) for i in page["data"]]
    assert len(set(seen)) == PAGE_SIZE * 2 + 1
    beyond = client.get("/petitions.json?page=9").json()
    assert beyond["data"] == [] and beyond["links"]["next"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [("?state=draft", LIST_STATE_INVALID), ("?page=0", LIST_PAGE_INVALID), ("?page=a", None)],
)
def test_petition_list_json_refuses_bad_queries(
    client: Client, query: str, message: str | None
) -> None:
    response = client.get(f"/petitions.json{query}")
    assert response.status_code == 400
    assert response.json()["error"] == (message or LIST_PAGE_INVALID)


def test_petition_json_has_counts_by_constituency_and_country(
    client: Client, site: str, demo_stores: object
) -> None:
    petition = PetitionFactory()
    _signed_and_counted(petition)
    ConstituencyCount.objects.create(
        petition=petition, ons_code="", signature_count=2, signature_count_paper=2
    )
    MilestoneFactory(petition=petition, threshold=2, reached_at=timezone.now())
    MilestoneFactory(petition=petition, threshold=100)
    body = client.get(f"/petitions/{petition.pk}.json").json()
    assert body["links"] == {"self": f"{site}/petitions/{petition.pk}.json"}
    data = body["data"]
    assert (data["type"], data["id"]) == ("petition", petition.pk)
    attributes = data["attributes"]
    assert set(attributes) == ATTRIBUTES | DETAIL_EXTRA
    assert attributes["signature_count"] == 3
    assert attributes["signatures_by_country"] == [
        {"name": "United Kingdom", "code": "GB", "signature_count": 3}
    ]
    assert attributes["signatures_by_constituency"] == [
        {
            "name": "Islington North",
            "ons_code": "E14001305",
            "mp": "Jeremy Corbyn",
            "signature_count": 3,
            "signature_count_online": 3,
            "signature_count_paper": 0,
        },
        {
            "name": "Constituency not known",
            "ons_code": "",
            "mp": None,
            "signature_count": 2,
            "signature_count_online": 0,
            "signature_count_paper": 2,
        },
    ]
    assert [m["threshold"] for m in attributes["milestones"]] == [2, 100]
    assert attributes["milestones"][0]["reached_at"].endswith("Z")
    assert attributes["milestones"][1]["reached_at"] is None


def test_count_json_is_tiny(client: Client) -> None:
    petition = PetitionFactory(signature_count=7, signature_count_online=5, signature_count_paper=2)
    response = client.get(f"/petitions/{petition.pk}/count.json")
    assert response.json() == {
        "signature_count": 7,
        "signature_count_online": 5,
        "signature_count_paper": 2,
    }
    assert len(response.content) < 100


def test_no_public_read_shows_personal_data(client: Client, demo_stores: object) -> None:
    petition = PetitionFactory()
    personal = _signed_and_counted(petition)
    for url in _public_urls(petition):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        leaked = [value for value in personal if value in text]
        assert leaked == [], f"{url} shows {leaked}"
    assert '"signature_count": 3' in client.get(f"/petitions/{petition.pk}.json").content.decode()


def test_every_public_read_is_cacheable_without_cookies(
    client: Client, demo_stores: object
) -> None:
    petition = PetitionFactory()
    for url in _public_urls(petition):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == public_cache_control(), url
        assert response["ETag"].startswith('"'), url
        assert response.has_header("Last-Modified"), url
        assert "Set-Cookie" not in response.headers and not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url
    assert not client.cookies


def test_cache_control_follows_the_count_interval(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COUNT_INTERVAL_SECONDS = 30
    petition = PetitionFactory()
    response = client.get(f"/petitions/{petition.pk}/count.json")
    assert response["Cache-Control"] == (
        "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400"
    )


def test_public_reads_answer_304_to_a_matching_etag(client: Client, demo_stores: object) -> None:
    petition = PetitionFactory()
    for url in _public_urls(petition):
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == public_cache_control()
        assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_public_reads_answer_304_to_if_modified_since(client: Client) -> None:
    petition = PetitionFactory()
    url = f"/petitions/{petition.pk}/count.json"
    first = client.get(url)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    earlier = http_date((petition.updated_at - timedelta(hours=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_new_count_changes_the_etag(client: Client) -> None:
    petition = PetitionFactory()
    url = f"/petitions/{petition.pk}/"
    before = client.get(url)
    _signed_and_counted(petition)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert ">3</span>" in after.content.decode()


def test_a_counter_run_that_counts_nothing_keeps_the_etag(client: Client) -> None:
    petition = PetitionFactory()
    url = f"/petitions/{petition.pk}/count.json"
    before = client.get(url)
    petition_counts_update(now=timezone.now())  # moves counted_until, counts nothing
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 304


@pytest.mark.parametrize(("path", "queries"), [("/", 2), ("/count.json", 1), (".json", 2)])
def test_an_etag_answer_costs_only_the_queries_the_page_needs_first(
    client: Client, django_assert_num_queries, path: str, queries: int
) -> None:  # type: ignore[no-untyped-def]
    petition = PetitionFactory()
    url = f"/petitions/{petition.pk}{path}"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(queries):  # the petition (and the page's milestones)
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("path", ["/", ".json"])
def test_a_new_milestone_changes_the_etag(client: Client, path: str) -> None:
    petition = PetitionFactory()
    url = f"/petitions/{petition.pk}{path}"
    before = client.get(url)["ETag"]
    MilestoneFactory(petition=petition, threshold=500, label="A debate")
    after = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and "A debate" in after.content.decode()
