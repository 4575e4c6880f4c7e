"""Evidence pages. Each view parses input with a form, calls one selector and renders."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import View

from callingtime.areas.postcodes import PostcodeError, PostcodeMalformedError
from callingtime.crimedata.profile import ProfileError, ProfileNotLoadedError
from callingtime.crimedata.profile_model import AreaProfile
from callingtime.evidence import exports, selectors
from callingtime.evidence.forms import AreaSearchForm, PostcodeForm, ProfileForm, ShareForm
from callingtime.infographics import (
    InfographicUnavailableError,
    infographic_filename,
    infographic_render,
)

_CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _geography_missing(request: HttpRequest) -> HttpResponse:
    return render(
        request, "evidence/not_loaded.html", {"message": selectors.GEOGRAPHY_NOT_LOADED}, status=503
    )


def _problem(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    """Render a profile problem people can act on: what was wrong and what is loaded."""
    context = {
        "code": code,
        "message": message,
        "categories": selectors.profile_categories(),
        "summary": selectors.crime_store_summary(),
    }
    return render(request, "evidence/profile_problem.html", context, status=status)


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
    """The area profile page: geography, headline figures, chart, map, tables and sharing."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        code = code.upper()
        form = ProfileForm(request.GET)
        if not form.is_valid():
            return _area_without_profile(request, code, form, str(_first_error(form)), 400)
        try:
            chosen = "category" in request.GET
            page = selectors.profile_page(code=code, category_chosen=chosen, **form.query())
        except selectors.GeographyNotLoadedError:
            return _geography_missing(request)
        except ProfileNotLoadedError as error:
            return _area_without_profile(request, code, form, str(error), 200)
        except ProfileError as error:
            return _area_without_profile(request, code, form, str(error), 400)
        if page is None:
            raise Http404("No such area")
        share = ShareForm(initial={"size": "square"})
        return render(request, "evidence/area.html", {"page": page, "form": form, "share": share})


def _first_error(form: ProfileForm) -> str:
    return str(next(iter(form.errors.values()))[0])


def _area_without_profile(
    request: HttpRequest, code: str, form: ProfileForm, message: str, status: int
) -> HttpResponse:
    """Render the area's geography with the reason its crime profile cannot be shown."""
    geography = selectors.area_geography(code=code)
    if geography is None:
        raise Http404("No such area")
    context = {
        "geo": geography,
        "form": form,
        "message": message,
        "categories": selectors.profile_categories(),
        "summary": selectors.crime_store_summary(),
    }
    return render(request, "evidence/area_no_profile.html", context, status=status)


def _profile_or_problem(
    request: HttpRequest, code: str, form: ProfileForm
) -> AreaProfile | HttpResponse:
    """Return the profile the form asks for, or the error page to send instead."""
    if not form.is_valid():
        return _problem(request, code, str(_first_error(form)), 400)
    try:
        profile = selectors.profile_get(code=code.upper(), **form.query())
    except selectors.GeographyNotLoadedError:
        return _geography_missing(request)
    except ProfileNotLoadedError as error:
        return _problem(request, code, str(error), 404)
    except ProfileError as error:
        return _problem(request, code, str(error), 400)
    if profile is None:
        raise Http404("No such area")
    return profile


class ProfileJsonView(View):
    """`/areas/<code>/profile.json`: the documented JSON, as `callingtime crime profile --json`."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        profile = _profile_or_problem(request, code, ProfileForm(request.GET))
        if isinstance(profile, HttpResponse):
            return profile
        return JsonResponse(profile.to_json(), json_dumps_params={"ensure_ascii": False})


class ProfileCsvView(View):
    """`/areas/<code>/<table>.csv`: one section of the profile as CSV."""

    table = "profile"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        profile = _profile_or_problem(request, code, ProfileForm(request.GET))
        if isinstance(profile, HttpResponse):
            return profile
        response = HttpResponse(
            exports.profile_csv(profile, self.table), content_type="text/csv; charset=utf-8"
        )
        name = exports.profile_csv_filename(profile, self.table)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class AreaMapView(View):
    """`/areas/<code>/map.geojson`: the area's LSOAs and the ring around them, with figures."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        form = ProfileForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"error": _first_error(form)}, status=400)
        try:
            collection = selectors.area_map_geojson(code=code.upper(), **form.query())
        except selectors.GeographyNotLoadedError:
            return JsonResponse({"error": selectors.GEOGRAPHY_NOT_LOADED}, status=503)
        except ProfileError as error:
            status = 404 if isinstance(error, ProfileNotLoadedError) else 400
            return JsonResponse({"error": str(error)}, status=status)
        if collection is None:
            return JsonResponse({"error": "No such area"}, status=404)
        return _geojson(collection)


def _geojson(collection: dict[str, Any]) -> HttpResponse:
    response = JsonResponse(collection, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


class InfographicView(View):
    """`/areas/<code>/infographic.png|svg`: the shareable picture, as a download."""

    fmt = "png"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        form = ShareForm(request.GET)
        profile = _profile_or_problem(request, code, form)
        if isinstance(profile, HttpResponse):
            return profile
        size, hashtag = form.cleaned_data["size"], form.cleaned_data["hashtag"]
        try:
            body = infographic_render(profile, size=size, fmt=self.fmt, hashtag=hashtag)  # type: ignore[arg-type]
        except InfographicUnavailableError as error:
            return _problem(request, code, str(error), 404)
        response = HttpResponse(body, content_type=_CONTENT_TYPES[self.fmt])
        name = infographic_filename(profile, size=size, fmt=self.fmt)  # type: ignore[arg-type]
        disposition = "inline" if request.GET.get("preview") else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        return response


class DataStatusView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "evidence/data.html", {"summary": selectors.crime_store_summary()})


def health(request: HttpRequest) -> JsonResponse:
    """Answer load balancers: the app is up (stores are reported, not required)."""
    return JsonResponse({"status": "ok"})
