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
from callingtime.paper.keying import sheet_key
from callingtime.paper.lines import KeyedLine
from callingtime.paper.models import Pack, PaperSettings, PaperSignature, Sheet
from callingtime.paper.packs import pack_create_for_staff, paper_settings_update
from callingtime.paper.urls import urlpatterns as paper_urlpatterns
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
from callingtime.surveys import building
from callingtime.surveys.answering import Contact, response_submit
from callingtime.surveys.models import Question, Response, Survey
from callingtime.surveys.urls import urlpatterns as survey_urlpatterns
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
KEYERS = frozenset({"admin", "organiser", "data_entry"})
DRAFT = {"survey_id": "draft_survey", "question_id": "draft_question"}
REPORT_READERS = frozenset({"admin", "organiser", "analyst"})
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
    pack: Pack
    blank_sheet: Sheet
    mismatched_sheet: Sheet
    held: Signature
    draft_survey: Survey
    draft_question: Question
    answered_survey: Survey
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
    paper = _paper_world(petition, principals["own:organiser"], principals["own:admin"])
    surveys = _survey_world(campaign)
    return World(
        own=own,
        other=other,
        campaign=campaign,
        petition=petition,
        other_petition=other_petition,
        blocked=blocked,
        signature=signature,
        principals=principals,
        **paper,
        **surveys,
    )


def _survey_world(campaign: Campaign) -> dict[str, Any]:
    """A draft survey to build, and a published one answered by the supporter, with consent."""
    draft = building.survey_create(campaign=campaign, user=None, starter_key="quick-pulse")
    answered = building.survey_create(campaign=campaign, user=None, starter_key="quick-pulse")
    building.survey_publish(survey=answered)
    postcode = answered.questions.get(key="postcode")
    response_submit(
        survey=answered,
        answers={postcode.pk: SUPPORTER_POSTCODE},
        contact=Contact(name=SUPPORTER_NAME, email=SUPPORTER_EMAIL),
    )
    return {
        "draft_survey": draft,
        "draft_question": draft.questions.order_by("position").last(),
        "answered_survey": answered,
    }


def _paper_world(petition: Petition, first: Any, second: Any) -> dict[str, Any]:
    """A pack with a blank sheet, a sheet whose two entries disagree, and a held line."""
    pack = pack_create_for_staff(petition=petition, user=first, sheet_count=3)
    blank, mismatched, keyed = pack.sheets.order_by("number")
    # The held line repeats the supporter, so the review page shows their details.
    held_line = KeyedLine(line=1, name=SUPPORTER_NAME, postcode=SUPPORTER_POSTCODE)
    sheet_key(sheet=keyed, user=first, lines=[held_line], signed_lines=1)
    paper_settings_update(
        petition=petition,
        requests_open=True,
        return_instructions="",
        rows_per_sheet=20,
        double_entry=True,
    )
    sheet_key(
        sheet=mismatched, user=first, lines=[KeyedLine(1, "Kay One", "N1 9GU")], signed_lines=1
    )
    sheet_key(
        sheet=mismatched, user=second, lines=[KeyedLine(1, "Kay Won", "N1 9GU")], signed_lines=1
    )
    paper_settings_update(
        petition=petition,
        requests_open=True,
        return_instructions="",
        rows_per_sheet=20,
        double_entry=False,
    )
    held = PaperSignature.objects.get(sheet=keyed, line=1).signature
    return {"pack": pack, "blank_sheet": blank, "mismatched_sheet": mismatched, "held": held}


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
    # Which of the supporter's details a personal page shows (the rest must never appear).
    markers: tuple[str, ...] = ("name", "email", "postcode")
    # URL or POST values taken from another World attribute than the default, by name.
    ids: dict[str, str] = field(default_factory=dict)
    # On a personal page: the roles that see the supporter (None: every allowed role).
    sees_people: frozenset[str] | None = None


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
    # Paper packs and keying (callingtime.paper).
    "staff/petitions/<int:petition_id>/paper/": Access(get=EVERY_ROLE),
    "staff/petitions/<int:petition_id>/paper/settings/": Access(
        get=None,
        post=OPERATORS,
        post_data={
            "requests_open": "on",
            "return_instructions": "To the office",
            "rows_per_sheet": "15",
        },
    ),
    "staff/petitions/<int:petition_id>/paper/packs/": Access(
        get=OPERATORS, post=OPERATORS, post_data={"status": "posted", "packs": "{pack_id}"}
    ),
    "staff/petitions/<int:petition_id>/paper/packs/new/": Access(
        get=None, post=OPERATORS, post_data={"sheet_count": "2"}
    ),
    "staff/petitions/<int:petition_id>/paper/packs/<int:pack_id>.pdf": Access(get=OPERATORS),
    "staff/petitions/<int:petition_id>/paper/delivery.pdf": Access(get=REPORT_READERS),
    "staff/petitions/<int:petition_id>/paper/delivery.csv": Access(
        get=OPERATORS, personal=True, markers=("name",)
    ),
    "staff/petitions/<int:petition_id>/paper/key/": Access(get=KEYERS),
    "staff/petitions/<int:petition_id>/paper/sheets/<int:sheet_id>/key/": Access(
        get=KEYERS,
        post=KEYERS,
        post_data={"signed_lines": "1", "name_1": "Kay Ed", "postcode_1": "N1 9GU"},
    ),
    "staff/petitions/<int:petition_id>/paper/sheets/<int:sheet_id>/resolve/": Access(
        get=KEYERS, post=KEYERS, post_data={"line_1": "first"}, ids={"sheet_id": "mismatched_sheet"}
    ),
    "staff/petitions/<int:petition_id>/paper/review/": Access(
        get=OPERATORS,
        post=OPERATORS,
        post_data={"signature": "{held_id}", "decision": "count"},
        personal=True,
    ),
    # Surveys (callingtime.surveys): building needs EDIT_CAMPAIGN, results VIEW_REPORTS, and
    # contact details of consenting respondents need VIEW_SUPPORTER_DATA too.
    "staff/campaigns/<int:campaign_id>/surveys/": Access(
        get=REPORT_READERS, post=OPERATORS, post_data={"starter": "community-safety"}
    ),
    "staff/surveys/<int:survey_id>/": Access(
        get=OPERATORS,
        post=OPERATORS,
        post_data={"title": "Renamed", "introduction": "", "contact_consent": "You may write."},
        ids=DRAFT,
    ),
    "staff/surveys/<int:survey_id>/questions/new/": Access(
        get=None, post=OPERATORS, post_data={"kind": "text", "text": "Anything else?"}, ids=DRAFT
    ),
    "staff/surveys/<int:survey_id>/questions/<int:question_id>/": Access(
        get=OPERATORS, post=OPERATORS, post_data={"kind": "text", "text": "Changed"}, ids=DRAFT
    ),
    "staff/surveys/<int:survey_id>/questions/<int:question_id>/action/": Access(
        get=None, post=OPERATORS, post_data={"action": "delete"}, ids=DRAFT
    ),
    "staff/surveys/<int:survey_id>/state/": Access(
        get=None, post=OPERATORS, post_data={"action": "publish"}, ids=DRAFT
    ),
    "staff/surveys/<int:survey_id>/results/": Access(get=REPORT_READERS),
    "staff/surveys/<int:survey_id>/evidence/": Access(get=REPORT_READERS),
    "staff/surveys/<int:survey_id>/paper/": Access(
        get=KEYERS, post=KEYERS, post_data={"q_postcode": "N1 9GU", "q_safe_dark": "Very safe"}
    ),
    "staff/surveys/<int:survey_id>/paper.pdf": Access(get=KEYERS),
    "staff/surveys/<int:survey_id>/results.json": Access(get=REPORT_READERS),
    "staff/surveys/<int:survey_id>/results.pdf": Access(get=REPORT_READERS),
    "staff/surveys/<int:survey_id>/map.geojson": Access(get=REPORT_READERS),
    "staff/surveys/<int:survey_id>/answers.csv": Access(
        get=REPORT_READERS, personal=True, sees_people=OPERATORS
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
    return {
        str(p.pattern): p
        for p in [*urlpatterns, *paper_urlpatterns, *survey_urlpatterns]
        if str(p.pattern).startswith("staff/")
    }


STAFF_ROUTES = sorted(_staff_patterns())


def _values(world: World, access: Access) -> dict[str, int]:
    values = {
        "petition_id": world.petition.pk,
        "item_id": world.blocked.pk,
        "pack_id": world.pack.pk,
        "sheet_id": world.blank_sheet.pk,
        "held_id": world.held.pk,
        "campaign_id": world.campaign.pk,
        "survey_id": world.answered_survey.pk,
        "question_id": world.draft_question.pk,
    }
    values.update({name: getattr(world, attribute).pk for name, attribute in access.ids.items()})
    return values


def _url(route: str, world: World) -> str:
    values = _values(world, EXPECTED[route])
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
        "paper_settings": list(PaperSettings.objects.order_by("pk").values()),
        "packs": list(Pack.objects.order_by("pk").values()),
        "sheets": list(Sheet.objects.order_by("pk").values_list("pk", "state")),
        "paper_signatures": list(PaperSignature.objects.order_by("pk").values_list("pk", "line")),
        "surveys": list(Survey.objects.order_by("pk").values()),
        "questions": list(Question.objects.order_by("pk").values()),
        "responses": list(Response.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    if response.get("Content-Type", "").startswith("application/pdf"):
        return response.content.decode("latin-1")  # compressed streams: markers never match
    return response.content.decode()


def _role_of(principal: str) -> tuple[str, str | None]:
    if ":" in principal:
        where, role = principal.split(":")
        return where, role
    return principal, None


def where_role(principal: str) -> str | None:
    """Return the role of a principal ('own:analyst' → 'analyst'), None for the others."""
    return _role_of(principal)[1]


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
            values = _values(world, access)
            data = (
                {k: v.format(**values) for k, v in access.post_data.items()}
                if method == "post"
                else {}
            )
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
            # A redirect after a write shows nothing; it must still leak nothing.
            may_see_people = allowed and access.personal and response.status_code == 200
            if access.sees_people is not None and where_role(principal) not in access.sees_people:
                may_see_people = may_see_people and principal == "superuser"
            for kind, marker in zip(("name", "email", "postcode"), PERSONAL_MARKERS, strict=True):
                shown = may_see_people and kind in access.markers
                assert (marker in body) == shown, f"{label}: {marker!r} in body"
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
