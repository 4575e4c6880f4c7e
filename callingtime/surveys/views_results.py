"""Staff results pages: per-question results with filters, the map data, and the exports."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from callingtime.campaigns.roles import Capability, campaign_can
from callingtime.campaigns.staff_pages import staff_page
from callingtime.surveys.evidence import survey_beside_crime
from callingtime.surveys.exports import answers_csv_lines, survey_map_geojson
from callingtime.surveys.results import (
    AREA_FIELDS,
    ResultsFilter,
    survey_crosstab,
    survey_results,
)
from callingtime.surveys.staff_access import staff_survey


class ResultsQuery(forms.Form):
    area_kind = forms.ChoiceField(
        required=False, choices=[("", "")] + [(k, k) for k in AREA_FIELDS]
    )
    area_code = forms.CharField(required=False, max_length=12)
    question = forms.CharField(required=False, max_length=40)
    answer = forms.CharField(required=False, max_length=100)
    q = forms.CharField(required=False, max_length=100)
    cross_rows = forms.CharField(required=False, max_length=40)
    cross_columns = forms.CharField(required=False, max_length=40)

    def chosen(self) -> ResultsFilter:
        if not self.is_valid():
            return ResultsFilter()
        data = self.cleaned_data
        return ResultsFilter(
            area_kind=data["area_kind"],
            area_code=data["area_code"].strip().upper(),
            question_key=data["question"],
            answer=data["answer"],
            search=data["q"].strip(),
        )


@staff_page
@require_GET
def results_page(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.VIEW_REPORTS)
    query = ResultsQuery(request.GET)
    chosen = query.chosen()
    results = survey_results(survey=survey, chosen=chosen)
    cross = None
    if query.is_valid() and query.cleaned_data["cross_rows"]:
        cross = survey_crosstab(
            survey=survey,
            row_key=query.cleaned_data["cross_rows"],
            column_key=query.cleaned_data["cross_columns"],
            chosen=chosen,
        )
    filterable = [
        q for q in survey.questions.order_by("position") if q.kind in ("single", "multiple")
    ]
    context = {
        "survey": survey,
        "results": results,
        "query": query,
        "filterable": filterable,
        "singles": [q for q in filterable if q.kind == "single"],
        "cross": cross,
        "area_choices": sorted(
            ((code, name) for code, name in results.area_names.items() if code),
            key=lambda item: item[1],
        ),
    }
    return render(request, "surveys/staff/results.html", context)


@staff_page
@require_GET
def results_json(request: HttpRequest, survey_id: int) -> JsonResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.VIEW_REPORTS)
    results = survey_results(survey=survey, chosen=ResultsQuery(request.GET).chosen())
    return JsonResponse(results.as_dict(), json_dumps_params={"ensure_ascii": False, "indent": 1})


@staff_page
@require_GET
def answers_csv(request: HttpRequest, survey_id: int) -> StreamingHttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.VIEW_REPORTS)
    with_contact = campaign_can(
        user=request.user, campaign=survey.campaign, capability=Capability.VIEW_SUPPORTER_DATA
    )
    response = StreamingHttpResponse(
        answers_csv_lines(survey=survey, with_contact=with_contact),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.csv"'
    return response


@staff_page
@require_GET
def results_map(request: HttpRequest, survey_id: int) -> JsonResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.VIEW_REPORTS)
    data = survey_map_geojson(
        survey=survey,
        question_key=request.GET.get("question", "")[:40],
        answers=[a[:100] for a in request.GET.getlist("answer")][:20],
        area_kind=request.GET.get("area_kind", "ward"),
    )
    return JsonResponse(data, content_type="application/geo+json")


@staff_page
@require_GET
def results_pdf(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.VIEW_REPORTS)
    from callingtime.surveys.pdf import survey_results_pdf  # WeasyPrint loads slowly

    results = survey_results(survey=survey, chosen=ResultsQuery(request.GET).chosen())
    organisations = ", ".join(o.name for o in survey.campaign.organisations.order_by("name"))
    response = HttpResponse(
        survey_results_pdf(results, prepared_for=organisations), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-results.pdf"'
    return response


@staff_page
@require_GET
def evidence_page(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = staff_survey(request=request, survey_id=survey_id, capability=Capability.VIEW_REPORTS)
    evidence = survey_beside_crime(survey=survey)
    return render(request, "surveys/staff/evidence.html", {"survey": survey, "evidence": evidence})


urlpatterns: list[URLPattern] = [
    path("staff/surveys/<int:survey_id>/evidence/", evidence_page, name="staff_evidence"),
    path("staff/surveys/<int:survey_id>/results/", results_page, name="staff_results"),
    path("staff/surveys/<int:survey_id>/results.json", results_json, name="staff_results_json"),
    path("staff/surveys/<int:survey_id>/results.pdf", results_pdf, name="staff_results_pdf"),
    path("staff/surveys/<int:survey_id>/answers.csv", answers_csv, name="staff_answers_csv"),
    path("staff/surveys/<int:survey_id>/map.geojson", results_map, name="staff_results_map"),
]
