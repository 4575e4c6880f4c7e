"""Every staff URL and every admin model page, asked by every kind of user.

The tables below are the expected answer; the URLs come from the URL patterns themselves, so a
new staff page without a row here fails `test_every_staff_url_has_an_expected_row`.
Refused writes must change nothing, and nobody but the campaign's own admins and organisers
may ever see a supporter's name, e-mail or postcode.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from callingtime.campaigns.models import Campaign, Organisation
from callingtime.petitions.models import (
    BlockedItem,
    BlockKind,
    ConsentWording,
    ConstituencyCount,
    Invalidation,
    Milestone,
    Petition,
    Signature,
    SignatureState,
    SiteSwitches,
)
from callingtime.petitions.urls import urlpatterns
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    PetitionFactory,
    SignatureFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

ROLES = ("admin", "organiser", "data_entry", "analyst")
EVERY_ROLE = frozenset(ROLES)
OPERATORS = frozenset({"admin", "organiser"})
NOBODY: frozenset[str] = frozenset()

# A supporter whose details must show only on the signers pages, to the campaign's own
# admins and organisers.
SUPPORTER_NAME = "Perdita Quillfeather"
SUPPORTER_EMAIL = "perdita.quillfeather@example.net"
SUPPORTER_POSTCODE = "N7 6QQ"
PERSONAL_MARKERS = (SUPPORTER_NAME, SUPPORTER_EMAIL, SUPPORTER_POSTCODE)


@dataclass
class World:
    own: Organisation
    other: Organisation
    campaign: Campaign
    petition: Petition
    other_petition: Petition
    blocked: BlockedItem
    signature: Signature
    principals: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world() -> World:
    own, other = OrganisationFactory(), OrganisationFactory()
    campaign = CampaignFactory(organisations=[own])
    petition = PetitionFactory(campaign=campaign)
    other_petition = PetitionFactory(campaign=CampaignFactory(organisations=[other]))
    signature = SignatureFactory(
        petition=petition,
        name=SUPPORTER_NAME,
        email=SUPPORTER_EMAIL,
        postcode=SUPPORTER_POSTCODE,
        opt_in=True,
        state=SignatureState.VALIDATED,
        validated_at=timezone.now() - timedelta(minutes=5),
    )
    # Drifted counts, so that a reconcile that ran would show in the snapshot.
    Petition.objects.filter(pk=petition.pk).update(signature_count=99, counted_until=timezone.now())
    Milestone.objects.create(petition=petition, threshold=10)
    blocked = BlockedItem.objects.create(kind=BlockKind.DOMAIN, value="spam.example")
    SiteSwitches.current()
    principals: dict[str, Any] = {
        "anonymous": None,
        "not_staff": UserFactory(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    for role in ROLES:
        principals[f"own:{role}"] = staff_member(role, own, is_staff=True)
        principals[f"other:{role}"] = staff_member(role, other, is_staff=True)
    return World(
        own=own,
        other=other,
        campaign=campaign,
        petition=petition,
        other_petition=other_petition,
        blocked=blocked,
        signature=signature,
        principals=principals,
    )


@dataclass(frozen=True)
class Access:
    """Who may use a staff URL: the roles whose GET and POST succeed (None: method not offered).

    `petition_scoped` pages belong to one campaign's organisations, so staff of other
    organisations get 404 there; the others (dashboard, site switches) follow the role alone.
    `post_data` is a valid POST that would change something if allowed.
    """

    get: frozenset[str] | None
    post: frozenset[str] | None = None
    post_data: dict[str, str] = field(default_factory=dict)
    petition_scoped: bool = True
    personal: bool = False
    public: bool = False


EXPECTED: dict[str, Access] = {
    "staff/login/": Access(get=None, public=True),
    "staff/logout/": Access(get=None, public=True),
    "staff/": Access(get=EVERY_ROLE, petition_scoped=False),
    "staff/switches/": Access(
        get=frozenset({"admin"}),
        post=frozenset({"admin"}),
        post_data={"switch": "signing", "paused": "1"},
        petition_scoped=False,
    ),
    "staff/petitions/<int:petition_id>/": Access(get=EVERY_ROLE),
    "staff/petitions/<int:petition_id>/switch/": Access(
        get=None, post=OPERATORS, post_data={"switch": "counting", "paused": "1"}
    ),
    "staff/petitions/<int:petition_id>/reconcile/": Access(get=None, post=OPERATORS),
    "staff/petitions/<int:petition_id>/signers/": Access(get=OPERATORS, personal=True),
    "staff/petitions/<int:petition_id>/signers.csv": Access(get=OPERATORS, personal=True),
    "staff/petitions/<int:petition_id>/trending/": Access(get=OPERATORS),
    "staff/petitions/<int:petition_id>/blocklist/": Access(
        get=frozenset({"admin"}),
        post=frozenset({"admin"}),
        post_data={"kind": BlockKind.IP, "value": "198.51.100.7", "reason": "test"},
    ),
    "staff/petitions/<int:petition_id>/blocklist/<int:item_id>/remove/": Access(
        get=None, post=frozenset({"admin"})
    ),
    "staff/petitions/<int:petition_id>/invalidations/": Access(
        get=OPERATORS,
        post=OPERATORS,
        post_data={"action": "apply", "name_contains": "Perdita", "matched_count": "1"},
    ),
}

PRINCIPALS = (
    "anonymous",
    "not_staff",
    "superuser",
    *(f"own:{role}" for role in ROLES),
    *(f"other:{role}" for role in ROLES),
)


def _staff_patterns() -> dict[str, URLPattern]:
    return {str(p.pattern): p for p in urlpatterns if str(p.pattern).startswith("staff/")}


STAFF_ROUTES = sorted(_staff_patterns())


def _url(route: str, world: World) -> str:
    values = {"petition_id": world.petition.pk, "item_id": world.blocked.pk}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def _client(world: World, principal: str) -> Client:
    client = Client()
    user = world.principals[principal]
    if user is not None:
        client.force_login(user)
    return client


def _snapshot() -> dict[str, list[Any]]:
    """Everything a staff action could change."""
    return {
        "petitions": list(Petition.objects.order_by("pk").values()),
        "site": list(SiteSwitches.objects.values("signing_paused", "counting_paused")),
        "signatures": list(
            Signature.objects.order_by("pk").values_list(
                "pk", "state", "invalidated_at", "flag_reason", "name", "email"
            )
        ),
        "counts": list(ConstituencyCount.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "blocked": list(BlockedItem.objects.order_by("pk").values_list("pk", "kind", "value")),
        "invalidations": list(Invalidation.objects.order_by("pk").values_list("pk", "summary")),
        "campaigns": list(Campaign.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
    }


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _role_of(principal: str) -> tuple[str, str | None]:
    if ":" in principal:
        where, role = principal.split(":")
        return where, role
    return principal, None


def _allowed(access: Access, method: str, principal: str) -> bool:
    roles = access.get if method == "get" else access.post
    if roles is None:
        return False
    where, role = _role_of(principal)
    if where == "superuser":
        return True
    if role is None:
        return False
    if where == "other" and access.petition_scoped:
        return False
    return role in roles


def test_every_staff_url_has_an_expected_row() -> None:
    assert set(_staff_patterns()) == set(EXPECTED), (
        "a staff URL was added or removed: give it a row in EXPECTED"
    )


def test_the_matrix_covers_every_role() -> None:
    from callingtime.campaigns.models import Role

    assert set(ROLES) == set(Role.values)


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("route", STAFF_ROUTES)
def test_staff_url_answers_each_principal_as_expected(
    world: World, route: str, principal: str
) -> None:
    access = EXPECTED[route]
    if access.public:
        return  # the sign-in and sign-out pages have their own tests in test_views_staff.py
    url = _url(route, world)
    for method in ("get", "post"):
        before = _snapshot()
        with transaction.atomic():
            client = _client(world, principal)
            data = access.post_data if method == "post" else {}
            response = getattr(client, method)(url, data)
            body = _body(response)
            after = _snapshot()
            allowed = _allowed(access, method, principal)
            label = f"{method.upper()} {url} as {principal}: {response.status_code}"
            if response.status_code != 405:  # a method refusal names nothing
                assert "no-store" in response.get("Cache-Control", ""), label
            offered = (access.get if method == "get" else access.post) is not None
            if allowed:
                assert response.status_code in (200, 302), label
                if method == "post":
                    assert after != before, f"{label} was allowed but changed nothing"
            elif principal == "anonymous":
                assert response.status_code in (302, 403, 405), label
                if response.status_code == 302:
                    assert response["Location"].startswith("/staff/login/"), label
            elif not offered:
                assert response.status_code in (403, 404, 405), label
            else:
                where, _ = _role_of(principal)
                expected = (404, 403) if where == "other" and access.petition_scoped else (403,)
                assert response.status_code in expected, label
            if not allowed:
                assert after == before, f"{label} was refused but changed something"
            may_see_people = allowed and access.personal
            for marker in PERSONAL_MARKERS:
                assert (marker in body) == may_see_people, f"{label}: {marker!r} in body"
            transaction.set_rollback(True)


# The admin: every registered model, by every principal.


@dataclass(frozen=True)
class AdminAccess:
    """The roles that may view, add and change a model's rows of their own organisations."""

    view: frozenset[str]
    add: frozenset[str]
    change: frozenset[str]


# "superuser" is a column of its own: a superuser with no organisation.
SU = frozenset({"superuser"})
EDITORS = frozenset({"admin", "organiser", "superuser"})
READERS = frozenset({"admin", "organiser", "analyst", "superuser"})
ADMIN_EXPECTED: dict[str, AdminAccess] = {
    "campaigns.campaign": AdminAccess(view=READERS, add=EDITORS, change=EDITORS),
    "campaigns.organisation": AdminAccess(
        view=frozenset({"admin", "superuser"}), add=SU, change=frozenset({"admin", "superuser"})
    ),
    "petitions.petition": AdminAccess(view=READERS, add=EDITORS, change=EDITORS),
    # Frozen once signed: even a superuser only reads a wording someone has agreed to.
    "petitions.consentwording": AdminAccess(view=SU, add=SU, change=NOBODY),
    "auth.user": AdminAccess(view=SU, add=SU, change=SU),
    "auth.group": AdminAccess(view=SU, add=SU, change=SU),
    # django-tasks' results are read-only for everyone.
    "django_tasks_database.dbtaskresult": AdminAccess(view=SU, add=NOBODY, change=NOBODY),
}

# The row of the first organisation each model page is asked about (None: no row to ask about).
ADMIN_OBJECTS: dict[str, Callable[[World], Any]] = {
    "campaigns.campaign": lambda w: w.campaign,
    "campaigns.organisation": lambda w: w.own,
    "petitions.petition": lambda w: w.petition,
    "petitions.consentwording": lambda w: ConsentWording.objects.first(),
    "auth.user": lambda w: w.principals["own:organiser"],
    "auth.group": lambda w: None,
    "django_tasks_database.dbtaskresult": lambda w: None,
}


def _admin_labels() -> list[str]:
    return sorted(model._meta.label_lower for model in admin.site._registry)


def test_every_admin_model_has_an_expected_row() -> None:
    assert set(_admin_labels()) == set(ADMIN_EXPECTED)
    assert "petitions.signature" not in ADMIN_EXPECTED, "signatures are personal data"


def _admin_allowed(roles: frozenset[str], principal: str, *, own_row: bool) -> bool:
    where, role = _role_of(principal)
    if where == "superuser":
        return "superuser" in roles
    if role is None or (where == "other" and own_row):
        return False
    return role in roles


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("label", sorted(ADMIN_EXPECTED))
def test_admin_model_pages_answer_each_principal_as_expected(
    world: World, label: str, principal: str
) -> None:
    access = ADMIN_EXPECTED[label]
    app_label, model_name = label.split(".")
    base = f"/staff/admin/{app_label}/{model_name}/"
    client = _client(world, principal)
    pages = [("changelist", base, access.view, False), ("add", f"{base}add/", access.add, False)]
    obj = ADMIN_OBJECTS[label](world)
    if obj is not None:
        pages.append(("change", f"{base}{obj.pk}/change/", access.view | access.change, True))
    for name, url, roles, own_row in pages:
        response = client.get(url)
        body = response.content.decode()
        status = f"GET {url} ({name}) as {principal}: {response.status_code}"
        if principal in ("anonymous", "not_staff"):
            assert response.status_code == 302, status
            assert "/staff/admin/login/" in response["Location"], status
        elif _admin_allowed(roles, principal, own_row=own_row):
            assert response.status_code == 200, status
        elif own_row and _role_of(principal)[0] == "other":
            # Django answers a row outside the queryset by redirecting to the admin index.
            assert response.status_code in (302, 403, 404), status
        else:
            assert response.status_code == 403, status
        for marker in PERSONAL_MARKERS:
            assert marker not in body, f"{status}: {marker!r} in body"
    signed_in = principal not in ("anonymous", "not_staff")
    if obj is not None and signed_in and not _admin_allowed(access.change, principal, own_row=True):
        before = _snapshot()
        response = client.post(f"{base}{obj.pk}/change/", {"title": "Hijacked"})
        assert response.status_code in (302, 403, 404), f"POST change as {principal}"
        assert _snapshot() == before


def test_admin_lists_only_the_users_own_organisations_rows(world: World) -> None:
    client = _client(world, "other:organiser")
    body = client.get("/staff/admin/petitions/petition/").content.decode()
    assert world.other_petition.action in body
    assert f"/{world.petition.pk}/change/" not in body


def test_staff_without_is_staff_cannot_enter_the_admin(world: World) -> None:
    user = staff_member("admin", world.own)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=False)
    client = Client()
    client.force_login(user)
    response = client.get("/staff/admin/campaigns/campaign/")
    assert response.status_code == 302
