"""Staff pages for the paper side: the overview and settings, the pack queue, PDFs, delivery.

Each view gets its petition from `staff_petition` for one capability, calls one service or
selector and renders; every response is private and never stored (`staff_page`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callingtime.campaigns.roles import Capability
from callingtime.campaigns.staff_pages import staff_page
from callingtime.paper.delivery import delivery_csv_lines, delivery_pdf_render
from callingtime.paper.forms import PackStatusForm, PaperSettingsForm, StaffPackForm
from callingtime.paper.models import PackStatus
from callingtime.paper.packs import (
    PackError,
    pack_create_for_staff,
    pack_pdf_render,
    packs_status_set,
    paper_settings_update,
)
from callingtime.paper.selectors import pack_queue, paper_overview, petition_pack_get
from callingtime.petitions.share import site_url
from callingtime.petitions.staff_access import staff_petition, staff_petition_any_role

# Rendering takes about 0.07 s of CPU a sheet; bigger packs are printed from the CLI.
PDF_SHEETS_IN_REQUEST = 100
PDF_TOO_BIG = (
    "This pack has {n} sheets: too many to render while you wait. Print it with "
    "`callingtime paper pack-pdf {pk} --output pack.pdf`."
)


def _base(request: HttpRequest) -> str:
    return site_url(request, "")


@staff_page
@require_GET
def paper_page(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition_any_role(request=request, petition_id=petition_id)
    overview = paper_overview(petition=petition)
    form = PaperSettingsForm(
        initial={
            "requests_open": overview.settings.requests_open,
            "return_instructions": overview.settings.return_instructions,
            "rows_per_sheet": overview.settings.rows_per_sheet,
            "double_entry": overview.settings.double_entry,
        }
    )
    context = {"petition": petition, "overview": overview, "settings_form": form}
    return render(request, "paper/staff/paper.html", context)


@staff_page
@require_POST
def paper_settings(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.EDIT_CAMPAIGN
    )
    form = PaperSettingsForm(request.POST)
    if not form.is_valid():
        overview = paper_overview(petition=petition)
        context = {"petition": petition, "overview": overview, "settings_form": form}
        return render(request, "paper/staff/paper.html", context, status=400)
    paper_settings_update(petition=petition, **form.cleaned_data)
    messages.success(request, "Paper settings saved.")
    return redirect("paper:staff_paper", petition_id=petition.pk)


@staff_page
@require_http_methods(["GET", "POST"])
def pack_list(request: HttpRequest, petition_id: int) -> HttpResponse:
    capability = (
        Capability.OPERATE_PETITION if request.method == "POST" else Capability.VIEW_SUPPORTER_DATA
    )
    petition = staff_petition(request=request, petition_id=petition_id, capability=capability)
    status = request.GET.get("status", "")
    status = status if status in PackStatus.values else ""
    packs = list(pack_queue(petition=petition, status=status))
    form = PackStatusForm(
        request.POST if request.method == "POST" else None, pack_ids=[p.pk for p in packs]
    )
    if request.method == "POST" and form.is_valid():
        change = packs_status_set(
            petition=petition,
            pack_ids=form.cleaned_data["packs"],
            status=form.cleaned_data["status"],
        )
        label = PackStatus(form.cleaned_data["status"]).label.lower()
        messages.success(
            request, f"Marked {change.changed} pack{'s' if change.changed != 1 else ''} {label}."
        )
        if change.skipped:
            messages.warning(
                request,
                f"{change.skipped} pack{'s were' if change.skipped != 1 else ' was'} left as "
                f"{'they were' if change.skipped != 1 else 'it was'}: a pack moves on from "
                "requested to printed, posted and returned, and cannot go back.",
            )
        return redirect(request.get_full_path())
    context = {
        "petition": petition,
        "packs": packs,
        "form": form,
        "status": status,
        "statuses": PackStatus.choices,
        "new_form": StaffPackForm(),
    }
    return render(request, "paper/staff/packs.html", context, status=400 if form.errors else 200)


@staff_page
@require_POST
def pack_new(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.OPERATE_PETITION
    )
    form = StaffPackForm(request.POST)
    if not form.is_valid():
        for _, message in form.error_summary():
            messages.error(request, message)
        return redirect("paper:staff_packs", petition_id=petition.pk)
    try:
        pack = pack_create_for_staff(petition=petition, user=request.user, **form.cleaned_data)
    except PackError as error:
        messages.error(request, str(error))
        return redirect("paper:staff_packs", petition_id=petition.pk)
    messages.success(request, f"{pack.reference} made with {pack.sheet_count} sheets.")
    return redirect("paper:staff_packs", petition_id=petition.pk)


@staff_page
@require_GET
def pack_pdf(request: HttpRequest, petition_id: int, pack_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.VIEW_SUPPORTER_DATA
    )
    pack = petition_pack_get(petition=petition, pack_id=pack_id)
    if pack is None:
        raise Http404("No such pack.")
    if pack.sheet_count > PDF_SHEETS_IN_REQUEST:
        messages.error(request, PDF_TOO_BIG.format(n=pack.sheet_count, pk=pack.pk))
        return redirect("paper:staff_packs", petition_id=petition.pk)
    document = pack_pdf_render(pack=pack, site_url=_base(request))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="petition-{petition.pk}-pack-{pack.pk}.pdf"'
    )
    return response


@staff_page
@require_GET
def delivery_pdf(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.VIEW_REPORTS
    )
    document = delivery_pdf_render(petition=petition, site_url=_base(request))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="petition-{petition.pk}-delivery.pdf"'
    return response


@staff_page
@require_GET
def delivery_csv(request: HttpRequest, petition_id: int) -> StreamingHttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.VIEW_SUPPORTER_DATA
    )
    response = StreamingHttpResponse(
        delivery_csv_lines(petition=petition), content_type="text/csv; charset=utf-8"
    )
    filename = f"petition-{petition.pk}-delivery.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_P = "staff/petitions/<int:petition_id>/paper/"
urlpatterns: list[URLPattern] = [
    path(_P, paper_page, name="staff_paper"),
    path(f"{_P}settings/", paper_settings, name="staff_paper_settings"),
    path(f"{_P}packs/", pack_list, name="staff_packs"),
    path(f"{_P}packs/new/", pack_new, name="staff_pack_new"),
    path(f"{_P}packs/<int:pack_id>.pdf", pack_pdf, name="staff_pack_pdf"),
    path(f"{_P}delivery.pdf", delivery_pdf, name="staff_delivery_pdf"),
    path(f"{_P}delivery.csv", delivery_csv, name="staff_delivery_csv"),
]
