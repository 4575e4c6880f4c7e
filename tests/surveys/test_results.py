"""Results through the pages and exports: n everywhere, small groups hidden in every view."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from typing import Any

import pytest
from django.test import Client

from callingtime.core.stores import areas_store
from callingtime.surveys import building
from callingtime.surveys.answering import response_submit
from callingtime.surveys.models import Survey
from callingtime.surveys.results import ResultsFilter, survey_results
from tests.factories import CampaignFactory, OrganisationFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward_postcodes(demo_postcodes: list[str]) -> list[tuple[str, str]]:
    """(ward code, postcode) for three wards of the demo lookup."""
    by_ward: dict[str, list[str]] = defaultdict(list)
    with areas_store() as store:
        for postcode in demo_postcodes:
            ward = store.postcode_lookup(postcode).ward
            if ward is not None:
                by_ward[ward.code].append(postcode)
    wards = sorted(by_ward, key=lambda code: -len(by_ward[code]))[:3]
    assert len(wards) == 3
    return [(code, by_ward[code][0]) for code in wards]


def ward_postcode_of(ward_code: str) -> str:
    """Return a live demo postcode in the ward."""
    import duckdb
    from django.conf import settings

    with duckdb.connect(str(settings.AREAS_DB_PATH), read_only=True) as con:
        rows = con.execute(
            "SELECT pcds FROM postcode WHERE doterm IS NULL OR doterm = '' ORDER BY pcds"
        ).fetchall()
    with areas_store() as store:
        for (postcode,) in rows:
            ward = store.postcode_lookup(postcode).ward
            if ward is not None and ward.code == ward_code:
                return str(postcode)
    raise AssertionError(f"no postcode in {ward_code}")


@pytest.fixture
def answered(ward_postcodes: list[tuple[str, str]]) -> tuple[Survey, Any, list[str]]:
    organisation = OrganisationFactory()
    survey = building.survey_create(
        campaign=CampaignFactory(organisations=[organisation]),
        user=None,
        starter_key="community-safety",
    )
    building.survey_publish(survey=survey)
    q = {question.key: question.pk for question in survey.questions.all()}
    plan = [(ward_postcodes[0], 30), (ward_postcodes[1], 12), (ward_postcodes[2], 4)]
    n = 0
    for (_, postcode), count in plan:
        for i in range(count):
            n += 1
            # The biggest ward's answers fill three options (10 each), so its share feeling
            # unsafe shows; the others are spread thin and hide.
            options = ["Very safe", "Fairly safe", "A bit unsafe", "Very unsafe"]
            big = ["Very safe", "A bit unsafe", "Very unsafe"][i % 3]
            dark = big if count == 30 else options[n % 4]
            response_submit(
                survey=survey,
                answers={
                    q["postcode"]: postcode,
                    q["safe_day"]: "Fairly safe",
                    q["safe_dark"]: dark,
                    q["worries"]: ["Knife crime", "Drug dealing"] if i % 2 else ["Burglary"],
                    q["confidence"]: 1 + n % 5,
                    q["where"]: f"Near the station, note {n}",
                },
                ip_address=f"10.0.0.{n}",
            )
    analyst = staff_member("analyst", organisation)
    return survey, analyst, [code for (code, _), _ in plan]


def test_results_show_n_and_intervals_and_hide_the_small_ward(answered: Any) -> None:
    survey, analyst, wards = answered
    results = survey_results(survey=survey)
    assert results.group_size == 46 and results.group_visible
    dark = next(r for r in results.questions if r.question.key == "safe_dark")
    assert dark.summary.n == 46
    share = dark.summary.share("Very unsafe")
    assert share.count is not None and share.low < share.share < share.high
    assert dark.by_ward.area(wards[2]).suppressed  # 4 answers
    assert not dark.by_ward.area(wards[0]).suppressed  # 30 answers
    client = Client()
    client.force_login(analyst)
    page = client.get(f"/staff/surveys/{survey.pk}/results/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "46 responses" in body and "Not a poll." in body and "<svg" in body
    assert "95% interval" in body
    assert "fewer than 10" in body


def test_a_filter_to_a_small_group_hides_everything_including_free_text(answered: Any) -> None:
    survey, analyst, wards = answered
    small = survey_results(
        survey=survey, chosen=ResultsFilter(area_kind="ward", area_code=wards[2])
    )
    assert small.group_size == 4 and not small.group_visible
    for item in small.questions:
        if item.question.kind == "text":
            assert not item.texts_visible and item.texts == ()
        elif item.summary is not None:
            assert item.summary.suppressed
    client = Client()
    client.force_login(analyst)
    page = client.get(
        f"/staff/surveys/{survey.pk}/results/", {"area_kind": "ward", "area_code": wards[2]}
    )
    assert "Near the station" not in page.content.decode()
    assert "Fewer than 10 responses" in page.content.decode()
    big = survey_results(
        survey=survey, chosen=ResultsFilter(area_kind="ward", area_code=wards[0], search="note 1")
    )
    where = next(r for r in big.questions if r.question.key == "where")
    assert where.texts_visible and all("note 1" in t for t in where.texts) and where.texts


def test_a_filter_by_another_answer(answered: Any) -> None:
    survey, _, _ = answered
    unsafe = survey_results(
        survey=survey, chosen=ResultsFilter(question_key="worries", answer="Burglary")
    )
    assert unsafe.group_size == 23


def test_exports_hide_what_the_pages_hide(answered: Any) -> None:
    survey, analyst, wards = answered
    client = Client()
    client.force_login(analyst)
    text = b"".join(
        client.get(f"/staff/surveys/{survey.pk}/answers.csv").streaming_content
    ).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 46
    shown = {r["ward_code"] for r in rows}
    assert (
        wards[0] in shown
        and wards[1] in shown
        and wards[2] not in shown
        and "fewer than 10" in shown
    )
    assert "contact_email" not in rows[0]  # analysts do not see supporters' data
    assert rows[0]["worries"] in ("Burglary", "Knife crime; Drug dealing")
    data = json.loads(client.get(f"/staff/surveys/{survey.pk}/results.json").content)
    dark = next(q for q in data["questions"] if q["key"] == "safe_dark")
    small = next(a for a in dark["by_ward"]["areas"] if a["code"] == wards[2])
    assert small["suppressed"] and small["n"] is None
    geo = json.loads(client.get(f"/staff/surveys/{survey.pk}/map.geojson").content)
    assert geo["question"]["key"] == "safe_dark"
    assert geo["question"]["answers"] == ["A bit unsafe", "Very unsafe"]
    props = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
    assert props[wards[2]]["suppressed"] and props[wards[2]]["share"] is None
    assert props[wards[0]]["share"] is not None


def test_results_are_for_the_campaigns_own_staff(answered: Any) -> None:
    survey, _, _ = answered
    outsider = staff_member("analyst", OrganisationFactory())
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/staff/surveys/{survey.pk}/results/").status_code == 404
    assert Client().get(f"/staff/surveys/{survey.pk}/results/").status_code == 302


def test_the_evidence_page_sets_unsafe_after_dark_beside_the_crime_rate(answered: Any) -> None:
    from callingtime.surveys.evidence import survey_beside_crime

    survey, analyst, _ = answered
    # Top the smallest ward up with thirty spread answers, so that no area is small enough
    # to hide the others' figures with its own.
    q = {question.key: question.pk for question in survey.questions.all()}
    small_postcode = ward_postcode_of(answered[2][2])
    for n in range(30):
        dark = ["Very safe", "A bit unsafe", "Very unsafe"][n % 3]
        response_submit(
            survey=survey,
            answers={q["postcode"]: small_postcode, q["safe_dark"]: dark},
            ip_address=f"10.9.0.{n}",
        )
    evidence = survey_beside_crime(survey=survey)
    assert evidence.crime_loaded
    visible = [a for a in evidence.areas if not a.unsafe.suppressed]
    assert visible, "the biggest constituency's share shows"
    area = visible[0]
    assert area.all_crime is not None and area.all_crime.rate_per_1000 is not None
    assert area.unsafe.low <= area.unsafe.share <= area.unsafe.high
    knife = next(w for w in evidence.worries if w.worry == "Knife crime")
    assert knife.category == "possession-of-weapons"
    client = Client()
    client.force_login(analyst)
    page = client.get(f"/staff/surveys/{survey.pk}/evidence/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Feel unsafe after dark" in body and "All crime per 1,000" in body
    assert "no knife crime category" in body


def test_crosstab_of_two_questions_on_the_page(answered: Any) -> None:
    survey, analyst, _ = answered
    client = Client()
    client.force_login(analyst)
    page = client.get(
        f"/staff/surveys/{survey.pk}/results/",
        {"cross_rows": "safe_day", "cross_columns": "safe_dark"},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "share of each row, n = 46" in body


def test_paper_answers_are_keyed_by_data_entry_and_marked_paper(answered: Any) -> None:
    from callingtime.surveys.models import Response

    survey, _, _ = answered
    keyer = staff_member("data_entry", survey.campaign.organisations.get())
    client = Client()
    client.force_login(keyer)
    assert client.get(f"/staff/surveys/{survey.pk}/paper/").status_code == 200
    bad = client.post(f"/staff/surveys/{survey.pk}/paper/", {"q_postcode": "nope"})
    assert bad.status_code == 400 and Response.objects.filter(source="paper").count() == 0
    done = client.post(
        f"/staff/surveys/{survey.pk}/paper/",
        {"q_postcode": "N7 6PA", "q_safe_day": "Very safe", "q_safe_dark": "Very unsafe"},
    )
    assert done.status_code == 302
    paper = Response.objects.get(source="paper")
    assert paper.keyed_by_id == keyer.pk and paper.constituency_code


def test_the_results_summary_prints_as_a_pdf(answered: Any) -> None:
    survey, analyst, _ = answered
    client = Client()
    client.force_login(analyst)
    response = client.get(f"/staff/surveys/{survey.pk}/results.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
