"""The end of a petition's life: closing it on its date, then forgetting its signers.

Personal data is kept only as long as the petition needs it: ANONYMISE_AFTER_DAYS after a
petition closes, every signature loses its name, e-mail, postcode and IP address. What the
campaign reports survives: each row's constituency, state, source and dates, and all counts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from callingtime.petitions.abuse import invalidations_anonymise
from callingtime.petitions.models import Petition, PetitionState, Signature, TrendingEntry

logger = logging.getLogger(__name__)

# Sent inside the transaction that forgets a petition's signers (keyword `petition`), so apps
# built on petitions (paper packs) forget their own personal data in the same commit.
petition_anonymised = Signal()

# Every field that says who signed or from where; the rest of the row is kept.
_BLANKED = {
    "name": "",
    "name_normalised": "",
    "email": "",
    "email_normalised": "",
    "email_domain": "",
    "postcode": "",
    "ip_address": None,
}


def petitions_close_due(*, now: datetime | None = None) -> int:
    """Close open petitions whose closing date has passed; return how many were closed."""
    now = now or timezone.now()
    closed = Petition.objects.filter(
        state=PetitionState.OPEN, closing_date__lt=timezone.localdate(now)
    ).update(state=PetitionState.CLOSED, closed_at=now)
    if closed:
        logger.info("closed %d petitions past their closing date", closed)
    return closed


def petitions_anonymise_due(*, now: datetime | None = None) -> list[Petition]:
    """Return the petitions closed long enough ago that their signers must be forgotten."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ANONYMISE_AFTER_DAYS)
    # A petition closed early ends at closed_at; one left open past its date, at that date.
    ended = Q(closed_at__isnull=False, closed_at__lt=cutoff) | Q(
        closed_at__isnull=True, closing_date__lt=timezone.localdate(cutoff)
    )
    return list(Petition.objects.filter(ended, anonymised_at__isnull=True).order_by("pk"))


def signatures_anonymise_due(*, now: datetime | None = None) -> int:
    """Blank signers' personal data on petitions past retention; return signatures blanked."""
    now = now or timezone.now()
    blanked = 0
    for petition in petitions_anonymise_due(now=now):
        with transaction.atomic():
            blanked += Signature.objects.filter(
                petition=petition, anonymised_at__isnull=True
            ).update(**_BLANKED, anonymised_at=now)
            TrendingEntry.objects.filter(petition=petition).delete()
            invalidations_anonymise(petition_id=petition.pk)
            petition_anonymised.send(sender=Petition, petition=petition, now=now)
            Petition.objects.filter(pk=petition.pk).update(anonymised_at=now)
    if blanked:
        logger.info("anonymised %d signatures", blanked)
    return blanked
