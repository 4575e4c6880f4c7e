"""Building surveys: starters, question rules, ordering, and freezing once answered."""

from __future__ import annotations

import pytest

from callingtime.surveys import building
from callingtime.surveys.answering import response_submit
from callingtime.surveys.building import QuestionDraft, SurveyError
from callingtime.surveys.models import Question, Survey
from callingtime.surveys.starters import COMMUNITY_SAFETY
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey() -> Survey:
    return building.survey_create(
        campaign=CampaignFactory(), user=None, starter_key="community-safety"
    )


def _q(survey: Survey, key: str) -> Question:
    return survey.questions.get(key=key)


def test_the_community_safety_starter_makes_every_question_with_its_conditions(
    survey: Survey,
) -> None:
    keys = list(survey.questions.order_by("position").values_list("key", flat=True))
    assert keys == [q.key for q in COMMUNITY_SAFETY.questions]
    reported = _q(survey, "reported")
    assert reported.show_if_question == _q(survey, "incident")
    assert "Both" in reported.show_if_values
    assert _q(survey, "why_not").show_if_question == reported
    assert _q(survey, "safe_dark").required and _q(survey, "safe_dark").kind == "single"
    assert not survey.published


def test_an_unknown_starter_is_refused() -> None:
    with pytest.raises(SurveyError, match="no starter survey"):
        building.survey_create(campaign=CampaignFactory(), user=None, starter_key="nope")


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (QuestionDraft(kind="single", text="Pick", options=("Only one",)), "between 2 and 20"),
        (QuestionDraft(kind="multiple", text="Pick", options=("A", "a")), "appears twice"),
        (QuestionDraft(kind="scale", text="Rate", options=("Low",)), "two labels"),
        (
            QuestionDraft(kind="number", text="How many", number_min=5, number_max=1),
            "not be larger",
        ),
    ],
)
def test_bad_questions_are_refused_with_a_reason(
    survey: Survey, draft: QuestionDraft, message: str
) -> None:
    before = survey.questions.count()
    with pytest.raises(SurveyError, match=message):
        building.question_add(survey=survey, draft=draft)
    assert survey.questions.count() == before


def test_a_condition_must_name_an_earlier_choice_question_and_its_options(survey: Survey) -> None:
    incident = _q(survey, "incident")
    where = _q(survey, "where")
    bad_value = QuestionDraft(
        kind="text", text="Tell us", show_if_question_id=incident.pk, show_if_values=("Maybe",)
    )
    with pytest.raises(SurveyError, match="is not an option"):
        building.question_add(survey=survey, draft=bad_value)
    on_text = QuestionDraft(
        kind="text", text="Tell us", show_if_question_id=where.pk, show_if_values=("x",)
    )
    with pytest.raises(SurveyError, match="single or multiple choice"):
        building.question_add(survey=survey, draft=on_text)
    added = building.question_add(
        survey=survey,
        draft=QuestionDraft(
            kind="text", text="Tell us", show_if_question_id=incident.pk, show_if_values=("No",)
        ),
    )
    earlier = QuestionDraft(
        kind="single",
        text="Moved",
        options=("A", "B"),
        show_if_question_id=added.pk,
        show_if_values=("x",),
    )
    with pytest.raises(SurveyError, match="earlier question"):
        building.question_update(question=_q(survey, "postcode"), draft=earlier)


def test_questions_move_but_never_before_what_they_depend_on(survey: Survey) -> None:
    reported = _q(survey, "reported")
    with pytest.raises(SurveyError, match="before the question it depends on"):
        building.question_move(question=reported, up=True)
    where = _q(survey, "where")
    position = where.position
    building.question_move(question=where, up=True)
    assert _q(survey, "where").position == position - 1
    assert _q(survey, "worries_rank").position == position


def test_deleting_a_question_shows_its_dependants_to_everyone(survey: Survey) -> None:
    building.question_delete(question=_q(survey, "incident"))
    reported = _q(survey, "reported")
    assert reported.show_if_question is None and reported.show_if_values == []
    positions = list(survey.questions.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))


def test_a_survey_with_answers_is_frozen_and_edits_make_a_new_version(survey: Survey) -> None:
    building.survey_publish(survey=survey)
    response_submit(survey=survey, answers={_q(survey, "safe_dark").pk: "Very safe"})
    draft = QuestionDraft(kind="text", text="New question")
    with pytest.raises(SurveyError, match="no longer change"):
        building.question_add(survey=survey, draft=draft)
    with pytest.raises(SurveyError, match="no longer change"):
        building.question_update(question=_q(survey, "where"), draft=draft)
    with pytest.raises(SurveyError, match="no longer change"):
        building.survey_update(
            survey=survey,
            title="Renamed",
            introduction="",
            opens_at=None,
            closes_at=None,
            contact_enabled=True,
            contact_consent=survey.contact_consent,
        )
    copy = building.survey_new_version(survey=survey, user=None)
    assert (copy.version, copy.previous, copy.published) == (2, survey, False)
    assert copy.questions.count() == survey.questions.count()
    assert copy.questions.get(key="reported").show_if_question == copy.questions.get(key="incident")
    building.question_add(survey=copy, draft=draft)
    assert building.survey_new_version(survey=survey, user=None) == copy  # one draft at a time
    building.survey_publish(survey=copy)
    survey.refresh_from_db()
    assert not survey.is_open and copy.is_open
    assert survey.responses.count() == 1 and copy.responses.count() == 0


def test_publishing_needs_a_question() -> None:
    empty = building.survey_create(campaign=CampaignFactory(), user=None)
    with pytest.raises(SurveyError, match="at least one question"):
        building.survey_publish(survey=empty)


def test_the_demo_survey_is_made_once_and_published() -> None:
    from callingtime.petitions.demo_campaign import demo_campaign_ensure
    from callingtime.surveys.demo import demo_survey_ensure

    campaign = demo_campaign_ensure().campaign
    survey, made = demo_survey_ensure(campaign=campaign)
    assert made and survey.is_open and survey.template_key == "community-safety"
    again, made_again = demo_survey_ensure(campaign=campaign)
    assert (again, made_again) == (survey, False)
