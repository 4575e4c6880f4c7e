"""The demo survey: the community-safety starter, published on the demo campaign.

`callingtime start` runs `demo_survey_ensure` after the demo campaign, so a fresh machine has
a survey to answer at /surveys/<id>/. It makes nothing if the campaign already has a survey.
"""

from __future__ import annotations

from django.db import transaction

from callingtime.campaigns.models import Campaign
from callingtime.surveys.building import survey_create, survey_publish
from callingtime.surveys.models import Survey


def demo_survey_ensure(*, campaign: Campaign) -> tuple[Survey, bool]:
    """Return the campaign's first survey, creating and publishing the starter if it has none."""
    with transaction.atomic():
        existing = campaign.surveys.order_by("pk").first()
        if existing is not None:
            return existing, False
        survey = survey_create(campaign=campaign, user=None, starter_key="community-safety")
        return survey_publish(survey=survey), True
