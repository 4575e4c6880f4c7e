"""Staff views' one gate: the petition asked for, if the user's role allows the capability."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from callingtime.campaigns.roles import Capability, is_staff_member, user_capabilities
from callingtime.petitions.models import Petition


def staff_petition(*, request: HttpRequest, petition_id: int, capability: Capability) -> Petition:
    """Return the petition for a staff view, or raise PermissionDenied / Http404.

    Staff of other organisations get 404 rather than 403, so petition ids of other
    organisations' drafts are not confirmed to exist.
    """
    user = request.user
    if not user.is_authenticated or not is_staff_member(user=user):
        raise PermissionDenied("Staff only.")
    petition = Petition.objects.select_related("campaign").filter(pk=petition_id).first()
    if petition is None:
        raise Http404("No such petition.")
    organisation_ids = set(petition.campaign.organisations.values_list("pk", flat=True))
    allowed = user_capabilities(user=user, organisation_ids=organisation_ids)
    if not allowed:
        raise Http404("No such petition.")
    if str(capability) not in allowed:
        raise PermissionDenied("Your role does not allow this.")
    return petition


def staff_petition_any_role(*, request: HttpRequest, petition_id: int) -> Petition:
    """Return the petition for a page every role sees (counts, no personal data).

    Analysts have VIEW_REPORTS and data entry KEY_PAPER; either one opens the page.
    """
    try:
        return staff_petition(
            request=request, petition_id=petition_id, capability=Capability.VIEW_REPORTS
        )
    except PermissionDenied:
        return staff_petition(
            request=request, petition_id=petition_id, capability=Capability.KEY_PAPER
        )
