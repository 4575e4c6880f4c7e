"""Staff pages for keying returned sheets, resolving double entry, and reviewing held lines."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from callingtime.campaigns.roles import Capability
from callingtime.campaigns.staff_pages import staff_page
from callingtime.paper.forms import (
    ResolveForm,
    ReviewDecisionForm,
    SheetFindForm,
    SheetKeyingForm,
)
from callingtime.paper.keying import (
    KeyingError,
    KeyingOutcome,
    sheet_for_keying,
    sheet_key,
    sheet_mismatches,
    sheet_resolve,
)
from callingtime.paper.models import Sheet, SheetState
from callingtime.paper.review import ReviewError, paper_review_resolve, paper_reviews_waiting
from callingtime.paper.selectors import petition_sheet_get
from callingtime.petitions.models import Petition
from callingtime.petitions.staff_access import staff_petition

OPT_IN_DROPPED = (
    "Updates were ticked without an e-mail on line{s} {lines}: updates need an e-mail, so "
    "{they} {are} saved as no updates."
)


def _keyer_petition(request: HttpRequest, petition_id: int) -> Petition:
    return staff_petition(request=request, petition_id=petition_id, capability=Capability.KEY_PAPER)


def _sheet(petition: Petition, sheet_id: int) -> Sheet:
    sheet = petition_sheet_get(petition=petition, sheet_id=sheet_id)
    if sheet is None:
        raise Http404("No such sheet on this petition.")
    return sheet


def _outcome_messages(request: HttpRequest, outcome: KeyingOutcome) -> None:
    code = outcome.sheet.code
    if outcome.state == SheetState.FIRST_ENTRY:
        messages.success(
            request, f"First entry of sheet {code} saved. Someone else now keys it a second time."
        )
    elif outcome.state == SheetState.MISMATCH:
        lines = ", ".join(map(str, outcome.mismatched_lines))
        messages.warning(
            request,
            f"Sheet {code}: the two entries differ on line(s) {lines}. {outcome.counted} "
            "matching line(s) count now; resolve the rest.",
        )
    else:
        held = (
            f" {outcome.held_for_review} held for review as possible duplicates."
            if outcome.held_for_review
            else ""
        )
        messages.success(
            request, f"Sheet {code} saved: {outcome.counted} signature(s) count.{held}"
        )
    if outcome.opt_in_dropped_lines:
        n = len(outcome.opt_in_dropped_lines)
        messages.warning(
            request,
            OPT_IN_DROPPED.format(
                s="s" if n > 1 else "",
                lines=", ".join(map(str, outcome.opt_in_dropped_lines)),
                they="they" if n > 1 else "it",
                are="are" if n > 1 else "is",
            ),
        )


@staff_page
@require_http_methods(["GET"])
def sheet_find(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = _keyer_petition(request, petition_id)
    form = SheetFindForm(request.GET if "sheet" in request.GET else None)
    problem = ""
    if form.is_bound and form.is_valid():
        try:
            target = sheet_for_keying(
                petition=petition, code_text=form.cleaned_data["sheet"], user=request.user
            )
        except KeyingError as error:
            problem = str(error)
        else:
            return redirect(
                "paper:staff_sheet_key", petition_id=petition.pk, sheet_id=target.sheet.pk
            )
    elif form.is_bound:
        problem = str(form.errors["sheet"][0])
    context = {"petition": petition, "form": form, "problem": problem}
    return render(request, "paper/staff/key_find.html", context, status=400 if problem else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def sheet_key_view(request: HttpRequest, petition_id: int, sheet_id: int) -> HttpResponse:
    petition = _keyer_petition(request, petition_id)
    sheet = _sheet(petition, sheet_id)
    problem = ""
    try:
        target = sheet_for_keying(petition=petition, code_text=sheet.code or "", user=request.user)
    except KeyingError as error:
        if sheet.state == SheetState.MISMATCH:
            return redirect("paper:staff_sheet_resolve", petition_id=petition.pk, sheet_id=sheet.pk)
        messages.error(request, str(error))
        return redirect("paper:staff_sheet_find", petition_id=petition.pk)
    form = SheetKeyingForm(
        request.POST if request.method == "POST" else None, rows=sheet.pack.rows_per_sheet
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = sheet_key(
                sheet=sheet,
                user=request.user,
                lines=form.keyed,
                signed_lines=form.cleaned_data["signed_lines"],
            )
        except KeyingError as error:
            problem = str(error)
        else:
            _outcome_messages(request, outcome)
            if outcome.state == SheetState.MISMATCH:
                return redirect(
                    "paper:staff_sheet_resolve", petition_id=petition.pk, sheet_id=sheet.pk
                )
            return redirect("paper:staff_sheet_find", petition_id=petition.pk)
    context = {
        "petition": petition,
        "sheet": sheet,
        "target": target,
        "form": form,
        "errors": form.error_summary() if form.is_bound else [],
        "problem": problem,
    }
    status = 400 if (form.is_bound and (form.errors or problem)) else 200
    return render(request, "paper/staff/key_sheet.html", context, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def sheet_resolve_view(request: HttpRequest, petition_id: int, sheet_id: int) -> HttpResponse:
    petition = _keyer_petition(request, petition_id)
    sheet = _sheet(petition, sheet_id)
    comparisons = sheet_mismatches(sheet=sheet)
    if not comparisons:
        messages.info(request, f"Sheet {sheet.code} has no differences waiting to be resolved.")
        return redirect("paper:staff_sheet_find", petition_id=petition.pk)
    form = ResolveForm(
        request.POST if request.method == "POST" else None, lines=[c.line for c in comparisons]
    )
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            outcome = sheet_resolve(sheet=sheet, user=request.user, choices=form.choices())
        except KeyingError as error:
            problem = str(error)
        else:
            messages.success(
                request, f"Sheet {sheet.code} resolved: {outcome.counted} more signature(s) count."
            )
            return redirect("paper:staff_sheet_find", petition_id=petition.pk)
    rows = [(c, form[f"line_{c.line}"]) for c in comparisons]
    context = {"petition": petition, "sheet": sheet, "rows": rows, "form": form, "problem": problem}
    status = 400 if (form.is_bound and (form.errors or problem)) else 200
    return render(request, "paper/staff/resolve.html", context, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.VIEW_SUPPORTER_DATA
    )
    if request.method == "POST":
        form = ReviewDecisionForm(request.POST)
        if form.is_valid():
            count = form.cleaned_data["decision"] == "count"
            try:
                paper_review_resolve(
                    petition=petition,
                    signature_id=form.cleaned_data["signature"],
                    count=count,
                    user=request.user,
                )
            except ReviewError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "Counted." if count else "Marked as a duplicate.")
        else:
            messages.error(request, "Choose a line and a decision.")
        return redirect("paper:staff_review", petition_id=petition.pk)
    held = paper_reviews_waiting(petition=petition)
    return render(request, "paper/staff/review.html", {"petition": petition, "held": held})


_P = "staff/petitions/<int:petition_id>/paper/"
urlpatterns: list[URLPattern] = [
    path(f"{_P}key/", sheet_find, name="staff_sheet_find"),
    path(f"{_P}sheets/<int:sheet_id>/key/", sheet_key_view, name="staff_sheet_key"),
    path(f"{_P}sheets/<int:sheet_id>/resolve/", sheet_resolve_view, name="staff_sheet_resolve"),
    path(f"{_P}review/", review_list, name="staff_review"),
]
