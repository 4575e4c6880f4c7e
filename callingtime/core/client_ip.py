"""The client's address, believing X-Forwarded-For only from the configured proxies."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str | None:
    try:
        return str(ip_address(text.strip()))
    except ValueError:
        return None


# The peer is one of a few proxies in a real deployment: parse each once.
_peer_valid = lru_cache(maxsize=256)(_valid)


def client_ip(request: HttpRequest) -> str | None:
    """Return the client address of a request.

    Behind trusted proxies the client is the right-most X-Forwarded-For entry that is not
    itself a trusted proxy; anything further left could have been written by the client.
    """
    peer = _peer_valid(request.META.get("REMOTE_ADDR", ""))
    trusted: frozenset[str] = settings.TRUSTED_PROXIES
    if peer is None or peer not in trusted:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _valid(hop)
        if address is None:
            return peer
        if address not in trusted:
            return address
    return peer
