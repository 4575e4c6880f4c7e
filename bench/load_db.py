"""Database questions the load benchmark asks, run in a subprocess with the run's settings.

python bench/load_db.py demo-petition | rows | unprocessed | validated ID | tokens ID FILE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from callingtime.petitions.demo_campaign import demo_campaign_ensure
    from callingtime.petitions.models import Signature, SignatureState
    from callingtime.petitions.signing import signature_token

    question, *rest = argv
    if question == "demo-petition":
        print(demo_campaign_ensure().petition.pk)
    elif question == "rows":
        print(Signature.objects.count())
    elif question == "unprocessed":
        print(Signature.objects.filter(processed_at__isnull=True).count())
    elif question == "validated":
        print(
            Signature.objects.filter(
                petition_id=int(rest[0]), state=SignatureState.VALIDATED
            ).count()
        )
    elif question == "tokens":
        pending = Signature.objects.filter(petition_id=int(rest[0]), state=SignatureState.PENDING)
        with open(rest[1], "w") as out:
            for signature in pending.order_by("?").iterator():
                out.write(signature_token(signature=signature) + "\n")
    else:
        print(f"unknown question {question!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
