"""Normalised names and e-mail addresses, so one person signing twice is seen as one."""

from __future__ import annotations

import re
import unicodedata

# Gmail ignores dots in the local part; googlemail.com is the same mailbox as gmail.com.
_DOTS_IGNORED = frozenset({"gmail.com"})
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
# Providers that deliver local+anything to local (sub-addressing).
_PLUS_TAGS_IGNORED = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "live.co.uk",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "fastmail.com",
        "fastmail.fm",
        "yandex.com",
    }
)
_SPACES = re.compile(r"\s+")


def email_normalise(email: str) -> str:
    """Return the mailbox an address delivers to, in lower case.

    >>> email_normalise("Jo.Bloggs+petition@GoogleMail.com")
    'jobloggs@gmail.com'
    >>> email_normalise("jo.bloggs+x@example.org")
    'jo.bloggs+x@example.org'
    """
    local, _, domain = email.strip().lower().rpartition("@")
    domain = _DOMAIN_ALIASES.get(domain, domain)
    if domain in _PLUS_TAGS_IGNORED:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_domain(email: str) -> str:
    """Return the normalised domain of an address.

    >>> email_domain("someone@GoogleMail.com")
    'gmail.com'
    """
    return email_normalise(email).rpartition("@")[2]


def name_normalise(name: str) -> str:
    """Return a name folded for comparison: compatibility forms, case and spacing ignored.

    >>> name_normalise("  Jo   BLOGGS ")
    'jo bloggs'
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _SPACES.sub(" ", folded).strip()
