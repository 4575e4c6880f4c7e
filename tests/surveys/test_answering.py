"""Answering: branching, required answers, whole-or-nothing saves, anonymity, the soft guard."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from callingtime.core.stores import areas_store
from callingtime.surveys import building
from callingtime.surveys.answering import visible_questions
from callingtime.surveys.models import Answer, Response, Survey

pytestmark = pytest.mark.django_db

BASE = {
    "q_postcode": "n7 6pa",
    "q_safe_day": "Fairly safe",
    "q_safe_dark": "A bit unsafe",
}


@pytest.fixture
def survey() -> Survey:
    from tests.factories import CampaignFactory

    created = building.survey_create(
        campaign=CampaignFactory(), user=None, starter_key="community-safety"
    )
    return building.survey_publish(survey=created)


def _post(survey: Survey, data: dict[str, Any], client: Client | None = None) -> Any:
    return (client or Client()).post(f"/surveys/{survey.pk}/", data)


def test_conditions_follow_earlier_answers(survey: Survey) -> None:
    questions = list(survey.questions.order_by("position"))
    ids = {q.key: q.pk for q in questions}

    def keys(answers: dict[str, Any]) -> set[str]:
        by_id = {ids[k]: v for k, v in answers.items()}
        return {q.key for q in visible_questions(questions, by_id)}

    assert "reported" not in keys({"incident": "No"})
    assert "reported" in keys({"incident": "Both"})
    assert "why_not" in keys({"incident": "Both", "reported": "No"})
    # A dependant of a hidden question is hidden, whatever was typed into it.
    assert "why_not" not in keys({"incident": "No", "reported": "No"})


def test_a_full_answer_is_saved_whole_with_only_area_codes(
    survey: Survey, demo_stores: object
) -> None:
    data = {
        **BASE,
        "q_worries": ["Knife crime", "Drug dealing"],
        "q_worries_rank__0": "2",
        "q_worries_rank__1": "1",
        "q_incident": "No",
        "q_reported": "Yes",  # hidden by "No": must be dropped
        "q_confidence": "2",
        "q_years": "12",
        "q_where": "The underpass by the station",
    }
    response = _post(survey, data)
    assert response.status_code == 303 and response["Location"] == f"/surveys/{survey.pk}/thanks/"
    saved = Response.objects.get()
    with areas_store() as store:
        place = store.postcode_lookup("N7 6PA")
    assert (saved.lsoa_code, saved.ward_code, saved.constituency_code) == (
        place.lsoa21.code,
        place.ward.code,
        place.constituency.code,
    )
    assert saved.contact_postcode == "" and not saved.contact_consent
    answers = {
        (a.question.key, a.value_text, a.value_number)
        for a in Answer.objects.select_related("question")
    }
    assert ("worries", "Knife crime", None) in answers and (
        "worries",
        "Drug dealing",
        None,
    ) in answers
    assert ("worries_rank", "Drug dealing", 1.0) in answers and (
        "worries_rank",
        "Knife crime",
        2.0,
    ) in answers
    assert ("confidence", "", 2.0) in answers and ("years", "", 12.0) in answers
    assert not any(key in ("reported", "postcode") for key, _, _ in answers)
    assert "N7 6PA" not in str(list(Answer.objects.values_list("value_text", flat=True)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"q_safe_dark": ""}, "Answer this question."),
        ({"q_postcode": "not a postcode"}, "Enter a UK postcode"),
        ({"q_years": "lots"}, "Enter a whole number."),
        ({"q_years": "300"}, "from 0 to 100"),
        ({"q_safe_day": "Quite safe"}, "Choose one of the answers."),
        ({"q_worries_rank__0": "1", "q_worries_rank__1": "1"}, "different number"),
        ({"q_where": "x" * 2001}, "2,000 characters"),
        ({"q_comments": "bad\x07text"}, "control characters"),
        ({"q_comments": "bad\x00text"}, "Null characters are not allowed."),
        ({"contact_me": "on", "contact_email": "nope"}, "so we can contact you"),
    ],
)
def test_a_bad_answer_says_why_and_nothing_is_stored(
    survey: Survey, change: dict[str, str], message: str
) -> None:
    response = _post(survey, {**BASE, **change})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "nothing has been saved yet" in body
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    # What was typed stays on the page.
    assert "A bit unsafe" in body


def test_a_required_question_that_did_not_show_is_not_required(survey: Survey) -> None:
    reported = survey.questions.get(key="reported")
    reported.required = True
    reported.save()
    assert _post(survey, {**BASE, "q_incident": "No"}).status_code == 303
    assert _post(survey, {**BASE, "q_incident": "Both"}).status_code == 400


def test_contact_details_are_kept_only_with_consent(survey: Survey) -> None:
    _post(survey, {**BASE, "contact_name": "Not Consenting", "contact_email": "no@example.org"})
    _post(
        survey,
        {
            **BASE,
            "contact_me": "on",
            "contact_name": "Kay Contact",
            "contact_email": "kay@example.org",
        },
    )
    kept = list(
        Response.objects.order_by("pk").values_list(
            "contact_consent", "contact_name", "contact_postcode"
        )
    )
    assert kept == [(False, "", ""), (True, "Kay Contact", "N7 6PA")]


def test_a_closed_or_draft_survey_takes_no_answers(survey: Survey) -> None:
    building.survey_close(survey=survey)
    assert _post(survey, BASE).status_code == 409
    draft = building.survey_create(campaign=survey.campaign, user=None, starter_key="quick-pulse")
    assert Client().get(f"/surveys/{draft.pk}/").status_code == 404
    assert Response.objects.count() == 0


def test_the_soft_guard_remembers_this_device_and_limits_a_connection(survey: Survey) -> None:
    client = Client()
    assert _post(survey, BASE, client).status_code == 303
    page = client.get(f"/surveys/{survey.pk}/")
    assert b"already answered this survey on this device" in page.content
    assert b'name="q_safe_dark"' not in page.content
    assert b'name="q_safe_dark"' in client.get(f"/surveys/{survey.pk}/?again=1").content
    with override_settings(SURVEY_ANSWERS_PER_DAY=2):
        assert _post(survey, BASE, client).status_code == 303
        refused = _post(survey, BASE, client)
    assert (
        refused.status_code == 409
        and b"Many answers have come from your connection" in refused.content
    )
    assert Response.objects.count() == 2
    stored = str(list(Response.objects.values()))
    assert "127.0.0.1" not in stored
