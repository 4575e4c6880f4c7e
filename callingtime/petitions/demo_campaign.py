"""The demo campaign: two neighbouring MPs' offices calling time on crime, with one open petition.

`callingtime start` runs `demo_campaign_ensure` so a fresh machine shows a real-looking
petition. It creates nothing that already exists (matched by slug, code and threshold) and
never a staff account: a known password on a demo would be a known password in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from callingtime.campaigns.models import Campaign, CampaignArea, Organisation
from callingtime.petitions.models import Milestone, Petition, PetitionState

DEMO_ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "office-islington-north-demo",
        "Office of the MP for Islington North (demo)",
        "Constituency office (demo), Islington, London N7 (not a real address)",
    ),
    (
        "office-hackney-north-demo",
        "Office of the MP for Hackney North and Stoke Newington (demo)",
        "Constituency office (demo), Hackney, London N16 (not a real address)",
    ),
)
# Neighbouring 2024 constituencies of the demo geography: Islington North borders both, so
# the campaign crosses a borough (and Met BCU) boundary as the seed campaign did.
DEMO_AREAS: tuple[tuple[str, str], ...] = (
    ("E14001305", "Islington North"),
    ("E14001306", "Islington South and Finsbury"),
    ("E14001259", "Hackney North and Stoke Newington"),
)
DEMO_CAMPAIGN_SLUG = "calling-time-on-crime"
DEMO_PETITION_ACTION = "Fund more neighbourhood police officers and youth services in our area"
DEMO_MILESTONES: tuple[tuple[int, str], ...] = (
    (100, "The first hundred neighbours"),
    (1_000, "A thousand: we write to the Home Secretary"),
    (10_000, "Ten thousand: we ask for a meeting at the Home Office"),
)
DEMO_OPEN_DAYS = 180


@dataclass(frozen=True)
class DemoCampaign:
    """What ensuring the demo campaign found or made."""

    campaign: Campaign
    petition: Petition
    created: bool

    def summary(self) -> str:
        """Return one line for people."""
        verb = "Created" if self.created else "Found"
        return (
            f"{verb} the demo campaign {self.campaign.title!r} (#{self.campaign.hashtag}) with "
            f"petition {self.petition.pk}: {self.petition.action}."
        )


def demo_campaign_ensure(*, today: date | None = None) -> DemoCampaign:
    """Create the demo organisations, campaign, areas, petition and milestones where missing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        organisations = [
            Organisation.objects.get_or_create(
                slug=slug, defaults={"name": name, "privacy_contact": contact}
            )[0]
            for slug, name, contact in DEMO_ORGANISATIONS
        ]
        campaign, created = Campaign.objects.get_or_create(
            slug=DEMO_CAMPAIGN_SLUG,
            defaults={
                "title": "Calling Time on Crime",
                "demand": (
                    "More neighbourhood police officers, youth services that stay open, and a "
                    "partnership plan with the council to cut knife crime, robbery and drug "
                    "dealing on our streets."
                ),
                "target": "The Home Secretary",
                "hashtag": "CallingTimeOnCrime",
            },
        )
        if created:
            campaign.organisations.set(organisations)
        for code, name in DEMO_AREAS:
            CampaignArea.objects.get_or_create(
                campaign=campaign, code=code, defaults={"name": name, "type": "constituency"}
            )
        petition = campaign.petitions.order_by("pk").first()
        if petition is None:
            created = True
            petition = Petition.objects.create(
                campaign=campaign,
                action=DEMO_PETITION_ACTION,
                background=(
                    "Residents of Islington and Hackney tell us they feel less safe than they "
                    "did. Police numbers on our streets have fallen and youth clubs have closed. "
                    "We are calling time on crime: we ask the Home Secretary to fund more "
                    "neighbourhood officers for our area and the services that keep young "
                    "people safe."
                ),
                additional_details=(
                    "This is a demonstration petition on a demo installation of callingtime. "
                    "The figures on the area pages are real police.uk and ONS data."
                ),
                state=PetitionState.OPEN,
                opened_at=timezone.now(),
                closing_date=today + timedelta(days=DEMO_OPEN_DAYS),
            )
        for threshold, label in DEMO_MILESTONES:
            Milestone.objects.get_or_create(
                petition=petition, threshold=threshold, defaults={"label": label}
            )
    return DemoCampaign(campaign=campaign, petition=petition, created=created)
