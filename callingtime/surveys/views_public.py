"""The public survey page: answer without an account, on a phone, with or without JavaScript."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views import View

from callingtime.core.client_ip import client_ip
from callingtime.surveys.answering import AnsweringError, response_submit
from callingtime.surveys.forms import SurveyAnswerForm
from callingtime.surveys.models import Survey

# The soft guard's cookie: it says only that this browser answered this survey.
ANSWERED_COOKIE = "ct_answered_{pk}"
ANSWERED_DAYS = 90


def _survey(survey_id: int) -> Survey:
    survey = Survey.objects.select_related("campaign").filter(pk=survey_id, published=True).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


class SurveyAnswerView(View):
    """`/surveys/<id>/`: the whole survey on one page; POST saves it whole."""

    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = _survey(survey_id)
        answered = ANSWERED_COOKIE.format(pk=survey.pk) in request.COOKIES
        again = request.GET.get("again") == "1"
        return self._page(request, survey, SurveyAnswerForm(survey=survey), answered and not again)

    def post(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = _survey(survey_id)
        form = SurveyAnswerForm(request.POST, survey=survey)
        if not form.is_valid():
            return self._page(request, survey, form, answered=False, status=400)
        try:
            response_submit(
                survey=survey,
                answers=form.answers,
                contact=form.contact,
                ip_address=client_ip(request),
            )
        except AnsweringError as error:
            return self._page(request, survey, form, answered=False, problem=str(error), status=409)
        done = HttpResponseRedirect(
            reverse("surveys:survey_thanks", kwargs={"survey_id": survey.pk})
        )
        done.status_code = 303
        done.set_cookie(
            ANSWERED_COOKIE.format(pk=survey.pk),
            "1",
            max_age=ANSWERED_DAYS * 86_400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return _private(done)

    def _page(
        self,
        request: HttpRequest,
        survey: Survey,
        form: SurveyAnswerForm,
        answered: bool,
        problem: str = "",
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "survey": survey,
            "form": form,
            "rows": form.rows(),
            "errors": form.error_summary() if form.is_bound else [],
            "answered": answered,
            "problem": problem,
            "organisations": list(survey.campaign.organisations.order_by("name")),
        }
        return _private(render(request, "surveys/survey_answer.html", context, status=status))


class SurveyThanksView(View):
    """`/surveys/<id>/thanks/`: the answers are saved."""

    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = _survey(survey_id)
        return _private(render(request, "surveys/survey_thanks.html", {"survey": survey}))


urlpatterns: list[URLPattern] = [
    path("surveys/<int:survey_id>/", SurveyAnswerView.as_view(), name="survey_answer"),
    path("surveys/<int:survey_id>/thanks/", SurveyThanksView.as_view(), name="survey_thanks"),
]
