"""Staff pages under /staff/: sign in, the dashboard, a petition's figures, switches, signers.

Each view gets its petition from `staff_petition` (403 for a role without the capability,
404 for other organisations' petitions), calls one service or selector and renders. Every
response is `Cache-Control: private, no-store`: these pages hold counts before they are
public and, on the signers pages, personal data.
"""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callingtime.campaigns.roles import Capability, is_staff_member
from callingtime.campaigns.staff_pages import private, staff_page
from callingtime.petitions.counting import CountRepair, petition_counts_reconcile
from callingtime.petitions.exports import signers_csv_filename, signers_csv_lines
from callingtime.petitions.models import SiteSwitches
from callingtime.petitions.staff_access import staff_petition, staff_petition_any_role
from callingtime.petitions.staff_selectors import (
    SIGNER_STATES,
    petition_signers,
    petition_signers_export,
    petition_staff_summary,
    staff_dashboard,
)
from callingtime.petitions.switches import (
    SITE_SWITCHES_NOT_ALLOWED,
    petition_counting_pause,
    petition_signing_pause,
    site_switches_allowed,
    site_switches_set,
)

log = logging.getLogger(__name__)

NOT_STAFF = "This account is not on the staff of any organisation."
SIGNERS_PER_PAGE = 50


class SwitchForm(forms.Form):
    switch = forms.ChoiceField(choices=[("signing", "Signing"), ("counting", "Counting")])
    # Not a BooleanField: a checkbox reads any value but "false", including "0", as on.
    paused = forms.TypedChoiceField(
        choices=[("1", "Pause"), ("0", "Resume")], coerce=lambda value: value == "1"
    )


class SignerSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Name or postcode")
    state = forms.ChoiceField(
        required=False, choices=[(state, state.capitalize()) for state in SIGNER_STATES]
    )
    page = forms.IntegerField(required=False, min_value=1)


@staff_page
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(user=request.user):
        raise PermissionDenied(NOT_STAFF)
    context = {
        "campaigns": staff_dashboard(user=request.user),
        "can_switch_site": site_switches_allowed(user=request.user),
    }
    return render(request, "petitions/staff/dashboard.html", context)


@staff_page
@require_GET
def petition_page(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition_any_role(request=request, petition_id=petition_id)
    summary = petition_staff_summary(user=request.user, petition=petition)
    return render(
        request, "petitions/staff/petition.html", {"petition": petition, "summary": summary}
    )


@staff_page
@require_POST
def petition_switch(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.OPERATE_PETITION
    )
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Unknown switch.", status=400, content_type="text/plain")
    paused = form.cleaned_data["paused"]
    if form.cleaned_data["switch"] == "signing":
        petition_signing_pause(user=request.user, petition=petition, paused=paused)
    else:
        petition_counting_pause(user=request.user, petition=petition, paused=paused)
    verb = "paused" if paused else "resumed"
    messages.success(request, f"{form.cleaned_data['switch'].capitalize()} {verb}.")
    return redirect("petitions:staff_petition", petition_id=petition.pk)


def _repair_message(repair: CountRepair) -> str:
    where = "the petition total" if repair.ons_code is None else repair.ons_code or "not known"
    return f"Repaired {where}: it was {repair.was:,}, the rows say {repair.now:,}."


@staff_page
@require_POST
def petition_reconcile(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.OPERATE_PETITION
    )
    repairs = petition_counts_reconcile(petition_id=petition.pk)
    if not repairs:
        messages.success(request, "Every count matched the signature rows: nothing to repair.")
    for repair in repairs:
        messages.warning(request, _repair_message(repair))
    return redirect("petitions:staff_petition", petition_id=petition.pk)


@staff_page
@require_http_methods(["GET", "POST"])
def site_switches(request: HttpRequest) -> HttpResponse:
    if not site_switches_allowed(user=request.user):
        raise PermissionDenied(SITE_SWITCHES_NOT_ALLOWED)
    if request.method == "POST":
        form = SwitchForm(request.POST)
        if not form.is_valid():
            return HttpResponse("Unknown switch.", status=400, content_type="text/plain")
        key = f"{form.cleaned_data['switch']}_paused"
        site_switches_set(user=request.user, **{key: form.cleaned_data["paused"]})
        messages.success(request, "Site switches saved.")
        return redirect("petitions:staff_switches")
    return render(request, "petitions/staff/switches.html", {"site": SiteSwitches.current()})


@staff_page
@require_GET
def signers(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.VIEW_SUPPORTER_DATA
    )
    form = SignerSearchForm(request.GET)
    query = form.cleaned_data if form.is_valid() else {}
    rows = petition_signers(
        petition=petition, search=query.get("q") or "", state=query.get("state") or "validated"
    )
    page = Paginator(rows, SIGNERS_PER_PAGE).get_page(query.get("page") or 1)
    context = {"petition": petition, "form": form, "page": page, "query": query}
    return render(request, "petitions/staff/signers.html", context)


@staff_page
@require_GET
def signers_csv(request: HttpRequest, petition_id: int) -> HttpResponseBase:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.VIEW_SUPPORTER_DATA
    )
    log.info("user %s exported the signers of petition %s", request.user.pk, petition.pk)
    response = StreamingHttpResponse(
        signers_csv_lines(petition_signers_export(petition=petition)),
        content_type="text/csv; charset=utf-8",
    )
    filename = signers_csv_filename(petition_id=petition.pk)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


login = private(
    LoginView.as_view(template_name="petitions/staff/login.html", redirect_authenticated_user=True)
)
logout = private(LogoutView.as_view(next_page=settings.LOGIN_URL))

urlpatterns: list[URLPattern] = [
    path("staff/login/", login, name="staff_login"),
    path("staff/logout/", logout, name="staff_logout"),
    path("staff/", dashboard, name="staff_dashboard"),
    path("staff/switches/", site_switches, name="staff_switches"),
    path("staff/petitions/<int:petition_id>/", petition_page, name="staff_petition"),
    path("staff/petitions/<int:petition_id>/switch/", petition_switch, name="staff_switch"),
    path(
        "staff/petitions/<int:petition_id>/reconcile/",
        petition_reconcile,
        name="staff_reconcile",
    ),
    path("staff/petitions/<int:petition_id>/signers/", signers, name="staff_signers"),
    path("staff/petitions/<int:petition_id>/signers.csv", signers_csv, name="staff_signers_csv"),
]
