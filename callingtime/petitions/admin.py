"""Django admin for petitions, their milestones and the consent wording.

Signatures are personal data and are not in the admin at all: staff read them on the signers
page, which checks VIEW_SUPPORTER_DATA. Counts and switches are read-only here; the counter
and the staff petition page own them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from callingtime.campaigns.admin import NoBulkDeleteMixin, campaign_editable, campaign_viewable
from callingtime.campaigns.roles import Capability
from callingtime.campaigns.selectors import campaigns_viewable_in_admin, campaigns_with
from callingtime.petitions.models import ConsentWording, Milestone, Petition, Signature
from callingtime.petitions.switches import petition_state_stamp


def _campaign_of(obj: Petition | None) -> Any:
    return None if obj is None else obj.campaign


class MilestoneInline(admin.TabularInline[Milestone, Petition]):
    model = Milestone
    extra = 1
    fields = ("threshold", "label", "reached_at")
    readonly_fields = ("reached_at",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_viewable(request, _campaign_of(obj))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_editable(request, _campaign_of(obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_editable(request, _campaign_of(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_editable(request, _campaign_of(obj))


@admin.register(Petition)
class PetitionAdmin(NoBulkDeleteMixin, admin.ModelAdmin[Petition]):
    list_display = ("action", "campaign", "state", "signature_count", "closing_date")
    list_filter = ("state",)
    search_fields = ("action",)
    fields = (
        "campaign",
        "action",
        "background",
        "additional_details",
        "state",
        "closing_date",
        "opened_at",
        "closed_at",
        "signature_count",
        "signature_count_online",
        "signature_count_paper",
        "counted_until",
        "signing_paused",
        "counting_paused",
        "anonymised_at",
    )
    readonly_fields = (
        "opened_at",
        "closed_at",
        "signature_count",
        "signature_count_online",
        "signature_count_paper",
        "counted_until",
        "signing_paused",
        "counting_paused",
        "anonymised_at",
    )
    inlines = (MilestoneInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        visible = campaigns_viewable_in_admin(user=request.user)
        return super().get_queryset(request).filter(campaign__in=visible).select_related("campaign")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return campaign_viewable(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Petition | None = None) -> bool:
        return campaign_viewable(request, _campaign_of(obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return campaign_editable(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Petition | None = None) -> bool:
        return campaign_editable(request, _campaign_of(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Petition | None = None) -> bool:
        # Deleting a petition would delete its signatures: only empty drafts may go.
        if obj is not None and Signature.objects.filter(petition=obj).exists():
            return False
        return campaign_editable(request, _campaign_of(obj))

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "campaign":
            kwargs["queryset"] = campaigns_with(
                user=request.user, capability=Capability.EDIT_CAMPAIGN
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Petition, form: ModelForm[Petition], change: bool
    ) -> None:
        previous = Petition.objects.filter(pk=obj.pk).values_list("state", flat=True).first()
        petition_state_stamp(petition=obj, previous_state=previous)
        super().save_model(request, obj, form, change)


@admin.register(ConsentWording)
class ConsentWordingAdmin(admin.ModelAdmin[ConsentWording]):
    """The words signers agree to: superusers only, and frozen once anyone has signed them."""

    list_display = ("version", "created_at")
    readonly_fields = ("created_at",)

    def _superuser(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and getattr(request.user, "is_superuser", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Each signature names the wording it saw; editing it afterwards would rewrite consent.
        if obj is not None and Signature.objects.filter(consent=obj).exists():
            return False
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
