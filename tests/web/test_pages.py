"""The evidence pages: wiring, error handling and security headers, on the demo stores."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page_offers_postcode_and_name_search(client: Client, demo_stores: object) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="postcode"' in body and 'name="q"' in body
    assert "Open Government Licence v3.0" in body


def test_pages_send_a_strict_content_security_policy(client: Client, demo_stores: object) -> None:
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_postcode_lookup_shows_constituency_and_mp(client: Client, demo_stores: object) -> None:
    response = client.get("/lookup/", {"postcode": "rm108aa"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "RM10 8AA" in body
    assert "Dagenham and Rainham" in body
    assert "Barking and Dagenham" in body
    assert "approximate" in body


@pytest.mark.parametrize(
    ("postcode", "status", "words"),
    [
        ("not a postcode", 400, "is not a UK postcode"),
        ("N1 1AA", 404, "terminated"),
        ("", 400, "required"),
    ],
)
def test_postcode_lookup_errors_are_clear(
    client: Client, demo_stores: object, postcode: str, status: int, words: str
) -> None:
    response = client.get("/lookup/", {"postcode": postcode})
    assert response.status_code == status
    assert words.lower() in response.content.decode().lower()


def test_area_search_and_area_page(client: Client, demo_stores: object) -> None:
    response = client.get("/areas/", {"q": "Islington North"})
    assert response.status_code == 200
    assert "Islington North" in response.content.decode()
    page = client.get("/areas/E09000019/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Islington" in body and "Residents" in body


def test_unknown_area_is_a_404_page(client: Client, demo_stores: object) -> None:
    response = client.get("/areas/E99999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_data_page_lists_coverage_gaps_and_licences(client: Client, demo_stores: object) -> None:
    response = client.get("/data/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "metropolitan" in body.lower() and "Burglary" in body
    assert "greater-manchester" in body.lower()
    assert "not National Statistics" in body


def test_pages_say_plainly_when_geography_is_not_loaded(client: Client, settings, tmp_path) -> None:
    settings.AREAS_DB_PATH = tmp_path / "missing.duckdb"
    settings.CRIME_DB_PATH = tmp_path / "missing-crime.duckdb"
    response = client.get("/lookup/", {"postcode": "RM10 8AA"})
    assert response.status_code == 503
    assert "callingtime areas import" in response.content.decode()
    assert client.get("/").status_code == 200
