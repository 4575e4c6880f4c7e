"""The category sets: police.uk types and slugs, and the Met mapping's internal consistency."""

from __future__ import annotations

import pytest

from callingtime.crimedata.categories import (
    BLADE_OR_POINT,
    MPS_AGGREGATES,
    MPS_CATEGORIES,
    MPS_SCHEMES,
    POLICEUK_CRIME_TYPES,
    POLICEUK_SLUG_LABELS,
    mps_categories_single_scheme,
    mps_category_label,
    mps_category_pairs,
    mps_category_slugs,
    policeuk_slug,
    policeuk_slug_label,
)

API_SLUGS = [
    "all-crime", "all-crime-excl-asb", "anti-social-behaviour", "bicycle-theft", "burglary",
    "criminal-damage-arson", "drugs", "other-theft", "possession-of-weapons", "public-order",
    "robbery", "shoplifting", "theft-from-the-person", "vehicle-crime", "violent-crime",
    "other-crime",
]  # fmt: skip


def test_policeuk_slugs_are_the_api_set() -> None:
    assert len(POLICEUK_CRIME_TYPES) == 14
    assert sorted(POLICEUK_SLUG_LABELS) == sorted(API_SLUGS)
    assert policeuk_slug("Violence and sexual offences") == "violent-crime"
    assert policeuk_slug("Knife crime") is None
    assert "anti-social behaviour included" in policeuk_slug_label("all-crime")


def test_blade_or_point_is_labelled_exactly_and_never_knife_crime() -> None:
    assert mps_category_label(BLADE_OR_POINT) == "Possession of article with blade or point"
    assert MPS_CATEGORIES[BLADE_OR_POINT].schemes == ("detailed",)
    assert not any(c.label.lower() == "knife crime" for c in MPS_CATEGORIES.values())


@pytest.mark.parametrize("scheme", MPS_SCHEMES)
def test_every_mapped_category_is_supplied_by_its_scheme(scheme: str) -> None:
    for major, minor in mps_category_pairs(scheme):
        slugs = mps_category_slugs(scheme, major, minor)
        assert slugs, (major, minor)
        for slug in slugs:
            assert scheme in MPS_CATEGORIES[slug].schemes, (scheme, major, minor, slug)


@pytest.mark.parametrize("scheme", MPS_SCHEMES)
def test_every_category_of_a_scheme_is_fed_by_some_row(scheme: str) -> None:
    fed = {
        s for pair in mps_category_pairs(scheme) for s in mps_category_slugs(scheme, *pair) or ()
    }
    declared = {slug for slug, c in MPS_CATEGORIES.items() if scheme in c.schemes}
    assert fed == declared


def test_violent_crime_is_vap_plus_sexual_offences() -> None:
    assert MPS_AGGREGATES["violent-crime"] == ("violence-against-the-person", "sexual-offences")
    for scheme, major, minor in (
        ("detailed", "Violence Against the Person", "Violence with Injury"),
        ("detailed", "Sexual Offences", "Rape"),
        ("coarse", "VIOLENCE AGAINST THE PERSON", "STALKING AND HARASSMENT"),
        ("coarse", "SEXUAL OFFENCES", "OTHER SEXUAL OFFENCES"),
    ):
        assert "violent-crime" in (mps_category_slugs(scheme, major, minor) or ())
    assert "violent-crime" not in (
        mps_category_slugs("detailed", "Robbery", "Robbery of Business Property") or ()
    )
    # the 2008-2018 violence definition is not the same, so the old scheme never feeds it
    assert "violent-crime" not in (mps_category_slugs("old", "Sexual Offences", "Rape") or ())


def test_unknown_pairs_and_case_are_not_guessed() -> None:
    assert mps_category_slugs("detailed", "Robbery", "Robbery of a Bicycle") is None
    assert mps_category_slugs("detailed", "ROBBERY", "ROBBERY OF PERSONAL PROPERTY") is None
    assert mps_category_slugs("coarse", "Robbery", "Robbery of Personal Property") is None
    with pytest.raises(ValueError):
        mps_category_slugs("newer", "Robbery", "x")


def test_single_scheme_categories_are_listed() -> None:
    single = set(mps_categories_single_scheme())
    assert {BLADE_OR_POINT, "nfib-fraud", "violence-against-the-person-2008-scheme"} <= single
    assert "violent-crime" not in single
