"""Postcode normalisation, the postcode result and the three ways a lookup can fail."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callingtime.areas.models import Area, Mp

POSTCODE_MALFORMED = (
    "{text!r} is not a UK postcode: expected an outward code (e.g. N1, RM10, SW1A) and an "
    "inward code (e.g. 1AA)."
)
POSTCODE_UNKNOWN = (
    "{postcode} is not in the loaded postcode lookup, which covers only what was imported: "
    "{count:,} postcodes in {coverage}. Import a wider ONS postcode file with "
    "`callingtime areas import` to look up others."
)
POSTCODE_TERMINATED = (
    "{postcode} was terminated in {terminated} (introduced {introduced}); it is no longer "
    "in use. Ask for the current postcode."
)

_BARE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[0-9][A-Z]{2}$")
_SPACES = re.compile(r"\s+")


class PostcodeError(ValueError):
    """A postcode that could not be looked up."""


class PostcodeMalformedError(PostcodeError):
    """The text does not have the shape of a UK postcode."""


class PostcodeUnknownError(PostcodeError):
    """A well-formed postcode that the loaded lookup does not hold."""


class PostcodeTerminatedError(PostcodeError):
    """A postcode that Royal Mail has stopped using."""

    def __init__(self, message: str, *, terminated: str) -> None:
        super().__init__(message)
        self.terminated = terminated


def postcode_normalise(text: str) -> str:
    """Return the postcode in upper case with one space before the inward code.

    >>> postcode_normalise(" n1  1aa ")
    'N1 1AA'

    Raises PostcodeMalformedError when the text is not shaped like a UK postcode.
    """
    bare = _SPACES.sub("", text).upper()
    if not _BARE.match(bare):
        raise PostcodeMalformedError(POSTCODE_MALFORMED.format(text=text))
    return f"{bare[:-3]} {bare[-3:]}"


def month_label(yyyymm: str | None) -> str:
    """Return a YYYYMM month as YYYY-MM (unchanged when it has another shape)."""
    if yyyymm and len(yyyymm) == 6 and yyyymm.isdigit():
        return f"{yyyymm[:4]}-{yyyymm[4:]}"
    return yyyymm or "unknown"


@dataclass(frozen=True)
class PostcodeResult:
    """Every area a live postcode lies in.

    The postcode lookup gives a 2011 LSOA; `lsoa21_ambiguous` is true when that LSOA was split
    in 2021 and the most populous 2021 part was chosen. The constituency comes from the
    derived, approximate LSOA→PCON24 lookup (`constituency_approximate`, `constituency_method`).
    """

    postcode: str
    lsoa21: Area
    lsoa11cd: str | None
    lsoa21_ambiguous: bool
    ward: Area | None
    borough: Area | None
    constituency: Area | None
    constituency_approximate: bool
    constituency_method: str | None
    force: Area | None
    bcu: Area | None
    region: Area | None
    mp: Mp | None
    introduced: str
