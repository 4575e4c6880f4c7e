"""Survey staff views' one gate: the campaign or survey asked for, if the role allows it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from callingtime.campaigns.models import Campaign
from callingtime.campaigns.roles import Capability, is_staff_member, user_capabilities
from callingtime.surveys.models import Survey


def _allowed(request: HttpRequest, campaign: Campaign, capability: Capability) -> None:
    organisation_ids = set(campaign.organisations.values_list("pk", flat=True))
    allowed = user_capabilities(user=request.user, organisation_ids=organisation_ids)
    if not allowed:
        raise Http404("No such campaign.")  # other organisations' campaigns are not confirmed
    if str(capability) not in allowed:
        raise PermissionDenied("Your role does not allow this.")


def staff_campaign(*, request: HttpRequest, campaign_id: int, capability: Capability) -> Campaign:
    """Return the campaign for a staff view, or raise PermissionDenied / Http404."""
    if not request.user.is_authenticated or not is_staff_member(user=request.user):
        raise PermissionDenied("Staff only.")
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such campaign.")
    _allowed(request, campaign, capability)
    return campaign


def staff_survey(*, request: HttpRequest, survey_id: int, capability: Capability) -> Survey:
    """Return the survey for a staff view, or raise PermissionDenied / Http404."""
    if not request.user.is_authenticated or not is_staff_member(user=request.user):
        raise PermissionDenied("Staff only.")
    survey = Survey.objects.select_related("campaign").filter(pk=survey_id).first()
    if survey is None:
        raise Http404("No such survey.")
    _allowed(request, survey.campaign, capability)
    return survey
