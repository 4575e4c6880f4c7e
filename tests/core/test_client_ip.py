"""The client address: X-Forwarded-For is believed only from a configured proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from callingtime.core.client_ip import client_ip


def _request(peer: str, forwarded: str | None = None) -> object:
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=frozenset())
def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=frozenset({"127.0.0.1"}))
def test_behind_a_trusted_proxy_the_forwarded_client_counts() -> None:
    assert client_ip(_request("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=frozenset({"127.0.0.1", "10.0.0.2"}))
def test_a_spoofed_left_hand_entry_is_ignored() -> None:
    # The client wrote "1.2.3.4"; the CDN (10.0.0.2) appended the real address.
    request = _request("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2")
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=frozenset({"127.0.0.1"}))
@pytest.mark.parametrize("forwarded", ["", "not-an-address", " , "])
def test_garbage_forwarded_falls_back_to_the_peer(forwarded: str) -> None:
    assert client_ip(_request("127.0.0.1", forwarded)) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=frozenset({"203.0.113.9"}))
def test_an_untrusted_peer_cannot_forward() -> None:
    assert client_ip(_request("198.51.100.50", "1.2.3.4")) == "198.51.100.50"
