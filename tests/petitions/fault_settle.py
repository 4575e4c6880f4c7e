"""Settle a fault test's database after the faults and print what it holds, as JSON.

Run in a subprocess with the fault test's DATABASE_URL: processes every new signature,
confirms every pending one, counts, reconciles, and reports rows against counts.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    from django.db.models import Count, Sum
    from django.utils import timezone

    from callingtime.petitions.counting import petition_counts_reconcile, petition_counts_update
    from callingtime.petitions.models import ConstituencyCount, Petition, Signature, SignatureState
    from callingtime.petitions.processing import signatures_process_new
    from callingtime.petitions.signing import signature_confirm, signature_token

    while signatures_process_new(limit=1000):
        pass
    for signature in Signature.objects.filter(state=SignatureState.PENDING).iterator():
        signature_confirm(token=signature_token(signature=signature))
    counted = petition_counts_update(now=timezone.now() + timedelta(seconds=30))
    repairs = petition_counts_reconcile()
    petition = Petition.objects.get()
    validated = Signature.objects.filter(petition=petition, state=SignatureState.VALIDATED)
    twice = (
        validated.values("email_normalised", "name_normalised", "postcode")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    by_constituency = ConstituencyCount.objects.filter(petition=petition).aggregate(
        total=Sum("signature_count")
    )["total"]
    print(
        json.dumps(
            {
                "emails": sorted(Signature.objects.values_list("email", flat=True)),
                "rows": Signature.objects.count(),
                "validated": validated.count(),
                "signature_count": petition.signature_count,
                "constituency_total": by_constituency or 0,
                "counted_by_last_run": counted.added,
                "repairs_after_count": len(repairs),
                "validated_twice": twice,
            }
        )
    )


if __name__ == "__main__":
    main()
