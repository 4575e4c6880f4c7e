"""Evidence pages. Each view parses input with a form, calls one selector and renders."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import View

from callingtime.areas.postcodes import PostcodeError, PostcodeMalformedError
from callingtime.evidence import selectors
from callingtime.evidence.forms import AreaSearchForm, PostcodeForm


def _geography_missing(request: HttpRequest) -> HttpResponse:
    return render(
        request, "evidence/not_loaded.html", {"message": selectors.GEOGRAPHY_NOT_LOADED}, status=503
    )


class HomeView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "evidence/home.html",
            {
                "form": PostcodeForm(),
                "search_form": AreaSearchForm(),
                "summary": selectors.crime_store_summary(),
            },
        )


class PostcodeLookupView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = PostcodeForm(request.GET)
        if not form.is_valid():
            return render(request, "evidence/lookup.html", {"form": form}, status=400)
        try:
            result = selectors.postcode_areas(postcode=form.cleaned_data["postcode"])
        except selectors.GeographyNotLoadedError:
            return _geography_missing(request)
        except PostcodeError as error:
            form.add_error("postcode", str(error))
            status = 400 if isinstance(error, PostcodeMalformedError) else 404
            return render(request, "evidence/lookup.html", {"form": form}, status=status)
        return render(request, "evidence/lookup.html", {"form": form, "result": result})


class AreaSearchView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = AreaSearchForm(request.GET)
        if not form.is_valid():
            return render(request, "evidence/search.html", {"form": form}, status=400)
        try:
            found = selectors.areas_find(text=form.cleaned_data["q"])
        except selectors.GeographyNotLoadedError:
            return _geography_missing(request)
        return render(request, "evidence/search.html", {"form": form, "areas": found})


class AreaView(View):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        try:
            geography = selectors.area_geography(code=code.upper())
        except selectors.GeographyNotLoadedError:
            return _geography_missing(request)
        if geography is None:
            raise Http404("No such area")
        return render(request, "evidence/area.html", {"geo": geography})


class DataStatusView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "evidence/data.html", {"summary": selectors.crime_store_summary()})


def health(request: HttpRequest) -> JsonResponse:
    """Answer load balancers: the app is up (stores are reported, not required)."""
    return JsonResponse({"status": "ok"})
