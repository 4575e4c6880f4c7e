"""Keying paper answers: the data-entry role types a returned paper questionnaire in.

The same form and rules as online (branching, required answers, whole-or-nothing), with no
repeat guard; the response is marked as paper and names who keyed it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from callingtime.campaigns.roles import Capability
from callingtime.campaigns.staff_pages import staff_page
from callingtime.surveys.answering import AnsweringError, response_submit
from callingtime.surveys.forms import SurveyAnswerForm
from callingtime.surveys.models import ResponseSource
from callingtime.surveys.staff_access import staff_survey


@staff_page
@require_http_methods(["GET", "POST"])
def paper_key(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.KEY_PAPER)
    form = SurveyAnswerForm(request.POST if request.method == "POST" else None, survey=survey)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            response = response_submit(
                survey=survey,
                answers=form.answers,
                contact=form.contact,
                source=ResponseSource.PAPER,
                keyed_by=request.user,
            )
        except AnsweringError as error:
            problem = str(error)
        else:
            messages.success(
                request, f"Paper response {response.pk} saved. Write that number on the form."
            )
            return redirect("surveys:staff_paper_key", survey_id=survey.pk)
    context = {
        "survey": survey,
        "form": form,
        "rows": form.rows(),
        "errors": form.error_summary() if form.is_bound else [],
        "problem": problem,
        "keyed": survey.responses.filter(source=ResponseSource.PAPER).count(),
    }
    status = 400 if form.is_bound and (form.errors or problem) else 200
    return render(request, "surveys/staff/paper_key.html", context, status=status)


@staff_page
@require_GET
def paper_pdf(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.KEY_PAPER)
    from callingtime.surveys.pdf import survey_paper_pdf  # WeasyPrint loads slowly

    base = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    document = survey_paper_pdf(survey, online_url=f"{base}/surveys/{survey.pk}/")
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-paper.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("staff/surveys/<int:survey_id>/paper/", paper_key, name="staff_paper_key"),
    path("staff/surveys/<int:survey_id>/paper.pdf", paper_pdf, name="staff_paper_pdf"),
]
