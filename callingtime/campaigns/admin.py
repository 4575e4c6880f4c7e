"""Django admin for organisations and campaigns, scoped to the organisations a user is staff of.

Staff accounts are not in Django's permission groups (a role applies only inside its
organisation), so every admin here answers the has_*_permission questions from the role's
capabilities instead, and lists only the rows of the user's own organisations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import Field, ForeignKey, ManyToManyField, QuerySet, URLField
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from callingtime.campaigns.models import Campaign, CampaignArea, Membership, Organisation
from callingtime.campaigns.roles import Capability, campaign_can
from callingtime.campaigns.selectors import (
    campaigns_viewable_in_admin,
    capability_held_anywhere,
    organisations_with,
    staff_users_choosable_by,
)
from callingtime.campaigns.services import campaign_organisations_set, staff_account_ensure

admin.site.site_header = "callingtime campaign admin"
admin.site.site_title = "callingtime admin"
admin.site.index_title = "Campaigns, petitions and staff"
admin.site.site_url = "/staff/"


def _superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and getattr(request.user, "is_superuser", False))


def campaign_viewable(request: HttpRequest, campaign: Campaign | None) -> bool:
    """Return whether the user may read the campaign (or any campaign, for None) in the admin."""
    user = request.user
    if campaign is None:
        return capability_held_anywhere(
            user=user, capability=Capability.EDIT_CAMPAIGN
        ) or capability_held_anywhere(user=user, capability=Capability.VIEW_REPORTS)
    return campaign_can(
        user=user, campaign=campaign, capability=Capability.EDIT_CAMPAIGN
    ) or campaign_can(user=user, campaign=campaign, capability=Capability.VIEW_REPORTS)


def campaign_editable(request: HttpRequest, campaign: Campaign | None) -> bool:
    """Return whether the user may edit the campaign (or any campaign, for None)."""
    if campaign is None:
        return capability_held_anywhere(user=request.user, capability=Capability.EDIT_CAMPAIGN)
    return campaign_can(user=request.user, campaign=campaign, capability=Capability.EDIT_CAMPAIGN)


class NoBulkDeleteMixin:
    """Drop the changelist's bulk delete, which asks for permission without naming objects."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


class CampaignAreaInline(admin.TabularInline[CampaignArea, Campaign]):
    model = CampaignArea
    extra = 1
    fields = ("code", "name", "type")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_viewable(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return campaign_editable(request, obj)


@admin.register(Campaign)
class CampaignAdmin(NoBulkDeleteMixin, admin.ModelAdmin[Campaign]):
    list_display = ("title", "hashtag", "organisation_names", "created_at")
    search_fields = ("title", "slug", "hashtag")
    fields = ("title", "slug", "demand", "target", "hashtag", "organisations")
    inlines = (CampaignAreaInline,)

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Campaign | None = None
    ) -> dict[str, Sequence[str]]:
        return {"slug": ("title",)}

    @admin.display(description="Organisations")
    def organisation_names(self, campaign: Campaign) -> str:
        return ", ".join(o.name for o in campaign.organisations.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        visible = campaigns_viewable_in_admin(user=request.user)
        return (
            super().get_queryset(request).filter(pk__in=visible).prefetch_related("organisations")
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return campaign_viewable(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return campaign_viewable(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return campaign_editable(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return campaign_editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        # Petitions protect their campaign, so this deletes only campaigns without petitions.
        return campaign_editable(request, obj)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "organisations":
            kwargs["queryset"] = organisations_with(
                user=request.user, capability=Capability.EDIT_CAMPAIGN
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Campaign], formsets: Any, change: bool
    ) -> None:
        # The form offers only the user's own organisations; the service keeps the others of a
        # joint campaign, which saving the form as it is would silently drop.
        requested = form.cleaned_data.pop("organisations", [])
        super().save_related(request, form, formsets, change)
        campaign_organisations_set(user=request.user, campaign=form.instance, requested=requested)


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 1
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = staff_users_choosable_by(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _manages(self, request: HttpRequest, obj: Organisation | None) -> bool:
        return organisation_manageable(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)


def organisation_manageable(request: HttpRequest, organisation: Organisation | None) -> bool:
    """Return whether the user manages the organisation's staff (or any, for None)."""
    managed = organisations_with(user=request.user, capability=Capability.MANAGE_STAFF)
    if organisation is None:
        return managed.exists()
    return managed.filter(pk=organisation.pk).exists()


@admin.register(Organisation)
class OrganisationAdmin(NoBulkDeleteMixin, admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug", "privacy_contact")
    search_fields = ("name", "slug")
    inlines = (MembershipInline,)

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Organisation | None = None
    ) -> dict[str, Sequence[str]]:
        return {"slug": ("name",)}

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if isinstance(db_field, URLField):
            kwargs["assume_scheme"] = "https"  # what Django 6 will assume; say it now
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        managed = organisations_with(user=request.user, capability=Capability.MANAGE_STAFF)
        return super().get_queryset(request).filter(pk__in=managed)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return organisation_manageable(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return organisation_manageable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return organisation_manageable(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new data controller is set up by whoever runs the instance.
        return _superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return _superuser(request)

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            members = Membership.objects.filter(organisation=form.instance).select_related("user")
            for membership in members:
                staff_account_ensure(user=membership.user)
