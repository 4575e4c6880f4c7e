"""A form sent without its CSRF token gets a page that says what to do, and saves nothing."""

from django.test import Client


def test_missing_csrf_token_gets_the_friendly_403() -> None:
    response = Client(enforce_csrf_checks=True).post("/-/post-probe")
    assert response.status_code == 403
    assert b"reload the page and send the form again" in response.content
