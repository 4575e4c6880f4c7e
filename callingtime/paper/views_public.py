"""The public side of paper: asking for a pack of sheets from the petition page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views import View

from callingtime.core.client_ip import client_ip
from callingtime.paper.forms import PackRequestForm
from callingtime.paper.packs import (
    PackError,
    PackRequestDetails,
    pack_request_create,
    paper_settings_get,
)
from callingtime.petitions import http_cache
from callingtime.petitions.models import Petition
from callingtime.petitions.selectors import petition_public_get


def _visible(petition_id: int) -> Petition:
    petition = petition_public_get(petition_id=petition_id)
    if petition is None:
        raise Http404("No such petition")
    return petition


class PackRequestView(View):
    """`/petitions/<id>/paper-pack/`: ask for sheets to collect signatures on."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        return self._page(request, _visible(petition_id), PackRequestForm())

    def post(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        petition = _visible(petition_id)
        form = PackRequestForm(request.POST)
        if not form.is_valid():
            return self._page(request, petition, form)
        try:
            pack_request_create(
                petition=petition,
                details=PackRequestDetails(**form.cleaned_data),
                ip_address=client_ip(request),
            )
        except PackError as error:
            return self._page(request, petition, form, problem=str(error), status=409)
        done = reverse("paper:pack_requested", kwargs={"petition_id": petition.pk})
        response = HttpResponseRedirect(done)
        response.status_code = 303
        return http_cache.private_no_store(response)

    def _page(
        self,
        request: HttpRequest,
        petition: Petition,
        form: PackRequestForm,
        problem: str = "",
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "petition": petition,
            "form": form,
            "errors": form.error_summary(),
            "problem": problem,
            "organisations": list(petition.campaign.organisations.order_by("name")),
            "rows": paper_settings_get(petition=petition).rows_per_sheet,
        }
        response = render(request, "paper/pack_request.html", context, status=status)
        return http_cache.private_no_store(response)


class PackRequestedView(View):
    """`/petitions/<id>/paper-pack/requested/`: "we will post your pack"."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        petition = _visible(petition_id)
        response = render(request, "paper/pack_requested.html", {"petition": petition})
        return http_cache.private_no_store(response)


urlpatterns: list[URLPattern] = [
    path(
        "petitions/<int:petition_id>/paper-pack/",
        PackRequestView.as_view(),
        name="pack_request",
    ),
    path(
        "petitions/<int:petition_id>/paper-pack/requested/",
        PackRequestedView.as_view(),
        name="pack_requested",
    ),
]
