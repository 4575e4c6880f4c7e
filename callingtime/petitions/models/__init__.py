"""The petition models, one module per aggregate."""

from callingtime.petitions.models.abuse import BlockedItem, BlockKind, Invalidation, TrendingEntry
from callingtime.petitions.models.petition import (
    ConsentWording,
    ConstituencyCount,
    Milestone,
    Petition,
    PetitionState,
    SiteSwitches,
)
from callingtime.petitions.models.signature import Signature, SignatureSource, SignatureState

__all__ = [
    "BlockKind",
    "BlockedItem",
    "ConsentWording",
    "ConstituencyCount",
    "Invalidation",
    "Milestone",
    "Petition",
    "PetitionState",
    "Signature",
    "SignatureSource",
    "SignatureState",
    "SiteSwitches",
    "TrendingEntry",
]
