"""Staff pages for building surveys: a campaign's surveys, the builder, questions, publishing.

Each view gets its campaign or survey from the gate in `staff_access`, calls one service and
redirects or renders. Refused changes say why (SurveyError) and change nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from callingtime.campaigns.roles import Capability
from callingtime.campaigns.staff_pages import staff_page
from callingtime.surveys import building
from callingtime.surveys.building import SurveyError
from callingtime.surveys.forms_staff import QuestionForm, SurveyCreateForm, SurveyDetailsForm
from callingtime.surveys.models import Question, Survey
from callingtime.surveys.staff_access import staff_campaign, staff_survey


def _builder(survey: Survey) -> HttpResponse:
    return redirect("surveys:staff_survey", survey_id=survey.pk)


@staff_page
@require_http_methods(["GET", "POST"])
def campaign_surveys(request: HttpRequest, campaign_id: int) -> HttpResponse:
    if request.method == "POST":
        campaign = staff_campaign(
            request=request, campaign_id=campaign_id, capability=Capability.EDIT_CAMPAIGN
        )
        form = SurveyCreateForm(request.POST)
        if form.is_valid():
            try:
                survey = building.survey_create(
                    campaign=campaign, user=request.user, starter_key=form.cleaned_data["starter"]
                )
            except SurveyError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "Survey created as a draft. Edit it, then publish it.")
                return _builder(survey)
        return redirect("surveys:staff_campaign_surveys", campaign_id=campaign.pk)
    campaign = staff_campaign(
        request=request, campaign_id=campaign_id, capability=Capability.VIEW_REPORTS
    )
    surveys = campaign.surveys.order_by("-created_at", "-pk")
    context = {"campaign": campaign, "surveys": surveys, "form": SurveyCreateForm()}
    return render(request, "surveys/staff/campaign_surveys.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def survey_builder(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.EDIT_CAMPAIGN)
    details = SurveyDetailsForm.for_survey(survey)
    status = 200
    if request.method == "POST":
        details = SurveyDetailsForm(request.POST)
        if details.is_valid():
            try:
                building.survey_update(survey=survey, **details.service_arguments())
            except SurveyError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "Survey details saved.")
                return _builder(survey)
        status = 400
    context = {
        "survey": survey,
        "campaign": survey.campaign,
        "details": details,
        "frozen": building.survey_is_frozen(survey=survey),
        "questions": survey.questions.order_by("position").select_related("show_if_question"),
        "new_question": QuestionForm(survey=survey),
        "responses": survey.responses.count(),
    }
    return render(request, "surveys/staff/survey_builder.html", context, status=status)


@staff_page
@require_POST
def question_new(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.EDIT_CAMPAIGN)
    form = QuestionForm(request.POST, survey=survey)
    if not form.is_valid():
        messages.error(request, "The question needs a kind and its text.")
        return _builder(survey)
    try:
        building.question_add(survey=survey, draft=form.draft())
    except SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Question added.")
    return _builder(survey)


def _question(request: HttpRequest, survey_id: int, question_id: int) -> Question:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.EDIT_CAMPAIGN)
    return get_object_or_404(
        Question.objects.select_related("survey"), pk=question_id, survey=survey
    )


@staff_page
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    question = _question(request, survey_id, question_id)
    form = QuestionForm.for_question(question)
    problem = ""
    if request.method == "POST":
        form = QuestionForm(request.POST, survey=question.survey, before=question.position)
        if form.is_valid():
            try:
                building.question_update(question=question, draft=form.draft())
            except SurveyError as error:
                problem = str(error)
            else:
                messages.success(request, "Question saved.")
                return _builder(question.survey)
    context = {"survey": question.survey, "question": question, "form": form, "problem": problem}
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/staff/question_edit.html", context, status=status)


@staff_page
@require_POST
def question_action(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    question = _question(request, survey_id, question_id)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            building.question_move(question=question, up=action == "up")
        elif action == "delete":
            building.question_delete(question=question)
            messages.success(request, "Question deleted.")
        else:
            messages.error(request, "Unknown action.")
    except SurveyError as error:
        messages.error(request, str(error))
    return _builder(question.survey)


@staff_page
@require_POST
def survey_state(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.EDIT_CAMPAIGN)
    action = request.POST.get("action", "")
    try:
        if action == "publish":
            building.survey_publish(survey=survey)
            messages.success(request, "Published: the survey takes answers at its public address.")
        elif action == "close":
            building.survey_close(survey=survey)
            messages.success(request, "Closed: the survey takes no more answers.")
        elif action == "new_version":
            copy = building.survey_new_version(survey=survey, user=request.user)
            messages.success(
                request,
                f"Version {copy.version} is a draft copy you can edit. Publishing it closes "
                f"version {survey.version}.",
            )
            return _builder(copy)
        else:
            messages.error(request, "Unknown action.")
    except SurveyError as error:
        messages.error(request, str(error))
    return _builder(survey)


urlpatterns: list[URLPattern] = [
    path(
        "staff/campaigns/<int:campaign_id>/surveys/",
        campaign_surveys,
        name="staff_campaign_surveys",
    ),
    path("staff/surveys/<int:survey_id>/", survey_builder, name="staff_survey"),
    path("staff/surveys/<int:survey_id>/questions/new/", question_new, name="staff_question_new"),
    path(
        "staff/surveys/<int:survey_id>/questions/<int:question_id>/",
        question_edit,
        name="staff_question_edit",
    ),
    path(
        "staff/surveys/<int:survey_id>/questions/<int:question_id>/action/",
        question_action,
        name="staff_question_action",
    ),
    path("staff/surveys/<int:survey_id>/state/", survey_state, name="staff_survey_state"),
]
