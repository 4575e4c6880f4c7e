"""Staff pages for abuse controls: the trending report, the block list and invalidations.

Each view checks the role through `staff_petition`, parses a form, calls one service from
`abuse` and renders. Changes need OPERATE_PETITION; the report needs VIEW_REPORTS. Like every
staff page (`staff_page`), responses are private and never cached: they name IPs and e-mails.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callingtime.campaigns.roles import Capability
from callingtime.campaigns.staff_pages import staff_page
from callingtime.petitions.abuse import (
    CONDITION_LABELS,
    AbuseInputError,
    InvalidationConditionsError,
    blocked_item_add,
    blocked_item_remove,
    blocked_items_list,
    invalidation_apply,
    invalidation_conditions_parse,
    invalidation_preview,
    invalidation_summary,
    invalidations_list,
    trending_latest,
)
from callingtime.petitions.models import BlockKind, SignatureState
from callingtime.petitions.staff_access import staff_petition


class BlockForm(forms.Form):
    kind = forms.ChoiceField(choices=BlockKind.choices, label="What to block")
    value = forms.CharField(max_length=254, label="Value", help_text="e.g. 192.0.2.0/24")
    reason = forms.CharField(max_length=200, required=False, label="Reason (for other staff)")


class InvalidationForm(forms.Form):
    """The conditions; `abuse.invalidation_conditions_parse` decides what is valid."""

    conditions: dict[str, str]

    ip = forms.CharField(required=False, help_text="One address, or a network like 192.0.2.0/24")
    email_domain = forms.CharField(required=False, help_text="Also matches its subdomains")
    email_contains = forms.CharField(required=False)
    name_contains = forms.CharField(required=False)
    postcode_prefix = forms.CharField(required=False, help_text="e.g. RM10 or RM10 8")
    constituency_code = forms.CharField(required=False, help_text="e.g. E14001189")
    created_after = forms.CharField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    created_before = forms.CharField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    state = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Pending or validated"),
            (SignatureState.PENDING, "Pending only"),
            (SignatureState.VALIDATED, "Validated only"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = CONDITION_LABELS[name]

    def clean(self) -> dict[str, Any]:
        try:
            self.conditions = invalidation_conditions_parse(self.data)
        except InvalidationConditionsError as error:
            for field, message in error.errors.items():
                self.add_error(field or None, message)
        return self.cleaned_data


def _count(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@require_GET
@staff_page
def abuse_trending_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Show the petition's latest trending IPs and e-mail domains."""
    # IP addresses are personal data: analysts (reports only) do not see them.
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.VIEW_SUPPORTER_DATA
    )
    report = trending_latest(petition=petition)
    return render(
        request, "petitions/staff/abuse_trending.html", {"petition": petition, "report": report}
    )


@require_http_methods(["GET", "POST"])
@staff_page
def abuse_blocklist_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Show the site-wide block list and add to it."""
    # The block list applies to every organisation's petitions: only admins may change it.
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.MANAGE_STAFF
    )
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = blocked_item_add(**form.cleaned_data, user=request.user)
        except AbuseInputError as error:
            form.add_error("value", str(error))
        else:
            messages.success(request, f"Blocked {item}. New signatures from it are flagged.")
            return redirect("petitions:abuse_blocklist", petition_id=petition.pk)
    context = {"petition": petition, "form": form, "items": blocked_items_list()}
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/staff/blocklist.html", context, status=status)


@require_POST
@staff_page
def abuse_blocklist_remove_view(
    request: HttpRequest, petition_id: int, item_id: int
) -> HttpResponse:
    """Take one entry off the block list."""
    # The block list applies to every organisation's petitions: only admins may change it.
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.MANAGE_STAFF
    )
    # Already gone (a colleague removed it) is fine: the list shows the outcome.
    with contextlib.suppress(AbuseInputError):
        blocked_item_remove(item_id=item_id, user=request.user)
    return redirect("petitions:abuse_blocklist", petition_id=petition.pk)


@require_http_methods(["GET", "POST"])
@staff_page
def abuse_invalidations_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Choose conditions, see the dry-run count, then apply; list past invalidations."""
    petition = staff_petition(
        request=request, petition_id=petition_id, capability=Capability.OPERATE_PETITION
    )
    form = InvalidationForm(request.POST or None)
    context: dict[str, Any] = {"petition": petition, "form": form, "preview": None}
    if request.method == "POST" and not form.is_valid():
        context["invalidations"] = invalidations_list(petition=petition)
        return render(request, "petitions/staff/abuse_invalidations.html", context, status=400)
    if request.method == "POST" and request.POST.get("action") == "apply":
        invalidation = invalidation_apply(
            petition=petition,
            conditions=form.conditions,
            user=request.user,
            matched_count=_count(request.POST.get("matched_count")),
        )
        url = reverse("petitions:abuse_invalidations", kwargs={"petition_id": petition.pk})
        return redirect(f"{url}?applied={invalidation.pk}")
    if request.method == "POST":
        context["preview"] = {
            "count": invalidation_preview(petition=petition, conditions=form.conditions),
            "summary": invalidation_summary(form.conditions),
            "conditions": form.conditions,
        }
    invalidations = invalidations_list(petition=petition)
    context["invalidations"] = invalidations
    applied = _count(request.GET.get("applied"))
    context["applied"] = invalidations.filter(pk=applied).first() if applied else None
    return render(request, "petitions/staff/abuse_invalidations.html", context)


_STAFF = "staff/petitions/<int:petition_id>"
urlpatterns: list[URLPattern] = [
    path(f"{_STAFF}/trending/", abuse_trending_view, name="abuse_trending"),
    path(f"{_STAFF}/blocklist/", abuse_blocklist_view, name="abuse_blocklist"),
    path(
        f"{_STAFF}/blocklist/<int:item_id>/remove/",
        abuse_blocklist_remove_view,
        name="abuse_blocklist_remove",
    ),
    path(f"{_STAFF}/invalidations/", abuse_invalidations_view, name="abuse_invalidations"),
]
