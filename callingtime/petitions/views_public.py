"""The public petition pages, the sign and confirm forms, and the JSON API.

Reads (pages, JSON, the map) are public and cacheable by a CDN: they touch no session, set no
cookie and hold no CSRF token. The sign and confirm pages are private and never stored; the
sign POST writes its one row through `signature_create` and nothing else.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, get_script_prefix, path, reverse
from django.views import View

from callingtime.core.client_ip import client_ip
from callingtime.petitions import api, http_cache, selectors
from callingtime.petitions.forms import PetitionListQuery, SignatureForm, signature_submission
from callingtime.petitions.models import Petition
from callingtime.petitions.share import share_channel_clean, share_links, site_url
from callingtime.petitions.signing import (
    ConfirmOutcome,
    SigningUnavailableError,
    signature_confirm,
    signature_create,
    signature_for_token,
    signing_context,
)

# Pages a mail scanner or a stale link may reach: they say what happened, in plain words.
_OUTCOME_STATUS = {ConfirmOutcome.INVALID: 404, ConfirmOutcome.EXPIRED: 410}


def _visible(petition_id: int) -> Petition:
    petition = selectors.petition_public_get(petition_id=petition_id)
    if petition is None:
        raise Http404("No such petition")
    return petition


def _detail_path(petition: Petition) -> str:
    return reverse("petitions:petition_detail", kwargs={"petition_id": petition.pk})


def _json(data: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False}, **kwargs)


class PetitionListView(View):
    """`/petitions/`: the open petitions (`?state=closed` for the closed ones)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        query = PetitionListQuery(request.GET)
        if not query.is_valid():
            raise Http404(query.first_error())
        state = query.cleaned_data["state"] or "open"
        page = selectors.petitions_public_page(state=state, number=query.cleaned_data["page"] or 1)
        validators = http_cache.petitions_validators(
            page.petitions, "list", state, page.number, page.total
        )
        context = {"page": page, "state": state}
        return http_cache.public_response(
            request, validators, lambda: render(request, "petitions/petition_list.html", context)
        )


class PetitionDetailView(View):
    """`/petitions/<id>/`: the petition, its count, milestones, map and share links."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        petition = _visible(petition_id)
        via = share_channel_clean(request.GET.get("via", ""))
        milestones = selectors.petition_milestones(petition=petition)
        validators = http_cache.petition_validators(
            petition, "page", via, http_cache.geography_stamp(), milestones=milestones
        )

        def page() -> HttpResponse:
            context = {
                "page": selectors.petition_page(
                    petition=petition,
                    milestones=milestones,
                    petition_url=site_url(request, _detail_path(petition)),
                    via=via,
                ),
                "count_interval": settings.COUNT_INTERVAL_SECONDS,
                "map_tiles_url": settings.MAP_TILES_URL,
                "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
            }
            return render(request, "petitions/petition_detail.html", context)

        return http_cache.public_response(request, validators, page)


class PetitionMapView(View):
    """`/petitions/<id>/map.geojson`: constituencies shaded by signatures, for the map."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        petition = _visible(petition_id)
        areas = selectors.campaign_areas(petition=petition)
        stamp = http_cache.geography_stamp()
        validators = http_cache.petition_validators(petition, "map", stamp, areas)

        def document() -> HttpResponse:
            try:
                collection = selectors.petition_map_geojson(
                    petition=petition, areas=areas, stamp=stamp
                )
            except selectors.GeographyNotLoadedError:
                return _json({"error": selectors.GEOGRAPHY_NOT_LOADED}, status=503)
            return _json(collection, content_type="application/geo+json")

        return http_cache.public_response(request, validators, document)


@lru_cache(maxsize=4096)
def _signed_path(script_prefix: str, petition_id: int) -> str:
    # Reversing costs a twentieth of a signing request; the answer only changes with these two.
    return reverse("petitions:petition_signed", kwargs={"petition_id": petition_id})


class PetitionSignView(View):
    """`/petitions/<id>/sign/`: the sign form beside the privacy notice; POST signs."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        via = share_channel_clean(request.GET.get("via", ""))
        return self._page(request, petition_id, SignatureForm(initial={"via": via}))

    def post(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        # The hot path: a valid sign for an open petition reads the petition from the
        # per-second signing context, not the database, and checks the posted values without
        # building the form; only other answers build the form and load the page.
        if not signing_context(petition_id=petition_id).exists:
            raise Http404("No such petition")
        submission = signature_submission(request.POST)
        if submission is None:
            return self._page(request, petition_id, SignatureForm(request.POST))
        try:
            signature_create(
                petition_id=petition_id,
                name=submission.name,
                email=submission.email,
                postcode=submission.postcode,
                uk_resident=submission.uk_resident,
                opt_in=submission.opt_in,
                ip_address=client_ip(request),
                share_channel=submission.via,
            )
        except SigningUnavailableError as error:
            form = SignatureForm(request.POST)
            return self._page(request, petition_id, form, problem=str(error), status=409)
        response = HttpResponseRedirect(_signed_path(get_script_prefix(), petition_id))
        response.status_code = 303  # See Other: the browser GETs the next page
        return http_cache.private_no_store(response)

    def _page(
        self,
        request: HttpRequest,
        petition_id: int,
        form: SignatureForm,
        problem: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        page = selectors.petition_sign_page_get(petition_id=petition_id, problem=problem)
        if page is None:
            raise Http404("No such petition")
        context = {
            "page": page,
            "form": form,
            "errors": form.error_summary(),
            "ticked": {name: form.ticked(name) for name in ("uk_resident", "opt_in")},
        }
        response = render(request, "petitions/petition_sign.html", context, status=status)
        return http_cache.private_no_store(response)


class PetitionSignedView(View):
    """`/petitions/<id>/signed/`: "check your e-mail"."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        # Every signer lands here after the POST: the petition as the sign page last read it.
        petition = selectors.petition_public_recent(petition_id=petition_id)
        if petition is None:
            raise Http404("No such petition")
        response = render(request, "petitions/petition_signed.html", {"petition": petition})
        return http_cache.private_no_store(response)


class SignatureConfirmView(View):
    """`/signatures/<token>/confirm/`: GET shows a button and changes nothing; POST confirms.

    Mail scanners fetch every link in an e-mail, so only a person pressing the button counts.
    """

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        signature, problem = signature_for_token(token=token)
        if signature is None:
            return self._result(request, problem or ConfirmOutcome.INVALID, None)
        petition = selectors.petition_public_get(petition_id=signature.petition_id)
        if petition is None:
            return self._result(request, ConfirmOutcome.INVALID, None)
        response = render(request, "petitions/signature_confirm.html", {"petition": petition})
        return http_cache.private_no_store(response)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        result = signature_confirm(token=token)
        petition = result.petition
        if petition is not None and not selectors.petition_is_public(petition):
            petition = None
        return self._result(request, result.outcome, petition)

    def _result(
        self, request: HttpRequest, outcome: ConfirmOutcome, petition: Petition | None
    ) -> HttpResponse:
        share = []
        if petition is not None and outcome == ConfirmOutcome.CONFIRMED:
            share = share_links(
                petition_url=site_url(request, _detail_path(petition)),
                action=petition.action,
                hashtag=petition.campaign.hashtag,
            )
        context = {"outcome": outcome.value, "petition": petition, "share": share}
        response = render(
            request,
            "petitions/signature_confirm_result.html",
            context,
            status=_OUTCOME_STATUS.get(outcome, 200),
        )
        return http_cache.private_no_store(response)


class PetitionListJsonView(View):
    """`/petitions.json?state=open|closed|all&page=N`: 50 petitions a page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        query = PetitionListQuery(request.GET)
        if not query.is_valid():
            return _json({"error": query.first_error()}, status=400)
        asked = query.cleaned_data["state"] or None
        page = selectors.petitions_public_page(
            state=asked or "all", number=query.cleaned_data["page"] or 1
        )
        validators = http_cache.petitions_validators(
            page.petitions, "json", asked, page.number, page.total
        )
        data = api.petition_list_json(
            page,
            base=site_url(request, ""),
            self_url=site_url(request, request.get_full_path()),
            state=asked,
        )
        return http_cache.public_response(request, validators, lambda: _json(data))


class PetitionJsonView(View):
    """`/petitions/<id>.json`: one petition with its counts by constituency and country."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        petition = _visible(petition_id)
        milestones = selectors.petition_milestones(petition=petition)
        validators = http_cache.petition_validators(
            petition, "json", http_cache.geography_stamp(), milestones=milestones
        )

        def document() -> HttpResponse:
            data = api.petition_detail_json(
                petition,
                base=site_url(request, ""),
                self_url=site_url(request, request.path),
                constituencies=selectors.petition_count_by_constituency(petition=petition).rows,
                milestones=milestones,
            )
            return _json(data)

        return http_cache.public_response(request, validators, document)


class PetitionCountJsonView(View):
    """`/petitions/<id>/count.json`: the count alone, for pages that poll it."""

    def get(self, request: HttpRequest, petition_id: int) -> HttpResponse:
        petition = selectors.petition_counts_public_get(petition_id=petition_id)
        if petition is None:
            raise Http404("No such petition")
        validators = http_cache.petition_count_validators(petition)
        return http_cache.public_response(
            request, validators, lambda: _json(api.petition_count_json(petition))
        )


# Django tries the patterns in order: the three every signer in a spike requests come first.
urlpatterns: list[URLPattern] = [
    path("petitions/<int:petition_id>/sign/", PetitionSignView.as_view(), name="petition_sign"),
    path(
        "petitions/<int:petition_id>/signed/",
        PetitionSignedView.as_view(),
        name="petition_signed",
    ),
    path(
        "signatures/<str:token>/confirm/",
        SignatureConfirmView.as_view(),
        name="signature_confirm",
    ),
    path("petitions/", PetitionListView.as_view(), name="petition_list"),
    path("petitions.json", PetitionListJsonView.as_view(), name="petition_list_json"),
    path("petitions/<int:petition_id>/", PetitionDetailView.as_view(), name="petition_detail"),
    path("petitions/<int:petition_id>.json", PetitionJsonView.as_view(), name="petition_json"),
    path(
        "petitions/<int:petition_id>/count.json",
        PetitionCountJsonView.as_view(),
        name="petition_count_json",
    ),
    path("petitions/<int:petition_id>/map.geojson", PetitionMapView.as_view(), name="petition_map"),
]
