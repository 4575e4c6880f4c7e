"""Reads for the staff pages: the dashboard, a petition's figures, its signers and their export.

Signers' personal data leaves only through `petition_signers` and `petition_signers_export`;
the views reach them after `staff_petition(... VIEW_SUPPORTER_DATA)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from callingtime.campaigns.models import Campaign
from callingtime.campaigns.roles import User, campaigns_visible_to, user_capabilities
from callingtime.core.stores import GeographyNotLoadedError, areas_store
from callingtime.petitions.exports import SignerRow
from callingtime.petitions.models import (
    ConstituencyCount,
    Milestone,
    Petition,
    Signature,
    SignatureState,
    SiteSwitches,
)

SIGNER_STATES = ("validated", "pending", "fraudulent", "duplicate", "invalidated", "all")
CONSTITUENCIES_SHOWN = 15


@dataclass(frozen=True)
class CampaignSummary:
    """A campaign on the dashboard with its petitions."""

    campaign: Campaign
    organisations: tuple[str, ...]
    petitions: tuple[Petition, ...]


def staff_dashboard(*, user: User) -> list[CampaignSummary]:
    """Return the campaigns of the user's organisations, each with its petitions and counts."""
    campaigns = (
        campaigns_visible_to(user=user)
        .prefetch_related("organisations", "petitions")
        .order_by("-created_at", "pk")
    )
    return [
        CampaignSummary(
            campaign=campaign,
            organisations=tuple(o.name for o in campaign.organisations.all()),
            petitions=tuple(sorted(campaign.petitions.all(), key=lambda p: -p.pk)),
        )
        for campaign in campaigns
    ]


@dataclass(frozen=True)
class StateCounts:
    """How many signature rows are in each state (rows, not the derived counts)."""

    pending: int
    validated: int
    fraudulent: int
    duplicate: int
    invalidated: int
    review: int = 0

    @property
    def total(self) -> int:
        return (
            self.pending
            + self.validated
            + self.fraudulent
            + self.duplicate
            + self.invalidated
            + self.review
        )


@dataclass(frozen=True)
class ConstituencyLine:
    code: str
    name: str
    online: int
    paper: int
    total: int


@dataclass(frozen=True)
class PetitionStaffSummary:
    """Everything the petition staff page shows: counts, states, milestones and switches."""

    petition: Petition
    states: StateCounts
    uncounted: int
    milestones: tuple[Milestone, ...]
    constituencies: tuple[ConstituencyLine, ...]
    constituencies_total: int
    site: SiteSwitches
    capabilities: frozenset[str]


def _constituency_names(codes: list[str]) -> dict[str, str]:
    try:
        with areas_store() as store:
            areas = store.areas
            return {code: areas[code].name for code in codes if code in areas}
    except GeographyNotLoadedError:
        return {}


def petition_state_counts(*, petition: Petition) -> StateCounts:
    """Return the number of signature rows of the petition in each state."""
    rows = dict(
        Signature.objects.filter(petition=petition)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return StateCounts(
        pending=rows.get(SignatureState.PENDING, 0),
        validated=rows.get(SignatureState.VALIDATED, 0),
        fraudulent=rows.get(SignatureState.FRAUDULENT, 0),
        duplicate=rows.get(SignatureState.DUPLICATE, 0),
        invalidated=rows.get(SignatureState.INVALIDATED, 0),
        review=rows.get(SignatureState.REVIEW, 0),
    )


def petition_staff_summary(*, user: User, petition: Petition) -> PetitionStaffSummary:
    """Return the petition staff page's figures and what this user may do there."""
    organisation_ids = set(petition.campaign.organisations.values_list("pk", flat=True))
    validated = Signature.objects.filter(petition=petition, state=SignatureState.VALIDATED)
    if petition.counted_until is not None:
        validated = validated.filter(validated_at__gt=petition.counted_until)
    counts = list(
        ConstituencyCount.objects.filter(petition=petition, signature_count__gt=0).order_by(
            "-signature_count", "ons_code"
        )
    )
    names = _constituency_names([c.ons_code for c in counts[:CONSTITUENCIES_SHOWN]])
    return PetitionStaffSummary(
        petition=petition,
        states=petition_state_counts(petition=petition),
        uncounted=validated.count(),
        milestones=tuple(petition.milestones.all()),
        constituencies=tuple(
            ConstituencyLine(
                code=c.ons_code,
                name=names.get(c.ons_code, "") if c.ons_code else "Not known",
                online=c.signature_count_online,
                paper=c.signature_count_paper,
                total=c.signature_count,
            )
            for c in counts[:CONSTITUENCIES_SHOWN]
        ),
        constituencies_total=len(counts),
        site=SiteSwitches.current(),
        capabilities=frozenset(user_capabilities(user=user, organisation_ids=organisation_ids)),
    )


def _postcode_compact(text: str) -> str:
    return "".join(text.split()).upper()


def petition_signers(
    *, petition: Petition, search: str = "", state: str = "validated"
) -> QuerySet[Signature]:
    """Return the petition's signers, newest first, matching a name or postcode search."""
    signers = Signature.objects.filter(petition=petition, anonymised_at__isnull=True)
    if state != "all":
        signers = signers.filter(state=state)
    search = search.strip()
    if search:
        signers = signers.annotate(
            postcode_compact=Replace(Upper("postcode"), Value(" "), Value(""))
        ).filter(
            Q(name__icontains=search) | Q(postcode_compact__startswith=_postcode_compact(search))
        )
    return signers.order_by("-created_at", "-pk")


def petition_signers_export(*, petition: Petition) -> Iterator[SignerRow]:
    """Yield the validated signers as the export may show them: e-mail only if they opted in."""
    codes = (
        Signature.objects.filter(petition=petition, state=SignatureState.VALIDATED)
        .exclude(constituency_code="")
        .values_list("constituency_code", flat=True)
        .distinct()
    )
    names = _constituency_names(list(codes))
    rows = (
        Signature.objects.filter(
            petition=petition, state=SignatureState.VALIDATED, anonymised_at__isnull=True
        )
        .order_by("validated_at", "pk")
        .values_list(
            "name",
            "postcode",
            "constituency_code",
            "source",
            "created_at",
            "validated_at",
            "opt_in",
            "email",
        )
    )
    for name, postcode, code, source, created_at, validated_at, opt_in, email in rows.iterator(
        chunk_size=2000
    ):
        yield SignerRow(
            name=name,
            postcode=postcode,
            constituency_code=code,
            constituency=names.get(code, ""),
            source=source,
            signed_at=created_at,
            validated_at=validated_at,
            # Only signers who ticked the opt-in agreed to hear from the organisation again.
            email=email if opt_in else "",
        )
