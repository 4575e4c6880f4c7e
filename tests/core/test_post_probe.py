"""The POST probe: CSRF-checked, side-effect free."""

from __future__ import annotations

from django.middleware.csrf import _get_new_csrf_string
from django.test import Client


def test_post_probe_needs_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/-/post-probe").status_code == 403
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    response = client.post("/-/post-probe", {"csrfmiddlewaretoken": token})
    assert response.status_code == 204


def test_post_probe_refuses_get() -> None:
    assert Client().get("/-/post-probe").status_code == 405
