"""Arbitrary input to the public forms and links: never a 500, never a write on bad input."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from callingtime.petitions.models import Petition, Signature, SignatureState
from callingtime.petitions.signing import signature_token, signing_context_forget
from tests.factories import PetitionFactory, SignatureFactory, consent_wording

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text of every kind: any code point (NULs, controls, bidi, emoji), some huge, some valid.
_any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
_huge = st.builds(lambda char, n: char * n, st.characters(codec="utf-8"), st.integers(300, 300_000))


GOOD = {
    "name": "Jo Bloggs",
    "email": "jo@example.org",
    "postcode": "N7 6PA",
    "uk_resident": "on",
    "opt_in": "on",
    "via": "email",
}
SOMETIMES_GOOD = {
    "name": ["Zoë O'Brien", "李小龍", "  Ann   Lee ", "Mr.Smith"],
    "email": ["a.b+c@example.co.uk", " JO@EXAMPLE.ORG "],
    "postcode": ["n76pa", " sw1a 1aa "],
    "uk_resident": ["true", "false", "", "x" * 1000],
    "opt_in": ["false", ""],
    "via": ["copy", "whatsapp", "nonsense"],
}
_odd = st.one_of(st.none(), _any_text, _huge)


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, str]:
    """A valid submission with up to three fields replaced by odd, huge, other or no text."""
    data: dict[str, str | None] = dict(GOOD)
    for field in draw(st.lists(st.sampled_from(sorted(GOOD)), max_size=3, unique=True)):
        data[field] = draw(st.one_of(_odd, st.sampled_from(SOMETIMES_GOOD[field])))
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def _fresh_signing_context() -> Iterator[None]:
    signing_context_forget()
    yield
    signing_context_forget()


@pytest.fixture
def petition() -> Petition:
    consent_wording()
    return PetitionFactory()


@EXAMPLES
@example(data=GOOD)
@given(data=submissions())
def test_sign_post_never_fails_and_writes_only_when_valid(
    client: Client, petition: Petition, data: dict[str, str]
) -> None:
    before = Signature.objects.count()
    response = client.post(f"/petitions/{petition.pk}/sign/", data)
    assert response.status_code in (200, 303)
    written = Signature.objects.count() - before
    assert written == (1 if response.status_code == 303 else 0)
    if written:
        signature = Signature.objects.order_by("-pk").first()
        assert signature is not None
        assert 0 < len(signature.name) <= 100 and len(signature.postcode) <= 8
        assert signature.share_channel in ("", "twitter", "facebook", "whatsapp", "email", "copy")


def _confirm_path(token: str) -> str:
    return f"/signatures/{quote(token, safe='')}/confirm/"


@EXAMPLES
@given(token=st.one_of(_any_text, _huge, st.text(alphabet="abcdefABCDEF0123456789:-_", min_size=1)))
def test_confirm_never_fails_and_changes_nothing_for_a_bad_token(
    client: Client, petition: Petition, token: str
) -> None:
    signature = SignatureFactory(petition=petition)
    real = signature_token(signature=signature)
    if token == real:  # pragma: no cover - hypothesis will not guess a signed token
        return
    for response in (client.get(_confirm_path(token)), client.post(_confirm_path(token))):
        assert response.status_code in (404, 410), response.status_code
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING
    assert not Signature.objects.exclude(state=SignatureState.PENDING).exists()


@EXAMPLES
@given(suffix=_any_text)
def test_confirm_of_a_damaged_real_token_never_confirms(
    client: Client, petition: Petition, suffix: str
) -> None:
    signature = SignatureFactory(petition=petition)
    token = signature_token(signature=signature)
    damaged = token[: len(token) // 2] + suffix
    response = client.post(_confirm_path(damaged))
    assert response.status_code in (404, 410)
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING


@EXAMPLES
@given(via=_any_text, state=_any_text, page=_any_text)
def test_public_reads_never_fail_on_odd_queries(
    client: Client, petition: Petition, via: str, state: str, page: str
) -> None:
    detail = client.get(f"/petitions/{petition.pk}/?{urlencode({'via': via})}")
    assert detail.status_code == 200
    assert not detail.cookies
    sign = client.get(f"/petitions/{petition.pk}/sign/?{urlencode({'via': via})}")
    assert sign.status_code == 200
    listing = client.get(f"/petitions.json?{urlencode({'state': state, 'page': page})}")
    assert listing.status_code in (200, 400)
    html = client.get(f"/petitions/?{urlencode({'state': state, 'page': page})}")
    assert html.status_code in (200, 404)
