"""Paper lines held for review because they look like a signature already on the petition."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from callingtime.campaigns.roles import User
from callingtime.paper.models import PaperSignature
from callingtime.petitions.models import Petition, Signature, SignatureState

REVIEW_GONE = "That line has already been decided (or is not held for review)."


class ReviewError(Exception):
    """A review decision could not be applied; nothing changed."""


@dataclass(frozen=True)
class HeldLine:
    """A held paper line beside the signature it seems to repeat (None: a line of its sheet)."""

    held: Signature
    provenance: PaperSignature
    matched: Signature | None


def paper_reviews_waiting(*, petition: Petition) -> list[HeldLine]:
    """Return the petition's paper lines held for review, oldest first."""
    held = (
        PaperSignature.objects.filter(
            signature__petition=petition, signature__state=SignatureState.REVIEW
        )
        .select_related("signature", "matched", "sheet", "sheet__pack", "keyed_by")
        .order_by("signature__created_at", "pk")
    )
    return [HeldLine(held=p.signature, provenance=p, matched=p.matched) for p in held]


def paper_review_resolve(
    *, petition: Petition, signature_id: int, count: bool, user: User
) -> Signature:
    """Count a held line (a different person after all) or mark it a duplicate."""
    now = timezone.now()
    with transaction.atomic():
        changes: dict[str, object] = (
            {"state": SignatureState.VALIDATED, "validated_at": now}
            if count
            else {"state": SignatureState.DUPLICATE}
        )
        updated = Signature.objects.filter(
            pk=signature_id, petition=petition, state=SignatureState.REVIEW
        ).update(**changes)
        if updated != 1:
            raise ReviewError(REVIEW_GONE)
        PaperSignature.objects.filter(signature_id=signature_id).update(
            resolved_by_id=user.pk, resolved_at=now
        )
    return Signature.objects.get(pk=signature_id)
